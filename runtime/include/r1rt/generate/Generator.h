//===- Generator.h - Batched autoregressive sampling ------------*- C++ -*-===//
//
// Rollouts for GRPO and evaluation. Ragged prompts are handled with
// per-sequence positions: prompts are right-padded for one prefill, each row
// then decodes at its own position, and cached keys beyond a row's position
// are masked. Finished rows are dropped from the batch and the cache, so they
// stop costing compute. Each sequence samples from its own RNG stream, so its
// result does not depend on which other sequences share the batch.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_GENERATE_GENERATOR_H
#define R1RT_GENERATE_GENERATOR_H

#include "r1rt/model/CausalLM.h"
#include "r1rt/tokenizer/Tokenizer.h"

#include <string>
#include <vector>

namespace r1rt {

/// How to pick each next token.
struct SamplingOptions {
  double temperature = 1.0; ///< <= 0 means greedy.
  double topP = 1.0;        ///< Nucleus mass kept (1 = off).
  int64_t topK = 0;         ///< Keep the k most likely (0 = off).
  int64_t maxNewTokens = 64;
  /// Stands for the tokenizer's eosId() in stopTokens (2, the chars/bytes
  /// <eos>, when the Generator has no tokenizer).
  static constexpr int64_t kTokenizerEos = -1;
  /// Generation stops after any of these ids (the id is kept in the output).
  std::vector<int64_t> stopTokens = {kTokenizerEos};
  /// Generation stops after the token that completes any of these strings
  /// (decoded with the tokenizer); needs a tokenizer.
  std::vector<std::string> stopStrings;
};

/// Why a sequence ended.
enum class FinishReason { StopToken, StopString, Length };

/// Generated continuations of N prompts.
struct GenerationResult {
  torch::Tensor tokens;   ///< [N, maxNewTokens] int64, pad after the end.
  torch::Tensor logprobs; ///< [N, maxNewTokens] float32, 0 after the end.
  torch::Tensor lengths;  ///< [N] int64 generated tokens per sequence.
  std::vector<FinishReason> reasons;
  /// Row i's generated ids (lengths[i] of them).
  std::vector<int64_t> row(int64_t i) const;
};

/// Samples continuations from a CausalLM.
class Generator {
public:
  /// `tokenizer` may be null when no stop strings are used.
  Generator(CausalLM &model, const Tokenizer *tokenizer = nullptr);

  /// Cached decoding (latent MLA cache / GQA cache). `seeds[i]` seeds
  /// sequence i. logprobs are log_softmax(logits / temperature) of the
  /// sampled token (temperature 1 when greedy), before top-k/top-p.
  GenerationResult generate(const std::vector<std::vector<int64_t>> &prompts,
                            const std::vector<uint64_t> &seeds,
                            const SamplingOptions &opts);

  /// The same sampling, recomputing the whole prefix of one sequence at a
  /// time without a cache (reference and benchmark baseline).
  GenerationResult
  generateUncached(const std::vector<std::vector<int64_t>> &prompts,
                   const std::vector<uint64_t> &seeds,
                   const SamplingOptions &opts);

private:
  /// The tokenizer's pad id (0 without one): fills tokens after the end.
  int64_t padId() const;
  CausalLM &model;
  const Tokenizer *tokenizer;
};

} // namespace r1rt

#endif // R1RT_GENERATE_GENERATOR_H
