//===- LoraArtifactTest.cpp - LoRA checkpoints: load, merge, export -------===//
//
// A LoRA stage's artifact (adapter.safetensors + lora.json over a tiny
// transformers-written model) loads back as base + adapters with the same
// logits, bit for bit; merged and exported as an HF directory, transformers
// computes the same logits (1e-5) as r1rt's unmerged forward with adapters.
// Damaged adapters and lora.json files are one-line errors. With SmolLM2 on
// disk, the adapter size of rank 16 on all seven projections is measured.
//
//===----------------------------------------------------------------------===//

#include "LoraArtifact.h"

#include "r1rt/Error.h"
#include "r1rt/model/Pretrained.h"
#include "r1rt/store/ArtifactStore.h"
#include "r1rt/store/Safetensors.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using nlohmann::json;
using namespace r1rt;
using namespace r1rt::stages;

namespace {

int python(const std::string &args, const fs::path &log) {
  return std::system((std::string(R1C_PYTHON) + " " + args + " > " +
                      log.string() + " 2>&1")
                         .c_str());
}

std::string logOf(const fs::path &log) {
  std::ifstream in(log);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

torch::Tensor logitsOf(CausalLM &m, const torch::Tensor &tokens) {
  torch::NoGradGuard g;
  return m.logits(m.forward(tokens));
}

std::string errorOf(const std::function<void()> &f) {
  try {
    f();
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

class LoraArtifactTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("r1rt-lora-artifact-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override {
    if (!HasFailure())
      fs::remove_all(dir);
  }

  /// A committed LoRA artifact over `model` (a tiny HF dir) with random
  /// adapters; returns the model it was written from (adapters attached).
  std::shared_ptr<CausalLM> writeArtifact(const fs::path &model,
                                          StageArtifact &art,
                                          const LoraOptions &o) {
    Pretrained p = loadPretrained(model.string());
    ModelConfig config = ModelConfig::fromJson(p.modelConfig, model.string());
    applyLora(*p.model, o, 7);
    torch::manual_seed(3);
    {
      torch::NoGradGuard g;
      for (auto &[n, t] : loraParameters(*p.model))
        t.copy_(torch::randn_like(t) * 0.1);
    }
    art.begin(json::object());
    commitLoraModel(art, *p.model, config, o,
                    {{"model", "policy"},
                     {"path", model.string()},
                     {"digest", "sha256:test"}});
    art.complete(json::object());
    return p.model;
  }

  fs::path dir;
};

TEST_F(LoraArtifactTest, LoadsBackAndExportsMergedWeightsTransformersAgreesWith) {
  const std::string make = std::string(R1C_SOURCE_DIR) +
                           "/test/Pipelines/Inputs/make_tiny_hf.py";
  const std::string oracle =
      std::string(R1C_SOURCE_DIR) + "/test/oracles/hf/export_logits.py";
  // Llama (untied) and Qwen2 (tied embeddings, QKV bias).
  for (const char *arch : {"llama", "qwen2"}) {
    SCOPED_TRACE(arch);
    fs::path model = dir / arch;
    ASSERT_EQ(python(make + " " + model.string() + " " + arch, dir / "log"), 0)
        << logOf(dir / "log");
    StageArtifact art((dir / (std::string(arch) + "-art")).string(), "tuned",
                      "k");
    LoraOptions o{4, 8, {"q", "k", "v", "o", "gate", "up", "down"}};
    std::shared_ptr<CausalLM> trained = writeArtifact(model, art, o);

    EXPECT_TRUE(isLoraArtifact(art));
    EXPECT_FALSE(fs::exists(art.path("model.safetensors")));
    torch::Tensor tokens = torch::randint(0, 200, {2, 11});
    torch::Tensor want = logitsOf(*trained, tokens);

    LoadedModel adapted = loadCheckpoint(art, /*merged=*/false);
    EXPECT_EQ(loraParameters(*adapted.model).size(), 2 * 7 * 2u);
    EXPECT_TRUE(torch::equal(logitsOf(*adapted.model, tokens), want));
    {
      LoraAdaptersOff off(*adapted.model);
      Pretrained base = loadPretrained(model.string());
      EXPECT_TRUE(torch::equal(logitsOf(*adapted.model, tokens),
                               logitsOf(*base.model, tokens)));
    }

    LoadedModel merged = loadCheckpoint(art, /*merged=*/true);
    EXPECT_TRUE(loraParameters(*merged.model).empty());
    for (auto &p : merged.model->parameters())
      EXPECT_TRUE(p.requires_grad());
    fs::path out = dir / (std::string(arch) + "-export");
    exportHf(*merged.model, merged.config.toJson(), nullptr, "",
             out.string());
    saveSafetensors((dir / "tokens.safetensors").string(), {{"tokens", tokens}});
    ASSERT_EQ(python(oracle + " " + out.string() + " " +
                         (dir / "tokens.safetensors").string() + " " +
                         (dir / "logits.safetensors").string(),
                     dir / "log"),
              0)
        << logOf(dir / "log");
    torch::Tensor hf =
        loadSafetensors((dir / "logits.safetensors").string()).at("logits");
    double scale = std::max(1.0, want.abs().max().item<double>());
    EXPECT_LT((hf - want).abs().max().item<double>() / scale, 1e-5);
    // The adapters matter: the base alone is far from it.
    Pretrained base = loadPretrained(model.string());
    EXPECT_GT((logitsOf(*base.model, tokens) - want).abs().max().item<double>() /
                  scale,
              1e-3);
  }
}

TEST_F(LoraArtifactTest, DamagedFilesAreOneLineErrors) {
  fs::path model = dir / "llama";
  ASSERT_EQ(python(std::string(R1C_SOURCE_DIR) +
                       "/test/Pipelines/Inputs/make_tiny_hf.py " +
                       model.string() + " llama",
                   dir / "log"),
            0)
      << logOf(dir / "log");
  StageArtifact art((dir / "art").string(), "tuned", "k");
  LoraOptions o{4, 8, {"q", "v"}};
  writeArtifact(model, art, o);
  const std::string adapter = art.path(kAdapterFile);
  const std::string lora = art.path(kLoraFile);
  std::map<std::string, torch::Tensor> good =
      loadSafetensors(adapter).toMap();
  std::string goodLora = art.readCommitted(kLoraFile);
  auto load = [&] { loadCheckpoint(art); };
  ASSERT_EQ(errorOf(load), "");

  // Committed (so the checksums agree) but wrong inside.
  art.commitFile(kAdapterFile, "not a safetensors file");
  EXPECT_NE(errorOf(load).find(adapter), std::string::npos) << errorOf(load);
  auto shapes = good;
  shapes["model.layers.1.self_attn.v_proj.lora_B"] = torch::zeros({16, 4});
  art.commitFile(kAdapterFile, serializeSafetensors(shapes));
  EXPECT_EQ(errorOf(load),
            adapter + ": adapter tensor 'model.layers.1.self_attn.v_proj."
                      "lora_B' has shape 16x4 but the model expects 24x4");
  auto fewer = good;
  fewer.erase("model.layers.0.self_attn.q_proj.lora_A");
  art.commitFile(kAdapterFile, serializeSafetensors(fewer));
  EXPECT_EQ(errorOf(load), adapter + ": adapter tensor 'model.layers.0."
                                     "self_attn.q_proj.lora_A' is missing");
  art.commitFile(kAdapterFile, serializeSafetensors(good));
  ASSERT_EQ(errorOf(load), "");

  json j = json::parse(goodLora);
  j["rank"] = 8;
  art.commitFile(kLoraFile, j.dump());
  EXPECT_NE(errorOf(load).find("has shape 4x48 but the model expects 8x48"),
            std::string::npos)
      << errorOf(load);
  j = json::parse(goodLora);
  j["targets"] = {"q", "wq"};
  art.commitFile(kLoraFile, j.dump());
  EXPECT_NE(errorOf(load).find(lora + ": LoRA: target 'wq' matches no "
                                      "projection of this model"),
            std::string::npos)
      << errorOf(load);
  j = json::parse(goodLora);
  j.erase("alpha");
  art.commitFile(kLoraFile, j.dump());
  EXPECT_NE(errorOf(load).find(lora + ": bad rank, alpha or targets"),
            std::string::npos)
      << errorOf(load);
  j = json::parse(goodLora);
  j["base"] = {{"artifact", (dir / "nowhere").string()}};
  art.commitFile(kLoraFile, j.dump());
  EXPECT_EQ(errorOf(load), lora + ": the base checkpoint '" +
                               (dir / "nowhere").string() +
                               "' is gone; re-run the stage that wrote it, "
                               "then this one");
  j["base"] = json::object();
  art.commitFile(kLoraFile, j.dump());
  EXPECT_EQ(errorOf(load),
            lora + ": \"base\" {} names no model path, artifact or init_seed");
  art.commitFile(kLoraFile, "{");
  EXPECT_EQ(errorOf(load), lora + ": not a JSON object");
}

TEST(LoraArtifactSize, SmolLM2Rank16AllProjections) {
  if (std::string(R1C_SMOLLM2_GGUF).empty())
    GTEST_SKIP() << "SmolLM2-135M-Instruct.Q4_1.gguf is not installed";
  Pretrained p = loadPretrained(R1C_SMOLLM2_GGUF);
  int64_t full = 0;
  for (auto &t : p.model->parameters())
    full += t.numel();
  applyLora(*p.model, {16, 32, {"q", "k", "v", "o", "gate", "up", "down"}},
            1);
  int64_t adapter = 0;
  for (auto &[n, t] : loraParameters(*p.model))
    adapter += t.numel();
  // 30 layers x 16 x (in + out) summed over q, k, v, o (576->576,
  // 576->192 twice, 576->576) and gate, up, down (576<->1536).
  EXPECT_EQ(adapter, 30 * 16 * (1152 + 768 + 768 + 1152 + 3 * 2112));
  const size_t bytes = serializeSafetensors(loraState(*p.model)).size();
  std::printf("SmolLM2-135M: %lld parameters (%.1f MB fp32); rank-16 "
              "adapters on q,k,v,o,gate,up,down: %lld parameters, "
              "adapter.safetensors %.1f MB (%.2f%%)\n",
              (long long)full, full * 4 / 1e6, (long long)adapter,
              bytes / 1e6, 100.0 * bytes / (full * 4.0));
}

} // namespace
