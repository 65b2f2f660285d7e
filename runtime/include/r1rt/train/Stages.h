//===- Stages.h - The built-in stage runners --------------------*- C++ -*-===//

#ifndef R1RT_TRAIN_STAGES_H
#define R1RT_TRAIN_STAGES_H

#include <nlohmann/json.hpp>

#include <string>

namespace r1rt {

/// Registers the runners for pretrain, sft, distill, grpo, reject_sample,
/// mix, eval and export with registerStage(). Idempotent.
void registerBuiltinStages();

/// The eval table (one row per model, one column per metric) of an eval
/// stage's eval.json.
std::string formatEvalTable(const nlohmann::json &evalJson);

} // namespace r1rt

#endif // R1RT_TRAIN_STAGES_H
