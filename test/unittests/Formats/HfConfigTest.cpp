//===- HfConfigTest.cpp - config.json <-> plan.json model mapping ---------===//
//
// The numeric check that the mapping is right is the runtime's oracle test
// (transformers' logits); here: field mapping, the round trip through
// hfConfigFromR1Model, and one error per unsupported key.
//
//===----------------------------------------------------------------------===//

#include "r1fmt/HfConfig.h"

#include <gtest/gtest.h>

using namespace r1fmt;
using json = nlohmann::json;

namespace {

json llama() {
  return json::parse(R"({"model_type": "llama", "vocab_size": 100,
    "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 2,
    "num_attention_heads": 4, "num_key_value_heads": 2,
    "max_position_embeddings": 128, "rms_norm_eps": 1e-5,
    "rope_theta": 500000.0, "tie_word_embeddings": true, "hidden_act": "silu",
    "rope_scaling": {"rope_type": "llama3", "factor": 8.0,
      "low_freq_factor": 1.0, "high_freq_factor": 4.0,
      "original_max_position_embeddings": 64}})");
}

json deepseekV3() {
  return json::parse(R"({"model_type": "deepseek_v3", "vocab_size": 100,
    "hidden_size": 32, "intermediate_size": 48, "moe_intermediate_size": 16,
    "num_hidden_layers": 3, "num_attention_heads": 4,
    "num_key_value_heads": 4, "n_shared_experts": 1, "n_routed_experts": 8,
    "routed_scaling_factor": 2.5, "kv_lora_rank": 16, "q_lora_rank": null,
    "qk_rope_head_dim": 4, "v_head_dim": 8, "qk_nope_head_dim": 8,
    "n_group": 4, "topk_group": 2, "num_experts_per_tok": 2,
    "first_k_dense_replace": 1, "norm_topk_prob": true,
    "max_position_embeddings": 256, "rms_norm_eps": 1e-6,
    "rope_parameters": {"rope_type": "yarn", "rope_theta": 10000.0,
      "factor": 4.0, "original_max_position_embeddings": 64,
      "mscale": 1.0, "mscale_all_dim": 1.0, "beta_fast": 32,
      "beta_slow": 1}})");
}

std::string errorOf(const json &c) {
  auto m = r1ModelFromHfConfig(c, "cfg.json");
  return m ? std::string("(no error)") : m.error();
}

} // namespace

TEST(HfConfigTest, LlamaMapsAndRoundTrips) {
  auto m = r1ModelFromHfConfig(llama(), "cfg.json");
  ASSERT_TRUE(m) << m.error();
  EXPECT_EQ((*m)["arch"], "dense");
  EXPECT_EQ((*m)["kv_heads"], 2);
  EXPECT_EQ((*m)["head_dim"], 16);
  EXPECT_EQ((*m)["tie_embeddings"], true);
  EXPECT_EQ((*m)["qkv_bias"], false);
  EXPECT_EQ((*m)["qk_norm"], false);
  EXPECT_EQ((*m)["rope_theta"], 500000.0);
  EXPECT_EQ((*m)["rope_llama3"]["original_max_seq"], 64);
  auto hf = hfConfigFromR1Model(*m, "plan");
  ASSERT_TRUE(hf) << hf.error();
  EXPECT_EQ((*hf)["architectures"][0], "LlamaForCausalLM");
  auto back = r1ModelFromHfConfig(*hf, "back");
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, *m);
}

TEST(HfConfigTest, QwenFlavours) {
  json q2 = llama();
  q2["model_type"] = "qwen2";
  q2.erase("rope_scaling");
  auto m2 = r1ModelFromHfConfig(q2, "q2");
  ASSERT_TRUE(m2) << m2.error();
  EXPECT_EQ((*m2)["qkv_bias"], true);
  EXPECT_EQ((*hfConfigFromR1Model(*m2, "p"))["model_type"], "qwen2");
  json q3 = q2;
  q3["model_type"] = "qwen3";
  q3["head_dim"] = 32;
  auto m3 = r1ModelFromHfConfig(q3, "q3");
  ASSERT_TRUE(m3) << m3.error();
  EXPECT_EQ((*m3)["qk_norm"], true);
  EXPECT_EQ((*m3)["head_dim"], 32);
  EXPECT_EQ((*hfConfigFromR1Model(*m3, "p"))["model_type"], "qwen3");
}

