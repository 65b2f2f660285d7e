"""Compiles .r1p files and prints, per stage position, whether each file's
artifact key equals the first file's: `stage 2 rl: same changed`."""
import json
import os
import subprocess
import sys


def keys(r1c, src, out):
    subprocess.run([r1c, "compile", src, "-o", out], check=True,
                   capture_output=True)
    with open(os.path.join(out, "plan.json")) as f:
        return [(s["name"], s["key"]) for s in json.load(f)["stages"]]


def main():
    r1c, out, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(out, exist_ok=True)
    runs = [keys(r1c, f, os.path.join(out, f"{i}.r1plan"))
            for i, f in enumerate(files)]
    for i, (name, key) in enumerate(runs[0]):
        verdicts = ["same" if r[i][1] == key else "changed" for r in runs[1:]]
        print(f"stage {i} {name}: {' '.join(verdicts)}")


if __name__ == "__main__":
    main()
