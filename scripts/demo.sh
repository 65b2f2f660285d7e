#!/usr/bin/env bash
# The README's main command: builds everything, then runs the demo pipeline.
# Until the stage runners land (issue 5), the demo checks and compiles every
# pipeline, explains r1_tiny, and shows what r1run would execute.
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
build/bin/r1run build/r1_tiny.r1plan --dry-run --out build/runs
