//===- Plan.h - The runtime's view of a plan bundle -------------*- C++ -*-===//
//
// A plan bundle (X.r1plan/) is what `r1c compile` emits: plan.json, ir.mlir
// and source.r1p. The runtime reads only plan.json (docs/plan-format.md); this
// header is its typed, validated form.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_PLAN_PLAN_H
#define R1RT_PLAN_PLAN_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace r1rt {

/// The plan.json schema version this runtime reads.
constexpr int kPlanSchemaVersion = 1;

/// One stage, in topological order.
struct PlanStage {
  std::string name;                ///< the .r1p stage name
  std::string kind;                ///< pretrain, sft, grpo, reject_sample, ...
  std::string key;                 ///< artifact key (hex)
  std::vector<std::string> inputs; ///< stages this one reads, in order
  nlohmann::json config;           ///< resolved configuration, defaults filled
  nlohmann::json raw;              ///< the whole stage object from plan.json

  /// The reference under input role `role` ({"model"|"dataset"|"stage": name},
  /// or an array of them), or null when the stage has no such input.
  const nlohmann::json &ref(const std::string &role) const;
};

/// A loaded plan.
struct Plan {
  std::string bundleDir;
  std::string pipeline;
  int64_t seed = 0;
  nlohmann::json tokenizer, models, datasets, rewards, losses;
  std::vector<PlanStage> stages;
  nlohmann::json raw; ///< the whole plan.json

  /// Index of a stage by name, or -1.
  int findStage(const std::string &name) const;
};

/// Loads `bundleDir`/plan.json. Throws r1rt::Error with a one-line message for
/// a missing bundle, unreadable JSON, a schema-version mismatch, or missing or
/// ill-typed fields (naming the JSON path).
Plan loadPlan(const std::string &bundleDir);

/// Parses plan.json text (for tests); `origin` names it in messages.
Plan parsePlan(const std::string &text, const std::string &origin);

/// `r1run --seed N`: makes `seed` the pipeline seed. Every stage key becomes
/// the first 32 hex digits of SHA-1("seed " + N + " " + key), so runs with
/// different seeds never share artifacts, and every stage's random draws
/// (derived from its key) and every dataset without its own `seed` (derived
/// from the pipeline seed) change with it. A seed equal to the plan's own
/// changes nothing.
void reseedPlan(Plan &plan, int64_t seed);

} // namespace r1rt

#endif // R1RT_PLAN_PLAN_H
