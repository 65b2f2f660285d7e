//===- PlanTest.cpp - Tests for loading and validating plan.json ----------===//

#include "r1rt/plan/Plan.h"
#include "r1rt/Error.h"

#include <gtest/gtest.h>

#include <set>

using nlohmann::json;

namespace {

json validPlan() {
  return {
      {"schema_version", r1rt::kPlanSchemaVersion},
      {"pipeline", "tiny"},
      {"seed", 17},
      {"tokenizer", {{"kind", "chars"}, {"alphabet", "0123"}}},
      {"models", {{"base", {{"arch", "dense"}}}}},
      {"datasets", {{"corpus", {{"source", "task.arith"}}}}},
      {"rewards", json::object()},
      {"losses", json::object()},
      {"stages",
       {{{"name", "a"},
         {"kind", "pretrain"},
         {"key", "00aa"},
         {"inputs",
          {{"init", {{"model", "base"}}}, {"data", {{"dataset", "corpus"}}}}},
         {"config", json::object()}},
        {{"name", "b"},
         {"kind", "sft"},
         {"key", "00bb"},
         {"inputs", {{"init", {{"stage", "a"}}}}},
         {"config", {{"epochs", 2}}}},
        {{"name", "e"},
         {"kind", "eval"},
         {"key", "00ee"},
         {"inputs",
          {{"models", {{{"stage", "a"}}, {{"stage", "b"}}}},
           {"data", {{"dataset", "corpus"}}}}},
         {"config", json::object()}}}}};
}

std::string errorOf(const json &j) {
  try {
    r1rt::parsePlan(j.dump(), "x.r1plan/plan.json");
  } catch (const r1rt::Error &e) {
    return e.what();
  }
  return "";
}

TEST(Plan, ParsesAValidPlan) {
  r1rt::Plan p = r1rt::parsePlan(validPlan().dump(), "plan.json");
  EXPECT_EQ(p.pipeline, "tiny");
  EXPECT_EQ(p.seed, 17);
  ASSERT_EQ(p.stages.size(), 3u);
  EXPECT_EQ(p.stages[0].inputs, std::vector<std::string>{});
  EXPECT_EQ(p.stages[1].inputs, std::vector<std::string>{"a"});
  EXPECT_EQ(p.stages[2].inputs, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(p.stages[0].ref("init")["model"], "base");
  EXPECT_TRUE(p.stages[1].ref("data").is_null());
  EXPECT_EQ(p.stages[1].config["epochs"], 2);
  EXPECT_EQ(p.findStage("b"), 1);
  EXPECT_EQ(p.findStage("zz"), -1);
}

TEST(Plan, ErrorsNameTheProblem) {
  json j = validPlan();
  j["schema_version"] = 99;
  EXPECT_NE(errorOf(j).find("schema version 99"), std::string::npos);

  j = validPlan();
  j.erase("seed");
  EXPECT_NE(errorOf(j).find("missing field 'seed'"), std::string::npos);

  j = validPlan();
  j["stages"][1]["config"] = "oops";
  EXPECT_NE(errorOf(j).find("'stages[1].config' is string, expected object"),
            std::string::npos)
      << errorOf(j);

  j = validPlan();
  j["stages"][0]["inputs"]["init"] = {{"stage", "b"}};
  EXPECT_NE(errorOf(j).find("not in topological order"), std::string::npos);

  j = validPlan();
  j["stages"][0]["inputs"]["data"] = {{"dataset", "corpse"}};
  EXPECT_NE(errorOf(j).find("names dataset 'corpse'"), std::string::npos)
      << errorOf(j);

  j = validPlan();
  j["stages"][1]["inputs"]["init"] = "a";
  EXPECT_NE(errorOf(j).find("must be a reference"), std::string::npos)
      << errorOf(j);
}

TEST(Plan, RejectsMalformedText) {
  EXPECT_THROW(r1rt::parsePlan("{", "p.json"), r1rt::Error);
  EXPECT_THROW(r1rt::parsePlan("[1]", "p.json"), r1rt::Error);
  EXPECT_THROW(r1rt::loadPlan("/nonexistent/x.r1plan"), r1rt::Error);
}

} // namespace

TEST(Plan, ReseedChangesEveryKeyAndTheSeed) {
  const r1rt::Plan orig = r1rt::parsePlan(validPlan().dump(), "plan.json");
  r1rt::Plan same = orig;
  r1rt::reseedPlan(same, orig.seed);
  for (size_t i = 0; i < orig.stages.size(); ++i)
    EXPECT_EQ(same.stages[i].key, orig.stages[i].key);

  r1rt::Plan a = orig, b = orig, a2 = orig;
  r1rt::reseedPlan(a, 1);
  r1rt::reseedPlan(a2, 1);
  r1rt::reseedPlan(b, 2);
  EXPECT_EQ(a.seed, 1);
  EXPECT_EQ(a.raw["seed"], 1);
  std::set<std::string> keys;
  for (size_t i = 0; i < orig.stages.size(); ++i) {
    EXPECT_EQ(a.stages[i].key.size(), 32u);
    EXPECT_EQ(a.stages[i].key, a2.stages[i].key); // deterministic
    EXPECT_EQ(a.raw["stages"][i]["key"], a.stages[i].key);
    EXPECT_EQ(a.stages[i].raw["key"], a.stages[i].key);
    keys.insert(orig.stages[i].key);
    keys.insert(a.stages[i].key);
    keys.insert(b.stages[i].key);
  }
  EXPECT_EQ(keys.size(), 3 * orig.stages.size()); // no two runs share a key
}
