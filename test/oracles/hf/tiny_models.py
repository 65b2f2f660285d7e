"""Builds tiny HF DeepseekV3ForCausalLM / Qwen2ForCausalLM models with random
weights and writes, per model, into OUT_DIR:
  <name>.safetensors      weights by HF checkpoint names (per-expert MoE names)
  <name>.json             our plan.json model section for the same model
  <name>.ref.safetensors  "tokens" [B,T] int64 and HF "logits" [B,T,V] float32
Used by the r1rt oracle test (test/unittests/Runtime/Model/OracleTest.cpp).
Usage: python tiny_models.py OUT_DIR SEED"""
import json
import os
import sys

import torch
from safetensors.torch import save_file
from transformers import (DeepseekV3Config, DeepseekV3ForCausalLM, Qwen2Config,
                          Qwen2ForCausalLM)

out, seed = sys.argv[1], int(sys.argv[2])
torch.manual_seed(seed)
VOCAB, B, T = 61, 3, 11


def randomize(model, std):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1:  # norm weights and biases: around 1 / 0
                p.copy_((1.0 if name.endswith("norm.weight") else 0.0)
                        + 0.1 * torch.randn_like(p))
            else:
                p.normal_(0.0, std)


def per_expert(state):
    """HF 5.x fuses experts into gate_up_proj [E,2I,D] / down_proj [E,D,I];
    checkpoints (and r1rt) name them per expert."""
    result = {}
    for name, t in state.items():
        if name.endswith("mlp.experts.gate_up_proj"):
            base = name[: -len("gate_up_proj")]
            inter = t.shape[1] // 2
            for e in range(t.shape[0]):
                result[f"{base}{e}.gate_proj.weight"] = t[e, :inter]
                result[f"{base}{e}.up_proj.weight"] = t[e, inter:]
        elif name.endswith("mlp.experts.down_proj"):
            base = name[: -len("down_proj")]
            for e in range(t.shape[0]):
                result[f"{base}{e}.down_proj.weight"] = t[e]
        else:
            result[name] = t
    return {k: v.contiguous().clone() for k, v in result.items()}


def emit(name, model, plan):
    model.eval()
    tokens = torch.randint(0, VOCAB, (B, T))
    with torch.no_grad():
        logits = model(input_ids=tokens).logits.float()
    state = per_expert(model.state_dict())
    if plan.get("tie_embeddings"):
        state.pop("lm_head.weight", None)
    save_file(state, os.path.join(out, name + ".safetensors"))
    save_file({"tokens": tokens, "logits": logits.contiguous()},
              os.path.join(out, name + ".ref.safetensors"))
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(plan, f)


def deepseek(name, q_rank):
    cfg = DeepseekV3Config(
        vocab_size=VOCAB, hidden_size=32, intermediate_size=48,
        moe_intermediate_size=16, num_hidden_layers=3, num_attention_heads=4,
        num_key_value_heads=4, n_shared_experts=1, n_routed_experts=8,
        routed_scaling_factor=2.5, kv_lora_rank=16, q_lora_rank=q_rank,
        qk_rope_head_dim=4, v_head_dim=8, qk_nope_head_dim=8, n_group=4,
        topk_group=2, num_experts_per_tok=2, first_k_dense_replace=1,
        norm_topk_prob=True, max_position_embeddings=64, rms_norm_eps=1e-6,
        rope_parameters={"rope_type": "default", "rope_theta": 10000.0},
        rope_interleave=True, tie_word_embeddings=False,
        attn_implementation="eager")
    model = DeepseekV3ForCausalLM(cfg)
    randomize(model, 0.15)
    with torch.no_grad():
        for layer in model.model.layers[1:]:
            layer.mlp.gate.e_score_correction_bias.copy_(0.05 * torch.randn(8))
    plan = {"arch": "deepseek", "vocab_size": VOCAB, "dim": 32, "layers": 3,
            "heads": 4, "dense_layers": 1, "max_seq": 64, "ffn": 48,
            "norm_eps": 1e-6, "rope_theta": 10000.0, "tie_embeddings": False,
            "mla": {"q_rank": q_rank or 0, "kv_rank": 16, "nope_dim": 8,
                    "rope_dim": 4, "v_dim": 8},
            "moe": {"experts": 8, "shared": 1, "top_k": 2, "expert_dim": 16,
                    "score": "sigmoid", "groups": 4, "topk_groups": 2,
                    "route_scale": 2.5, "balance": "bias", "bias_rate": 1e-3},
            "yarn": None}
    emit(name, model, plan)


def qwen2(name, tie):
    cfg = Qwen2Config(
        vocab_size=VOCAB, hidden_size=32, intermediate_size=40,
        num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
        max_position_embeddings=64, rms_norm_eps=1e-6,
        rope_parameters={"rope_type": "default", "rope_theta": 10000.0},
        tie_word_embeddings=tie, attn_implementation="eager")
    model = Qwen2ForCausalLM(cfg)
    randomize(model, 0.15)
    plan = {"arch": "dense", "vocab_size": VOCAB, "dim": 32, "layers": 2,
            "heads": 4, "kv_heads": 2, "head_dim": 8, "ffn": 40, "max_seq": 64,
            "norm_eps": 1e-6, "rope_theta": 10000.0, "qkv_bias": True,
            "tie_embeddings": tie}
    emit(name, model, plan)


deepseek("deepseek_q0", None)
deepseek("deepseek_q16", 16)
qwen2("qwen2", False)
qwen2("qwen2_tied", True)
print("ok")
