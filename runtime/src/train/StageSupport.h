//===- StageSupport.h - What every stage runner needs -----------*- C++ -*-===//
//
// Resolving a stage's input references (fresh model, checkpoint of an earlier
// stage, dataset spec, dataset artifact), publishing model checkpoints, and
// the per-stage seed. Internal to the runners in this directory.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_TRAIN_STAGESUPPORT_H
#define R1RT_TRAIN_STAGESUPPORT_H

#include "r1rt/Error.h"
#include "r1rt/data/Record.h"
#include "r1rt/model/CausalLM.h"
#include "r1rt/model/Config.h"
#include "r1rt/plan/Stage.h"
#include "r1rt/tokenizer/Tokenizer.h"
#include "r1rt/train/StepCheckpoint.h"

#include <memory>
#include <string>
#include <vector>

namespace r1rt::stages {

/// A checkpoint stage commits kModelFile (StepCheckpoint.h) and its config.
inline constexpr const char *kConfigFile = "config.json";
/// The file a dataset stage commits.
inline constexpr const char *kDataFile = "data.jsonl";
/// Per-step metrics of a stage.
inline constexpr const char *kMetricsFile = "metrics.jsonl";

/// A model with the config it was built from.
struct LoadedModel {
  std::shared_ptr<CausalLM> model;
  ModelConfig config;
};

/// A seed for the stage, derived from its artifact key (so it is stable
/// under renames and changes whenever the stage's inputs or config do).
uint64_t stageSeed(const StageContext &ctx);

/// The plan's tokenizer.
std::unique_ptr<Tokenizer> planTokenizer(const Plan &plan);

/// Resolves a model reference: {"model": m} builds m fresh (initialized with
/// `seed`) or loads its pretrained source, {"stage": s} loads s's committed
/// checkpoint (loadCheckpoint, merged).
LoadedModel loadModelRef(const StageContext &ctx, const nlohmann::json &ref,
                         uint64_t seed);
/// A committed checkpoint artifact: model.safetensors, or a LoRA stage's
/// base + adapters (LoraArtifact.h). With `merged`, adapters are folded into
/// the weights and every parameter is trainable again (a plain model, what
/// a consuming stage trains, evaluates or stacks new adapters on).
LoadedModel loadCheckpoint(const StageArtifact &artifact, bool merged = true);
/// loadModelRef on the stage's input role `role` (an error when absent).
LoadedModel loadModelInput(const StageContext &ctx, const std::string &role,
                           uint64_t seed);

/// Resolves a dataset reference ({"dataset": d} or {"stage": s}).
std::vector<data::Record> loadDatasetRef(const StageContext &ctx,
                                         const nlohmann::json &ref);
std::vector<data::Record> loadDatasetInput(const StageContext &ctx,
                                           const std::string &role);

/// The name a reference points at ("base", "cold", ...).
std::string refName(const nlohmann::json &ref);

/// Commits model.safetensors and config.json into the stage's artifact.
void commitModel(StageArtifact &artifact, CausalLM &model,
                 const ModelConfig &config);

/// Commits the stage's metrics.jsonl (so the store checksums it).
void commitMetrics(StageArtifact &artifact);

/// The step to resume from (0 for a fresh start).
int64_t resumeStep(const StageArtifact &artifact);

} // namespace r1rt::stages

#endif // R1RT_TRAIN_STAGESUPPORT_H
