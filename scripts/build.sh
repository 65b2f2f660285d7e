#!/usr/bin/env bash
# Installs dependencies (idempotent), then configures and builds everything into build/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install-deps.sh
jobs="${R1C_JOBS:-$(nproc)}"
# ccache (when installed) shares hits between clones of the repository.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
if [ ! -f build/build.ninja ]; then
  cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" > build-configure.log 2>&1 \
    || { cat build-configure.log; echo "build: cmake configure failed" >&2; exit 1; }
  rm -f build-configure.log
fi
cmake --build build -j "$jobs"
