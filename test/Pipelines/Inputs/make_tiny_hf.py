"""Writes a tiny random Hugging Face model directory with transformers:
config.json, model.safetensors and a byte-level BPE tokenizer.json. Usage: DIR ARCH
(llama or qwen2)."""
import sys

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import (LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast,
                          Qwen2Config, Qwen2ForCausalLM)

out, arch = sys.argv[1], sys.argv[2]
# A byte-level BPE (the kind real models use and r1rt reads), trained on
# arithmetic text, with <|endoftext|> as bos, eos and pad.
corpus = [f"{a}+{b}-{c}=\n<think>{a}+{b}={a + b} {a + b}-{c}={a + b - c}</think>"
          f"<answer>{a + b - c}</answer>" for a in range(10) for b in range(10) for c in range(10)]
tok = Tokenizer(models.BPE())
tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
tok.decoder = decoders.ByteLevel()
tok.train_from_iterator(corpus, trainers.BpeTrainer(
    vocab_size=320, special_tokens=["<|endoftext|>"],
    initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
vocab = tok.get_vocab_size()
torch.manual_seed(0)
shape = dict(vocab_size=vocab, hidden_size=48, intermediate_size=96,
             num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
             max_position_embeddings=256, rms_norm_eps=1e-5, rope_theta=50000.0,
             tie_word_embeddings=arch == "qwen2")
cls, cfg = ((LlamaForCausalLM, LlamaConfig(**shape)) if arch == "llama"
            else (Qwen2ForCausalLM, Qwen2Config(**shape)))
cls(cfg).save_pretrained(out)
PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<|endoftext|>",
                        eos_token="<|endoftext|>",
                        pad_token="<|endoftext|>").save_pretrained(out)
