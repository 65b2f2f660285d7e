//===- GgufHf.h - A GGUF file seen as a Hugging Face checkpoint -*- C++ -*-===//
//
// What transformers' GGUF loader rebuilds from a GGUF file, without torch:
// the config.json, the tokenizer.json, the chat template, the HF name of
// each tensor, and the inverse of the row permutation llama.cpp's converter
// applies to llama's Q and K projections.
//
//===----------------------------------------------------------------------===//

#ifndef R1FMT_GGUFHF_H
#define R1FMT_GGUFHF_H

#include "r1fmt/Gguf.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace r1fmt {

/// A config.json equivalent for general.architecture llama, mistral, qwen2
/// or qwen3. Errors name the file and the missing key or the unsupported
/// architecture.
Expected<nlohmann::json> hfConfigFromGguf(const GgufFile &f);

/// A tokenizer.json for a byte-level BPE vocabulary
/// (tokenizer.ggml.model == "gpt2"), built as transformers builds it from a
/// GGUF: vocab and merges from the file, control tokens (token_type 3) as
/// special added tokens, user-defined ones (4) as plain added tokens, and
/// the pre-tokenizer named by tokenizer.ggml.pre.
Expected<nlohmann::json> tokenizerJsonFromGguf(const GgufFile &f);

/// tokenizer.chat_template, or nullopt when the file has none.
std::optional<std::string> chatTemplateFromGguf(const GgufFile &f);

/// The HF (LlamaForCausalLM / Qwen2ForCausalLM) name of a GGUF tensor name,
/// e.g. blk.3.attn_q.weight -> model.layers.3.self_attn.q_proj.weight, or
/// nullopt for a name with no HF counterpart.
std::optional<std::string> hfTensorName(const std::string &ggufName);

/// How many heads to unpermute tensor `t` of `f` with: attention.head_count
/// for blk.N.attn_q.*, attention.head_count_kv for blk.N.attn_k.* in llama
/// and mistral files (llama.cpp permutes only those), 0 for anything else.
Expected<int64_t> unpermuteHeadsFor(const GgufFile &f, const GgufTensorInfo &t);

/// Undoes llama.cpp's RoPE row permutation in place. `rows` is a row-major
/// [nRows, nCols] matrix whose rows are nHeads groups of 2*half rows stored
/// interleaved (row h*2*half + 2*i + j); afterwards row h*2*half + j*half + i
/// holds what was there, as transformers' reverse_permute does. nRows must
/// be a multiple of 2*nHeads (asserted; in release builds other shapes are
/// left untouched).
void unpermuteQK(float *rows, int64_t nRows, int64_t nCols, int64_t nHeads);

} // namespace r1fmt

#endif // R1FMT_GGUFHF_H
