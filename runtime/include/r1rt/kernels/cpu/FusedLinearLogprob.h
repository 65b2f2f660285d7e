//===- FusedLinearLogprob.h - Chunked linear-logprob kernel -----*- C++ -*-===//
//
// The fused linear + log-softmax + gather CPU kernel: the log-prob of the
// chosen token, logp[n] = z[n,y_n] − logsumexp_v z[n,v] with z = h Wᵀ / τ,
// computed over
// token chunks and vocabulary tiles with an online log-sum-exp, so that the
// [N,V] logits never exist. The backward recomputes each tile
// (docs/kernels.md).
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_KERNELS_CPU_FUSEDLINEARLOGPROB_H
#define R1RT_KERNELS_CPU_FUSEDLINEARLOGPROB_H

#include <torch/types.h>

#include <cstdint>

namespace r1rt::cpu {

/// Work decomposition. Peak scratch is one [tokenChunk, vocabTile] logits
/// block per thread (plus a [vocabTile, H] dW partial in the backward).
struct FusedLogprobTiling {
  int64_t tokenChunk = 256; ///< Tokens per chunk (the parallel unit).
  int64_t vocabTile = 2048; ///< Vocabulary rows of W per tile GEMM.
};

/// Outputs of the forward pass.
struct FusedLogprobForward {
  torch::Tensor logp; ///< [N] log-prob of each target.
  torch::Tensor lse;  ///< [N] logsumexp_v z[n,v], kept for the backward.
  /// [N] entropy of softmax(z[n,:]) when asked for, else undefined.
  torch::Tensor entropy;
};

/// Gradients of the backward pass (undefined when not requested).
struct FusedLogprobGrads {
  torch::Tensor hidden; ///< dL/dh [N,H], dtype of h.
  torch::Tensor weight; ///< dL/dW [V,H], dtype of W.
};

/// Forward without autograd. hidden [N,H], weight [V,H] (same dtype: float32,
/// float64 or bfloat16), targets [N] int64 in [0,V), tau > 0. logp and lse are
/// float64 for float64 inputs, else float32 (bf16 is computed in float32).
/// `withEntropy` also accumulates H = log S − D/S in the same pass, with
/// S = Σ e^(z−m) and D = Σ e^(z−m)(z−m) kept online beside the LSE.
/// Throws r1rt::Error on bad shapes, dtypes, devices, targets or tau.
FusedLogprobForward
fusedLinearLogprobForward(const torch::Tensor &hidden,
                          const torch::Tensor &weight,
                          const torch::Tensor &targets, double tau,
                          FusedLogprobTiling tiling = {},
                          bool withEntropy = false);

/// Backward without autograd, given the forward's lse [N] and the upstream
/// gradient gradLogp [N]: dz = g·(onehot(y) − softmax(z))/τ, dh = dz W,
/// dW = dzᵀ h, recomputing z tile by tile.
FusedLogprobGrads fusedLinearLogprobBackward(
    const torch::Tensor &hidden, const torch::Tensor &weight,
    const torch::Tensor &targets, const torch::Tensor &lse,
    const torch::Tensor &gradLogp, double tau, FusedLogprobTiling tiling = {},
    bool needHidden = true, bool needWeight = true);

/// Differentiable w.r.t. hidden and weight (an autograd Function over the two
/// above). hidden [...,H], weight [V,H], targets [...] int64 → logp [...].
torch::Tensor fusedLinearLogprob(const torch::Tensor &hidden,
                                 const torch::Tensor &weight,
                                 const torch::Tensor &targets, double tau = 1.0,
                                 FusedLogprobTiling tiling = {});

/// Differentiable log-probs plus their detached entropy, from one pass.
struct FusedLogprobEntropy {
  torch::Tensor logp;    ///< [...], differentiable like fusedLinearLogprob.
  torch::Tensor entropy; ///< [...], no gradient.
};
FusedLogprobEntropy fusedLinearLogprobEntropy(const torch::Tensor &hidden,
                                              const torch::Tensor &weight,
                                              const torch::Tensor &targets,
                                              double tau = 1.0,
                                              FusedLogprobTiling tiling = {});

} // namespace r1rt::cpu

#endif // R1RT_KERNELS_CPU_FUSEDLINEARLOGPROB_H
