"""Compare two runs of the same plan, one with the compiled loss kernels and
one with --interpret-losses: every GRPO step's metrics and the stage's final
weights must agree to float32 tolerance (timings aside)."""
import argparse, glob, json, math, os, sys

import torch
from safetensors.torch import load_file

p = argparse.ArgumentParser()
p.add_argument("a")
p.add_argument("b")
p.add_argument("--stage", required=True)
p.add_argument("--rtol", type=float, default=1e-4)
p.add_argument("--atol", type=float, default=1e-6,
               help="for values near 0 (a GRPO loss at ratio 1 is ~1e-9)")
args = p.parse_args()


def stage_dir(root):
    dirs = glob.glob(os.path.join(root, "*", args.stage + "-*"))
    if len(dirs) != 1:
        sys.exit(f"expected one {args.stage} artifact under {root}, got {dirs}")
    return dirs[0]


def metrics(d):
    with open(os.path.join(d, "metrics.jsonl")) as f:
        return [json.loads(line) for line in f if line.strip()]


da, db = stage_dir(args.a), stage_dir(args.b)
ma, mb = metrics(da), metrics(db)
if len(ma) != len(mb) or not ma:
    sys.exit(f"metric rows differ: {len(ma)} vs {len(mb)}")
worst = 0.0
for ra, rb in zip(ma, mb):
    for key, va in ra.items():
        if "time" in key or key.endswith("_s") or not isinstance(va, (int, float)):
            continue
        vb = rb.get(key)
        if vb is None:
            sys.exit(f"step {ra.get('step')}: {key} missing in the second run")
        if abs(va - vb) > args.rtol * max(abs(va), abs(vb)) + args.atol:
            sys.exit(f"step {ra.get('step')}: {key} = {va} vs {vb}")
        if max(abs(va), abs(vb)) > args.atol:
            worst = max(worst, abs(va - vb) / max(abs(va), abs(vb)))
wa = load_file(os.path.join(da, "model.safetensors"))
wb = load_file(os.path.join(db, "model.safetensors"))
if wa.keys() != wb.keys():
    sys.exit("the two checkpoints hold different tensors")
wworst = 0.0
for k in wa:
    d = (wa[k].double() - wb[k].double()).abs().max().item()
    s = wa[k].double().abs().max().item() + 1e-12
    wworst = max(wworst, d / s)
if wworst > args.rtol:
    sys.exit(f"weights differ: max |a-b| / max |a| = {wworst}")
print(f"runs agree: {len(ma)} steps, metrics rel {worst:.2e}, weights rel {wworst:.2e}")
