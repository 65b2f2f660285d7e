//===- Executor.h - Runs a plan's stages via the store ----------*- C++ -*-===//
//
// Stages run in topological order. A stage whose artifact key already has a
// complete, verified artifact is reused and says so; a partial one resumes
// from its last step checkpoint; the rest run fresh. Editing a late stage in
// the .r1p changes only the keys downstream of it, so only those re-run.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_PLAN_EXECUTOR_H
#define R1RT_PLAN_EXECUTOR_H

#include "r1rt/plan/Plan.h"

#include <cstdio>
#include <string>
#include <vector>

namespace r1rt {

struct ExecutorOptions {
  std::string outDir =
      "runs";          ///< store root; artifacts go to outDir/<pipeline>/
  std::string only;    ///< run just this stage (inputs must be complete)
  std::string from;    ///< re-run this stage and everything after it
  bool dryRun = false; ///< print what would happen, run nothing
  int threads = 0;     ///< intra-op threads; 0 keeps LibTorch's default
  bool interpretLosses = false; ///< never use the bundle's loss kernels
};

/// What happened to one stage.
struct StageOutcome {
  std::string name, kind, key;
  std::string status; ///< reused, ran, resumed, would-run, would-resume
  double seconds = 0;
  nlohmann::json summary;
};

/// Runs a plan. Throws r1rt::Error (one line) on the first failure; the
/// artifacts of completed stages stay as they are.
std::vector<StageOutcome> executePlan(const Plan &plan,
                                      const ExecutorOptions &options,
                                      std::FILE *log = stderr);

/// The end-of-run table: stage, kind, status, time and key metrics.
std::string formatSummaryTable(const std::vector<StageOutcome> &outcomes);

} // namespace r1rt

#endif // R1RT_PLAN_EXECUTOR_H
