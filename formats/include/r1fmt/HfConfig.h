//===- HfConfig.h - HF config.json -> plan.json model object ----*- C++ -*-===//
//
// Maps a Hugging Face config.json (as transformers writes it, or as
// hfConfigFromGguf rebuilds it) to the model object of plan.json
// (docs/plan-format.md, `models`), so the compiler and the runtime agree on
// one mapping.
//
//===----------------------------------------------------------------------===//

#ifndef R1FMT_HFCONFIG_H
#define R1FMT_HFCONFIG_H

#include "r1fmt/Expected.h"

#include <nlohmann/json.hpp>

#include <string>

namespace r1fmt {

/// The plan.json model object (`arch` plus every field of that arch, defaults
/// resolved) for `hfConfig`. `origin` names where the config came from (a
/// path) and starts every error message. Supported: model_type llama and
/// qwen2 (dense, SwiGLU, RMSNorm, RoPE without scaling).
Expected<nlohmann::json> r1ModelFromHfConfig(const nlohmann::json &hfConfig,
                                             const std::string &origin);

} // namespace r1fmt

#endif // R1FMT_HFCONFIG_H
