//===- r1run.cpp - Executes an r1c plan bundle ----------------------------===//

#include "Generate.h"

#include "r1rt/Error.h"
#include "r1rt/metrics/Report.h"
#include "r1rt/plan/Executor.h"
#include "r1rt/plan/Plan.h"
#include "r1rt/store/ArtifactStore.h"
#include "r1rt/train/Stages.h"

#include <CLI/CLI.hpp>
#include <c10/util/Exception.h>
#include <torch/version.h>

#include <cstdio>
#include <string>

int main(int argc, char **argv) {
  if (argc > 1 && std::string(argv[1]) == "generate")
    return runGenerate(argc - 1, argv + 1);
  CLI::App app{"r1run: executes a plan bundle produced by `r1c compile`.\n"
               "`r1run generate MODEL --prompt TEXT` completes a prompt with "
               "a Hugging Face directory or .gguf model.\n"
               "Stages whose artifacts are complete are reused; a killed "
               "stage resumes from its last step checkpoint."};
  std::string bundle;
  r1rt::ExecutorOptions opts;
  app.add_option("bundle", bundle, "Plan bundle directory (X.r1plan)")
      ->required();
  auto *outOpt = app.add_option(
      "--out", opts.outDir,
      "Artifact store root; stages write to OUT/<pipeline>/ (default: the "
      "pipeline's run_dir setting, else runs)");
  app.add_option("--only", opts.only,
                 "Run only this stage (its inputs must be complete)");
  app.add_option("--from", opts.from,
                 "Re-run this stage and every stage after it from scratch");
  app.add_flag("--dry-run", opts.dryRun,
               "Print what would run, resume or be reused; run nothing");
  auto *threadsOpt =
      app.add_option("--threads", opts.threads,
                     "Intra-op CPU threads (default: the pipeline's threads "
                     "setting, else LibTorch's default)")
          ->check(CLI::NonNegativeNumber);
  app.add_flag("--interpret-losses", opts.interpretLosses,
               "Evaluate RL losses with the interpreter even where the "
               "bundle has compiled kernels (docs/kernels.md)");
  int64_t seed = 0;
  auto *seedOpt = app.add_option(
      "--seed", seed,
      "Override the pipeline seed: every stage key and random draw changes "
      "with it, so runs with different seeds never share artifacts "
      "(docs/runtime.md)");
  std::string report;
  app.add_option("--report", report,
                 "After the run, write an HTML report (curves and the eval "
                 "table) of every stage's artifact to this file");
  app.set_version_flag("--version",
                       std::string("r1run (LibTorch ") + TORCH_VERSION + ")");
  CLI11_PARSE(app, argc, argv);

  try {
    r1rt::Plan plan = r1rt::loadPlan(bundle);
    if (seedOpt->count())
      r1rt::reseedPlan(plan, seed);
    const nlohmann::json settings =
        plan.raw.value("settings", nlohmann::json::object());
    if (!outOpt->count() && settings.contains("run_dir"))
      opts.outDir = settings["run_dir"].get<std::string>();
    if (!threadsOpt->count() && settings.contains("threads"))
      opts.threads = settings["threads"].get<int>();
    r1rt::registerBuiltinStages();
    auto outcomes = r1rt::executePlan(plan, opts);
    std::fputs(r1rt::formatSummaryTable(outcomes).c_str(), stdout);
    r1rt::ArtifactStore store(opts.outDir, plan.pipeline);
    for (const r1rt::StageOutcome &o : outcomes) {
      r1rt::StageArtifact art = store.stage(o.name, o.key);
      if (o.kind != "eval" || !art.isComplete())
        continue;
      std::printf("\neval '%s' (%s):\n%s", o.name.c_str(),
                  art.path("eval.json").c_str(),
                  r1rt::formatEvalTable(
                      nlohmann::json::parse(art.readCommitted("eval.json")))
                      .c_str());
    }
    if (!report.empty()) {
      std::vector<r1rt::ReportStage> rs;
      for (const r1rt::PlanStage &st : plan.stages) {
        r1rt::ReportStage r{st.name, st.kind, st.key,
                            store.stage(st.name, st.key).dir(), "", 0};
        for (const r1rt::StageOutcome &o : outcomes)
          if (o.name == st.name)
            r.status = o.status, r.seconds = o.seconds;
        rs.push_back(std::move(r));
      }
      r1rt::writeReport(report, plan.pipeline, rs);
      std::printf("\nreport: %s\n", report.c_str());
    }
    return 0;
  } catch (const r1rt::Error &e) {
    std::fprintf(stderr, "r1run: error: %s\n", e.what());
  } catch (const c10::Error &e) {
    std::fprintf(stderr, "r1run: internal error from LibTorch: %s\n",
                 e.what_without_backtrace());
  } catch (const std::exception &e) {
    std::fprintf(stderr, "r1run: internal error: %s\n", e.what());
  }
  return 1;
}
