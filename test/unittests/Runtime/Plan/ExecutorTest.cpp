//===- ExecutorTest.cpp - Tests for stage reuse, resume and selection -----===//
//
// The runners here are test doubles with real behaviour: a counting stage
// that checkpoints every step (so that a crash in the middle can be resumed)
// and whose output depends on its inputs' outputs, which lets the tests
// compare an interrupted-and-resumed run with an uninterrupted one.
//
//===----------------------------------------------------------------------===//

#include "r1rt/plan/Executor.h"
#include "r1rt/Error.h"
#include "r1rt/plan/Stage.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// Steps executed by CountingStage across the whole test binary.
int gStepsRun = 0;
/// CountingStage of stage gCrashStage throws when it reaches step
/// gCrashAtStep (a "crash" after the previous step's checkpoint).
std::string gCrashStage;
int gCrashAtStep = -1;

/// Sums its inputs' outputs, then adds config.add once per step, for
/// config.steps steps, checkpointing the running total every step.
class CountingStage : public r1rt::StageRunner {
public:
  json run(r1rt::StageContext &ctx) override {
    int64_t total = 0, step = 0;
    for (auto &[name, art] : ctx.inputs)
      total += std::stoll(art.readCommitted("out.txt"));
    if (auto last = ctx.artifact.latestStep()) {
      step = *last;
      total = std::stoll(ctx.artifact.readStep(step, "total.txt"));
    }
    int64_t steps = ctx.stage.config.value("steps", 3);
    for (++step; step <= steps; ++step) {
      if (ctx.stage.name == gCrashStage && step == gCrashAtStep)
        throw std::runtime_error("simulated crash");
      total += ctx.stage.config.value("add", 1);
      ++gStepsRun;
      ctx.artifact.writeStep(step, {{"total.txt", std::to_string(total)}});
    }
    ctx.artifact.commitFile("out.txt", std::to_string(total));
    return {{"total", total}};
  }
};

const bool registered = r1rt::registerStage(
    "count", [] { return std::make_unique<CountingStage>(); });

class ExecutorTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(registered);
    gStepsRun = 0;
    gCrashAtStep = -1;
    opts.outDir = (fs::temp_directory_path() /
                   ("r1rt-exec-" + std::to_string(std::random_device{}())))
                      .string();
  }
  void TearDown() override { fs::remove_all(opts.outDir); }

  /// a -> b -> c, plus d reading a. Keys change with the configs, as the
  /// compiler's Merkle keys would.
  static r1rt::Plan makePlan(int cAdd = 100) {
    r1rt::Plan p;
    p.pipeline = "t";
    auto add = [&](std::string name, std::vector<std::string> inputs,
                   json config, std::string key) {
      r1rt::PlanStage s{name, "count", key, inputs, config, json::object()};
      p.stages.push_back(s);
    };
    add("a", {}, {{"add", 1}, {"steps", 5}}, "aaaa0001");
    add("b", {"a"}, {{"add", 10}, {"steps", 4}}, "bbbb0001");
    add("c", {"b"}, {{"add", cAdd}, {"steps", 6}},
        cAdd == 100 ? "cccc0001" : "cccc0002");
    add("d", {"a"}, {{"add", 1000}, {"steps", 2}}, "dddd0001");
    return p;
  }
  static std::map<std::string, std::string>
  statuses(const std::vector<r1rt::StageOutcome> &outs) {
    std::map<std::string, std::string> m;
    for (const auto &o : outs)
      m[o.name] = o.status;
    return m;
  }

  r1rt::ExecutorOptions opts;
};

TEST_F(ExecutorTest, RunsThenReusesEverything) {
  auto outs = r1rt::executePlan(makePlan(), opts, nullptr);
  ASSERT_EQ(outs.size(), 4u);
  EXPECT_EQ(outs[2].summary["total"], 5 + 40 + 600);
  EXPECT_EQ(gStepsRun, 5 + 4 + 6 + 2);
  outs = r1rt::executePlan(makePlan(), opts, nullptr);
  for (const auto &o : outs)
    EXPECT_EQ(o.status, "reused") << o.name;
  EXPECT_EQ(gStepsRun, 17) << "nothing re-ran";
  EXPECT_EQ(outs[2].summary["total"], 645) << "summary comes from the manifest";
  std::string table = r1rt::formatSummaryTable(outs);
  EXPECT_NE(table.find("reused"), std::string::npos);
  EXPECT_NE(table.find("total=645"), std::string::npos) << table;
}

