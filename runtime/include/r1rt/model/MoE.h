//===- MoE.h - DeepSeekMoE: router, sorted dispatch, balancing --*- C++ -*-===//
//
// Shared experts plus routed SwiGLU experts, routed as in DeepSeek-V3
// inference/model.py (Gate). Dispatch sorts token-expert pairs by expert, runs
// one GEMM chain per contiguous segment and scatters back. The routing bias is
// a buffer used for selection only; it moves by the aux-loss-free rule after
// each optimizer step (updateBias()).
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_MODEL_MOE_H
#define R1RT_MODEL_MOE_H

#include "r1rt/model/Layers.h"

#include <vector>

namespace r1rt {

/// The routing decision for N tokens.
struct Routing {
  torch::Tensor weights; ///< [N,K] combine weights (bias never enters).
  torch::Tensor indices; ///< [N,K] int64 expert ids.
  torch::Tensor scores;  ///< [N,E] softmax/sigmoid scores (no bias).
};

/// The top-k gate: weight [E,D] and, with balance = bias, the buffer
/// e_score_correction_bias [E] (HF names).
class Router : public torch::nn::Module {
public:
  explicit Router(const DeepSeekConfig &config);
  /// Routes x [N,D].
  Routing route(const torch::Tensor &x);
  torch::Tensor weight;
  torch::Tensor bias; ///< Undefined when balance = none.

private:
  MoeConfig moe;
};

/// Per-layer load statistics over the tokens seen since the last reset.
struct MoeLoadStats {
  std::vector<double> fraction; ///< Share of routed slots per expert.
  double maxOverMean = 0;       ///< max(load) / mean(load); 1 = balanced.
  int64_t tokens = 0;
};

/// A DeepSeekMoE FFN layer.
class MoE : public torch::nn::Module {
public:
  explicit MoE(const DeepSeekConfig &config);

  /// Sorted dispatch over x [B,T,D]. In training mode it accumulates expert
  /// load and, when aux_weight > 0, records the sequence-wise aux loss.
  torch::Tensor forward(const torch::Tensor &x);

  /// Reference: every expert on every token, masked and weighted.
  torch::Tensor forwardDense(const torch::Tensor &x);

  /// Aux-loss-free update from the accumulated load, then resets the load:
  /// d = rate * sign(mean(load) - load); d -= mean(d); bias += d.
  /// No-op with balance = none.
  void updateBias();

  /// Load statistics since the last updateBias()/resetLoad().
  MoeLoadStats loadStats() const;
  void resetLoad();
  /// Accumulated routed-slot counts per expert [E] (float64).
  torch::Tensor load() const { return loadCounts; }

  /// The last training forward's sequence-wise aux loss (already multiplied
  /// by aux_weight); undefined when aux_weight = 0 or in eval mode.
  torch::Tensor auxLoss() const { return lastAux; }

  std::shared_ptr<Router> gate;
  torch::nn::ModuleList experts;
  std::shared_ptr<SwiGlu> shared_experts;

private:
  torch::Tensor combine(const torch::Tensor &flat, const Routing &r);
  torch::Tensor seqAuxLoss(const Routing &r, int64_t b, int64_t t) const;
  std::vector<std::shared_ptr<SwiGlu>> expertList;
  MoeConfig moe;
  torch::Tensor loadCounts;
  int64_t loadTokens = 0;
  torch::Tensor lastAux;
};

} // namespace r1rt

#endif // R1RT_MODEL_MOE_H
