//===- LoraTest.cpp - LoRA adapters against peft --------------------------===//
//
// test/oracles/peft/lora_oracle.py wraps tiny random transformers models in
// peft's LoRA (random A and B) and saves their logits, the adapter gradients
// of sum(logits * weights), and the logits after merge_and_unload. We load
// the same base model, attach adapters with the same values and compare.
//
//===----------------------------------------------------------------------===//

#include "TinyConfigs.h"

#include "r1rt/Error.h"
#include "r1rt/model/DeepSeek.h"
#include "r1rt/model/Dense.h"
#include "r1rt/model/Lora.h"
#include "r1rt/model/Pretrained.h"
#include "r1rt/store/Safetensors.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

using namespace r1rt;
namespace fs = std::filesystem;

namespace {

double relErr(const torch::Tensor &a, const torch::Tensor &b) {
  EXPECT_EQ(a.sizes(), b.sizes());
  double scale = std::max(1e-3, b.abs().max().item<double>());
  return (a - b).abs().max().item<double>() / scale;
}

torch::Tensor logitsOf(CausalLM &m, const torch::Tensor &tokens) {
  return m.logits(m.forward(tokens));
}

} // namespace

TEST(LoraTest, MatchesPeftForwardGradientsAndMerge) {
  fs::path dir = fs::temp_directory_path() /
                 ("r1rt-lora-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string cmd = std::string(R1C_PYTHON) + " " + R1C_SOURCE_DIR +
                    "/test/oracles/peft/lora_oracle.py " + dir.string() +
                    " 11 > " + (dir / "log.txt").string() + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0)
      << std::ifstream(dir / "log.txt").rdbuf();
  for (const char *name : {"llama_all", "llama_tied_qv", "qwen2_bias"}) {
    SCOPED_TRACE(name);
    nlohmann::json spec =
        nlohmann::json::parse(std::ifstream(dir / (std::string(name) + ".json")));
    std::map<std::string, torch::Tensor> ref =
        loadSafetensors((dir / (std::string(name) + ".lora.safetensors"))
                            .string())
            .toMap();
    Pretrained p = loadPretrained((dir / name).string());
    CausalLM &m = *p.model;
    const torch::Tensor &tokens = ref.at("tokens");
    torch::Tensor base;
    {
      torch::NoGradGuard g;
      base = logitsOf(m, tokens);
    }

    LoraOptions o;
    o.rank = spec["rank"];
    o.alpha = spec["alpha"];
    o.targets = spec["targets"].get<std::vector<std::string>>();
    const int64_t adapted = applyLora(m, o, 3);
    auto adapters = loraParameters(m);
    EXPECT_EQ(int64_t(adapters.size()), 2 * adapted);
    EXPECT_EQ(adapted, 2 * int64_t(o.targets.size())); // 2 layers
    {
      // Fresh adapters (B = 0) leave the model's output as it was.
      torch::NoGradGuard g;
      EXPECT_TRUE(torch::equal(logitsOf(m, tokens), base));
      for (auto &[n, t] : adapters) {
        ASSERT_TRUE(ref.count(n)) << n << " not in peft's adapters";
        ASSERT_EQ(t.sizes(), ref.at(n).sizes()) << n;
        t.copy_(ref.at(n));
      }
    }
    EXPECT_EQ(ref.size(), 4 + 2 * adapters.size()); // no adapter we lack

    torch::Tensor logits = logitsOf(m, tokens);
    EXPECT_GT(relErr(base, ref.at("logits")), 1e-2) << "adapters had no effect";
    EXPECT_LT(relErr(logits, ref.at("logits")), 1e-5);
    (logits * ref.at("weights")).sum().backward();
    for (auto &[n, t] : adapters) {
      ASSERT_TRUE(t.grad().defined()) << n;
      EXPECT_GT(t.grad().abs().max().item<double>(), 0) << n;
      EXPECT_LT(relErr(t.grad(), ref.at("grad." + n)), 1e-4) << n;
    }
    for (auto &item : m.named_parameters())
      if (item.key().find("lora_") == std::string::npos)
        EXPECT_FALSE(item.value().requires_grad()) << item.key();

    mergeLora(m);
    EXPECT_TRUE(loraParameters(m).empty());
    for (auto &item : m.named_parameters())
      EXPECT_EQ(item.key().find("lora_"), std::string::npos) << item.key();
    torch::NoGradGuard g;
    EXPECT_LT(relErr(logitsOf(m, tokens), ref.at("merged_logits")), 1e-5);
  }
  fs::remove_all(dir);
}

TEST(LoraTest, ErrorsNameWhatIsWrong) {
  auto expectError = [](const LoraOptions &o, const std::string &part) {
    auto m = std::make_shared<DenseModel>(test::tinyDense());
    try {
      applyLora(*m, o, 1);
      ADD_FAILURE() << "no error for " << part;
    } catch (const Error &e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << e.what();
    }
    // A refused call changes nothing.
    EXPECT_TRUE(loraParameters(*m).empty());
    for (auto &p : m->parameters())
      EXPECT_TRUE(p.requires_grad());
  };
  expectError({4, 8, {"q", "wq"}},
              "target 'wq' matches no projection of this model; it has");
  expectError({0, 8, {"q"}}, "rank must be at least 1");
  expectError({4, 0, {"q"}}, "alpha must be positive");
  expectError({4, 8, {}}, "no targets");
  expectError({100, 8, {"q"}}, "rank 100 must be between 1 and");
}

