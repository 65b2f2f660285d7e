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

#include <string>
#include <vector>

namespace r1rt {

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

} // namespace r1rt

#endif // R1RT_MODEL_LORA_H
