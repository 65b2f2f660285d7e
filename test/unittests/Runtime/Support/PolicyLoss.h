//===- PolicyLoss.h - Reference clipped GRPO policy loss --------*- C++ -*-===//
//
// The GRPO/DAPO/Dr. GRPO/GSPO policy loss written directly in LibTorch ops
// (docs/grpo.md), with its clip/KL/ratio metrics. A test and benchmark
// helper: the reference that the loss interpreter (on the built-in loss
// trees), the fused log-prob kernel and the loss benchmark are compared
// against. The trainer evaluates the plan's loss instead (LossInterpreter.h,
// CompiledLoss.h) and measures its clip fraction from the loss's gradient.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_TRAIN_POLICYLOSS_H
#define R1RT_TRAIN_POLICYLOSS_H

#include "r1rt/train/Reduction.h"

#include <torch/torch.h>

namespace r1rt::train {

/// Hyperparameters of the clipped policy loss.
struct PolicyLossConfig {
  /// ε_low: the ratio is clipped below at 1 − clipLow.
  double clipLow = 0.2;
  /// ε_high: the ratio is clipped above at 1 + clipHigh (DAPO clip-higher:
  /// 0.28).
  double clipHigh = 0.2;
  /// β of the k3 KL term added to the per-token loss (0 = no KL in the loss).
  double klBeta = 0.0;
  /// GSPO: use the sequence-level ratio exp(mean_t(logp − old_logp)) for
  /// every token of a sequence instead of the per-token ratio.
  bool sequenceRatio = false;
  /// How the per-token loss becomes a scalar.
  Reduction reduction;
};

/// Inputs, all [B,T] and of one floating dtype; `logp` carries the gradient.
/// `advantages` is already broadcast over tokens; `refLogp` may be undefined
/// when klBeta is 0; `mask` is nonzero on response tokens.
struct PolicyLossInputs {
  torch::Tensor logp;
  torch::Tensor oldLogp;
  torch::Tensor refLogp;
  torch::Tensor advantages;
  torch::Tensor mask;
};

/// The loss and its metrics (metrics are detached 0-dim tensors).
struct PolicyLossOutput {
  /// The reduced scalar loss (differentiable w.r.t. logp).
  torch::Tensor loss;
  /// The per-token loss [B,T] before masking and reduction.
  torch::Tensor perToken;
  /// Fraction of response tokens where the clipped branch is active, i.e.
  /// clip(ρ)·A < ρ·A strictly: (ρ > 1+ε_high and A > 0) or (ρ < 1−ε_low and
  /// A < 0). TRL logs the same quantity as `clip_ratio/region_mean`.
  torch::Tensor clipFraction;
  /// Masked mean of the per-token k3 KL (0 when refLogp is undefined).
  torch::Tensor meanKl;
  /// Masked mean of the ratio ρ actually used (per token or per sequence).
  torch::Tensor meanRatio;
};

/// The log-ratio clamp (docs/grpo.md): ρ = exp(clamp(logp − old_logp, ±20)).
constexpr double kLogRatioClamp = 20.0;

/// Computes the per-token loss `−min(ρA, clip(ρ, 1−ε_lo, 1+ε_hi)A) + β·k3`,
/// reduces it, and fills the metrics.
PolicyLossOutput policyLoss(const PolicyLossInputs &inputs,
                            const PolicyLossConfig &config);

} // namespace r1rt::train

#endif // R1RT_TRAIN_POLICYLOSS_H
