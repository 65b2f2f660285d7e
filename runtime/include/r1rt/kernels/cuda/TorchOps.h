//===- TorchOps.h - Autograd bindings of the CUDA kernels -------*- C++ -*-===//
//
// LibTorch autograd bindings of the CUDA kernels (r1rt_cuda_torch).
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_KERNELS_CUDA_TORCHOPS_H
#define R1RT_KERNELS_CUDA_TORCHOPS_H

#include "r1rt/kernels/cuda/FusedLogprob.h"
#include "r1rt/kernels/cuda/Moe.h"

#include <torch/autograd.h>
#include <torch/types.h>

namespace r1rt::cuda {

/// Loss and per-token log-probs of fusedLinearGrpoLoss.
struct GrpoLossResult {
  torch::Tensor loss; ///< Scalar fp32.
  torch::Tensor logp; ///< [B,T] fp32, differentiable as well.
};

/// Fused LM head + log-softmax gather + GRPO loss with autograd to hidden and
/// weight. hidden [B,T,H] bf16, weight [V,H] bf16, targets [B,T] int64,
/// oldLogp/adv [B,T] fp32; refLogp and mask may be undefined tensors.
GrpoLossResult
fusedLinearGrpoLoss(const torch::Tensor &hidden, const torch::Tensor &weight,
                    const torch::Tensor &targets, const torch::Tensor &oldLogp,
                    const torch::Tensor &refLogp, const torch::Tensor &adv,
                    const torch::Tensor &mask, const GrpoLossParams &params,
                    int64_t vocabTile = 0,
                    GemmBackend gemm = GemmBackend::Cublas);

/// Flash-style MLA attention with autograd: q, k [B,S,H,dqk], v [B,S,H,dv]
/// bf16 → o [B,S,H,dv] bf16.
torch::Tensor mlaAttention(const torch::Tensor &q, const torch::Tensor &k,
                           const torch::Tensor &v, double scale, bool causal);

/// Absorbed MLA decode (no autograd): qAbs [B,H,kvRank+rope], cache
/// [B,C,kvRank+rope] bf16, lengths [B] int32 → [B,H,kvRank] bf16.
torch::Tensor mlaDecode(const torch::Tensor &qAbs, const torch::Tensor &cache,
                        const torch::Tensor &lengths, int64_t kvRank,
                        double scale);

/// Routing outputs: weights [T,k] fp32 (differentiable w.r.t. the logits) and
/// indices [T,k] int32.
struct RouteResult {
  torch::Tensor weights;
  torch::Tensor indices;
};

/// MoE routing with autograd; tokens/experts of \p params are taken from
/// logits [T,E] fp32. bias [E] fp32 may be undefined.
RouteResult moeRoute(const torch::Tensor &logits, const torch::Tensor &bias,
                     RouteParams params);

/// Routed experts with autograd to x, weights, w1, w3, w2: permute, grouped
/// SwiGLU, weighted combine. x [T,D] bf16, indices [T,k] int32, weights [T,k]
/// fp32, w1/w3 [E,F,D], w2 [E,D,F] bf16 → [T,D] bf16.
torch::Tensor moeExperts(const torch::Tensor &x, const torch::Tensor &indices,
                         const torch::Tensor &weights, const torch::Tensor &w1,
                         const torch::Tensor &w3, const torch::Tensor &w2);

/// RMSNorm over the last dim with autograd; x [...,D] bf16, weight [D] bf16.
torch::Tensor rmsNorm(const torch::Tensor &x, const torch::Tensor &weight,
                      double eps);

/// Adjacent-pair RoPE over the whole last dim with autograd. x [B,S,H,D]
/// bf16; cos/sin [maxPos, D/2] fp32; positions [B·S] int32 or undefined
/// (position = s).
torch::Tensor ropeAdjacent(const torch::Tensor &x, const torch::Tensor &cos,
                           const torch::Tensor &sin,
                           const torch::Tensor &positions);

} // namespace r1rt::cuda

#endif
