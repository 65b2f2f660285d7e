#!/usr/bin/env bash
# The README's main command: builds everything, then runs the demo pipeline.
# Today the demo checks every pipeline in pipelines/; the executor (issue 5) makes it train.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/build.sh
for p in pipelines/*.r1p; do
  build/bin/r1c check "$p"
  echo "demo: $p: ok"
done
