"""Prints what plan.json says about model `policy` and its costs, to check
the compiler against the parameter count torch reports for the same
directory. Usage: PLAN_DIR MODEL_DIR."""
import json
import os
import sys

from transformers import AutoModelForCausalLM

plan = json.load(open(os.path.join(sys.argv[1], "plan.json")))
m = plan["models"]["policy"]
src = m.pop("source")
print("source:", src["format"], src["path"] == os.path.abspath(sys.argv[2]),
      src["digest"].startswith("sha256:"))
print("model:", " ".join(f"{k}={m[k]}" for k in sorted(m)))
print("tokenizer:", plan["tokenizer"]["kind"],
      plan["tokenizer"]["path"] == os.path.join(os.path.abspath(sys.argv[2]),
                                                "tokenizer.json"))
hf = AutoModelForCausalLM.from_pretrained(sys.argv[2])
torch_params = sum(p.numel() for p in hf.parameters())
print("params match torch:", plan["model_costs"]["policy"]["params"] == torch_params,
      plan["model_costs"]["policy"]["params"], torch_params)
