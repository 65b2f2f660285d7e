//===- Stage.h - Stage runners and their registry ---------------*- C++ -*-===//
//
// A stage runner executes one kind of stage (pretrain, sft, grpo, ...). The
// executor hands it the plan, the stage, its artifact directory and the
// artifacts of its inputs; the runner writes its outputs and step checkpoints
// through the artifact and returns a metrics summary. Runners are registered
// by kind with registerStage() (explicitly, from the tool's start-up: static
// registration objects in a static library would be dropped by the linker).
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_PLAN_STAGE_H
#define R1RT_PLAN_STAGE_H

#include "r1rt/plan/Plan.h"
#include "r1rt/store/ArtifactStore.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace r1rt {

/// What a runner gets to do its work.
struct StageContext {
  const Plan &plan;
  const PlanStage &stage;
  StageArtifact &artifact;
  /// Completed artifacts of the stage's inputs, by stage name.
  std::map<std::string, StageArtifact> inputs;
  /// Intra-op threads (`r1run --threads`).
  int threads = 1;
  /// Evaluate losses with the interpreter (`r1run --interpret-losses`).
  bool interpretLosses = false;
};

/// Executes one kind of stage.
class StageRunner {
public:
  virtual ~StageRunner() = default;
  /// Runs the stage to completion, resuming from
  /// `ctx.artifact.latestStep()` when there is one. Returns a summary of its
  /// metrics for the manifest and the final table.
  virtual nlohmann::json run(StageContext &ctx) = 0;
};

using StageFactory = std::function<std::unique_ptr<StageRunner>()>;

/// Registers a runner for a stage kind; returns true (for static init).
bool registerStage(const std::string &kind, StageFactory factory);
/// A new runner for `kind`, or nullptr when this runtime has none.
std::unique_ptr<StageRunner> createStage(const std::string &kind);
/// The registered kinds, sorted.
std::vector<std::string> registeredStageKinds();

} // namespace r1rt

#endif // R1RT_PLAN_STAGE_H
