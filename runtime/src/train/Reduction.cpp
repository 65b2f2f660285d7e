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

/// max(Σ_t m, 1) per sequence, [B,1]: seq_mean's and the sequence means'
/// denominators.
torch::Tensor sequenceCounts(const torch::Tensor &m) {
  return m.sum(/*dim=*/1, /*keepdim=*/true).clamp_min(1.0);
}

/// max(Σ m, 1): token_mean's denominator.
torch::Tensor tokenCount(const torch::Tensor &m) {
  return m.sum().clamp_min(1.0);
}

/// B · L: seq_sum_norm's denominator.
double sumNormDenominator(const torch::Tensor &m, const Reduction &reduction) {
  int64_t len = reduction.maxLen > 0 ? reduction.maxLen : m.size(1);
  return static_cast<double>(m.size(0) * len);
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
    return (masked.sum(/*dim=*/1, /*keepdim=*/true) / sequenceCounts(m)).mean();
  case ReductionKind::TokenMean:
    return masked.sum() / tokenCount(m);
  case ReductionKind::SeqSumNorm:
    return masked.sum() / sumNormDenominator(m, reduction);
  }
  fail("loss reduction: unknown kind");
}

torch::Tensor reductionWeights(const torch::Tensor &mask,
                               const Reduction &reduction, torch::Dtype dtype) {
  if (mask.dim() != 2)
    fail("loss reduction: response mask {} must be [B,T]",
         c10::str(mask.sizes()));
  torch::Tensor m = (mask != 0).to(dtype);
  switch (reduction.kind) {
  case ReductionKind::SeqMean:
    return m / sequenceCounts(m) / static_cast<double>(m.size(0));
  case ReductionKind::TokenMean:
    return m / tokenCount(m);
  case ReductionKind::SeqSumNorm:
    return m / sumNormDenominator(m, reduction);
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
                      sequenceCounts(m);
  return seq.expand_as(x);
}

torch::Tensor sequenceMeanBroadcastBackward(const torch::Tensor &grad,
                                            const torch::Tensor &mask) {
  torch::Tensor m = floatMask(grad, mask);
  return m / sequenceCounts(m) * grad.sum(/*dim=*/1, /*keepdim=*/true);
}

} // namespace r1rt::train
