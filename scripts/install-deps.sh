#!/usr/bin/env bash
# Installs r1c's pinned dependencies (DESIGN.md §10). Idempotent: does nothing when all are present.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"

die() { echo "install-deps: error: $*" >&2; exit 1; }

# --- Debian packages -------------------------------------------------------
apt_pkgs=(
  cmake ninja-build g++ python3 python3-venv
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  libfmt-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev ccache
)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing Debian packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || die "apt-get could not install: ${missing[*]} (is bookworm-security enabled? LLVM 22 comes from it)"
fi
for t in /usr/lib/llvm-22/bin/FileCheck /usr/lib/llvm-22/bin/mlir-tblgen; do
  [ -x "$t" ] || die "$t missing after install (packages llvm-22-tools / mlir-22-tools)"
done

# --- Python virtualenv: LibTorch and the oracles ---------------------------
py_pkgs=(
  "torch==2.11.*" "transformers" "trl" "tokenizers" "safetensors"
  "reasoning-gym" "math-verify" "numpy" "tensorboard" "liger-kernel"
)
check='import torch, transformers, trl, tokenizers, safetensors, reasoning_gym, math_verify, numpy, tensorboard, liger_kernel
assert torch.__version__.startswith("2.11"), torch.__version__'
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "$check" 2>/dev/null; then
  :
else
  echo "install-deps: setting up $venv (torch 2.11 + oracles; first time takes a few minutes)"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv" || die "python3 -m venv failed"
  "$venv/bin/pip" install -q --upgrade pip >/dev/null || true
  "$venv/bin/pip" install -q "${py_pkgs[@]}" || die "pip could not install: ${py_pkgs[*]}"
  "$venv/bin/python" -c "$check" || die "the virtualenv is incomplete after pip install"
fi
echo "install-deps: ok (LLVM/MLIR 22, $("$venv/bin/python" -c 'import torch; print("torch", torch.__version__)'))"
