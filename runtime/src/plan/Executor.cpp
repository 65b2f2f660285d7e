//===- Executor.cpp - Runs a plan's stages through the artifact store -----===//

#include "r1rt/plan/Executor.h"
#include "r1rt/Error.h"
#include "r1rt/plan/Stage.h"
#include "r1rt/store/ArtifactStore.h"

#include <ATen/Parallel.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>

using nlohmann::json;

namespace r1rt {

namespace {

size_t editDistance(const std::string &a, const std::string &b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min(
          {row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

/// Index of the named stage, or a one-line error with a suggestion.
size_t requireStage(const Plan &plan, const std::string &name,
                    const char *option) {
  int idx = plan.findStage(name);
  if (idx >= 0)
    return static_cast<size_t>(idx);
  std::string best;
  size_t bestDist = 3;
  for (const PlanStage &s : plan.stages)
    if (size_t d = editDistance(name, s.name); d < bestDist)
      bestDist = d, best = s.name;
  std::string names;
  for (const PlanStage &s : plan.stages)
    names += (names.empty() ? "" : ", ") + s.name;
  if (!best.empty())
    fail("{} '{}': no such stage in pipeline '{}'; did you mean '{}'?", option,
         name, plan.pipeline, best);
  fail("{} '{}': no such stage in pipeline '{}' (stages: {})", option, name,
       plan.pipeline, names);
}

/// A short "k=v" list of the numeric entries of a summary.
std::string briefSummary(const json &summary) {
  std::string out;
  if (!summary.is_object())
    return out;
  for (const auto &[k, v] : summary.items()) {
    if (!v.is_number())
      continue;
    if (!out.empty())
      out += " ";
    out += v.is_number_integer() ? fmt::format("{}={}", k, v.get<int64_t>())
                                 : fmt::format("{}={:.4g}", k, v.get<double>());
  }
  return out;
}

} // namespace

std::vector<StageOutcome>
executePlan(const Plan &plan, const ExecutorOptions &options, std::FILE *log) {
  if (!options.only.empty() && !options.from.empty())
    fail("--only and --from cannot be combined");
  size_t first = 0, last = plan.stages.size();
  if (!options.only.empty()) {
    first = requireStage(plan, options.only, "--only");
    last = first + 1;
  } else if (!options.from.empty()) {
    first = requireStage(plan, options.from, "--from");
  }
  if (options.threads > 0)
    at::set_num_threads(options.threads);

  ArtifactStore store(options.outDir, plan.pipeline);
  std::vector<StageOutcome> outcomes;
  for (size_t i = 0; i < plan.stages.size(); ++i) {
    const PlanStage &st = plan.stages[i];
    StageArtifact art = store.stage(st.name, st.key);
    StageOutcome out{st.name, st.kind, st.key, "", 0, json::object()};
    if (i < first)
      continue; // before --only/--from: used only as an input, checked below
    if (i >= last)
      break;
    bool forced = !options.from.empty();
    if (art.isComplete() && !forced) {
      art.verify();
      out.status = "reused";
      out.summary = art.manifest().value("summary", json::object());
      if (log)
        std::fprintf(log, "r1run: %s: reusing complete artifact %s\n",
                     st.name.c_str(), art.dir().c_str());
      outcomes.push_back(std::move(out));
      continue;
    }
    // --from re-runs from scratch; otherwise a partial stage resumes.
    std::optional<int64_t> resumeStep;
    if (!forced)
      resumeStep = art.latestStep();
    if (options.dryRun) {
      out.status = resumeStep ? "would-resume" : "would-run";
      if (log)
        std::fprintf(
            log, "r1run: %s (%s): %s\n", st.name.c_str(), st.kind.c_str(),
            resumeStep
                ? fmt::format("would resume from step {}", *resumeStep).c_str()
                : "would run");
      outcomes.push_back(std::move(out));
      continue;
    }
    std::unique_ptr<StageRunner> runner = createStage(st.kind);
    if (!runner) {
      std::string kinds;
      for (const std::string &k : registeredStageKinds())
        kinds += (kinds.empty() ? "" : ", ") + k;
      fail("stage '{}': this r1run has no runner for stage kind '{}' "
           "(available: {})",
           st.name, st.kind, kinds.empty() ? "none" : kinds);
    }
    StageContext ctx{plan, st, art, {}, options.threads,
                     options.interpretLosses};
    for (const std::string &in : st.inputs) {
      const PlanStage &src = plan.stages[plan.findStage(in)];
      StageArtifact inArt = store.stage(src.name, src.key);
      if (!inArt.isComplete())
        fail("stage '{}' needs '{}', whose artifact in '{}' is not complete; "
             "run without --only first",
             st.name, in, inArt.dir());
      inArt.verify();
      ctx.inputs.emplace(in, inArt);
    }
    if (log)
      std::fprintf(
          log, "r1run: %s (%s): %s\n", st.name.c_str(), st.kind.c_str(),
          resumeStep ? fmt::format("resuming from step {}", *resumeStep).c_str()
                     : "running");
    if (forced)
      std::filesystem::remove_all(art.dir());
    art.begin(
        {{"kind", st.kind}, {"inputs", st.inputs}, {"config", st.config}});
    auto t0 = std::chrono::steady_clock::now();
    out.summary = runner->run(ctx);
    out.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count();
    art.complete(out.summary);
    out.status = resumeStep ? "resumed" : "ran";
    outcomes.push_back(std::move(out));
  }
  return outcomes;
}

std::string formatSummaryTable(const std::vector<StageOutcome> &outcomes) {
  size_t wName = 5, wKind = 4, wStatus = 6;
  for (const StageOutcome &o : outcomes) {
    wName = std::max(wName, o.name.size());
    wKind = std::max(wKind, o.kind.size());
    wStatus = std::max(wStatus, o.status.size());
  }
  std::string table =
      fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>8}  {}\n", "stage", wName, "kind",
                  wKind, "status", wStatus, "time", "summary");
  for (const StageOutcome &o : outcomes) {
    std::string time = o.status == "ran" || o.status == "resumed"
                           ? fmt::format("{:.1f}s", o.seconds)
                           : "-";
    table += fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>8}  {}\n", o.name, wName,
                         o.kind, wKind, o.status, wStatus, time,
                         briefSummary(o.summary));
  }
  return table;
}

} // namespace r1rt
