"""Writes a tiny random Hugging Face model directory with transformers:
config.json, model.safetensors and tokenizer.json. Usage: DIR ARCH
(llama or qwen2)."""
import sys

import torch
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import (LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast,
                          Qwen2Config, Qwen2ForCausalLM)

out, arch = sys.argv[1], sys.argv[2]
torch.manual_seed(0)
shape = dict(vocab_size=64, hidden_size=48, intermediate_size=96,
             num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
             max_position_embeddings=256, rms_norm_eps=1e-5, rope_theta=50000.0,
             tie_word_embeddings=arch == "qwen2")
cls, cfg = ((LlamaForCausalLM, LlamaConfig(**shape)) if arch == "llama"
            else (Qwen2ForCausalLM, Qwen2Config(**shape)))
cls(cfg).save_pretrained(out)
vocab = {f"t{i}": i for i in range(64)}
tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="t0"))
tok.pre_tokenizer = pre_tokenizers.Whitespace()
PreTrainedTokenizerFast(tokenizer_object=tok).save_pretrained(out)
