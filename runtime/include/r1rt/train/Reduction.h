//===- Reduction.h - Per-token loss reductions under a mask -----*- C++ -*-===//
//
// The three ways a [B,T] per-token loss becomes a scalar (docs/grpo.md):
// seq_mean (GRPO), token_mean (DAPO) and seq_sum_norm (Dr. GRPO).
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_TRAIN_REDUCTION_H
#define R1RT_TRAIN_REDUCTION_H

#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace r1rt::train {

/// The reduction kinds of plan.json's `"reduce"`.
enum class ReductionKind { SeqMean, TokenMean, SeqSumNorm };

/// A reduction with its parameter.
struct Reduction {
  ReductionKind kind = ReductionKind::TokenMean;
  /// seq_sum_norm's L; 0 means "the padded length T of the batch".
  int64_t maxLen = 0;
};

/// The plan.json name of a reduction kind ("seq_mean", ...).
const char *reductionName(ReductionKind kind);

/// Reduces a per-token loss [B,T] with a response mask [B,T] (nonzero = a
/// response token) to a scalar, differentiably:
/// - seq_mean: mean over the B sequences of Σ_t m·x / max(Σ_t m, 1) (a
///   sequence with no response token contributes 0 and still counts in B, as
///   TRL's `loss_type="grpo"`);
/// - token_mean: Σ m·x / max(Σ m, 1);
/// - seq_sum_norm: Σ m·x / (B · L), L = maxLen or T when maxLen is 0.
torch::Tensor reduceLoss(const torch::Tensor &perToken,
                         const torch::Tensor &mask, const Reduction &reduction);

/// The weight of each token in reduceLoss's sum, ∂reduceLoss/∂perToken [B,T]
/// in `dtype`, 0 on padding: m / (B · max(Σ_t m, 1)) for seq_mean,
/// m / max(Σ m, 1) for token_mean, m / (B · L) for seq_sum_norm.
torch::Tensor reductionWeights(const torch::Tensor &mask,
                               const Reduction &reduction, torch::Dtype dtype);

/// Masked mean over all response tokens, Σ m·x / max(Σ m, 1) (for metrics).
torch::Tensor maskedMean(const torch::Tensor &x, const torch::Tensor &mask);

/// The per-sequence masked mean of x [B,T], broadcast back to [B,T]
/// (differentiable); a sequence without response tokens gets 0.
torch::Tensor sequenceMeanBroadcast(const torch::Tensor &x,
                                    const torch::Tensor &mask);

/// The adjoint of sequenceMeanBroadcast: the gradient of x [B,T] given the
/// gradient g [B,T] of its output, m / max(Σ_t m, 1) · Σ_t g.
torch::Tensor sequenceMeanBroadcastBackward(const torch::Tensor &grad,
                                            const torch::Tensor &mask);

} // namespace r1rt::train

#endif // R1RT_TRAIN_REDUCTION_H
