"""Prompt token ids as transformers builds them for SmolLM2-135M-Instruct's
GGUF tokenizer: apply_chat_template(messages, add_generation_prompt=True,
tokenize=True) for chat records, bos + encode(prompt) otherwise. Reads a JSON
list of {prompt, chat, system?} on stdin, prints a JSON list of id lists."""
import json
import os
import sys

from transformers import AutoTokenizer

gguf = sys.argv[1]
tok = AutoTokenizer.from_pretrained(os.path.dirname(gguf),
                                    gguf_file=os.path.basename(gguf))
out = []
for r in json.load(sys.stdin):
    if r["chat"]:
        msgs = ([{"role": "system", "content": r["system"]}]
                if "system" in r else [])
        msgs.append({"role": "user", "content": r["prompt"]})
        ids = tok.apply_chat_template(msgs, add_generation_prompt=True,
                                      tokenize=True)
        if hasattr(ids, "keys"):  # transformers 5 returns a BatchEncoding
            ids = ids["input_ids"]
    else:
        ids = [tok.bos_token_id] + tok.encode(r["prompt"],
                                              add_special_tokens=False)
    out.append(list(ids))
print(json.dumps(out))