TEST(HfConfigTest, DeepSeekMapsAndRoundTrips) {
  auto m = r1ModelFromHfConfig(deepseekV3(), "cfg.json");
  ASSERT_TRUE(m) << m.error();
  EXPECT_EQ((*m)["arch"], "deepseek");
  EXPECT_EQ((*m)["mla"]["q_rank"], 0);
  EXPECT_EQ((*m)["moe"]["score"], "sigmoid");
  EXPECT_EQ((*m)["moe"]["groups"], 4);
  EXPECT_EQ((*m)["yarn"]["original_max_seq"], 64);
  auto hf = hfConfigFromR1Model(*m, "plan");
  ASSERT_TRUE(hf) << hf.error();
  auto back = r1ModelFromHfConfig(*hf, "back");
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, *m);

  json v2 = deepseekV3();
  v2["model_type"] = "deepseek_v2";
  v2["topk_method"] = "group_limited_greedy";
  auto m2 = r1ModelFromHfConfig(v2, "v2");
  ASSERT_TRUE(m2) << m2.error();
  EXPECT_EQ((*m2)["moe"]["score"], "softmax");
  EXPECT_EQ((*m2)["moe"]["balance"], "none");
  auto hf2 = hfConfigFromR1Model(*m2, "plan");
  ASSERT_TRUE(hf2) << hf2.error();
  EXPECT_EQ((*hf2)["model_type"], "deepseek_v2");
  EXPECT_EQ(*r1ModelFromHfConfig(*hf2, "back"), *m2);
}

TEST(HfConfigTest, UnsupportedKeysAreNamed) {
  struct Case {
    const char *key;
    json value;
    const char *expect;
  };
  for (const Case &c :
       {Case{"attention_bias", true, "'attention_bias' = true"},
        Case{"mlp_bias", true, "'mlp_bias'"},
        Case{"hidden_act", "gelu", "'hidden_act' = \"gelu\""},
        Case{"rope_scaling", {{"rope_type", "dynamic"}, {"factor", 2.0}},
             "'rope_scaling.rope_type' = \"dynamic\""},
        Case{"partial_rotary_factor", 0.5, "'partial_rotary_factor'"},
        Case{"layer_types", {"sliding_attention"}, "'layer_types'"},
        Case{"model_type", "gpt2", "model_type 'gpt2' is not supported"},
        Case{"hidden_size", "64", "'hidden_size' = \"64\""}}) {
    json cfg = llama();
    cfg[c.key] = c.value;
    std::string e = errorOf(cfg);
    EXPECT_NE(e.find("cfg.json: "), std::string::npos) << e;
    EXPECT_NE(e.find(c.expect), std::string::npos) << c.key << ": " << e;
  }
  json cfg = llama();
  cfg.erase("vocab_size");
  EXPECT_NE(errorOf(cfg).find("required key 'vocab_size'"), std::string::npos);
  cfg = llama();
  cfg["model_type"] = "mistral";
  cfg["sliding_window"] = 32;
  EXPECT_NE(errorOf(cfg).find("'sliding_window' = 32"), std::string::npos);
  cfg["sliding_window"] = nullptr;
  EXPECT_EQ(errorOf(cfg), "(no error)");
  cfg = llama();
  cfg["model_type"] = "qwen2";
  cfg["use_sliding_window"] = true;
  EXPECT_NE(errorOf(cfg).find("'use_sliding_window'"), std::string::npos);

  for (auto [key, value] : std::initializer_list<std::pair<const char *, json>>{
           {"rope_interleave", false},
           {"norm_topk_prob", false},
           {"scoring_func", "softmax"},
           {"rms_norm_eps", 1e-5},
           {"num_key_value_heads", 1},
           {"max_position_embeddings", 64}}) {
    json ds = deepseekV3();
    ds[key] = value;
    std::string e = errorOf(ds);
    EXPECT_NE(e.find(std::string("'") + key + "'"), std::string::npos)
        << key << ": " << e;
  }
  json ds = deepseekV3();
  ds["rope_parameters"]["mscale_all_dim"] = 0.5;
  EXPECT_NE(errorOf(ds).find("mscale"), std::string::npos);

  json plan = *r1ModelFromHfConfig(llama(), "x");
  plan["qkv_bias"] = true;
  plan["qk_norm"] = true;
  auto bad = hfConfigFromR1Model(plan, "plan.json");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("qk_norm with qkv_bias"), std::string::npos);
}
