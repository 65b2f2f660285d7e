//===- Optim.cpp - AdamW, gradient clipping, LR schedule ------------------===//

#include "r1rt/optim/Optim.h"

#include "r1rt/Error.h"

#include <cmath>

namespace r1rt {

std::unique_ptr<torch::optim::AdamW> makeAdamW(const torch::nn::Module &m,
                                               const AdamWOptions &o) {
  std::vector<torch::Tensor> decay, noDecay;
  for (const torch::Tensor &p : m.parameters())
    if (p.requires_grad())
      (p.dim() >= 2 ? decay : noDecay).push_back(p);
  auto base = torch::optim::AdamWOptions(o.lr)
                  .betas({o.beta1, o.beta2})
                  .eps(o.eps)
                  .weight_decay(o.weightDecay);
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay,
                      std::make_unique<torch::optim::AdamWOptions>(base));
  auto none = base;
  none.weight_decay(0.0);
  groups.emplace_back(noDecay,
                      std::make_unique<torch::optim::AdamWOptions>(none));
  return std::make_unique<torch::optim::AdamW>(groups, base);
}

void setLearningRate(torch::optim::Optimizer &opt, double lr) {
  for (auto &g : opt.param_groups())
    g.options().set_lr(lr);
}

double clipGradNorm(const std::vector<torch::Tensor> &params, double maxNorm) {
  torch::NoGradGuard noGrad;
  torch::Tensor total;
  for (const torch::Tensor &p : params) {
    if (!p.grad().defined())
      continue;
    torch::Tensor sq =
        p.grad().to(torch::kFloat64).pow(2).sum().to(torch::kCPU);
    total = total.defined() ? total + sq : sq;
  }
  if (!total.defined())
    return 0.0;
  double norm = std::sqrt(total.item<double>());
  if (!std::isfinite(norm))
    fail("gradient norm is {}; lower the learning rate or check the loss",
         norm);
  if (maxNorm > 0 && norm > maxNorm) {
    double s = maxNorm / (norm + 1e-6);
    for (const torch::Tensor &p : params)
      if (p.grad().defined())
        p.grad().mul_(s);
  }
  return norm;
}

double WarmupCosine::at(int64_t step) const {
  if (step < warmup)
    return peak * double(step + 1) / double(warmup);
  double span = double(std::max<int64_t>(1, total - warmup));
  double progress = std::min(1.0, double(step - warmup) / span);
  double floor = peak * minRatio;
  return floor + (peak - floor) * 0.5 * (1.0 + std::cos(M_PI * progress));
}

} // namespace r1rt