TEST(LoraTest, DeepSeekTargetsMatchWhatR1cAccepts) {
  // r1c's deepseek targets (MLA with and without q_rank, experts, shared
  // experts, dense layers): each adapts at least one projection, and kv_a
  // is DeepSeek's kv_a_proj_with_mqa.
  for (int64_t qRank : {0, 16}) {
    auto m = std::make_shared<DeepSeekModel>(test::tinyDeepSeek(qRank));
    std::vector<std::string> targets = {"kv_a", "kv_b", "o", "gate", "up",
                                        "down"};
    if (qRank == 0)
      targets.push_back("q");
    else
      targets.insert(targets.end(), {"q_a", "q_b"});
    ASSERT_GT(applyLora(*m, {2, 4, targets}, 1), 0);
    std::set<std::string> adapted;
    for (auto &item : m->named_parameters())
      if (item.key().find("lora_A") != std::string::npos)
        adapted.insert(item.key());
    bool kvA = false;
    for (const std::string &n : adapted)
      kvA = kvA || n.find("kv_a_proj_with_mqa.lora_A") != std::string::npos;
    EXPECT_TRUE(kvA) << "kv_a did not adapt kv_a_proj_with_mqa";
    // No router ("gate" of the MoE) and no LM head.
    for (const std::string &n : adapted) {
      EXPECT_EQ(n.find("lm_head"), std::string::npos) << n;
      EXPECT_EQ(n.find("mlp.gate.lora"), std::string::npos) << n;
    }
  }
}

TEST(LoraTest, AdaptersOffGuardGivesTheBaseAndRestores) {
  torch::manual_seed(5);
  auto m = std::make_shared<DenseModel>(test::tinyDense());
  torch::Tensor tokens = torch::randint(0, 29, {2, 7});
  torch::NoGradGuard g;
  torch::Tensor base = logitsOf(*m, tokens);
  applyLora(*m, {4, 8, {"q", "v", "down"}}, 2);
  // Train-like adapters: random B, so they change the output.
  for (auto &[n, t] : loraParameters(*m))
    t.copy_(torch::randn_like(t));
  torch::Tensor adapted = logitsOf(*m, tokens);
  EXPECT_GT(relErr(adapted, base), 1e-2);
  {
    LoraAdaptersOff off(*m);
    EXPECT_TRUE(torch::equal(logitsOf(*m, tokens), base));
    {
      LoraAdaptersOff nested(*m);
      EXPECT_TRUE(torch::equal(logitsOf(*m, tokens), base));
    }
    // The inner guard restores "off", not "on".
    EXPECT_TRUE(torch::equal(logitsOf(*m, tokens), base));
  }
  EXPECT_TRUE(torch::equal(logitsOf(*m, tokens), adapted));
  {
    LoraAdaptersOff inactive(*m, /*active=*/false);
    EXPECT_TRUE(torch::equal(logitsOf(*m, tokens), adapted));
  }
}

TEST(LoraTest, StateRoundTripsAndLoadChecksNames) {
  auto make = [] {
    auto m = std::make_shared<DenseModel>(test::tinyDense());
    applyLora(*m, {4, 8, {"q", "v"}}, 2);
    return m;
  };
  auto a = make(), b = make();
  {
    torch::NoGradGuard g;
    for (auto &[n, t] : loraParameters(*a))
      t.copy_(torch::randn_like(t));
  }
  // Only adapters are trainable once attached.
  EXPECT_EQ(trainableParameters(*a).size(), loraParameters(*a).size());
  std::map<std::string, torch::Tensor> state = loraState(*a);
  EXPECT_EQ(state.size(), 8u); // 2 layers x (q, v) x (A, B)
  loadLoraState(*b, state, "x.safetensors");
  for (auto &[n, t] : loraParameters(*b))
    EXPECT_TRUE(torch::equal(t, state.at(n))) << n;

  auto expectError = [&](std::map<std::string, torch::Tensor> s,
                         const std::string &part) {
    try {
      loadLoraState(*b, s, "x.safetensors");
      ADD_FAILURE() << "no error for " << part;
    } catch (const Error &e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << e.what();
    }
  };
  auto missing = state;
  missing.erase("model.layers.0.self_attn.q_proj.lora_B");
  expectError(missing, "x.safetensors: adapter tensor "
                       "'model.layers.0.self_attn.q_proj.lora_B' is missing");
  auto extra = state;
  extra["model.layers.0.mlp.up_proj.lora_A"] = torch::zeros({4, 24});
  expectError(extra, "unexpected tensor 'model.layers.0.mlp.up_proj.lora_A'");
  auto shape = state;
  shape["model.layers.0.self_attn.q_proj.lora_A"] = torch::zeros({8, 24});
  expectError(shape, "has shape 8x24 but the model expects 4x24");

  // Without adapters, every parameter is trainable.
  auto plain = std::make_shared<DenseModel>(test::tinyDense());
  EXPECT_EQ(trainableParameters(*plain).size(), plain->parameters().size());
}
