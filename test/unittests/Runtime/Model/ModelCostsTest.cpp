//===- ModelCostsTest.cpp - The compiler's parameter counts vs modules ----===//
//
// Parameter counts have one home, the compiler's closed forms (ModelMath,
// written to plan.json's "model_costs"). Here every model of every bundled
// pipeline and of Inputs/models.r1p (q_rank 0 and > 0, tied and untied, one
// or all dense layers, QKV bias, MHA, GQA, MQA), compiled by r1c at build
// time, is built by the runtime and its modules are counted: the total is
// the numel sum of parameters() (the routing bias is a buffer, not counted),
// and the active count leaves out (experts - top_k) routed experts per MoE
// layer.
//
//===----------------------------------------------------------------------===//

#include "r1rt/model/CausalLM.h"
#include "r1rt/model/MoE.h"
#include "r1rt/plan/Plan.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace r1rt;

namespace {

int64_t numelSum(const torch::nn::Module &m) {
  int64_t n = 0;
  for (const auto &p : m.parameters())
    n += p.numel();
  return n;
}

/// Routed-expert parameters that are not active for a token, counted from
/// the module tree.
int64_t inactiveExpertParams(const CausalLM &model, const ModelConfig &c) {
  int64_t n = 0;
  for (const auto &moe : model.moeLayers()) {
    int64_t perExpert = 0;
    for (const auto &p : moe->experts->children().at(0)->parameters())
      perExpert += p.numel();
    n += (c.deepseek.moe.experts - c.deepseek.moe.topK) * perExpert;
  }
  return n;
}

std::vector<Plan> compiledPlans() {
  std::vector<Plan> plans;
  for (const auto &e :
       fs::directory_iterator(fs::path(R1C_SOURCE_DIR) / "pipelines"))
    if (e.path().extension() == ".r1p")
      plans.push_back(loadPlan((fs::path(R1C_PIPELINE_PLANS) /
                                (e.path().stem().string() + ".r1plan"))
                                   .string()));
  plans.push_back(loadPlan(R1C_MODELS_PLAN));
  return plans;
}

TEST(ModelCostsTest, CompilerCountsMatchTheRuntimesModules) {
  int64_t models = 0, moe = 0, dense = 0;
  for (const Plan &plan : compiledPlans())
    for (const auto &[name, decl] : plan.models.items()) {
      if (decl.contains("source"))
        continue; // pretrained: counted by the checkpoint, not the formula
      SCOPED_TRACE(plan.pipeline + "." + name);
      const json &costs = plan.raw.at("model_costs").at(name);
      ModelConfig config = ModelConfig::fromJson(decl, name);
      auto model = makeModel(config);
      const int64_t total = numelSum(*model);
      EXPECT_EQ(costs.at("params").get<int64_t>(), total);
      EXPECT_EQ(costs.at("active_params").get<int64_t>(),
                total - inactiveExpertParams(*model, config));
      ++models;
      (model->moeLayers().empty() ? dense : moe) += 1;
    }
  EXPECT_GE(models, 12);
  EXPECT_GE(moe, 4);
  EXPECT_GE(dense, 6);
}

TEST(ModelCostsTest, DemoModelCountedByHand) {
  // r1_tiny's base model (V = its alphabet plus specials), counted by hand
  // from the closed form.
  Plan plan = loadPlan(std::string(R1C_PIPELINE_PLANS) + "/r1_tiny.r1plan");
  const json &costs = plan.raw.at("model_costs").at("base");
  ModelConfig m = ModelConfig::fromJson(plan.models.at("base"));
  const int64_t V = m.deepseek.vocabSize;
  ASSERT_GT(V, 40);
  const int64_t attn =
      128 * 4 * 48 + 128 * 80 + 64 + 64 * 4 * 64 + 4 * 32 * 128;
  const int64_t moe = 8 * 128 + 8 * 3 * 128 * 128 + 3 * 128 * 128;
  const int64_t total =
      V * 128 * 2 + 4 * (256 + attn) + 3 * 128 * 512 + 3 * moe + 128;
  EXPECT_EQ(costs.at("params").get<int64_t>(), total);
  EXPECT_EQ(costs.at("active_params").get<int64_t>(),
            total - 3 * 6 * 3 * 128 * 128);
  EXPECT_EQ(numelSum(*makeModel(m)), total);
}

} // namespace
