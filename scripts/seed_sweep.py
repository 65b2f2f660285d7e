#!/usr/bin/env python3
"""Runs one compiled recipe over seeds x thread counts and judges its gains.

Each run is `r1run BUNDLE --seed S --threads N --out OUT/s<S>-t<N>` (log:
OUT/s<S>-t<N>.log); runs with one thread go two at a time (the machine has
two cores). `--collect` judges runs already there. The time column sums the
stage times of r1run's stage table (stages it reused count 0). The eval table of
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
import re
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


def ran_seconds(log):
    """Sum of the times of the stages r1run ran (its stage table), or None."""
    total, found = 0.0, False
    for line in log.read_text(errors="replace").splitlines():
        m = re.match(r"^\S+\s+\S+\s+(ran|resumed)\s+([0-9.]+)s\b", line)
        if m:
            total, found = total + float(m.group(2)), True
    return total if found else None


def run_one(args, seed, threads):
    out = Path(args.out) / f"s{seed}-t{threads}"
    log = Path(args.out) / f"s{seed}-t{threads}.log"
    if args.collect:
        return seed, threads, ran_seconds(log) if log.exists() else None, eval_table(out)
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
    cmd = [args.r1run, args.bundle, "--seed", str(seed), "--threads", str(threads), "--out", str(out)]
    start = time.time()
    with open(log, "w") as f:
        rc = subprocess.call(cmd, stdout=f, stderr=subprocess.STDOUT, env=env)
    if rc != 0:
        tail = log.read_text()[-2000:]
        sys.exit(f"seed_sweep: {' '.join(cmd)} failed (exit {rc}); log {log}:\n{tail}")
    return seed, threads, ran_seconds(log) or time.time() - start, eval_table(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bundle", help="compiled plan (X.r1plan)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--gain", action="append", required=True, metavar="LATER:EARLIER")
    ap.add_argument("--metric", default="pass@1")
    ap.add_argument("--models", nargs="+", help="columns to show (default: those the gains name)")
    ap.add_argument("--sigmas", type=float, default=2.0, help="mean gain must exceed this many stds")
    ap.add_argument("--out", default="build/sweep")
    ap.add_argument("--r1run", default=str(Path(__file__).resolve().parent.parent / "build/bin/r1run"))
    ap.add_argument("--json", help="also write the per-run figures here")
    ap.add_argument("--collect", action="store_true",
                    help="run nothing: judge the stores and logs already under --out")
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

    models = list(args.models or [])
    for p in pairs:
        for m in p:
            if m not in models:
                models.append(m)
    print(f"CPU: {cpu_name()}; metric: held-out {args.metric}\n")
    print("| seed | threads | stages ran, s | " + " | ".join(models) + " | " +
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
        print(f"| {seed} | {threads} | {'-' if secs is None else f'{secs:.0f}'} | " + " | ".join(f"{v:.3f}" for v in vals) +
              " | " + " | ".join(f"{g:+.3f}" for g in row) + " |")
    def ms(v):
        return f"{statistics.fmean(v):.3f} ± {statistics.stdev(v) if len(v) > 1 else 0:.3f}"
    cols = [[table[m][args.metric] for _, _, _, table in results] for m in models]
    print("| mean ± std | | | " + " | ".join(ms(c) for c in cols) + " | " +
          " | ".join(ms(gains[p]) for p in pairs) + " |")
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
