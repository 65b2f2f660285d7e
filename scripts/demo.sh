#!/usr/bin/env bash
# The README's main command: builds everything, checks and compiles every
# pipeline, then runs the r1_tiny recipe end to end with r1run (pretrain ->
# cold-start SFT -> GRPO -> rejection sampling -> clean-base SFT -> final GRPO
# -> distillation -> eval) and writes an HTML report. Artifacts go to
# build/runs/r1_tiny/; running it again reuses every complete stage.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/build.sh
for p in pipelines/*.r1p; do
  build/bin/r1c check "$p"
  build/bin/r1c compile "$p" -o "build/$(basename "$p" .r1p).r1plan"
  echo "demo: $p: checked and compiled to build/$(basename "$p" .r1p).r1plan"
done
build/bin/r1c explain pipelines/r1_tiny.r1p
start=$(date +%s)
build/bin/r1run build/r1_tiny.r1plan --out build/runs \
  --report build/r1_tiny-report.html
echo "demo: r1run took $(( $(date +%s) - start ))s; report: build/r1_tiny-report.html"
