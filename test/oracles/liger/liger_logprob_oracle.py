"""Liger-Kernel oracle for the CPU fused linear-logprob kernel and its GRPO loss.

Usage:
  liger_logprob_oracle.py compare DIR
  liger_logprob_oracle.py bench N H V REPS THREADS TAU

compare: DIR/in.json {"batch": B, "seq": T, "hidden": H, "vocab": V, "tau",
  "clip_low", "clip_high"} and raw little-endian files written by
  test/unittests/Runtime/Kernels/FusedLinearLogprobOracleTest.cpp: h.f64 [B*T*H],
  w.f64 [V*H], y.i64 [B*T], g.f64 [B*T], old.f64 [B*T], adv.f64 [B],
  mask.f64 [B*T]. Everything runs in float32 on CPU (Liger's selective logprob
  computes in float32). Writes DIR/out.json {"liger_version", "loss"} and
  logp.f64 [B*T], dh.f64, dw.f64 (the selective-logprob kernel with upstream
  gradient g) and loss_dh.f64, loss_dw.f64 (LigerFusedLinearGRPOLoss, loss_type
  "dapo" = token_mean, beta 0, no reference model).

bench: one GRPO loss forward+backward of LigerFusedLinearGRPOLoss (compiled=False)
  on random float32 tensors at B=8, T=N/8; prints one JSON line
  {"liger_version", "seconds" (median of REPS after a warm-up), "peak_extra_bytes"}
  measured like bench/loss/LossPathBench.cpp (VmHWM after /proc/self/clear_refs).

Nothing here re-implements the math: it calls Liger's own
_ChunkedSelectiveLogProbFunction and LigerFusedLinearGRPOLoss.
"""

import ctypes
import json
import os
import statistics
import sys
import time
from importlib.metadata import version

import numpy as np
import torch
from liger_kernel.chunked_loss import LigerFusedLinearGRPOLoss
from liger_kernel.chunked_loss.fused_linear_ppo import (
    _SELECTIVE_LOGPROB_VOCAB_CHUNK_SIZE,
    _ChunkedSelectiveLogProbFunction,
)


def read(d, name, dtype, shape):
    a = np.fromfile(os.path.join(d, name), dtype=dtype).reshape(shape)
    return torch.from_numpy(a)


def write(d, name, t):
    t.detach().to(torch.float64).contiguous().numpy().tofile(os.path.join(d, name))


def grpo_loss(cfg):
    return LigerFusedLinearGRPOLoss(
        beta=0.0,
        compiled=False,
        use_ref_model=False,
        epsilon_low=cfg["clip_low"],
        epsilon_high=cfg["clip_high"],
        loss_type="dapo",
        temperature=cfg["tau"],
    )


def compare(d):
    with open(os.path.join(d, "in.json")) as f:
        cfg = json.load(f)
    B, T, H, V = cfg["batch"], cfg["seq"], cfg["hidden"], cfg["vocab"]
    f32 = torch.float32
    h = read(d, "h.f64", np.float64, (B * T, H)).to(f32)
    w = read(d, "w.f64", np.float64, (V, H)).to(f32)
    y = read(d, "y.i64", np.int64, (B * T,))
    g = read(d, "g.f64", np.float64, (B * T,)).to(f32)
    old = read(d, "old.f64", np.float64, (B, T)).to(f32)
    adv = read(d, "adv.f64", np.float64, (B,)).to(f32)
    mask = read(d, "mask.f64", np.float64, (B, T)).to(f32)

    hh = h.clone().requires_grad_(True)
    ww = w.clone().requires_grad_(True)
    logp = _ChunkedSelectiveLogProbFunction.apply(
        hh, ww, y, None, cfg["tau"], _SELECTIVE_LOGPROB_VOCAB_CHUNK_SIZE
    )
    logp.backward(g)
    write(d, "logp.f64", logp)
    write(d, "dh.f64", hh.grad)
    write(d, "dw.f64", ww.grad)

    hh = h.view(B, T, H).clone().requires_grad_(True)
    ww = w.clone().requires_grad_(True)
    loss, _ = grpo_loss(cfg)(hh, ww, y.view(B, T), mask, adv, old_per_token_logps=old)
    loss.backward()
    write(d, "loss_dh.f64", hh.grad)
    write(d, "loss_dw.f64", ww.grad)
    with open(os.path.join(d, "out.json"), "w") as f:
        json.dump({"liger_version": version("liger-kernel"), "loss": loss.item()}, f)


def proc_status_bytes(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return -1


def bench(n, hidden, vocab, reps, threads, tau):
    if threads > 0:
        torch.set_num_threads(threads)
    torch.manual_seed(0)
    B, T = 8, n // 8
    h = torch.randn(B, T, hidden, requires_grad=True)
    w = (torch.randn(vocab, hidden) * (2.0 / hidden**0.5)).requires_grad_(True)
    y = torch.randint(0, vocab, (B, T))
    lens = torch.randint(T // 2, T + 1, (B, 1))
    mask = (torch.arange(T).unsqueeze(0) < lens).float()
    adv = torch.randn(B)
    with torch.no_grad():
        logits = (h @ w.t() / tau).log_softmax(-1)
        old = logits.gather(-1, y.unsqueeze(-1)).squeeze(-1) + 0.2 * torch.randn(B, T)
        del logits
    loss_fn = grpo_loss({"clip_low": 0.2, "clip_high": 0.28, "tau": tau})

    def step():
        h.grad = None
        w.grad = None
        loss, _ = loss_fn(h, w, y, mask, adv, old_per_token_logps=old)
        loss.backward()

    step()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    h.grad = None
    w.grad = None
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = proc_status_bytes("VmRSS")
    loss, _ = loss_fn(h, w, y, mask, adv, old_per_token_logps=old)
    loss.backward()
    peak = proc_status_bytes("VmHWM")
    print(
        json.dumps(
            {
                "liger_version": version("liger-kernel"),
                "seconds": statistics.median(times),
                "peak_extra_bytes": peak - before,
            }
        )
    )


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "compare":
        compare(sys.argv[2])
    elif len(sys.argv) == 8 and sys.argv[1] == "bench":
        bench(*(int(a) for a in sys.argv[2:7]), float(sys.argv[7]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
