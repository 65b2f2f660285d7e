#!/usr/bin/env python3
"""Benchmarks the r1rt CUDA kernels against PyTorch eager and torch.compile.

Runs the C++ harness (r1rt-cuda-bench) for the r1rt timings and times the same
math in PyTorch in the same process run, on the same GPU, then prints one table:
time, ratio to the best PyTorch variant, and achieved TFLOP/s / TB/s as a
fraction of ceilings measured here (a large bf16 matmul, a large device copy).

  python bench/cuda/bench_kernels.py --harness build/bench/cuda/r1rt-cuda-bench
"""
import argparse
import json
import math
import subprocess
import sys

import torch
import torch.nn.functional as F

REPS = 20


def time_ms(fn, reps=None):
    """Median milliseconds over reps runs after 3 warm-ups (CUDA events)."""
    reps = reps or REPS
    for _ in range(3):
        fn()
    times = []
    for _ in range(reps):
        a = torch.cuda.Event(enable_timing=True)
        b = torch.cuda.Event(enable_timing=True)
        a.record()
        fn()
        b.record()
        b.synchronize()
        times.append(a.elapsed_time(b))
    times.sort()
    return times[len(times) // 2]


def peak_extra(fn):
    torch.cuda.synchronize()
    before = torch.cuda.memory_allocated()
    torch.cuda.reset_peak_memory_stats()
    fn()
    torch.cuda.synchronize()
    return torch.cuda.max_memory_allocated() - before


def ceilings():
    n = 8192
    a = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    b = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    ms = time_ms(lambda: a @ b)
    tflops = 2 * n**3 / ms / 1e9
    src = torch.randn(512 * 2**20, device="cuda")  # 2 GiB
    dst = torch.empty_like(src)
    ms = time_ms(lambda: dst.copy_(src))
    tbs = 2 * src.numel() * 4 / ms / 1e9
    del a, b, src, dst
    return tflops, tbs


def variants(fn):
    """Eager and torch.compile of the same function (compile may fail)."""
    out = {"eager": fn}
    try:
        out["compile"] = torch.compile(fn)
    except Exception as e:  # pragma: no cover - depends on the machine
        print(f"torch.compile unavailable: {e}", file=sys.stderr)
    return out


def clear_grads(*ts):
    for t in ts:
        t.grad = None


# ---- the same math as the r1rt kernels, in PyTorch --------------------------

def loss_case(n, h, v):
    hid = torch.randn(1, n, h, device="cuda", dtype=torch.bfloat16).requires_grad_()
    w = (torch.randn(v, h, device="cuda") * 0.02).to(torch.bfloat16).requires_grad_()
    y = torch.randint(0, v, (1, n), device="cuda")
    old = -torch.rand(1, n, device="cuda") * 5
    adv = torch.randn(1, n, device="cuda")

    def grpo(hid, w):
        logits = (hid @ w.t()).float()
        logp = torch.log_softmax(logits, -1).gather(-1, y.unsqueeze(-1)).squeeze(-1)
        ratio = torch.exp((logp - old).clamp(-20, 20))
        return (-torch.minimum(ratio * adv, ratio.clamp(0.8, 1.2) * adv)).mean()

    fns = {}
    for k, f in variants(grpo).items():
        def step(f=f):
            f(hid, w).backward()
            clear_grads(hid, w)
        fns[k] = step
    return fns


def attention_case(b, s, h, dk, dv):
    q = torch.randn(b, s, h, dk, device="cuda", dtype=torch.bfloat16).requires_grad_()
    k = torch.randn(b, s, h, dk, device="cuda", dtype=torch.bfloat16).requires_grad_()
    v = torch.randn(b, s, h, dv, device="cuda", dtype=torch.bfloat16).requires_grad_()
    g = torch.randn(b, s, h, dv, device="cuda", dtype=torch.bfloat16)
    scale = dk ** -0.5
    mask = torch.ones(s, s, device="cuda", dtype=torch.bool).triu(1)

    def math_attn(q, k, v):
        sc = torch.einsum("bshd,bthd->bhst", q, k).float() * scale
        p = torch.softmax(sc.masked_fill(mask, float("-inf")), -1).to(q.dtype)
        return torch.einsum("bhst,bthd->bshd", p, v)

    def sdpa(q, k, v):  # pads v to the qk head dim, as FlashAttention needs
        vp = F.pad(v, (0, dk - dv)) if dk > dv else v
        o = F.scaled_dot_product_attention(
            q.transpose(1, 2), k.transpose(1, 2), vp.transpose(1, 2),
            is_causal=True, scale=scale)
        return o.transpose(1, 2)[..., :dv]

    fns = {}
    for name, f in list(variants(math_attn).items()) + [("sdpa", sdpa)]:
        def step(f=f):
            f(q, k, v).backward(g)
            clear_grads(q, k, v)
        fns[name] = step
    return fns


def decode_case(b, h, length, rank, rope):
    q = torch.randn(b, h, rank + rope, device="cuda", dtype=torch.bfloat16)
    cache = torch.randn(b, length, rank + rope, device="cuda", dtype=torch.bfloat16)
    scale = (rank + rope) ** -0.5

    def absorbed(q, cache):
        sc = torch.einsum("bhd,bsd->bhs", q, cache).float() * scale
        return torch.einsum("bhs,bsc->bhc", torch.softmax(sc, -1).to(q.dtype),
                            cache[..., :rank])

    fns = {k: (lambda f=f: f(q, cache)) for k, f in variants(absorbed).items()}

    def sdpa():
        o = F.scaled_dot_product_attention(
            q.unsqueeze(2), cache.unsqueeze(1), cache[..., :rank].unsqueeze(1),
            scale=scale)
        return o
    fns["sdpa"] = sdpa
    return fns


def moe_case(t, d, f, e, k):
    x = torch.randn(t, d, device="cuda", dtype=torch.bfloat16).requires_grad_()
    gate = torch.randn(e, d, device="cuda") / math.sqrt(d)
    bias = torch.zeros(e, device="cuda")
    w1 = (torch.randn(e, f, d, device="cuda") * 0.02).to(torch.bfloat16).requires_grad_()
    w3 = (torch.randn(e, f, d, device="cuda") * 0.02).to(torch.bfloat16).requires_grad_()
    w2 = (torch.randn(e, d, f, device="cuda") * 0.02).to(torch.bfloat16).requires_grad_()
    g = torch.randn(t, d, device="cuda", dtype=torch.bfloat16)

    def moe(x, w1, w3, w2):  # DeepSeek-V3 MoE.forward: a loop over experts
        scores = torch.sigmoid(x.float() @ gate.t())
        idx = (scores + bias).topk(k, -1)[1]
        wts = scores.gather(1, idx)
        wts = wts / wts.sum(-1, keepdim=True)
        y = torch.zeros_like(x)
        counts = torch.bincount(idx.flatten(), minlength=e).tolist()
        for i in range(e):
            if counts[i] == 0:
                continue
            rows, top = torch.where(idx == i)
            xe = x[rows]
            he = F.silu(xe @ w1[i].t()) * (xe @ w3[i].t())
            y = y.index_add(0, rows, (he @ w2[i].t()) * wts[rows, top, None].to(x.dtype))
        return y

    fns = {}
    for name, fn in variants(moe).items():
        def step(fn=fn):
            fn(x, w1, w3, w2).backward(g)
            clear_grads(x, w1, w3, w2)
        fns[name] = step
    return fns


def norm_rope_case(s, h, d):
    x = torch.randn(1, s, h, d, device="cuda", dtype=torch.bfloat16).requires_grad_()
    w = torch.randn(d, device="cuda", dtype=torch.bfloat16).requires_grad_()
    ang = torch.rand(s, d // 2, device="cuda")
    freqs = torch.polar(torch.ones_like(ang), ang).view(1, s, 1, d // 2)
    g = torch.randn(1, s, h, d, device="cuda", dtype=torch.bfloat16)

    def fn(x, w):  # V3 RMSNorm + apply_rotary_emb
        n = F.rms_norm(x, (d,), w, 1e-6)
        c = torch.view_as_complex(n.float().view(1, s, h, d // 2, 2))
        return torch.view_as_real(c * freqs).flatten(3).to(x.dtype)

    fns = {}
    for name, f in variants(fn).items():
        def step(f=f):
            f(x, w).backward(g)
            clear_grads(x, w)
        fns[name] = step
    return fns


CASES = {
    "fused_loss_fwd_bwd": loss_case,
    "fused_loss_fwd_bwd_mma": loss_case,  # same math, own WMMA tile GEMMs
    "mla_attention_fwd_bwd": attention_case,
    "mla_decode": decode_case,
    "moe_layer_fwd_bwd": moe_case,
    "rmsnorm_rope_fwd_bwd": norm_rope_case,
}


def main():
    global REPS
    ap = argparse.ArgumentParser()
    ap.add_argument("--harness", default="build/bench/cuda/r1rt-cuda-bench")
    ap.add_argument("--quick", action="store_true", help="small sizes")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--json", help="also write all numbers here")
    args = ap.parse_args()
    REPS = args.reps
    if not torch.cuda.is_available():
        sys.exit("bench_kernels.py: no CUDA device; run it on the GPU machine")
    cmd = [args.harness, "--reps", str(args.reps)] + (["--quick"] if args.quick else [])
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"harness failed ({proc.returncode}):\n{proc.stderr}")
    ours = [json.loads(l) for l in proc.stdout.splitlines() if l.startswith("{")]

    torch.manual_seed(0)
    peak_tflops, peak_tbs = ceilings()
    print(f"device: {torch.cuda.get_device_name()}  torch {torch.__version__}")
    print(f"ceilings: bf16 matmul {peak_tflops:.0f} TFLOP/s, device copy {peak_tbs:.2f} TB/s")
    rows = []
    for r in ours:
        dims = [int(v) for v in r["shape"].split("x")]
        fns = CASES[r["name"]](*dims)
        torch_ms, torch_peak = {}, {}
        for variant, fn in fns.items():
            try:
                torch_ms[variant] = time_ms(fn)
                torch_peak[variant] = peak_extra(fn)
            except Exception as e:  # e.g. out of memory, compile failure
                print(f"{r['name']} {variant}: {type(e).__name__}: {e}"[:300],
                      file=sys.stderr)
        del fns
        torch.cuda.empty_cache()
        best = min(torch_ms, key=torch_ms.get) if torch_ms else None
        tflops = r["flops"] / r["ms"] / 1e9 if r["flops"] else 0.0
        tbs = r["bytes"] / r["ms"] / 1e9
        rows.append(dict(r, torch_ms=torch_ms, torch_peak=torch_peak, best=best,
                         tflops=tflops, tbs=tbs))

    hdr = (f"{'kernel':24} {'shape':24} {'r1rt ms':>9} {'eager ms':>9} {'compile ms':>10} "
           f"{'other ms':>9} {'vs best':>8} {'TFLOP/s':>8} {'%mm':>5} {'TB/s':>6} {'%copy':>6} {'mem vs eager':>12}")
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        t = r["torch_ms"]
        other = [v for k, v in t.items() if k not in ("eager", "compile")]
        best = t[r["best"]] if r["best"] else float("nan")
        eager_peak = r["torch_peak"].get("eager")
        mem = (f"1/{eager_peak / r['peak_extra_bytes']:.1f}"
               if eager_peak and r["peak_extra_bytes"] > 0 else "-")
        fmt = lambda v: f"{v:9.3f}" if v is not None else f"{'n/a':>9}"
        print(f"{r['name']:24} {r['shape']:24} {r['ms']:9.3f} {fmt(t.get('eager'))} "
              f"{fmt(t.get('compile')):>10} {fmt(other[0] if other else None)} "
              f"{best / r['ms']:7.2f}x {r['tflops']:8.1f} {100 * r['tflops'] / peak_tflops:4.0f}% "
              f"{r['tbs']:6.2f} {100 * r['tbs'] / peak_tbs:5.0f}% {mem:>12}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(device=torch.cuda.get_device_name(), ceilings=dict(
                tflops=peak_tflops, tbs=peak_tbs), rows=rows), f, indent=1)


if __name__ == "__main__":
    main()
