"""Checks r1c's LoRA trainable-parameter counts (r1.trainable_params in the
IR that `r1c --emit=mlir` prints) against peft on the same Hugging Face
model directory. Usage: IR_FILE MODEL_DIR"""
import re
import sys

from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM

ir, model_dir = open(sys.argv[1]).read(), sys.argv[2]
for line in ir.splitlines():
    m = re.search(r"r1\.(?:sft|grpo) @(\w+)\(.*lora = \{alpha = [^,]*, rank = (\d+) : i64, "
                  r"targets = \[([^\]]*)\]\}.*r1\.trainable_params = (\d+)", line)
    if not m:
        continue
    name, rank, targets, ours = m.group(1), int(m.group(2)), m.group(3), int(m.group(4))
    modules = [t.strip().strip('"') + "_proj" for t in targets.split(",")]
    model = AutoModelForCausalLM.from_pretrained(model_dir)
    peft_model = get_peft_model(model, LoraConfig(r=rank, lora_alpha=16, target_modules=modules))
    theirs, _ = peft_model.get_nb_trainable_parameters()
    print(f"{name}: r1c {ours} peft {theirs} equal {ours == theirs}")
