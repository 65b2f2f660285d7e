//===- GgufConfig.cpp - config.json from GGUF metadata --------------------===//
//
// llama.cpp stores the model shape under "<arch>.<key>"; transformers' GGUF
// loader renames those keys to config fields (integrations/ggml.py). We do
// the same for the dense decoder architectures we run.
//
//===----------------------------------------------------------------------===//

#include "r1fmt/GgufHf.h"

#include <fmt/format.h>

namespace r1fmt {

namespace {

struct ArchInfo {
  const char *gguf;
  const char *modelType;
  const char *hfClass;
};

constexpr ArchInfo kArchs[] = {
    {"llama", "llama", "LlamaForCausalLM"},
    {"mistral", "mistral", "MistralForCausalLM"},
    {"qwen2", "qwen2", "Qwen2ForCausalLM"},
    {"qwen3", "qwen3", "Qwen3ForCausalLM"},
};

} // namespace

Expected<nlohmann::json> hfConfigFromGguf(const GgufFile &f) {
  auto arch = f.getString("general.architecture");
  if (!arch)
    return Error{arch.error()};
  const ArchInfo *info = nullptr;
  for (const ArchInfo &a : kArchs)
    if (*arch == a.gguf)
      info = &a;
  if (!info)
    return Error{fmt::format("{}: architecture '{}' has no config mapping "
                             "(supported: llama, mistral, qwen2, qwen3)",
                             f.path(), *arch)};
  std::string p = *arch + ".";
  nlohmann::json c;
  c["model_type"] = info->modelType;
  c["architectures"] = {info->hfClass};
  c["hidden_act"] = "silu";

  // Required shape keys.
  struct Field {
    const char *key, *name;
  };
  for (Field fl : {Field{"embedding_length", "hidden_size"},
                   Field{"feed_forward_length", "intermediate_size"},
                   Field{"block_count", "num_hidden_layers"},
                   Field{"attention.head_count", "num_attention_heads"},
                   Field{"context_length", "max_position_embeddings"}}) {
    auto v = f.getUint(p + fl.key);
    if (!v)
      return Error{v.error()};
    c[fl.name] = *v;
  }
  uint64_t hidden = c["hidden_size"].get<uint64_t>();
  uint64_t heads = c["num_attention_heads"].get<uint64_t>();
  if (heads == 0)
    return Error{
        fmt::format("{}: metadata '{}attention.head_count' is 0", f.path(), p)};
  c["num_key_value_heads"] = heads;
  if (f.has(p + "attention.head_count_kv")) {
    auto kv = f.getUint(p + "attention.head_count_kv");
    if (!kv)
      return Error{kv.error()};
    if (*kv == 0 || heads % *kv != 0)
      return Error{fmt::format("{}: metadata '{}attention.head_count_kv' is "
                               "{}, which does not divide head_count {}",
                               f.path(), p, *kv, heads)};
    c["num_key_value_heads"] = *kv;
  }
  auto eps = f.getFloat(p + "attention.layer_norm_rms_epsilon");
  if (!eps)
    return Error{eps.error()};
  c["rms_norm_eps"] = *eps;
  double theta = 10000.0;
  if (f.has(p + "rope.freq_base")) {
    auto t = f.getFloat(p + "rope.freq_base");
    if (!t)
      return Error{t.error()};
    theta = *t;
  }
  c["rope_theta"] = theta;
  c["rope_parameters"] = {{"rope_type", "default"}, {"rope_theta", theta}};

  // head_dim: the key width if stated, else the rotary width (llama.cpp's
  // llama writer stores head_dim there), else hidden / heads.
  uint64_t headDim = hidden / heads;
  for (const char *key : {"attention.key_length", "rope.dimension_count"}) {
    if (f.has(p + key)) {
      auto v = f.getUint(p + key);
      if (!v)
        return Error{v.error()};
      headDim = *v;
      break;
    }
  }
  c["head_dim"] = headDim;

  // vocab_size: stated, else the token list, else the embedding's rows.
  if (f.has(p + "vocab_size")) {
    auto v = f.getUint(p + "vocab_size");
    if (!v)
      return Error{v.error()};
    c["vocab_size"] = *v;
  } else if (auto toks = f.getArray("tokenizer.ggml.tokens")) {
    c["vocab_size"] = (*toks)->size();
  } else if (const GgufTensorInfo *emb = f.tensor("token_embd.weight")) {
    c["vocab_size"] = emb->shape().front();
  } else {
    return Error{fmt::format("{}: cannot tell the vocabulary size: no '{}"
                             "vocab_size', no tokenizer.ggml.tokens, no "
                             "token_embd.weight",
                             f.path(), p)};
  }

  // llama.cpp writes the output projection only when it is not tied.
  c["tie_word_embeddings"] = f.tensor("output.weight") == nullptr;
  c["attention_bias"] = f.tensor("blk.0.attn_q.bias") != nullptr;
  for (Field fl : {Field{"tokenizer.ggml.bos_token_id", "bos_token_id"},
                   Field{"tokenizer.ggml.eos_token_id", "eos_token_id"},
                   Field{"tokenizer.ggml.padding_token_id", "pad_token_id"}}) {
    if (!f.has(fl.key))
      continue;
    auto v = f.getUint(fl.key);
    if (!v)
      return Error{v.error()};
    c[fl.name] = *v;
  }
  return c;
}

} // namespace r1fmt
