//===- Config.h - Model configurations mirroring plan.json ------*- C++ -*-===//
//
// The "models" section of plan.json, as C++ structs. Field names and defaults
// are the shared contract with the compiler. Parameter counts have one home,
// the compiler's ModelMath (plan.json "model_costs"); ModelCostsTest checks
// them against these modules.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_MODEL_CONFIG_H
#define R1RT_MODEL_CONFIG_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace r1rt {

/// Multi-head latent attention dimensions.
struct MlaConfig {
  int64_t qRank = 0; ///< 0: q = W_q x; otherwise q = W_qb RMSNorm(W_qa x).
  int64_t kvRank = 0;
  int64_t nopeDim = 0;
  int64_t ropeDim = 0;
  int64_t vDim = 0;
};

/// DeepSeekMoE routing and expert sizes.
struct MoeConfig {
  int64_t experts = 0;
  int64_t shared = 1;
  int64_t topK = 0;
  int64_t expertDim = 0;
  std::string score = "softmax"; ///< "softmax" or "sigmoid".
  int64_t groups = 1;
  int64_t topkGroups = 1;
  double routeScale = 1.0;
  std::string balance = "bias"; ///< "bias" (aux-loss-free) or "none".
  double biasRate = 1e-3;
  double auxWeight = 0.0; ///< Sequence-wise aux loss weight (0 = off).
};

/// YaRN context extension of RoPE.
struct YarnConfig {
  double factor = 1.0;
  int64_t originalMaxSeq = 0;
  double betaFast = 32;
  double betaSlow = 1;
  double mscale = 1.0;
};

/// A DeepSeek-V3-style model: MLA attention, dense then MoE FFNs.
struct DeepSeekConfig {
  int64_t vocabSize = 0;
  int64_t dim = 0;
  int64_t layers = 0;
  int64_t heads = 0;
  int64_t denseLayers = 1;
  int64_t maxSeq = 0;
  int64_t ffn = 0; ///< Dense-layer SwiGLU width; 4*dim when absent.
  double normEps = 1e-6;
  double ropeTheta = 10000.0;
  bool tieEmbeddings = false;
  MlaConfig mla;
  MoeConfig moe;
  std::optional<YarnConfig> yarn;

  /// YaRN is applied (as in DeepSeek-V3 inference/model.py) only when it is
  /// configured and max_seq exceeds its original_max_seq.
  bool yarnActive() const { return yarn && maxSeq > yarn->originalMaxSeq; }
};

/// Llama 3's RoPE frequency rescaling (transformers' rope_type "llama3").
struct Llama3RopeConfig {
  double factor = 8.0;
  double lowFreqFactor = 1.0;
  double highFreqFactor = 4.0;
  int64_t originalMaxSeq = 8192;
};

/// A Qwen2/Qwen3/Llama-style dense model.
struct DenseConfig {
  int64_t vocabSize = 0;
  int64_t dim = 0;
  int64_t layers = 0;
  int64_t heads = 0;
  int64_t kvHeads = 0; ///< Defaults to heads.
  int64_t headDim = 0; ///< Defaults to dim / heads.
  int64_t ffn = 0;
  int64_t maxSeq = 2048;
  double normEps = 1e-6;
  double ropeTheta = 10000.0;
  bool qkvBias = false;
  bool qkNorm = false; ///< Qwen3: RMSNorm over each q and k head before RoPE.
  bool tieEmbeddings = false;
  std::optional<Llama3RopeConfig> ropeLlama3;
};

/// One model section: the architecture tag plus the matching config.
struct ModelConfig {
  std::string arch; ///< "deepseek" or "dense".
  DeepSeekConfig deepseek;
  DenseConfig dense;

  /// Parses a plan.json model object. `where` names it in errors (e.g.
  /// "models.base"). Throws r1rt::Error with one line on a missing or
  /// ill-typed field.
  static ModelConfig fromJson(const nlohmann::json &j,
                              const std::string &where = "model");
  /// Serializes back to the plan.json form (all fields, defaults filled).
  nlohmann::json toJson() const;
};

} // namespace r1rt

#endif // R1RT_MODEL_CONFIG_H
