"""Adds LoRA blocks to the compiled plan of lora.r1p (what r1c writes for
`lora { ... }`), and makes `tuned` fine-tune the pretrained model itself
instead of the `lm` stage, which it drops. Usage: PLAN_DIR"""
import json, os, sys

path = os.path.join(sys.argv[1], "plan.json")
plan = json.load(open(path))
stages = {s["name"]: s for s in plan["stages"]}
stages["tuned"]["inputs"]["init"] = {"model": "policy"}
stages["tuned"]["config"]["lora"] = {"rank": 4, "alpha": 8.0,
                                     "targets": ["q", "v", "down"]}
stages["rl"]["config"]["lora"] = {"rank": 2, "alpha": 4.0,
                                  "targets": ["q", "k", "v", "o", "gate", "up", "down"]}
plan["stages"] = [s for s in plan["stages"] if s["name"] != "lm"]
json.dump(plan, open(path, "w"), indent=2)
