//===- StepCheckpoint.h - A trainer's step checkpoint files -----*- C++ -*-===//
//
// One component owns a training stage's step checkpoints, for every trainer:
// the policy weights (only the adapters when the model has LoRA adapters),
// the optimizer state and, when the stage keeps one that changes (GRPO with
// ref_reset), the reference weights. RNG state and data
// order need no file: every random draw and every sampled example is a
// function of (stage seed, step, sample index), so the step number restores
// them (DataOrder.h).
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_TRAIN_STEPCHECKPOINT_H
#define R1RT_TRAIN_STEPCHECKPOINT_H

#include "r1rt/model/CausalLM.h"

#include <torch/optim/optimizer.h>

#include <cstdint>

namespace r1rt {

class StageArtifact;

/// The weights file of a step checkpoint and of a committed checkpoint.
inline constexpr const char *kModelFile = "model.safetensors";
/// The adapters of a LoRA model's step checkpoint and committed checkpoint
/// (which then hold no kModelFile).
inline constexpr const char *kAdapterFile = "adapter.safetensors";

class StepCheckpoint {
public:
  /// `reference` is saved and restored too when not null.
  StepCheckpoint(StageArtifact &artifact, CausalLM &model,
                 torch::optim::Optimizer &optimizer,
                 CausalLM *reference = nullptr)
      : artifact(artifact), model(model), optimizer(optimizer),
        reference(reference) {}

  /// Restores the latest step checkpoint, if any. Returns its step, or 0 for
  /// a fresh start.
  int64_t restore();
  /// Writes the checkpoint of (1-based) step `step`.
  void save(int64_t step);

private:
  StageArtifact &artifact;
  CausalLM &model;
  torch::optim::Optimizer &optimizer;
  CausalLM *reference;
};

} // namespace r1rt

#endif // R1RT_TRAIN_STEPCHECKPOINT_H
