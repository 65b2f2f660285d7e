//===- Linear.cpp - Linear layer with an optional LoRA adapter ------------===//

#include "r1rt/model/Linear.h"

#include "r1rt/Error.h"

#include <cmath>

namespace r1rt {

LinearImpl::LinearImpl(int64_t in, int64_t out, bool withBias) {
  weight = register_parameter("weight", torch::empty({out, in}));
  torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (withBias) {
    bias = register_parameter("bias", torch::empty({out}));
    const double bound = 1.0 / std::sqrt(double(in));
    torch::nn::init::uniform_(bias, -bound, bound);
  }
}

torch::Tensor LinearImpl::forward(const torch::Tensor &x) {
  torch::Tensor y = torch::nn::functional::linear(x, weight, bias);
  if (!loraA.defined() || !loraEnabled)
    return y;
  return y + torch::nn::functional::linear(
                 torch::nn::functional::linear(x, loraA), loraB) *
                 loraScale;
}

void LinearImpl::attachLora(int64_t rank, double alpha, torch::Generator gen) {
  if (hasLora())
    fail("LoRA: this layer already has an adapter");
  if (rank < 1 || rank > std::min(weight.size(0), weight.size(1)))
    fail("LoRA: rank {} must be between 1 and min(in, out) = {}", rank,
         std::min(weight.size(0), weight.size(1)));
  const int64_t in = weight.size(1), out = weight.size(0);
  auto opts = weight.options().requires_grad(false);
  // kaiming_uniform_(a = sqrt(5)) on [r, in]: bound = 1 / sqrt(in).
  const double bound = 1.0 / std::sqrt(double(in));
  torch::Tensor a = torch::empty({rank, in}, opts.device(torch::kCPU))
                        .uniform_(-bound, bound, gen)
                        .to(weight.device());
  loraA = register_parameter("lora_A", a);
  loraB = register_parameter("lora_B", torch::zeros({out, rank}, opts));
  loraScale = alpha / double(rank);
}

void LinearImpl::mergeLora() {
  if (!hasLora())
    return;
  {
    torch::NoGradGuard g;
    weight.add_(torch::matmul(loraB, loraA) * loraScale);
  }
  parameters_.erase("lora_A");
  parameters_.erase("lora_B");
  loraA = loraB = torch::Tensor();
  loraScale = 0;
}

} // namespace r1rt
