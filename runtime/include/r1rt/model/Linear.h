//===- Linear.h - Linear layer with an optional LoRA adapter ---*- C++ -*-===//
//
// y = x W^T (+ b), plus, once an adapter is attached (LoRA, Hu et al. 2021),
// (alpha / r) (x A^T) B^T with A [r, in] and B [out, r]. Parameters are
// named as torch::nn::Linear's ("weight", "bias") and the adapter's
// "lora_A" and "lora_B", so checkpoints keep their HF names.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_MODEL_LINEAR_H
#define R1RT_MODEL_LINEAR_H

#include <torch/torch.h>

namespace r1rt {

class LinearImpl : public torch::nn::Module {
public:
  /// Initialised as torch::nn::Linear does (same draws from the global
  /// generator), so models built from it start bit-identical.
  LinearImpl(int64_t in, int64_t out, bool bias);
  torch::Tensor forward(const torch::Tensor &x);

  /// Attaches a rank-`rank` adapter scaled by alpha / rank: A uniform as
  /// torch::nn::Linear's default (kaiming, a = sqrt(5)) from `gen`, B zero,
  /// so the layer's output is unchanged until B is trained.
  void attachLora(int64_t rank, double alpha, torch::Generator gen);
  bool hasLora() const { return loraA.defined(); }
  /// Folds the adapter into W (W += scale B A) and removes it.
  void mergeLora();

  torch::Tensor weight, bias, loraA, loraB;
  double loraScale = 0;
  /// False while a LoraAdaptersOff guard (Lora.h) holds: the layer computes
  /// its base output only.
  bool loraEnabled = true;
};
TORCH_MODULE(Linear);

} // namespace r1rt

#endif // R1RT_MODEL_LINEAR_H
