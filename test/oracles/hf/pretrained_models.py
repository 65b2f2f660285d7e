"""Saves tiny random transformers models with save_pretrained, the way they
are published, plus their logits, for r1rt's loadPretrained oracle test
(test/unittests/Runtime/Model/PretrainedTest.cpp). In OUT_DIR, per model:
  <name>/                 the save_pretrained directory
  <name>.ref.safetensors  "tokens" [B,T] int64 and "logits" [B,T,V] float32
With a GGUF path (SmolLM2), also:
  smollm2.ref.safetensors  logits of transformers' GGUF-loaded model
  smollm2_hf/              that model and tokenizer, save_pretrained
  smollm2.chat.json        the chat prompt's ids and 32 greedy new ids
Usage: python pretrained_models.py OUT_DIR SEED [GGUF]"""
import json
import os
import sys

import torch
from safetensors.torch import save_file
from transformers import (AutoConfig, AutoModelForCausalLM, AutoTokenizer,
                          DeepseekV2Config, DeepseekV3Config, LlamaConfig,
                          MistralConfig, Qwen2Config, Qwen3Config)

out, seed = sys.argv[1], int(sys.argv[2])
gguf = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
torch.manual_seed(seed)
VOCAB, B, T = 61, 3, 11
DENSE = dict(vocab_size=VOCAB, hidden_size=32, intermediate_size=40,
             num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
             max_position_embeddings=64, rms_norm_eps=1e-5,
             attn_implementation="eager")


def randomize(model, std):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1:
                p.copy_((1.0 if name.endswith("norm.weight") else 0.0)
                        + 0.1 * torch.randn_like(p))
            else:
                p.normal_(0.0, std)


def reference(name, model, tokens):
    with torch.no_grad():
        logits = model(input_ids=tokens).logits.float()
    save_file({"tokens": tokens, "logits": logits.contiguous()},
              os.path.join(out, name + ".ref.safetensors"))


def emit(name, cls, cfg, **save):
    model = AutoModelForCausalLM.from_config(cfg)
    randomize(model, 0.15)
    if hasattr(model.model.layers[-1].mlp, "gate") and hasattr(
            model.model.layers[-1].mlp.gate, "e_score_correction_bias"):
        with torch.no_grad():
            for layer in model.model.layers[cfg.first_k_dense_replace:]:
                b = layer.mlp.gate.e_score_correction_bias
                b.copy_(0.05 * torch.randn_like(b))
    model.eval()
    model.save_pretrained(os.path.join(out, name), **save)
    reference(name, model, torch.randint(0, VOCAB, (B, T)))


rope = {"rope_type": "default", "rope_theta": 10000.0}
llama3 = {"rope_type": "llama3", "rope_theta": 10000.0, "factor": 8.0,
          "low_freq_factor": 1.0, "high_freq_factor": 4.0,
          "original_max_position_embeddings": 64}
emit("llama", LlamaConfig, LlamaConfig(**DENSE, rope_parameters=rope,
                                       tie_word_embeddings=False))
emit("llama_tied", LlamaConfig, LlamaConfig(**DENSE, rope_parameters=rope,
                                            tie_word_embeddings=True))
emit("llama3", LlamaConfig,
     LlamaConfig(**{**DENSE, "max_position_embeddings": 512},
                 rope_parameters=llama3, tie_word_embeddings=False))
emit("llama3_tied", LlamaConfig,
     LlamaConfig(**{**DENSE, "max_position_embeddings": 512},
                 rope_parameters=llama3, tie_word_embeddings=True))
emit("qwen2", Qwen2Config, Qwen2Config(**DENSE, rope_parameters=rope,
                                       tie_word_embeddings=True))
emit("qwen3", Qwen3Config, Qwen3Config(**DENSE, head_dim=16,
                                       rope_parameters=rope,
                                       tie_word_embeddings=False))
emit("mistral", MistralConfig, MistralConfig(**DENSE, sliding_window=None,
                                             rope_parameters=rope,
                                             tie_word_embeddings=False))
MLA = dict(vocab_size=VOCAB, hidden_size=32, intermediate_size=48,
           moe_intermediate_size=16, num_hidden_layers=3,
           num_attention_heads=4, num_key_value_heads=4, n_shared_experts=1,
           n_routed_experts=8, kv_lora_rank=16, qk_rope_head_dim=4,
           v_head_dim=8, qk_nope_head_dim=8, n_group=4, topk_group=2,
           num_experts_per_tok=2, first_k_dense_replace=1, rms_norm_eps=1e-6,
           attn_implementation="eager")
emit("deepseek_v2", DeepseekV2Config,
     DeepseekV2Config(**MLA, q_lora_rank=None, routed_scaling_factor=1.5,
                      topk_method="group_limited_greedy",
                      max_position_embeddings=64, rope_parameters=rope,
                      tie_word_embeddings=False))
yarn = {"rope_type": "yarn", "rope_theta": 10000.0, "factor": 4.0,
        "original_max_position_embeddings": 16, "beta_fast": 32,
        "beta_slow": 1, "mscale": 1.0, "mscale_all_dim": 1.0}
emit("deepseek_v3", DeepseekV3Config,
     DeepseekV3Config(**MLA, q_lora_rank=16, routed_scaling_factor=2.5,
                      norm_topk_prob=True, max_position_embeddings=64,
                      rope_parameters=yarn, rope_interleave=True,
                      tie_word_embeddings=False),
     max_shard_size="20KB")

if gguf:
    d, f = os.path.split(gguf)
    tok = AutoTokenizer.from_pretrained(d, gguf_file=f)
    model = AutoModelForCausalLM.from_pretrained(d, gguf_file=f,
                                                 dtype=torch.float32)
    model.eval()
    g = torch.Generator().manual_seed(seed)
    reference("smollm2", model, torch.randint(0, model.config.vocab_size,
                                              (2, 13), generator=g))
    # A GGUF-loaded model refuses save_pretrained: copy it into a plain one.
    plain = AutoModelForCausalLM.from_config(model.config,
                                             dtype=torch.float32)
    plain.load_state_dict(model.state_dict())
    plain.save_pretrained(os.path.join(out, "smollm2_hf"))
    tok.save_pretrained(os.path.join(out, "smollm2_hf"))
    text = tok.apply_chat_template(
        [{"role": "user", "content": "What is 17 + 25?"}],
        add_generation_prompt=True, tokenize=False)
    ids = tok(text, add_special_tokens=False, return_tensors="pt").input_ids
    with torch.no_grad():
        gen = model.generate(ids, max_new_tokens=32, do_sample=False,
                             eos_token_id=tok.eos_token_id,
                             pad_token_id=tok.eos_token_id)
    with open(os.path.join(out, "smollm2.chat.json"), "w") as fh:
        json.dump({"text": text, "prompt": ids[0].tolist(),
                   "eos": tok.eos_token_id,
                   "generated": gen[0, ids.shape[1]:].tolist(),
                   "completion": tok.decode(gen[0, ids.shape[1]:],
                                            skip_special_tokens=True)}, fh)
print("ok")
