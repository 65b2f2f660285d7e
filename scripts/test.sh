#!/usr/bin/env bash
# The README's test command: builds everything, then runs the whole test suite (lit + GoogleTest).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/build.sh
cd build
ctest --output-on-failure -j "${R1C_JOBS:-$(nproc)}" "$@"
