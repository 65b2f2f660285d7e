"""Every GRPO step of a stage logged logprob_mismatch_max (|rollout logp -
trainer logp| over response tokens at the weights that sampled them) within
the float32 bound given, and the stage summary's maximum agrees."""
import argparse, glob, json, os, sys

p = argparse.ArgumentParser()
p.add_argument("runs")
p.add_argument("--stage", required=True)
p.add_argument("--bound", type=float, required=True)
args = p.parse_args()

dirs = glob.glob(os.path.join(args.runs, "*", args.stage + "-*"))
if len(dirs) != 1:
    sys.exit(f"expected one {args.stage} artifact under {args.runs}, got {dirs}")
with open(os.path.join(dirs[0], "metrics.jsonl")) as f:
    steps = [json.loads(line) for line in f if line.strip()]
if not steps:
    sys.exit("no steps logged")
worst = 0.0
for rec in steps:
    mx, mean = rec["logprob_mismatch_max"], rec["logprob_mismatch_mean"]
    if not (0 <= mean <= mx <= args.bound):
        sys.exit(f"step {rec['step']}: mismatch max {mx} mean {mean} "
                 f"exceeds the bound {args.bound}")
    worst = max(worst, mx)
print(f"{args.stage}: {len(steps)} steps within {args.bound} (max {worst:.3g})")
