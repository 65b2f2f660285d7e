//===- FusedLogprob.h - Fused LM head + logprob + GRPO loss -----*- C++ -*-===//
//
// Fused LM-head linear + log-softmax gather + GRPO loss on CUDA (raw pointers).
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_KERNELS_CUDA_FUSEDLOGPROB_H
#define R1RT_KERNELS_CUDA_FUSEDLOGPROB_H

#include "r1rt/kernels/cuda/Common.h"

namespace r1rt::cuda {

/// How per-token losses are reduced to one scalar (docs/grpo.md,
/// "Reductions").
enum class LossReduce : int {
  TokenMean = 0,  ///< Σ mask·ℓ / Σ mask over the whole batch (DAPO).
  SeqMean = 1,    ///< mean over sequences of each sequence's token mean.
  SeqSumNorm = 2, ///< Σ mask·ℓ / (B·L) (Dr. GRPO).
};

/// Hyper-parameters of the per-token GRPO loss
/// ℓ = −min(ρA, clip(ρ, 1−clipLow, 1+clipHigh)A) + β·(e^{ref−logp} − (ref−logp)
/// − 1), ρ = exp(clamp(logp − old_logp, ±logRatioClamp)), logp at temperature
/// τ.
struct GrpoLossParams {
  float clipLow = 0.2f;        ///< ε_lo.
  float clipHigh = 0.2f;       ///< ε_hi (clip-higher when > ε_lo).
  float beta = 0.0f;           ///< KL (k3) coefficient; 0 skips ref_logp.
  float temperature = 1.0f;    ///< τ: logits are divided by it.
  float logRatioClamp = 20.0f; ///< |logp − old_logp| clamp before exp.
  LossReduce reduce = LossReduce::TokenMean; ///< Reduction kind.
  int64_t maxLen = 0; ///< L of SeqSumNorm; 0 means the sequence length T.
};

/// Which tensor-core GEMM computes the vocabulary tiles.
enum class GemmBackend : int {
  Cublas = 0, ///< cublasGemmEx, bf16 in, fp32 compute (the default).
  Mma = 1,    ///< Own WMMA kernel (MmaGemm.cu), kept to measure against.
};

/// Problem sizes: N = batch·seqLen tokens, hidden size H, vocabulary V.
struct LogprobShape {
  int64_t batch = 0;  ///< B.
  int64_t seqLen = 0; ///< T.
  int64_t hidden = 0; ///< H.
  int64_t vocab = 0;  ///< V.
  /// Columns per logits tile; 0 picks one (≤ 2^26 fp32 tile elements).
  int64_t vocabTile = 0;
  /// Tile GEMM implementation.
  GemmBackend gemm = GemmBackend::Cublas;
};

/// Tile width actually used for \p shape (multiple of 8, ≤ V rounded up).
int64_t fusedLogprobVocabTile(const LogprobShape &shape);

/// Device workspace bytes that fusedLogprobGrpoForward/Backward need.
size_t fusedLogprobGrpoWorkspaceBytes(const LogprobShape &shape);

/// Forward. hidden [N,H] bf16, weight [V,H] bf16 (row-major), targets [N]
/// int64 in [0,V), oldLogp/refLogp/adv/mask [N] fp32 (refLogp may be null when
/// beta = 0; mask may be null for all ones). Writes logp [N] (log-prob of the
/// target at temperature τ), lse [N] (log-sum-exp of the scaled logits, saved
/// for backward), gradCoef [N] (dLoss/dlogp_n per unit upstream gradient,
/// saved for backward) and loss [1]. Never materialises the [N,V] logits: it
/// runs cuBLAS tile GEMMs into a [N,tile] fp32 buffer and an online LSE.
cudaError_t fusedLogprobGrpoForward(cublasHandle_t blas, const bf16 *hidden,
                                    const bf16 *weight, const int64_t *targets,
                                    const float *oldLogp, const float *refLogp,
                                    const float *adv, const float *mask,
                                    const LogprobShape &shape,
                                    const GrpoLossParams &params, float *logp,
                                    float *lse, float *gradCoef, float *loss,
                                    void *workspace, cudaStream_t stream);

/// Backward of the linear-logprob part for an arbitrary per-token upstream
/// gradient: dlogp_n = gradCoef[n]·(*dLoss) (dLoss a device scalar; null
/// means 1). Recomputes each logits tile, forms dz = (1[v=y] − p_v)·dlogp/τ in
/// bf16 and accumulates dHidden [N,H] (fp32 in the workspace, written bf16)
/// and dWeight [V,H] bf16. Either output may be null to skip it.
cudaError_t fusedLogprobBackward(cublasHandle_t blas, const bf16 *hidden,
                                 const bf16 *weight, const int64_t *targets,
                                 const float *lse, const float *gradCoef,
                                 const float *dLoss, const LogprobShape &shape,
                                 float temperature, bf16 *dHidden,
                                 bf16 *dWeight, void *workspace,
                                 cudaStream_t stream);

} // namespace r1rt::cuda

#endif
