//===- MLA.h - DeepSeek multi-head latent attention -------------*- C++ -*-===//
//
// MLA as in DeepSeek-V3 inference/model.py, with HF tensor names. Two paths:
// naive (training; per-head K and V) and absorbed (decode; W_UK folded into q,
// W_UV into the output, attention over the latent cache [c_kv; k_pe]).
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_MODEL_MLA_H
#define R1RT_MODEL_MLA_H

#include "r1rt/model/Layers.h"

namespace r1rt {

/// The latent cache of one layer: c_kv [B,S,kv_rank] (after its RMSNorm) and
/// the rotated shared key k_pe [B,S,rope_dim].
struct MlaLayerCache {
  torch::Tensor kv;
  torch::Tensor pe;
};

/// Multi-head latent attention.
class MultiHeadLatentAttention : public torch::nn::Module {
public:
  explicit MultiHeadLatentAttention(const DeepSeekConfig &config);

  /// Naive path over x [B,T,D] with RoPE positions [B,T]; causal by index.
  torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &positions);

  /// Absorbed path: writes the latents of x [B,T,D] at `positions` [B,T] into
  /// `cache` (capacity S), then attends over cached keys s <= position.
  torch::Tensor forwardAbsorbed(const torch::Tensor &x,
                                const torch::Tensor &positions,
                                MlaLayerCache &cache);

  /// Naive path over the latent cache (up-projects every cached position at
  /// every call); the baseline the absorbed path is benchmarked against.
  torch::Tensor forwardNaiveCached(const torch::Tensor &x,
                                   const torch::Tensor &positions,
                                   MlaLayerCache &cache);

  /// (nope+rope)^-0.5, times mscale^2 when YaRN is active.
  double softmaxScale() const { return scale; }

  Linear q_proj{nullptr}, q_a_proj{nullptr}, q_b_proj{nullptr};
  std::shared_ptr<RmsNorm> q_a_layernorm, kv_a_layernorm;
  Linear kv_a_proj_with_mqa{nullptr}, kv_b_proj{nullptr},
      o_proj{nullptr};

private:
  struct Projected {
    torch::Tensor qNope, qPe; ///< [B,T,H,nope], [B,T,H,rope] (rotated)
    torch::Tensor kv, pe;     ///< [B,T,kv_rank] (normed), [B,T,rope] (rotated)
  };
  Projected project(const torch::Tensor &x, const torch::Tensor &positions);
  void writeCache(const Projected &p, const torch::Tensor &positions,
                  MlaLayerCache &cache, int64_t &used);
  torch::Tensor naiveAttend(const Projected &q, const torch::Tensor &kv,
                            const torch::Tensor &pe,
                            const torch::Tensor &visible);

  MlaConfig mla;
  int64_t heads;
  double scale;
  torch::Tensor invFreq;
};

} // namespace r1rt

#endif // R1RT_MODEL_MLA_H
