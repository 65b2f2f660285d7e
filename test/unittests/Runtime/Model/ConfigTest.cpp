//===- ConfigTest.cpp - plan.json model configs ---------------------------===//

#include "r1rt/model/Config.h"
#include "r1rt/Error.h"

#include <gtest/gtest.h>

using namespace r1rt;
using json = nlohmann::json;

namespace {

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
