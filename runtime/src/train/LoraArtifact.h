//===- LoraArtifact.h - A LoRA stage's checkpoint: adapters only -*- C++ -*-===//
//
// An sft or grpo stage with a `lora` block commits config.json,
// adapter.safetensors (the lora_A/lora_B tensors only) and lora.json
// {"rank", "alpha", "targets", "base", "base_fingerprint"}, where "base"
// says how to rebuild the frozen weights: {"model", "path", "digest"} for a
// pretrained source, {"artifact": dir} for an earlier stage's committed
// checkpoint (itself possibly a LoRA one, merged first), or {"model",
// "init_seed"} for a fresh model. No model.safetensors. Internal to the
// runners in this directory.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_TRAIN_LORAARTIFACT_H
#define R1RT_TRAIN_LORAARTIFACT_H

#include "StageSupport.h"
#include "r1rt/model/Lora.h"

namespace r1rt::stages {

inline constexpr const char *kLoraFile = "lora.json";

/// True when the artifact is a LoRA checkpoint (it committed lora.json).
bool isLoraArtifact(const StageArtifact &artifact);

/// The lora.json "base" of a stage whose initial model is input `ref`.
nlohmann::json loraBase(const StageContext &ctx, const nlohmann::json &ref,
                        uint64_t seed);

/// Attaches the stage's adapters to its freshly loaded initial model (all
/// base weights frozen); errors name the stage.
void attachStageLora(CausalLM &model, const LoraOptions &lora, uint64_t seed,
                     const std::string &stage);

/// Commits config.json, adapter.safetensors and lora.json.
void commitLoraModel(StageArtifact &artifact, CausalLM &model,
                     const ModelConfig &config, const LoraOptions &lora,
                     const nlohmann::json &base);

/// A LoRA checkpoint as base + attached adapters (not merged). Rebuilding a
/// base that is gone or changed is a one-line error naming lora.json.
LoadedModel loadLoraArtifact(const StageArtifact &artifact);

} // namespace r1rt::stages

#endif // R1RT_TRAIN_LORAARTIFACT_H
