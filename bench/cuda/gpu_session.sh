#!/usr/bin/env bash
# One-shot GPU-machine run: build the CUDA kernels, run their tests, compute-sanitizer, benchmark.
# Usage (repository root, on the GPU machine): bash bench/cuda/gpu_session.sh [OUT_DIR]
set -uo pipefail
out=${1:-${OUT:-/tmp/r1c-cuda}}
mkdir -p "$out"
py=$(command -v python3)
build=build-gpu
cmake -G Ninja -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DR1C_ENABLE_COMPILER=OFF \
  -DR1C_ENABLE_CUDA=ON -DR1C_PYTHON="$py" >"$out/configure.log" 2>&1 || {
  tail -30 "$out/configure.log"; exit 1; }
ninja -C "$build" -j"$(nproc)" r1rt-cuda-kernel-tests r1rt-cuda-bench >"$out/build.log" 2>&1 || {
  tail -40 "$out/build.log"; exit 1; }
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv | tee "$out/gpu.txt"
tests="$build/test/unittests/Runtime/Kernels/r1rt-cuda-kernel-tests"
"$tests" 2>&1 | tee "$out/tests.log" | grep -E "^\[  (FAILED|PASSED|SKIPPED) |Failure|error" | head -60
sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
filter='MlaAttentionCuda.DemoShapesCausal:FusedLogprobCuda.TokenMeanSeveralTiles:MoeExpertsCuda.SmallWithEmptyExpert:MoeRouteCuda.SigmoidBiasRenormalised:RmsNormCuda.*:RopeCuda.*:MlaDecodeCuda.DemoLatentCache'
if [ -x "$sanitizer" ]; then
  "$sanitizer" --tool memcheck "$tests" --gtest_filter="$filter" >"$out/memcheck.log" 2>&1
  tail -3 "$out/memcheck.log"
  "$sanitizer" --tool racecheck "$tests" --gtest_filter='MlaAttentionCuda.DemoShapesCausal' >"$out/racecheck.log" 2>&1
  tail -3 "$out/racecheck.log"
fi
PYTHONUNBUFFERED=1 "$py" bench/cuda/bench_kernels.py --harness "$build/bench/cuda/r1rt-cuda-bench" \
  --json "$out/bench.json" 2>"$out/bench.err" | tee "$out/bench.txt"
