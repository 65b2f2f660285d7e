//===- GgufNames.cpp - GGUF tensor names and Q/K rows to HF's -------------===//
//
// llama.cpp names tensors "blk.N.<part>.weight" where HF has
// "model.layers.N.<module>.weight", and its converter permutes the rows of
// llama's q_proj and k_proj so that each head's rotary pairs sit next to
// each other (GGML's RoPE rotates adjacent pairs, HF's rotates halves).
//
//===----------------------------------------------------------------------===//

#include "r1fmt/GgufHf.h"

#include <fmt/format.h>

#include <cassert>
#include <cstring>
#include <vector>

namespace r1fmt {

namespace {

struct NamePair {
  const char *gguf, *hf;
};

// Per-layer parts, after "blk.N.".
constexpr NamePair kLayerParts[] = {
    {"attn_norm", "input_layernorm"},
    {"attn_q", "self_attn.q_proj"},
    {"attn_k", "self_attn.k_proj"},
    {"attn_v", "self_attn.v_proj"},
    {"attn_output", "self_attn.o_proj"},
    {"attn_q_norm", "self_attn.q_norm"},
    {"attn_k_norm", "self_attn.k_norm"},
    {"ffn_norm", "post_attention_layernorm"},
    {"ffn_gate", "mlp.gate_proj"},
    {"ffn_up", "mlp.up_proj"},
    {"ffn_down", "mlp.down_proj"},
};

constexpr NamePair kGlobalParts[] = {
    {"token_embd", "model.embed_tokens"},
    {"output_norm", "model.norm"},
    {"output", "lm_head"},
};

/// Splits "stem.weight" / "stem.bias" into stem and suffix.
bool splitSuffix(const std::string &name, std::string &stem,
                 std::string &suffix) {
  for (const char *s : {".weight", ".bias"}) {
    size_t n = std::strlen(s);
    if (name.size() > n && name.compare(name.size() - n, n, s) == 0) {
      stem = name.substr(0, name.size() - n);
      suffix = s;
      return true;
    }
  }
  return false;
}

/// For "blk.N.part", sets layer and part.
bool splitLayer(const std::string &stem, std::string &layer,
                std::string &part) {
  if (stem.rfind("blk.", 0) != 0)
    return false;
  size_t dot = stem.find('.', 4);
  if (dot == std::string::npos || dot == 4)
    return false;
  layer = stem.substr(4, dot - 4);
  for (char ch : layer)
    if (ch < '0' || ch > '9')
      return false;
  part = stem.substr(dot + 1);
  return true;
}

} // namespace

std::optional<std::string> hfTensorName(const std::string &ggufName) {
  std::string stem, suffix, layer, part;
  if (!splitSuffix(ggufName, stem, suffix))
    return std::nullopt;
  if (splitLayer(stem, layer, part)) {
    for (const NamePair &p : kLayerParts)
      if (part == p.gguf)
        return "model.layers." + layer + "." + p.hf + suffix;
    return std::nullopt;
  }
  for (const NamePair &p : kGlobalParts)
    if (stem == p.gguf)
      return p.hf + suffix;
  return std::nullopt;
}

Expected<int64_t> unpermuteHeadsFor(const GgufFile &f,
                                    const GgufTensorInfo &t) {
  std::string stem, suffix, layer, part;
  if (!splitSuffix(t.name, stem, suffix) || !splitLayer(stem, layer, part) ||
      (part != "attn_q" && part != "attn_k"))
    return int64_t(0);
  auto arch = f.getString("general.architecture");
  if (!arch)
    return Error{arch.error()};
  // llama.cpp's converter permutes Q/K for these only (LlamaModel and its
  // subclasses); qwen2/qwen3 keep HF's layout.
  if (*arch != "llama" && *arch != "mistral")
    return int64_t(0);
  std::string key = *arch + ".attention.head_count";
  if (part == "attn_k" && f.has(*arch + ".attention.head_count_kv"))
    key = *arch + ".attention.head_count_kv";
  auto heads = f.getUint(key);
  if (!heads)
    return Error{heads.error()};
  uint64_t rows = t.shape().empty() ? 0 : uint64_t(t.shape().front());
  if (*heads == 0 || rows % (2 * *heads) != 0)
    return Error{fmt::format("{}: tensor '{}' has {} rows, not a multiple of "
                             "2 * {} heads ('{}'), so it cannot be "
                             "unpermuted",
                             f.path(), ggufPrintable(t.name), rows, *heads,
                             key)};
  return int64_t(*heads);
}

void unpermuteQK(float *rows, int64_t nRows, int64_t nCols, int64_t nHeads) {
  assert(nHeads > 0 && nRows % (2 * nHeads) == 0);
  if (nHeads <= 0 || nRows % (2 * nHeads) != 0 || nCols <= 0)
    return; // a caller bug; unpermuteHeadsFor never gives such a count
  int64_t group = nRows / nHeads, half = group / 2;
  std::vector<float> tmp(size_t(group * nCols));
  for (int64_t h = 0; h < nHeads; ++h) {
    float *g = rows + h * group * nCols;
    std::memcpy(tmp.data(), g, tmp.size() * sizeof(float));
    for (int64_t i = 0; i < half; ++i)
      for (int64_t j = 0; j < 2; ++j)
        std::memcpy(g + (j * half + i) * nCols,
                    tmp.data() + (2 * i + j) * nCols,
                    size_t(nCols) * sizeof(float));
  }
}

} // namespace r1fmt
