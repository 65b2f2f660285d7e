//===- Advantages.cpp - GRPO group advantages and reward shaping ----------===//

#include "r1rt/train/Advantages.h"

#include "r1rt/Error.h"

namespace r1rt::train {

namespace {

/// Views rewards [B] as [B / groupSize, groupSize], failing clearly otherwise.
torch::Tensor grouped(const torch::Tensor &rewards, int64_t groupSize,
                      const char *what) {
  if (rewards.dim() != 1)
    fail("{}: rewards must be 1-D [B], got {} dims; pass one reward per "
         "sequence",
         what, rewards.dim());
  if (groupSize <= 0 || rewards.size(0) % groupSize != 0)
    fail("{}: {} rewards do not split into groups of {}; the batch must hold "
         "whole groups",
         what, rewards.size(0), groupSize);
  return rewards.reshape({rewards.size(0) / groupSize, groupSize});
}

} // namespace

AdvantageScale parseAdvantageScale(const std::string &text) {
  if (text == "group" || text == "std")
    return AdvantageScale::GroupStd;
  if (text == "none")
    return AdvantageScale::None;
  fail("unknown advantage scale '{}'; use \"group\" or \"none\"", text);
}

torch::Tensor groupAdvantages(const torch::Tensor &rewards, int64_t groupSize,
                              AdvantageScale scale, double eps) {
  torch::NoGradGuard noGrad;
  torch::Tensor r = grouped(rewards.detach(), groupSize, "groupAdvantages");
  torch::Tensor centred = r - r.mean(/*dim=*/1, /*keepdim=*/true);
  if (scale == AdvantageScale::GroupStd) {
    torch::Tensor std =
        groupSize > 1 ? r.std(/*dim=*/1, /*unbiased=*/true, /*keepdim=*/true)
                      : torch::zeros({r.size(0), 1}, r.options());
    centred = centred / (std + eps);
  }
  return centred.reshape({rewards.size(0)});
}

torch::Tensor broadcastOverTokens(const torch::Tensor &advantages,
                                  const torch::Tensor &mask) {
  if (mask.dim() != 2 || advantages.dim() != 1 ||
      advantages.size(0) != mask.size(0))
    fail("broadcastOverTokens: advantages [{}] do not match the [B,T] mask "
         "{}; pass one advantage per sequence",
         c10::str(advantages.sizes()), c10::str(mask.sizes()));
  return advantages.unsqueeze(1) * (mask != 0).to(advantages.dtype());
}

torch::Tensor keepNonZeroVarianceGroups(const torch::Tensor &rewards,
                                        int64_t groupSize, double tolerance) {
  torch::NoGradGuard noGrad;
  torch::Tensor r =
      grouped(rewards.detach(), groupSize, "keepNonZeroVarianceGroups");
  torch::Tensor spread =
      std::get<0>(r.max(/*dim=*/1)) - std::get<0>(r.min(/*dim=*/1));
  return spread > tolerance;
}

torch::Tensor keptSequenceIndices(const torch::Tensor &keepGroups,
                                  int64_t groupSize) {
  torch::Tensor flags =
      keepGroups.to(torch::kBool).repeat_interleave(groupSize);
  return flags.nonzero().reshape({-1});
}

torch::Tensor k3Kl(const torch::Tensor &logp, const torch::Tensor &refLogp) {
  torch::Tensor d = refLogp - logp;
  return torch::exp(d) - d - 1;
}

torch::Tensor sequenceKl(const torch::Tensor &logp,
                         const torch::Tensor &refLogp,
                         const torch::Tensor &mask) {
  torch::NoGradGuard noGrad;
  torch::Tensor m = (mask != 0).to(logp.dtype());
  return (k3Kl(logp.detach(), refLogp.detach()) * m).sum(/*dim=*/1);
}

torch::Tensor klShapedRewards(const torch::Tensor &rewards,
                              const torch::Tensor &logp,
                              const torch::Tensor &refLogp,
                              const torch::Tensor &mask, double beta) {
  return rewards.detach() -
         beta * sequenceKl(logp, refLogp, mask).to(rewards.dtype());
}

} // namespace r1rt::train
