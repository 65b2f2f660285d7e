//===- StageSupportTest.cpp - Reward expressions, pass@k, dataset specs ---===//

#include "Rollout.h"
#include "r1rt/Error.h"
#include "r1rt/data/Materialize.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace fs = std::filesystem;
using nlohmann::json;
using r1rt::stages::evalScoreExpr;

namespace {

json param(const char *n) { return {{"op", "param"}, {"name", n}}; }
json cst(double v) { return {{"op", "const"}, {"value", v}}; }
json op(const char *o, std::vector<json> args) {
  return {{"op", o}, {"args", args}};
}

TEST(ScoreExpr, WeightedSumAndKeepPredicateMatchDirectArithmetic) {
  // accuracy + 0.1 * format, and accuracy == 1 and format == 1, as r1c emits.
  json sum = op("add", {param("accuracy"), op("mul", {param("format"), cst(0.1)})});
  json keep = op("and", {op("eq", {param("accuracy"), cst(1)}),
                         op("eq", {param("format"), cst(1)})});
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> bit(0, 1);
  std::uniform_real_distribution<double> u(-3, 3);
  for (int i = 0; i < 200; ++i) {
    double a = i % 2 ? bit(rng) : u(rng), f = bit(rng);
    std::map<std::string, double> env{{"accuracy", a}, {"format", f}};
    EXPECT_DOUBLE_EQ(evalScoreExpr(sum, env), a + f * 0.1);
    EXPECT_EQ(evalScoreExpr(keep, env), (a == 1 && f == 1) ? 1.0 : 0.0);
  }
}

TEST(ScoreExpr, EveryOpAgainstItsDefinition) {
  std::map<std::string, double> env{{"x", 2.5}, {"y", -0.75}};
  auto ev = [&](const char *o, std::vector<json> a) {
    return evalScoreExpr(op(o, a), env);
  };
  json x = param("x"), y = param("y");
  EXPECT_DOUBLE_EQ(ev("sub", {x, y}), 3.25);
  EXPECT_DOUBLE_EQ(ev("div", {x, y}), 2.5 / -0.75);
  EXPECT_DOUBLE_EQ(ev("neg", {x}), -2.5);
  EXPECT_DOUBLE_EQ(ev("exp", {y}), std::exp(-0.75));
  EXPECT_DOUBLE_EQ(ev("log", {x}), std::log(2.5));
  EXPECT_DOUBLE_EQ(ev("abs", {y}), 0.75);
  EXPECT_DOUBLE_EQ(ev("min", {x, y}), -0.75);
  EXPECT_DOUBLE_EQ(ev("max", {x, y}), 2.5);
  EXPECT_DOUBLE_EQ(ev("clamp", {x, y, cst(1)}), 1.0);
  EXPECT_DOUBLE_EQ(ev("where", {op("lt", {x, y}), x, y}), -0.75);
  EXPECT_DOUBLE_EQ(ev("ge", {x, x}), 1.0);
  EXPECT_DOUBLE_EQ(ev("gt", {x, x}), 0.0);
  EXPECT_DOUBLE_EQ(ev("le", {y, x}), 1.0);
  EXPECT_DOUBLE_EQ(ev("ne", {x, y}), 1.0);
  EXPECT_DOUBLE_EQ(ev("or", {cst(0), y}), 1.0);
  EXPECT_DOUBLE_EQ(ev("not", {cst(0)}), 1.0);
  EXPECT_THROW(evalScoreExpr(param("z"), env), r1rt::Error);
  EXPECT_THROW(evalScoreExpr(op("pow", {x, y}), env), r1rt::Error);
  EXPECT_THROW(evalScoreExpr(op("add", {x}), env), r1rt::Error);
}

/// pass@a by enumerating every a-subset of k samples (float64 reference).
double passAtByEnumeration(int k, int c, int a) {
  int hit = 0, total = 0;
  for (int mask = 0; mask < (1 << k); ++mask) {
    if (__builtin_popcount(mask) != a)
      continue;
    ++total;
    hit += (mask & ((1 << c) - 1)) != 0; // samples 0..c-1 are the correct ones
  }
  return double(hit) / total;
}

TEST(PassAt, UnbiasedEstimatorEqualsSubsetEnumeration) {
  for (int k = 1; k <= 10; ++k)
    for (int c = 0; c <= k; ++c)
      for (int a = 1; a <= k; ++a)
        EXPECT_NEAR(r1rt::stages::passAtEstimate(k, c, a),
                    passAtByEnumeration(k, c, a), 1e-12)
            << "k=" << k << " c=" << c << " a=" << a;
  EXPECT_DOUBLE_EQ(r1rt::stages::passAtEstimate(4, 1, 1), 0.25);
}

json countdownSpec(const char *split) {
  return {{"source", "task.countdown"},
          {"args", {{"count", 30}, {"numbers", {3, 4}}, {"split", split}}}};
}

TEST(Materialize, SeedComesFromContentNotName) {
  using r1rt::data::materializeDataset;
  auto a = materializeDataset("problems", countdownSpec("train"), "", 17);
  auto b = materializeDataset("renamed", countdownSpec("train"), "", 17);
  auto c = materializeDataset("problems", countdownSpec("train"), "", 18);
  ASSERT_EQ(a.size(), 30u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  json seeded = countdownSpec("train");
  seeded["args"]["seed"] = 99;
  EXPECT_EQ(materializeDataset("x", seeded, "", 17),
            materializeDataset("x", seeded, "", 18));
  EXPECT_NE(r1rt::data::derivedDatasetSeed(countdownSpec("train"), 17),
            r1rt::data::derivedDatasetSeed(countdownSpec("test"), 17));
}

TEST(Materialize, JsonlPathsResolveAgainstTheSourceDirectory) {
  fs::path dir = fs::temp_directory_path() /
                 ("r1rt-materialize-" + std::to_string(::getpid()));
  fs::create_directories(dir / "data");
  std::ofstream(dir / "data" / "chat.jsonl") << R"({"q":"hi","a":"yo"})" "\n";
  json spec = {{"source", "jsonl"},
               {"args", {{"path", "data/chat.jsonl"}, {"prompt", "q"},
                         {"response", "a"}}}};
  auto recs = r1rt::data::materializeDataset("chat", spec, dir.string(), 1);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].prompt, "hi");
  EXPECT_EQ(recs[0].response, "yo");
  try {
    r1rt::data::materializeDataset("chat", spec, "/nonexistent", 1);
    FAIL() << "expected an error";
  } catch (const r1rt::Error &e) {
    EXPECT_NE(std::string(e.what()).find("dataset 'chat'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/data/chat.jsonl"),
              std::string::npos);
  }
  EXPECT_THROW(r1rt::data::materializeDataset(
                   "x", {{"source", "task.nope"}, {"args", json::object()}}, "",
                   1),
               r1rt::Error);
  fs::remove_all(dir);
}

} // namespace
