//===- Lora.h - Attach, list and merge LoRA adapters -----------*- C++ -*-===//
//
// LoRA as TRL + PEFT users know it: every base parameter frozen, a trainable
// low-rank adapter on each targeted projection, and a merge that folds the
// adapters back into plain weights for export. The math is checked against
// peft (test/unittests/Runtime/Model/LoraTest.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_MODEL_LORA_H
#define R1RT_MODEL_LORA_H

#include "r1rt/model/CausalLM.h"

#include <map>
#include <string>
#include <vector>

namespace r1rt {

class LinearImpl;

struct LoraOptions {
  int64_t rank = 0;
  double alpha = 0;
  /// Projection names: "q" matches a layer called q or q_proj (so "q", "k",
  /// "v", "o", "gate", "up", "down" name a Llama block's seven), and a full
  /// name such as "kv_b_proj" matches itself.
  std::vector<std::string> targets;
};

/// Freezes every parameter of `model`, then attaches an adapter to each
/// projection a target names (A drawn from nameGenerator(seed, param name)).
/// Returns the number of adapted layers. Throws r1rt::Error when a target
/// matches no layer of this model, naming the projections it has.
int64_t applyLora(CausalLM &model, const LoraOptions &options, uint64_t seed);

/// The adapters' parameters by name ("...q_proj.lora_A", "...lora_B"): what
/// the optimizer updates and a LoRA checkpoint holds.
std::vector<std::pair<std::string, torch::Tensor>>
loraParameters(CausalLM &model);

/// Folds every adapter into its weight and removes it (for export).
void mergeLora(CausalLM &model);

/// What an optimizer over `model` updates: the adapters when it has any,
/// else every parameter.
std::vector<torch::Tensor> trainableParameters(CausalLM &model);

/// The adapters by name, detached (what adapter.safetensors holds).
std::map<std::string, torch::Tensor> loraState(CausalLM &model);

/// Copies `tensors` into the model's adapters: every adapter must be there
/// with its shape, and nothing else. `where` (a path) prefixes the one-line
/// errors.
void loadLoraState(CausalLM &model,
                   const std::map<std::string, torch::Tensor> &tensors,
                   const std::string &where);

/// While alive, every adapter of `model` is switched off: the forward is the
/// frozen base's, bit for bit (GRPO's reference under LoRA shares the
/// policy's weights this way). Restores the previous state on destruction.
/// With active = false it does nothing.
class LoraAdaptersOff {
public:
  explicit LoraAdaptersOff(CausalLM &model, bool active = true);
  ~LoraAdaptersOff();
  LoraAdaptersOff(const LoraAdaptersOff &) = delete;
  LoraAdaptersOff &operator=(const LoraAdaptersOff &) = delete;

private:
  std::vector<std::pair<LinearImpl *, bool>> saved;
};

} // namespace r1rt

#endif // R1RT_MODEL_LORA_H