TEST_F(ExecutorTest, KilledStageResumesToTheSameResult) {
  gCrashStage = "c"; // a and b complete; c dies after checkpointing step 3
  gCrashAtStep = 4;
  EXPECT_THROW(r1rt::executePlan(makePlan(), opts, nullptr),
               std::runtime_error);
  int before = gStepsRun;
  gCrashAtStep = -1;
  auto outs = r1rt::executePlan(makePlan(), opts, nullptr);
  auto st = statuses(outs);
  EXPECT_EQ(st["a"], "reused");
  EXPECT_EQ(st["b"], "reused");
  EXPECT_EQ(st["c"], "resumed");
  EXPECT_EQ(st["d"], "ran");
  EXPECT_EQ(gStepsRun - before, 3 + 2) << "c ran only steps 4..6, then d";
  EXPECT_EQ(outs[2].summary["total"], 645) << "same as uninterrupted";
}

TEST_F(ExecutorTest, ChangedStageRerunsOnlyItself) {
  r1rt::executePlan(makePlan(), opts, nullptr);
  int before = gStepsRun;
  auto outs = r1rt::executePlan(makePlan(/*cAdd=*/7), opts, nullptr);
  auto st = statuses(outs);
  EXPECT_EQ(st["a"], "reused");
  EXPECT_EQ(st["b"], "reused");
  EXPECT_EQ(st["c"], "ran");
  EXPECT_EQ(st["d"], "reused");
  EXPECT_EQ(gStepsRun - before, 6);
  EXPECT_EQ(outs[2].summary["total"], 45 + 42);
}

TEST_F(ExecutorTest, OnlyFromAndDryRun) {
  // --only needs its inputs complete.
  opts.only = "b";
  EXPECT_THROW(r1rt::executePlan(makePlan(), opts, nullptr), r1rt::Error);
  opts.only = "";
  opts.dryRun = true;
  auto outs = r1rt::executePlan(makePlan(), opts, nullptr);
  EXPECT_EQ(statuses(outs)["c"], "would-run");
  EXPECT_EQ(gStepsRun, 0);
  EXPECT_FALSE(fs::exists(fs::path(opts.outDir) / "t"));
  opts.dryRun = false;
  r1rt::executePlan(makePlan(), opts, nullptr);
  int before = gStepsRun;
  opts.only = "b";
  outs = r1rt::executePlan(makePlan(), opts, nullptr);
  ASSERT_EQ(outs.size(), 1u);
  EXPECT_EQ(outs[0].status, "reused");
  opts.only = "";
  opts.from = "c";
  outs = r1rt::executePlan(makePlan(), opts, nullptr);
  auto st = statuses(outs);
  EXPECT_EQ(st.count("a"), 0u);
  EXPECT_EQ(st["c"], "ran");
  EXPECT_EQ(st["d"], "ran");
  EXPECT_EQ(gStepsRun - before, 6 + 2);
}

TEST_F(ExecutorTest, UnknownStageNamesGetSuggestions) {
  opts.from = "cc";
  try {
    r1rt::executePlan(makePlan(), opts, nullptr);
    FAIL();
  } catch (const r1rt::Error &e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'c'"), std::string::npos)
        << e.what();
  }
  r1rt::Plan p = makePlan();
  p.stages[0].kind = "no_such_kind";
  opts.from = "";
  try {
    r1rt::executePlan(p, opts, nullptr);
    FAIL();
  } catch (const r1rt::Error &e) {
    EXPECT_NE(std::string(e.what()).find("no runner for stage kind"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(ExecutorTest, CorruptInputArtifactStopsTheRun) {
  r1rt::executePlan(makePlan(), opts, nullptr);
  r1rt::ArtifactStore store(opts.outDir, "t");
  auto a = store.stage("a", "aaaa0001");
  {
    std::FILE *f = std::fopen(a.path("out.txt").c_str(), "w");
    std::fputs("999", f);
    std::fclose(f);
  }
  EXPECT_THROW(r1rt::executePlan(makePlan(/*cAdd=*/7), opts, nullptr),
               r1rt::Error);
  EXPECT_TRUE(fs::exists(a.path("out.txt"))) << "nothing is deleted";
}

} // namespace
