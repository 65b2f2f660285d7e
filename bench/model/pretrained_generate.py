"""Load time and greedy decoding speed of SmolLM2-135M-Instruct (GGUF), r1rt
(`r1run generate`) against transformers in the same run, CPU, greedy, at
batch 1 and 16 (the same chat prompt in every row).
Usage: python pretrained_generate.py R1RUN GGUF [THREADS] [NEW_TOKENS]"""
import os
import re
import subprocess
import sys
import time

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

r1run, gguf = sys.argv[1], sys.argv[2]
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
new = int(sys.argv[4]) if len(sys.argv) > 4 else 64
torch.set_num_threads(threads)
prompt = "Write a short story about a robot learning to paint."

t0 = time.perf_counter()
d, f = os.path.split(gguf)
tok = AutoTokenizer.from_pretrained(d, gguf_file=f)
model = AutoModelForCausalLM.from_pretrained(d, gguf_file=f,
                                             dtype=torch.float32).eval()
load = time.perf_counter() - t0
text = tok.apply_chat_template([{"role": "user", "content": prompt}],
                               add_generation_prompt=True, tokenize=False)
ids = tok(text, add_special_tokens=False, return_tensors="pt").input_ids
for batch in (1, 16):
    with torch.no_grad():
        t1 = time.perf_counter()
        rows = ids.repeat(batch, 1)
        out = model.generate(rows, attention_mask=torch.ones_like(rows),
                             max_new_tokens=new,
                             min_new_tokens=new, do_sample=False,
                             pad_token_id=tok.eos_token_id)
        secs = time.perf_counter() - t1
    n = (out.shape[1] - ids.shape[1]) * batch
    hf = n / secs
    res = subprocess.run([r1run, "generate", gguf, "--chat", "--prompt", prompt,
                          "--max-new", str(new), "--threads", str(threads),
                          "--batch", str(batch)],
                         capture_output=True, text=True, check=True)
    m = re.search(r"(\d+) new in all, in ([\d.]+) s: ([\d.]+) tok/s \(load ([\d.]+)",
                  res.stderr)
    print(f"batch {batch:2d}: transformers load {load:.2f} s, {n} tokens "
          f"{hf:.1f} tok/s | r1rt load {m.group(4)} s, {m.group(1)} tokens "
          f"{m.group(3)} tok/s | r1rt/transformers {float(m.group(3)) / hf:.2f}x")
