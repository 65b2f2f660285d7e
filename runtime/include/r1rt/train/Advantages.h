//===- Advantages.h - GRPO group advantages and reward shaping --*- C++ -*-===//
//
// Group-relative advantages (docs/grpo.md), the zero-variance group filter of
// DAPO's dynamic sampling, and the KL-in-reward shaping option. Rewards are
// laid out group-major: sequence i belongs to group i / groupSize. See
// docs/grpo.md.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_TRAIN_ADVANTAGES_H
#define R1RT_TRAIN_ADVANTAGES_H

#include <torch/torch.h>

#include <cstdint>

namespace r1rt::train {

/// How the centred reward is scaled.
enum class AdvantageScale {
  /// GRPO (and TRL `scale_rewards="group"`): divide by the group's unbiased
  /// standard deviation plus 1e-4.
  GroupStd,
  /// Dr. GRPO (TRL `scale_rewards="none"`): no division.
  None,
};

/// Parses "group" / "std" (GroupStd) or "none" (None); throws r1rt::Error.
AdvantageScale parseAdvantageScale(const std::string &text);

/// Returns per-sequence advantages [B] for rewards [B] (B = groups ×
/// groupSize): `A = (r − mean_G r) / (std_G r + eps)` with the unbiased (n−1)
/// std, or `A = r − mean_G r` for AdvantageScale::None. A group of one has std
/// 0, as in TRL. The result has the rewards' dtype and device and no gradient.
torch::Tensor groupAdvantages(const torch::Tensor &rewards, int64_t groupSize,
                              AdvantageScale scale, double eps = 1e-4);

/// Broadcasts per-sequence advantages [B] over the response tokens of a [B,T]
/// mask: the result is [B,T], equal to adv[b] where mask[b,t] != 0 and 0 on
/// padding.
torch::Tensor broadcastOverTokens(const torch::Tensor &advantages,
                                  const torch::Tensor &mask);

/// Dynamic sampling (DAPO): a bool tensor [B / groupSize] that is true for the
/// groups to keep, i.e. those whose rewards are not all equal
/// (max − min > tolerance).
torch::Tensor keepNonZeroVarianceGroups(const torch::Tensor &rewards,
                                        int64_t groupSize,
                                        double tolerance = 0.0);

/// Expands a per-group keep flag [G] to per-sequence indices of the kept
/// sequences (int64, ascending), for index_select on any [B, ...] tensor.
torch::Tensor keptSequenceIndices(const torch::Tensor &keepGroups,
                                  int64_t groupSize);

/// The per-token k3 estimator of KL(π‖π_ref): `exp(ref − logp) − (ref − logp) −
/// 1` (Schulman's k3; TRL's GRPO KL, veRL's `low_var_kl` without its ±10
/// clamp). Differentiable through both arguments.
torch::Tensor k3Kl(const torch::Tensor &logp, const torch::Tensor &refLogp);

/// Per-sequence KL used by KL-in-reward [B]: the sum over response tokens of
/// k3(logp, refLogp) · mask, detached (as veRL's `apply_kl_penalty` followed by
/// summing token-level rewards in `compute_grpo_outcome_advantage`). The
/// caller passes the rollout (old) log-probs as `logp`.
torch::Tensor sequenceKl(const torch::Tensor &logp,
                         const torch::Tensor &refLogp,
                         const torch::Tensor &mask);

/// KL-in-reward shaping: `r − beta · sequenceKl(logp, refLogp, mask)`.
torch::Tensor klShapedRewards(const torch::Tensor &rewards,
                              const torch::Tensor &logp,
                              const torch::Tensor &refLogp,
                              const torch::Tensor &mask, double beta);

} // namespace r1rt::train

#endif // R1RT_TRAIN_ADVANTAGES_H
