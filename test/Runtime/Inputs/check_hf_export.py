"""Loads an r1run `export(..., format = hf)` directory with transformers and
compares it with the pretrained directory it started from. Usage: OUT ORIG"""
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

out, orig = sys.argv[1], sys.argv[2]
m = AutoModelForCausalLM.from_pretrained(out)
o = AutoModelForCausalLM.from_pretrained(orig)
print("architecture:", type(m).__name__)
print("same shapes:", all(a.shape == b.shape for a, b in zip(m.state_dict().values(), o.state_dict().values())))
print("trained:", any(not torch.equal(a, b) for a, b in zip(m.state_dict().values(), o.state_dict().values())))
t, to = AutoTokenizer.from_pretrained(out), AutoTokenizer.from_pretrained(orig)
text = "3+4-2=\n<think>3+4=7 7-2=5</think><answer>5</answer>"
print("same tokenizer ids:", t(text)["input_ids"] == to(text)["input_ids"])
ids = torch.tensor([to(text)["input_ids"]])
print("finite logits:", bool(torch.isfinite(m(ids).logits).all()))
