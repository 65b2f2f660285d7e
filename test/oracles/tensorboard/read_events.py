"""Reads a TensorBoard event directory with TensorBoard's own loader and prints
every scalar as `tag step value`, one per line (oracle for TensorBoardWriter)."""
import sys

from tensorboard.backend.event_processing import event_accumulator


def main() -> None:
    acc = event_accumulator.EventAccumulator(sys.argv[1], size_guidance={"scalars": 0})
    acc.Reload()
    for tag in sorted(acc.Tags()["scalars"]):
        for ev in acc.Scalars(tag):
            print(f"{tag} {ev.step} {ev.value!r}")


if __name__ == "__main__":
    main()
