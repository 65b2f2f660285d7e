"""BpeTokenizer vs the tokenizers package: encode throughput, one thread.

usage: bpe_bench.py BENCH_BINARY [--gguf PATH] [--count N]

Builds SmolLM2's tokenizer.json from its GGUF (or, without one, the small
trained Qwen-style BPE of the oracle) and the oracle's seeded corpus, times
tokenizers' encode_batch on one thread (median of 5, warm cache) and the
C++ binary on the same strings, checks both give the same token count, and
prints the ratio.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

os.environ["RAYON_NUM_THREADS"] = "1"  # before tokenizers starts its pool
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "test",
                                "oracles", "tokenizer"))
import bpe_oracle  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--gguf", default="")
    ap.add_argument("--count", type=int, default=10000)
    a = ap.parse_args()
    if a.gguf:
        name, spec = "smollm2", bpe_oracle.smollm2_variants(a.gguf)["smollm2"]
    else:
        name, spec = "trained_qwen", bpe_oracle.trained_variants(1)["trained_qwen"]
    texts = bpe_oracle.corpus(1234, a.count)
    with tempfile.TemporaryDirectory() as tmp:
        tj = os.path.join(tmp, "tokenizer.json")
        cj = os.path.join(tmp, "corpus.jsonl")
        with open(tj, "w") as f:
            json.dump(spec, f, ensure_ascii=False)
        with open(cj, "w") as f:
            for t in texts:
                f.write(json.dumps(t) + "\n")
        tok = Tokenizer.from_str(json.dumps(spec))
        times = []
        for _ in range(5):
            start = time.perf_counter()
            enc = tok.encode_batch(texts, add_special_tokens=False)
            times.append(time.perf_counter() - start)
        hf = sorted(times)[2]
        hf_tokens = sum(len(e.ids) for e in enc)
        out = subprocess.run([a.binary, tj, cj, "5"], check=True,
                             capture_output=True, text=True).stdout.split()
        ours, ours_tokens = float(out[1]), int(out[3])
    mb = sum(len(t.encode()) for t in texts) / 1e6
    assert ours_tokens == hf_tokens, (ours_tokens, hf_tokens)
    print(f"bpe_encode ({name}, {len(texts)} strings, {mb:.2f} MB, "
          f"{hf_tokens} tokens, 1 thread): r1fmt {mb / ours:.1f} MB/s, "
          f"tokenizers {mb / hf:.1f} MB/s -> "
          f"{hf / ours:.2f}x the speed of tokenizers")


if __name__ == "__main__":
    main()
