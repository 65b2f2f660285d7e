"""Checks the artifacts of test/Runtime/Inputs/lora.r1p's run against the
pretrained model it started from: each LoRA stage committed adapters only,
its adapters trained, and both exports equal the untouched base weights plus
scale * B @ A of every adapter stacked on them (so training left the base
weights as they were, and export merged); GRPO's KL is to the base. Usage: RUNS MODEL NATIVE OUT"""
import glob, json, os, sys

import torch
from safetensors.torch import load_file

runs, model, native, out = sys.argv[1:5]


def stage(name):
    (d,) = glob.glob(os.path.join(runs, "*", name + "-*"))
    return d


def adapters(d):
    cfg = json.load(open(os.path.join(d, "lora.json")))
    t = load_file(os.path.join(d, "adapter.safetensors"))
    scale = cfg["alpha"] / cfg["rank"]
    return cfg, {k[: -len(".lora_A")] + ".weight": scale * (t[k[:-1] + "B"] @ t[k])
                 for k in t if k.endswith(".lora_A")}, t


base = load_file(os.path.join(model, "model.safetensors"))
deltas = {}
for name in ["tuned", "rl"]:
    d = stage(name)
    files = sorted(json.load(open(os.path.join(d, "manifest.json")))["files"])
    print(f"{name} files:", " ".join(files))
    cfg, delta, t = adapters(d)
    kind = "artifact " + os.path.basename(cfg["base"]["artifact"]).split("-")[0] \
        if "artifact" in cfg["base"] else "model " + cfg["base"]["model"]
    print(f"{name} base: {kind}")
    print(f"{name} adapted tensors: {len(delta)}")
    print(f"{name} adapters trained:",
          all(t[k].abs().max() > 0 for k in t if k.endswith("lora_B")))
    deltas[name] = delta
    size = os.path.getsize(os.path.join(d, "adapter.safetensors"))
    print(f"{name} adapter bytes: {size} "
          f"({size / os.path.getsize(os.path.join(native, 'model.safetensors')):.3f} "
          f"of the full weights)", file=sys.stderr)


# GRPO's reference is the base without rl's adapters: the KL to it is
# exactly 0 at step 1 (fresh adapters, B = 0) and grows as they train.
kl = [json.loads(l)["kl"] for l in open(os.path.join(stage("rl"), "metrics.jsonl"))]
print("rl kl at step 1 is 0:", kl[0] == 0.0, "; then grows:", kl[-1] > 1e-4)


def check(label, got, stacked):
    worst, same = 0.0, True
    for k, w in base.items():
        want = w.clone()
        for delta in stacked:
            if k in delta:
                want += delta[k]
        if not any(k in delta for delta in stacked):
            same = same and torch.equal(got[k], w)
        worst = max(worst, (got[k] - want).abs().max().item())
    print(f"{label}: untouched tensors identical: {same}; "
          f"adapted within 1e-5: {worst < 1e-5}")
    print(f"{label} max |diff| {worst:.2e}", file=sys.stderr)


check("native(tuned)", load_file(os.path.join(native, "model.safetensors")),
      [deltas["tuned"]])
check("hf(rl)", load_file(os.path.join(out, "model.safetensors")),
      [deltas["tuned"], deltas["rl"]])
