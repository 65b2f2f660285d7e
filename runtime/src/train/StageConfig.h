//===- StageConfig.h - Typed stage configs read from plan.json --*- C++ -*-===//
//
// r1c resolves every stage parameter's default into plan.json, so each stage
// kind's "config" object is read once, here, into a typed struct with no
// fallback values: a missing or mistyped field is a plan error naming the
// stage and the field. Fields the schema leaves optional (no default) are
// std::optional. Range checks stay with the runners that rely on them.
// Internal to the runners in this directory.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_TRAIN_STAGECONFIG_H
#define R1RT_TRAIN_STAGECONFIG_H

#include "r1rt/generate/Generator.h"
#include "r1rt/model/Lora.h"
#include "r1rt/plan/Plan.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace r1rt::stages {

/// The optimizer settings every training stage has.
struct OptimizerConfig {
  double lr, weightDecay, gradClip;
  int64_t warmup, saveEvery;
};

/// A stage's `lora { rank alpha targets }` block (sft and grpo): rank >= 1,
/// alpha > 0, targets a non-empty list of projection names.
using LoraConfig = LoraOptions;

/// pretrain, sft and distill.
struct SupervisedConfig {
  int64_t batch;
  OptimizerConfig optim;
  std::optional<int64_t> steps; ///< pretrain: always set
  std::optional<int64_t> epochs; ///< sft and distill (used without steps)
  std::optional<int64_t> seqLen; ///< pretrain's packed row length
  double kdWeight = 0; ///< distill only
  std::optional<LoraConfig> lora; ///< sft only; absent: full fine-tuning
  static SupervisedConfig read(const PlanStage &stage);
};

struct GrpoConfig {
  int64_t group, steps, batch, updates, refReset;
  std::optional<int64_t> minibatch; ///< default: batch * group
  OptimizerConfig optim;
  SamplingOptions sampling; ///< temperature, top_p, max_new
  double klReward;
  bool dynamicSampling;
  std::string scale, curriculum;
  std::optional<LoraConfig> lora; ///< absent: full fine-tuning
  static GrpoConfig read(const PlanStage &stage);
};

struct RejectSampleConfig {
  int64_t samples, perPrompt;
  SamplingOptions sampling;
  static RejectSampleConfig read(const PlanStage &stage);
};

struct MixConfig {
  std::vector<unsigned> ratio;
  static MixConfig read(const PlanStage &stage);
};

struct EvalConfig {
  struct Metric {
    std::string metric; ///< "pass" or "cons" (checked by the runner)
    int64_t at, k;
  };
  std::vector<Metric> metrics;
  SamplingOptions sampling;
  std::string untagged; ///< answer_match's untagged: zero | last_number
  static EvalConfig read(const PlanStage &stage);
};

struct ExportConfig {
  std::string path, format;
  static ExportConfig read(const PlanStage &stage);
};

} // namespace r1rt::stages

#endif // R1RT_TRAIN_STAGECONFIG_H
