//===- Rollout.h - Sampling completions and scoring them --------*- C++ -*-===//
//
// Shared by grpo, reject_sample and eval: encode prompts, sample n
// completions per prompt with per-sample seeds, decode them, and score them
// with a plan.json reward expression ({"terms", "expr", "predicate"}).
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_TRAIN_ROLLOUT_H
#define R1RT_TRAIN_ROLLOUT_H

#include "r1rt/data/Record.h"
#include "r1rt/generate/Generator.h"
#include "r1rt/plan/Plan.h"
#include "r1rt/reward/Reward.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace r1rt::stages {

/// Evaluates a reward/keep expression tree over named term scores (the ops of
/// plan-format.md; comparisons and logic yield 1 or 0).
double evalScoreExpr(const nlohmann::json &expr,
                     const std::map<std::string, double> &terms);

/// The rewards a stage field names, and how to combine them.
class RewardSet {
public:
  /// Builds from stage.raw[field] ("reward" or "keep"); errors name the stage.
  static RewardSet fromStage(const Plan &plan, const PlanStage &stage,
                             const std::string &field);
  /// One score per term, in terms() order.
  std::vector<double> scoreTerms(std::string_view completion,
                                 const data::Record &record) const;
  /// The combined value of the expression for those scores.
  double combine(const std::vector<double> &termScores) const;
  const std::vector<std::string> &terms() const { return names; }
  const reward::Reward &term(size_t i) const { return *fns[i]; }

private:
  std::vector<std::string> names;
  std::vector<std::shared_ptr<reward::Reward>> fns;
  nlohmann::json expr;
};

/// n completions for each of `records` (row i*n+j is sample j of record i).
struct Rollouts {
  std::vector<std::vector<int64_t>> prompts; ///< <bos> + prompt ids, per row
  GenerationResult gen;
  std::vector<std::string> completions; ///< decoded, specials dropped
};

/// Samples. Row r draws from seed mix(seedBase, firstSample + r), so a
/// sample's text depends only on the model, its prompt and its index.
/// max_new is capped so that prompt + completion fits the model's max_seq.
Rollouts sampleCompletions(CausalLM &model, const Tokenizer &tokenizer,
                           const std::vector<const data::Record *> &records,
                           int64_t n, SamplingOptions options,
                           uint64_t seedBase, uint64_t firstSample,
                           const std::string &stageName);

/// Batch-sampling stages (reject_sample, eval) work in chunks of this many
/// prompts; chunk c covers records [c·k, min(n, (c+1)·k)).
inline constexpr int64_t kPromptsPerChunk = 32;

/// The number of prompt chunks covering `n` records.
int64_t promptChunkCount(size_t n);

/// The records of prompt chunk `c`.
std::vector<const data::Record *>
promptChunk(const std::vector<data::Record> &records, int64_t c);

/// The unbiased pass@a estimate from k samples of which c are correct:
/// 1 − C(k−c, a) / C(k, a) (Chen et al., 2021).
double passAtEstimate(int64_t k, int64_t c, int64_t a);

/// splitmix64 of (a, b): independent seeds from a base and an index.
uint64_t mixSeed(uint64_t a, uint64_t b);

} // namespace r1rt::stages

#endif // R1RT_TRAIN_ROLLOUT_H
