"""Loads a Hugging Face model directory with transformers and writes its
float32 logits on the token ids of IN (a safetensors file with "tokens") to
OUT as "logits". Usage: MODEL_DIR IN OUT"""
import sys

import torch
from safetensors.torch import load_file, save_file
from transformers import AutoModelForCausalLM

model_dir, inp, out = sys.argv[1:4]
m = AutoModelForCausalLM.from_pretrained(model_dir, torch_dtype=torch.float32)
m.eval()
with torch.no_grad():
    logits = m(load_file(inp)["tokens"]).logits
save_file({"logits": logits.contiguous()}, out)
