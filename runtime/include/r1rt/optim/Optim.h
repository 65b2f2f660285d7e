//===- Optim.h - AdamW, gradient clipping, LR schedule ----------*- C++ -*-===//
//
// Thin, tested utilities around torch::optim::AdamW for the training stages.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_OPTIM_OPTIM_H
#define R1RT_OPTIM_OPTIM_H

#include <torch/torch.h>

#include <memory>
#include <vector>

namespace r1rt {

/// AdamW hyper-parameters (every caller sets all of them).
struct AdamWOptions {
  double lr, beta1, beta2, eps, weightDecay;
};

/// AdamW over m's parameters in two groups: matrices (dim >= 2) decay,
/// vectors (norm weights, biases) do not.
std::unique_ptr<torch::optim::AdamW> makeAdamW(const torch::nn::Module &m,
                                               const AdamWOptions &opts);

/// Sets the learning rate of every parameter group.
void setLearningRate(torch::optim::Optimizer &opt, double lr);

/// Global L2 norm of all gradients (parameters without grad are skipped).
/// When maxNorm > 0 and the norm exceeds it, scales every gradient by
/// maxNorm / (norm + 1e-6). Returns the norm before clipping.
double clipGradNorm(const std::vector<torch::Tensor> &params, double maxNorm);

/// Linear warmup to `peak` over `warmup` steps, then cosine decay to
/// peak * minRatio at step `total`.
struct WarmupCosine {
  double peak = 1e-3;
  int64_t warmup = 0;
  int64_t total = 1;
  double minRatio = 0.0;
  /// Learning rate for 0-based optimizer step `step`.
  double at(int64_t step) const;
};

} // namespace r1rt

#endif // R1RT_OPTIM_OPTIM_H
