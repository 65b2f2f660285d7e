"""Loads a directory written by r1rt's exportHf with transformers'
AutoModelForCausalLM.from_pretrained (no conversion, no trust_remote_code)
and writes its logits for the given tokens, for PretrainedTest.cpp.
Usage: python check_export.py MODEL_DIR TOKENS.safetensors OUT.safetensors"""
import sys

import torch
from safetensors.torch import load_file, save_file
from transformers import AutoModelForCausalLM

model_dir, tokens_file, out = sys.argv[1:4]
model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32,
                                             attn_implementation="eager")
model.eval()
tokens = load_file(tokens_file)["tokens"]
with torch.no_grad():
    logits = model(input_ids=tokens).logits.float()
save_file({"logits": logits.contiguous()}, out)
print(type(model).__name__)
