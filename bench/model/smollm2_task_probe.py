"""What SmolLM2-135M-Instruct already does on sums, through transformers
(the measurement that chose pipelines/smol_r1.r1p's task; docs/demo.md,
"A real model"). For 48 random two-operand sums: the share of replies whose
<answer></answer> content is right (tagged), that use the tags at all
(format), and whose last number is right (lastnum), greedy and sampled at
temperature 1, under three ways of asking for the tags.

    .venv/bin/python bench/model/smollm2_task_probe.py [--digits 1|2] [--n 48]
"""
import argparse
import os
import random
import re

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GGUF = os.path.join(ROOT, "models", "SmolLM2-135M-Instruct.Q4_1.gguf")
p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--digits", type=int, default=2, help="operands 1..10^d - 1")
p.add_argument("--n", type=int, default=48)
p.add_argument("--max-new", type=int, default=48)
args = p.parse_args()
torch.set_num_threads(1)
torch.manual_seed(0)
d, f = os.path.split(GGUF)
tok = AutoTokenizer.from_pretrained(d, gguf_file=f)
model = AutoModelForCausalLM.from_pretrained(d, gguf_file=f, dtype=torch.float32)
tok.padding_side = "left"
variants = {
    "user asks for tags": (None, "What is {a} + {b}? Give the final answer inside <answer></answer> tags."),
    "system asks for tags": ("Answer with the result inside <answer></answer> tags, e.g. <answer>12</answer>.", "What is {a} + {b}?"),
    "system: calculator": ("You are a calculator. Reply only with <answer>RESULT</answer>.", "What is {a} + {b}?"),
}
rng = random.Random(0)
hi = 10 ** args.digits - 1
qs = [(rng.randint(1, hi), rng.randint(1, hi)) for _ in range(args.n)]
for name, (system, user) in variants.items():
    msgs = [([{"role": "system", "content": system}] if system else []) +
            [{"role": "user", "content": user.format(a=a, b=b)}] for a, b in qs]
    texts = [tok.apply_chat_template(m, tokenize=False, add_generation_prompt=True)
             for m in msgs]
    enc = tok(texts, return_tensors="pt", padding=True)
    for sample in (False, True):
        with torch.no_grad():
            out = model.generate(**enc, max_new_tokens=args.max_new, do_sample=sample,
                                 temperature=1.0 if sample else None,
                                 top_p=None, top_k=0 if sample else None)
        replies = tok.batch_decode(out[:, enc.input_ids.shape[1]:], skip_special_tokens=True)
        tagged = fmt = last = 0
        for (a, b), c in zip(qs, replies):
            ans = re.search(r"<answer>(.*?)</answer>", c, re.S)
            fmt += bool(ans)
            if ans:
                n = re.findall(r"-?\d+", ans.group(1))
                tagged += bool(n) and int(n[-1]) == a + b
            n = re.findall(r"-?\d+", c)
            last += bool(n) and int(n[-1]) == a + b
        print(f"{name:22s} {'sampled' if sample else 'greedy ':7s} tagged {tagged / args.n:.2f} "
              f"format {fmt / args.n:.2f} lastnum {last / args.n:.2f}", flush=True)
