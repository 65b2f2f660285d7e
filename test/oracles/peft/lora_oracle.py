"""peft's LoRA on tiny random transformers models, for r1rt's LoRA test
(test/unittests/Runtime/Model/LoraTest.cpp). In OUT_DIR, per case NAME:
  NAME/                  the base model (save_pretrained)
  NAME.lora.safetensors  "tokens" [B,T]; "weights" [B,T,V]; "logits" of the
                         adapted model; "merged_logits" after
                         merge_and_unload; per adapter, by r1rt's name
                         (model.layers.0.self_attn.q_proj.lora_A), its value
                         and, as "grad.<name>", d sum(logits * weights) / d it
  NAME.json              {"rank", "alpha", "targets"}
Adapters start random (init_lora_weights=False) so that B is not zero.
Usage: python lora_oracle.py OUT_DIR SEED"""
import json
import os
import sys

import torch
from peft import LoraConfig, get_peft_model
from safetensors.torch import save_file
from transformers import AutoModelForCausalLM, LlamaConfig, Qwen2Config

out, seed = sys.argv[1], int(sys.argv[2])
torch.manual_seed(seed)
VOCAB, B, T = 61, 3, 9
DENSE = dict(vocab_size=VOCAB, hidden_size=32, intermediate_size=40,
             num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
             max_position_embeddings=64, rms_norm_eps=1e-5,
             attn_implementation="eager",
             rope_parameters={"rope_type": "default", "rope_theta": 10000.0})
ALL = ["q", "k", "v", "o", "gate", "up", "down"]


def r1_name(peft_name):
    name = peft_name.removeprefix("base_model.model.")
    for m in ("lora_A", "lora_B"):
        name = name.replace(f".{m}.default.weight", f".{m}")
    return name


def case(name, cfg, rank, alpha, targets):
    model = AutoModelForCausalLM.from_config(cfg)
    with torch.no_grad():
        for pname, p in model.named_parameters():
            if p.dim() == 1:
                p.copy_((1.0 if pname.endswith("norm.weight") else 0.0)
                        + 0.1 * torch.randn_like(p))
            else:
                p.normal_(0.0, 0.15)
    model.save_pretrained(os.path.join(out, name))
    lora = LoraConfig(r=rank, lora_alpha=alpha, lora_dropout=0.0,
                      target_modules=[t + "_proj" for t in targets],
                      init_lora_weights=False)
    peft_model = get_peft_model(model, lora).eval()
    tokens = torch.randint(0, VOCAB, (B, T))
    weights = torch.randn(B, T, VOCAB)
    logits = peft_model(input_ids=tokens).logits.float()
    (logits * weights).sum().backward()
    result = {"tokens": tokens, "weights": weights,
              "logits": logits.detach().contiguous()}
    for pname, p in peft_model.named_parameters():
        if "lora_" in pname:
            result[r1_name(pname)] = p.detach().clone()
            result["grad." + r1_name(pname)] = p.grad.clone()
        elif p.grad is not None:
            raise SystemExit(f"peft left base parameter {pname} trainable")
    merged = peft_model.merge_and_unload()
    with torch.no_grad():
        result["merged_logits"] = merged(input_ids=tokens).logits.float()
    save_file({k: v.contiguous() for k, v in result.items()},
              os.path.join(out, name + ".lora.safetensors"))
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump({"rank": rank, "alpha": alpha, "targets": targets}, f)


case("llama_all", LlamaConfig(**DENSE, tie_word_embeddings=False), 4, 8, ALL)
case("llama_tied_qv", LlamaConfig(**DENSE, tie_word_embeddings=True), 2, 6,
     ["q", "v"])
case("qwen2_bias", Qwen2Config(**DENSE, tie_word_embeddings=True), 3, 3, ALL)
print("ok")
