//===- StageConfigTest.cpp - Typed stage configs on real plans ------------===//
//
// Every bundled pipeline (compiled by r1c at build time) parses into the
// runners' typed configs with the plan's values, and removing or mistyping
// any field a runner reads is a one-line plan error naming the stage and the
// field: the runtime has no fallback of its own.
//
//===----------------------------------------------------------------------===//

#include "StageConfig.h"

#include "r1rt/Error.h"
#include "r1rt/plan/Plan.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

namespace fs = std::filesystem;
using nlohmann::json;
using namespace r1rt;
using namespace r1rt::stages;

namespace {

/// The compiled plan of every pipelines/*.r1p.
std::vector<Plan> pipelinePlans() {
  std::vector<Plan> plans;
  for (const auto &e :
       fs::directory_iterator(fs::path(R1C_SOURCE_DIR) / "pipelines")) {
    if (e.path().extension() != ".r1p")
      continue;
    fs::path bundle = fs::path(R1C_PIPELINE_PLANS) /
                      (e.path().stem().string() + ".r1plan");
    plans.push_back(loadPlan(bundle.string()));
  }
  return plans;
}

/// Reads `stage`'s config the way its runner does.
void readConfig(const PlanStage &stage) {
  const std::string &k = stage.kind;
  if (k == "pretrain" || k == "sft" || k == "distill")
    SupervisedConfig::read(stage);
  else if (k == "grpo")
    GrpoConfig::read(stage);
  else if (k == "reject_sample")
    RejectSampleConfig::read(stage);
  else if (k == "mix")
    MixConfig::read(stage);
  else if (k == "eval")
    EvalConfig::read(stage);
  else if (k == "export")
    ExportConfig::read(stage);
  else
    FAIL() << "no typed config for stage kind " << k;
}

/// A complete, well-typed grpo config (no lora).
json completeGrpoConfig() {
  return {{"batch", 8},        {"curriculum", "none"},
          {"dynamic_sampling", false},
          {"grad_clip", 1},    {"group", 8},
          {"kl_reward", 0},    {"lr", 1e-05},
          {"max_new", 128},    {"ref_reset", 0},
          {"save_every", 50},  {"scale", "std"},
          {"steps", 200},      {"temperature", 1},
          {"top_p", 1},        {"updates", 1},
          {"warmup", 0},       {"weight_decay", 0}};
}

std::string errorOf(const PlanStage &stage) {
  try {
    readConfig(stage);
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

/// Fields a plan may omit: the schema gives them no default, and the runner
/// has a rule of its own for their absence (seq_len: the model's max_seq).
/// kd_temperature only matters for logit KD, which the runner refuses.
/// lora is optional: without it the stage fine-tunes every weight.
const std::set<std::pair<std::string, std::string>> kNotRequired = {
    {"pretrain", "seq_len"},
    {"distill", "kd_temperature"},
    {"sft", "lora"},
    {"grpo", "lora"}};

TEST(StageConfigTest, EveryPipelinePlanParses) {
  std::vector<Plan> plans = pipelinePlans();
  ASSERT_GE(plans.size(), 3u);
  std::set<std::string> kinds;
  for (const Plan &plan : plans)
    for (const PlanStage &st : plan.stages) {
      SCOPED_TRACE(plan.pipeline + "." + st.name);
      EXPECT_EQ(errorOf(st), "");
      kinds.insert(st.kind);
      const json &c = st.config;
      if (st.kind == "grpo") {
        GrpoConfig g = GrpoConfig::read(st);
        EXPECT_EQ(g.optim.lr, c["lr"].get<double>());
        EXPECT_EQ(g.group, c["group"].get<int64_t>());
        EXPECT_EQ(g.sampling.temperature, c["temperature"].get<double>());
        EXPECT_EQ(g.sampling.maxNewTokens, c["max_new"].get<int64_t>());
        EXPECT_EQ(g.dynamicSampling, c["dynamic_sampling"].get<bool>());
        EXPECT_EQ(g.scale, c["scale"].get<std::string>());
        EXPECT_EQ(g.minibatch.has_value(), c.contains("minibatch"));
      } else if (st.kind == "sft" || st.kind == "pretrain") {
        SupervisedConfig s = SupervisedConfig::read(st);
        EXPECT_EQ(s.batch, c["batch"].get<int64_t>());
        EXPECT_EQ(s.optim.weightDecay, c["weight_decay"].get<double>());
        EXPECT_EQ(s.optim.warmup, c["warmup"].get<int64_t>());
        EXPECT_EQ(s.steps.has_value(), c.contains("steps"));
      } else if (st.kind == "eval") {
        EvalConfig e = EvalConfig::read(st);
        ASSERT_EQ(e.metrics.size(), c["metrics"].size());
        EXPECT_EQ(e.metrics[0].metric, c["metrics"][0]["metric"]);
        EXPECT_EQ(e.sampling.topP, c["top_p"].get<double>());
      } else if (st.kind == "mix") {
        EXPECT_EQ(json(MixConfig::read(st).ratio), c["ratio"]);
      }
    }
  // The bundled pipelines cover every runner with a config of its own.
  for (const char *kind :
       {"pretrain", "sft", "grpo", "reject_sample", "mix", "distill", "eval"})
    EXPECT_TRUE(kinds.count(kind)) << kind;
}

TEST(StageConfigTest, EveryMissingFieldIsAPlanErrorNamingIt) {
  int checked = 0;
  for (const Plan &plan : pipelinePlans())
    for (const PlanStage &st : plan.stages)
      for (const auto &[field, value] : st.config.items()) {
        if (kNotRequired.count({st.kind, field}))
          continue;
        SCOPED_TRACE(plan.pipeline + "." + st.name + "." + field);
        PlanStage bad = st;
        bad.config.erase(field);
        EXPECT_EQ(errorOf(bad),
                  "plan error: stage '" + st.name + "' (" + st.kind +
                      "): missing field '" + field +
                      "'; recompile the plan with r1c");
        bad.config[field] = nullptr;
        EXPECT_NE(errorOf(bad).find("missing field '" + field + "'"),
                  std::string::npos);
        ++checked;
      }
  EXPECT_GT(checked, 50);
}

TEST(StageConfigTest, MistypedFieldsArePlanErrors) {
  PlanStage st;
  st.name = "reason";
  st.kind = "grpo";
  st.config = completeGrpoConfig();
  EXPECT_EQ(errorOf(st), "");
  auto with = [&](const char *key, json value) {
    PlanStage bad = st;
    bad.config[key] = value;
    return errorOf(bad);
  };
  EXPECT_EQ(with("lr", "fast"),
            "plan error: stage 'reason' (grpo): field 'lr' must be a number, "
            "got \"fast\"; recompile the plan with r1c");
  EXPECT_NE(with("group", 2.5).find("field 'group' must be an integer, got "
                                    "2.5"),
            std::string::npos);
  EXPECT_NE(with("dynamic_sampling", 1).find("field 'dynamic_sampling' must "
                                             "be true or false"),
            std::string::npos);
  EXPECT_NE(with("scale", 3).find("field 'scale' must be a string"),
            std::string::npos);
  EXPECT_NE(with("minibatch", "all").find("field 'minibatch' must be an "
                                          "integer"),
            std::string::npos);
  PlanStage noObject = st;
  noObject.config = json::array();
  EXPECT_EQ(errorOf(noObject),
            "plan error: stage 'reason' (grpo): config must be an object, got "
            "[]; recompile the plan with r1c");

  PlanStage mix;
  mix.name = "m";
  mix.kind = "mix";
  mix.config = {{"ratio", {3, -1}}};
  EXPECT_NE(errorOf(mix).find("field 'ratio' must hold non-negative "
                              "integers, got -1"),
            std::string::npos);
  mix.config = {{"ratio", 3}};
  EXPECT_NE(errorOf(mix).find("field 'ratio' must be an array"),
            std::string::npos);

  PlanStage eval;
  eval.name = "e";
  eval.kind = "eval";
  eval.config = {{"metrics", {{{"metric", "pass"}, {"at", 1}}}},
                 {"temperature", 0.6},
                 {"top_p", 0.95},
                 {"max_new", 256}};
  EXPECT_EQ(errorOf(eval), "plan error: stage 'e' (eval): missing field "
                           "'metrics[0].k'; recompile the plan with r1c");
  eval.config["metrics"] = {7};
  EXPECT_NE(errorOf(eval).find("field 'metrics[0]' must be an object, got 7"),
            std::string::npos);
}

TEST(StageConfigTest, LoraBlockIsReadAndChecked) {
  PlanStage st;
  st.name = "tuned";
  st.kind = "sft";
  st.config = {{"batch", 8},       {"epochs", 1},  {"grad_clip", 1},
               {"lr", 3e-4},       {"save_every", 100},
               {"warmup", 0},      {"weight_decay", 0}};
  EXPECT_FALSE(SupervisedConfig::read(st).lora);
  st.config["lora"] = {{"rank", 16},
                       {"alpha", 32.0},
                       {"targets", {"q", "k", "v", "o", "gate", "up", "down"}}};
  std::optional<LoraConfig> l = SupervisedConfig::read(st).lora;
  ASSERT_TRUE(l);
  EXPECT_EQ(l->rank, 16);
  EXPECT_EQ(l->alpha, 32.0);
  EXPECT_EQ(l->targets, (std::vector<std::string>{"q", "k", "v", "o", "gate",
                                                  "up", "down"}));
  // pretrain and distill have no lora block: a stray one is not read.
  PlanStage pre = st;
  pre.kind = "pretrain";
  pre.config["steps"] = 10;
  EXPECT_FALSE(SupervisedConfig::read(pre).lora);

  auto with = [&](const char *key, json value) {
    PlanStage bad = st;
    if (value.is_null())
      bad.config["lora"].erase(key);
    else
      bad.config["lora"][key] = value;
    return errorOf(bad);
  };
  const std::string pre_ = "plan error: stage 'tuned' (sft): ";
  const std::string post = "; recompile the plan with r1c";
  EXPECT_EQ(with("rank", 2.5),
            pre_ + "field 'lora.rank' must be an integer, got 2.5" + post);
  EXPECT_EQ(with("rank", 0),
            pre_ + "field 'lora.rank' must be at least 1, got 0" + post);
  EXPECT_EQ(with("rank", nullptr), pre_ + "missing field 'lora.rank'" + post);
  EXPECT_EQ(with("alpha", "big"),
            pre_ + "field 'lora.alpha' must be a number, got \"big\"" + post);
  EXPECT_EQ(with("alpha", -1.0),
            pre_ + "field 'lora.alpha' must be positive, got -1" + post);
  EXPECT_EQ(with("targets", json::array()),
            pre_ + "field 'lora.targets' must not be empty" + post);
  EXPECT_EQ(with("targets", "q"),
            pre_ + "field 'lora.targets' must be an array, got \"q\"" + post);
  EXPECT_EQ(with("targets", {"q", 3}),
            pre_ + "field 'lora.targets' must hold projection names, got 3" +
                post);
  EXPECT_EQ(with("targets", {"q", "v", "q"}),
            pre_ + "field 'lora.targets' names \"q\" twice" + post);
  PlanStage notObject = st;
  notObject.config["lora"] = 16;
  EXPECT_EQ(errorOf(notObject),
            pre_ + "field 'lora' must be an object, got 16" + post);

  // grpo reads the same block.
  PlanStage grpo;
  grpo.name = "rl";
  grpo.kind = "grpo";
  grpo.config = completeGrpoConfig();
  EXPECT_FALSE(GrpoConfig::read(grpo).lora);
  grpo.config["lora"] = {{"rank", 8}, {"alpha", 16}, {"targets", {"q", "v"}}};
  l = GrpoConfig::read(grpo).lora;
  ASSERT_TRUE(l);
  EXPECT_EQ(l->rank, 8);
  EXPECT_EQ(l->alpha, 16.0);
  EXPECT_EQ(l->targets, (std::vector<std::string>{"q", "v"}));
  grpo.config["lora"]["alpha"] = 0;
  EXPECT_EQ(errorOf(grpo), "plan error: stage 'rl' (grpo): field "
                           "'lora.alpha' must be positive, got 0" +
                               post);
}

} // namespace
