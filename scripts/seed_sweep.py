#!/usr/bin/env python3
"""Runs one compiled recipe over seeds x thread counts and judges its gains.

Each run is `r1run BUNDLE --seed S --threads N --out OUT/s<S>-t<N>`; runs with
one thread go two at a time (the machine has two cores). The eval table of
each run gives, for every `--gain LATER:EARLIER` pair, the held-out gain
LATER - EARLIER of `--metric`. A gain passes when its mean over all runs is
greater than `--sigmas` standard deviations (sample std, n - 1) across them:
the bar of docs/demo.md. Prints a Markdown table and exits 1 when any gain
fails, so the same script is the CI check (test/Runtime/rl-gain.test).

Example:
  scripts/seed_sweep.py build/r1_tiny.r1plan --seeds 1 2 3 --threads 1 2 \
      --gain reason:cold --gain mixed:cold --gain final:mixed --out build/sweep
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def cpu_name():
    name, flags = None, set()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name") and name is None:
                name = line.split(":", 1)[1].strip()
            elif line.startswith("flags") and not flags:
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    simd = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "no AVX2"
    if "avx512_bf16" in flags:
        simd += " with BF16"
    return f"{name or platform.machine()}, {os.cpu_count()} vCPUs, {simd}"


def eval_table(store):
    evals = sorted(store.glob("*/*/eval.json"))
    if not evals:
        sys.exit(f"seed_sweep: no eval.json under {store}; did the recipe's eval stage run?")
    rows = json.loads(evals[-1].read_text())["rows"]
    return {r["model"]: r for r in rows}


def run_one(args, seed, threads):
    out = Path(args.out) / f"s{seed}-t{threads}"
    log = Path(args.out) / f"s{seed}-t{threads}.log"
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
    cmd = [args.r1run, args.bundle, "--seed", str(seed), "--threads", str(threads), "--out", str(out)]
    start = time.time()
    with open(log, "w") as f:
        rc = subprocess.call(cmd, stdout=f, stderr=subprocess.STDOUT, env=env)
    if rc != 0:
        tail = log.read_text()[-2000:]
        sys.exit(f"seed_sweep: {' '.join(cmd)} failed (exit {rc}); log {log}:\n{tail}")
    return seed, threads, time.time() - start, eval_table(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bundle", help="compiled plan (X.r1plan)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--gain", action="append", required=True, metavar="LATER:EARLIER")
    ap.add_argument("--metric", default="pass@1")
    ap.add_argument("--sigmas", type=float, default=2.0, help="mean gain must exceed this many stds")
    ap.add_argument("--out", default="build/sweep")
    ap.add_argument("--r1run", default=str(Path(__file__).resolve().parent.parent / "build/bin/r1run"))
    ap.add_argument("--json", help="also write the per-run figures here")
    args = ap.parse_args()
    pairs = [tuple(g.split(":", 1)) for g in args.gain]
    if any(len(p) != 2 for p in pairs):
        sys.exit("seed_sweep: --gain takes LATER:EARLIER, e.g. reason:cold")

    jobs = [(s, t) for t in sorted(args.threads, reverse=True) for s in args.seeds]
    results = []
    # Two-thread runs one at a time, one-thread runs two at a time.
    for width in sorted(set(t for _, t in jobs), reverse=True):
        batch = [j for j in jobs if j[1] == width]
        with ThreadPoolExecutor(max_workers=max(1, (os.cpu_count() or 1) // width)) as pool:
            results += list(pool.map(lambda j: run_one(args, *j), batch))

    models = []
    for p in pairs:
        for m in p:
            if m not in models:
                models.append(m)
    print(f"CPU: {cpu_name()}; metric: held-out {args.metric}\n")
    print("| seed | threads | r1run s | " + " | ".join(models) + " | " +
          " | ".join(f"{a} − {b}" for a, b in pairs) + " |")
    print("|" + " --- |" * (3 + len(models) + len(pairs)))
    gains = {p: [] for p in pairs}
    for seed, threads, secs, table in sorted(results):
        for m in models:
            if m not in table:
                sys.exit(f"seed_sweep: model '{m}' is not in the eval table ({', '.join(table)})")
        vals = [table[m][args.metric] for m in models]
        row = [table[a][args.metric] - table[b][args.metric] for a, b in pairs]
        for p, g in zip(pairs, row):
            gains[p].append(g)
        print(f"| {seed} | {threads} | {secs:.0f} | " + " | ".join(f"{v:.3f}" for v in vals) +
              " | " + " | ".join(f"{g:+.3f}" for g in row) + " |")
    failed = []
    print()
    for (a, b), g in gains.items():
        mean = statistics.fmean(g)
        std = statistics.stdev(g) if len(g) > 1 else float("inf")
        ok = mean > args.sigmas * std
        print(f"{a} − {b}: mean {mean:+.3f} ± {std:.3f} (n = {len(g)}): "
              f"{'passes' if ok else 'FAILS'} mean > {args.sigmas:g}·std")
        if not ok:
            failed.append(f"{a} − {b}")
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"cpu": cpu_name(), "metric": args.metric,
             "runs": [{"seed": s, "threads": t, "seconds": secs,
                       "eval": {m: table[m] for m in models}} for s, t, secs, table in results]}, indent=2))
    if failed:
        print(f"seed_sweep: gain below the bar: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
