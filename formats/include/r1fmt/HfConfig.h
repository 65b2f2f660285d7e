//===- HfConfig.h - Hugging Face config.json <-> plan.json model -*- C++ -*-===//
//
// Maps a transformers config.json (llama, mistral, qwen2, qwen3,
// deepseek_v2, deepseek_v3) to the model object of plan.json that r1rt's
// ModelConfig::fromJson reads ("dense" or "deepseek"), and back. A key that
// changes the math and that r1rt does not implement (an active sliding
// window, biases on llama, an unknown rope_scaling type, an activation other
// than silu, ...) is an error naming the key, never silently dropped.
//
//===----------------------------------------------------------------------===//

#ifndef R1FMT_HFCONFIG_H
#define R1FMT_HFCONFIG_H

#include "r1fmt/Expected.h"

#include <nlohmann/json.hpp>

#include <string>

namespace r1fmt {

/// The plan.json model object for `hfConfig`. `origin` (a path) names the
/// file in errors: "PATH: key 'K' = V is not supported (why)".
Expected<nlohmann::json> r1ModelFromHfConfig(const nlohmann::json &hfConfig,
                                             const std::string &origin);

/// The config.json (transformers schema, legacy rope_theta/rope_scaling
/// keys) for a plan.json model object: LlamaForCausalLM, Qwen2ForCausalLM
/// (qkv_bias), Qwen3ForCausalLM (qk_norm) or DeepseekV3ForCausalLM /
/// DeepseekV2ForCausalLM (softmax routing without bias). Errors name what
/// has no HF counterpart (e.g. a sequence-wise aux loss is fine, but
/// qkv_bias with qk_norm is not an HF architecture).
Expected<nlohmann::json> hfConfigFromR1Model(const nlohmann::json &model,
                                             const std::string &origin);

} // namespace r1fmt

#endif // R1FMT_HFCONFIG_H
