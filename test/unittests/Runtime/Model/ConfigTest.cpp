//===- ConfigTest.cpp - plan.json model configs and parameter counts ------===//

#include "TinyConfigs.h"

#include "r1rt/Error.h"
#include "r1rt/model/DeepSeek.h"
#include "r1rt/model/Dense.h"

#include <gtest/gtest.h>

using namespace r1rt;
using json = nlohmann::json;

namespace {

int64_t numelSum(const torch::nn::Module &m) {
  int64_t n = 0;
  for (const auto &p : m.parameters())
    n += p.numel();
  return n;
}

/// Routed-expert parameters that are not active for a token, counted from
/// the module tree (independently of the closed form).
int64_t inactiveExpertParams(const DeepSeekModel &m) {
  int64_t n = 0;
  for (const auto &moe : m.moeLayers()) {
    int64_t perExpert = 0;
    for (const auto &p : moe->experts->children().at(0)->parameters())
      perExpert += p.numel();
    n += (m.config.moe.experts - m.config.moe.topK) * perExpert;
  }
  return n;
}

json deepseekJson() {
  return json::parse(R"({"arch":"deepseek","vocab_size":50,"dim":32,
    "layers":2,"heads":4,"max_seq":128,
    "mla":{"kv_rank":16,"nope_dim":8,"rope_dim":4,"v_dim":8},
    "moe":{"experts":4,"top_k":2,"expert_dim":16,"score":"sigmoid",
           "balance":"bias","bias_rate":0.01}})");
}

std::string errorOf(const json &j) {
  try {
    ModelConfig::fromJson(j, "models.base");
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST(ConfigTest, ParsesDefaults) {
  ModelConfig m = ModelConfig::fromJson(deepseekJson());
  EXPECT_EQ(m.arch, "deepseek");
  EXPECT_EQ(m.deepseek.ffn, 128);
  EXPECT_EQ(m.deepseek.denseLayers, 1);
  EXPECT_EQ(m.deepseek.mla.qRank, 0);
  EXPECT_EQ(m.deepseek.moe.shared, 1);
  EXPECT_DOUBLE_EQ(m.deepseek.moe.biasRate, 0.01);
  EXPECT_FALSE(m.deepseek.yarn.has_value());
  // toJson() round-trips.
  ModelConfig again = ModelConfig::fromJson(m.toJson());
  EXPECT_EQ(again.toJson(), m.toJson());

  ModelConfig d = ModelConfig::fromJson(json::parse(
      R"({"arch":"dense","vocab_size":50,"dim":32,"layers":2,"heads":4,"ffn":64})"));
  EXPECT_EQ(d.dense.kvHeads, 4);
  EXPECT_EQ(d.dense.headDim, 8);
  EXPECT_EQ(d.dense.maxSeq, 2048);
}

TEST(ConfigTest, OneLineErrorsNameTheField) {
  json j = deepseekJson();
  j.erase("dim");
  EXPECT_NE(errorOf(j).find("models.base: required field 'dim' is missing"),
            std::string::npos)
      << errorOf(j);
  j = deepseekJson();
  j["heads"] = "four";
  EXPECT_NE(errorOf(j).find("models.base.heads: expected an integer"),
            std::string::npos);
  j = deepseekJson();
  j["mla"]["kv_rank"] = -3;
  EXPECT_NE(errorOf(j).find("models.base.mla.kv_rank: expected a positive"),
            std::string::npos);
  j = deepseekJson();
  j["moe"]["score"] = "relu";
  EXPECT_NE(errorOf(j).find("models.base.moe.score: expected one of softmax, "
                            "sigmoid"),
            std::string::npos);
  j = deepseekJson();
  j["moe"]["top_k"] = 9;
  EXPECT_NE(errorOf(j).find("top_k"), std::string::npos);
  j["arch"] = "mamba";
  EXPECT_NE(errorOf(j).find("models.base.arch"), std::string::npos);
  for (const std::string &e : {errorOf(j)})
    EXPECT_EQ(e.find('\n'), std::string::npos);
}

TEST(ConfigTest, DeepSeekParameterCountMatchesModules) {
  for (int64_t qRank : {0, 8})
    for (bool tie : {false, true})
      for (int64_t dense : {1, 3}) {
        DeepSeekConfig c = test::tinyDeepSeek(qRank, false, tie);
        c.denseLayers = dense;
        DeepSeekModel m(c);
        ParamCount p = parameterCount(c);
        EXPECT_EQ(p.total, numelSum(m)) << qRank << tie << dense;
        EXPECT_EQ(p.total - p.active, inactiveExpertParams(m));
        EXPECT_EQ(m.parameterCount().total, p.total);
      }
}

TEST(ConfigTest, DenseParameterCountMatchesModules) {
  for (bool bias : {false, true})
    for (int64_t kv : {1, 2, 4})
      for (bool tie : {false, true})
        for (bool qkNorm : {false, true}) {
          DenseConfig c = test::tinyDense(bias, kv, tie);
          c.qkNorm = qkNorm;
          DenseModel m(c);
          ParamCount p = parameterCount(c);
          EXPECT_EQ(p.total, numelSum(m));
          EXPECT_EQ(p.active, p.total);
        }
}

TEST(ConfigTest, DenseQkNormAndLlama3RopeRoundTrip) {
  json j = json::parse(R"({"arch":"dense","vocab_size":11,"dim":16,
    "layers":1,"heads":2,"ffn":24,"qk_norm":true,"rope_llama3":{"factor":8.0,
    "low_freq_factor":1.0,"high_freq_factor":4.0,"original_max_seq":64}})");
  ModelConfig m = ModelConfig::fromJson(j);
  EXPECT_TRUE(m.dense.qkNorm);
  ASSERT_TRUE(m.dense.ropeLlama3);
  EXPECT_EQ(m.dense.ropeLlama3->originalMaxSeq, 64);
  EXPECT_EQ(ModelConfig::fromJson(m.toJson()).toJson(), m.toJson());
  j["rope_llama3"]["high_freq_factor"] = 0.5;
  try {
    ModelConfig::fromJson(j, "models.base");
    ADD_FAILURE() << "accepted high_freq_factor < low_freq_factor";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("models.base.rope_llama3"),
              std::string::npos)
        << e.what();
  }
}

TEST(ConfigTest, ParameterCountOfTheDemoModel) {
  // r1_tiny's base model (DESIGN.md §4) with the 45-symbol alphabet: counted
  // by hand from the common brief's formula.
  ModelConfig m = ModelConfig::fromJson(json::parse(R"({"arch":"deepseek",
    "vocab_size":48,"dim":128,"layers":4,"heads":4,"dense_layers":1,
    "max_seq":256,"mla":{"q_rank":0,"kv_rank":64,"nope_dim":32,"rope_dim":16,
    "v_dim":32},"moe":{"experts":8,"shared":1,"top_k":2,"expert_dim":128,
    "score":"sigmoid","balance":"bias","bias_rate":0.001}})"));
  const int64_t attn =
      128 * 4 * 48 + 128 * 80 + 64 + 64 * 4 * 64 + 4 * 32 * 128;
  const int64_t moe = 8 * 128 + 8 * 3 * 128 * 128 + 3 * 128 * 128;
  const int64_t total =
      48 * 128 * 2 + 4 * (256 + attn) + 3 * 128 * 512 + 3 * moe + 128;
  EXPECT_EQ(m.parameterCount().total, total);
  EXPECT_EQ(m.parameterCount().active, total - 3 * 6 * 3 * 128 * 128);
  EXPECT_EQ(numelSum(*makeModel(m)), total);
}
