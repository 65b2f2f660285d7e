//===- Reduction.cpp - Per-token loss reductions over a response mask -----===//

#include "r1rt/train/Reduction.h"

#include "r1rt/Error.h"

namespace r1rt::train {

const char *reductionName(ReductionKind kind) {
  switch (kind) {
  case ReductionKind::SeqMean:
    return "seq_mean";
  case ReductionKind::TokenMean:
    return "token_mean";
  case ReductionKind::SeqSumNorm:
    return "seq_sum_norm";
  }
  return "?";
}

namespace {

torch::Tensor floatMask(const torch::Tensor &x, const torch::Tensor &mask) {
  if (x.dim() != 2 || !x.sizes().equals(mask.sizes()))
    fail("loss reduction: per-token loss {} and response mask {} must both "
         "be [B,T]",
         c10::str(x.sizes()), c10::str(mask.sizes()));
  return (mask != 0).to(x.dtype());
}

} // namespace

torch::Tensor reduceLoss(const torch::Tensor &perToken,
                         const torch::Tensor &mask,
                         const Reduction &reduction) {
  torch::Tensor m = floatMask(perToken, mask);
  // where() rather than multiplication, so that inf/nan on padding (e.g. a
  // padded logp of -inf) never leaks into the loss or its gradient.
  torch::Tensor masked =
      torch::where(m != 0, perToken, torch::zeros_like(perToken));
  switch (reduction.kind) {
  case ReductionKind::SeqMean:
    return (masked.sum(/*dim=*/1) / m.sum(/*dim=*/1).clamp_min(1.0)).mean();
  case ReductionKind::TokenMean:
    return masked.sum() / m.sum().clamp_min(1.0);
  case ReductionKind::SeqSumNorm: {
    int64_t len = reduction.maxLen > 0 ? reduction.maxLen : perToken.size(1);
    return masked.sum() / static_cast<double>(perToken.size(0) * len);
  }
  }
  fail("loss reduction: unknown kind");
}

torch::Tensor maskedMean(const torch::Tensor &x, const torch::Tensor &mask) {
  torch::Tensor m = floatMask(x, mask);
  return torch::where(m != 0, x, torch::zeros_like(x)).sum() /
         m.sum().clamp_min(1.0);
}

torch::Tensor sequenceMeanBroadcast(const torch::Tensor &x,
                                    const torch::Tensor &mask) {
  torch::Tensor m = floatMask(x, mask);
  torch::Tensor seq = torch::where(m != 0, x, torch::zeros_like(x))
                          .sum(/*dim=*/1, /*keepdim=*/true) /
                      m.sum(/*dim=*/1, /*keepdim=*/true).clamp_min(1.0);
  return seq.expand_as(x);
}

} // namespace r1rt::train
