//===- OracleTest.cpp - Logits parity with HF transformers ----------------===//
//
// test/oracles/hf/tiny_models.py builds tiny DeepseekV3ForCausalLM and
// Qwen2ForCausalLM models with random weights in the .venv's transformers and
// saves weights (HF names), our plan.json config and HF's logits. We load the
// weights by name and compare logits.
//
//===----------------------------------------------------------------------===//

#include "r1rt/AtomicFile.h"
#include "r1rt/model/Checkpoint.h"
#include "r1rt/model/DeepSeek.h"
#include "r1rt/store/Safetensors.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

using namespace r1rt;

namespace {

class OracleTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    dir = new std::filesystem::path(
        std::filesystem::temp_directory_path() /
        ("r1rt-hf-oracle-" + std::to_string(::getpid())));
    std::filesystem::create_directories(*dir);
    std::string cmd = std::string(R1C_PYTHON) + " " + R1C_SOURCE_DIR +
                      "/test/oracles/hf/tiny_models.py " + dir->string() +
                      " 1234 > " + (*dir / "log.txt").string() + " 2>&1";
    status = std::system(cmd.c_str());
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir);
    delete dir;
  }

  void compare(const std::string &name) {
    ASSERT_EQ(status, 0) << readFile((*dir / "log.txt").string());
    std::string base = (*dir / name).string();
    ModelConfig config = ModelConfig::fromJson(
        nlohmann::json::parse(readFile(base + ".json")), name);
    auto model = makeModel(config);
    loadStateDict(*model, loadSafetensors(base + ".safetensors").toMap(),
                  base + ".safetensors");
    model->eval();
    SafetensorsFile ref = loadSafetensors(base + ".ref.safetensors");
    torch::NoGradGuard g;
    torch::Tensor logits = model->logits(model->forward(ref.at("tokens")));
    torch::Tensor expect = ref.at("logits");
    ASSERT_EQ(logits.sizes(), expect.sizes());
    double err = (logits - expect).abs().max().item<double>();
    double scale = expect.abs().max().item<double>();
    EXPECT_GT(scale, 0.5); // not a degenerate comparison
    EXPECT_LT(err, 1e-4 * std::max(1.0, scale))
        << name << ": max |diff| " << err;
    // The absorbed decode path reproduces the same logits.
    const int64_t b = expect.size(0), t = expect.size(1);
    auto cache = model->newCache(b, t);
    torch::Tensor cached = model->logits(model->forwardCached(
        ref.at("tokens"), defaultPositions(b, t, logits.device()), *cache));
    EXPECT_LT((cached - expect).abs().max().item<double>(),
              1e-4 * std::max(1.0, scale));
  }

  static std::filesystem::path *dir;
  static int status;
};

std::filesystem::path *OracleTest::dir = nullptr;
int OracleTest::status = -1;

} // namespace

// One test (one Python run, ~10 s) for all four models: ctest runs every
// gtest case in its own process.
TEST_F(OracleTest, LogitsMatchHfTransformers) {
  for (const char *name :
       {"deepseek_q0", "deepseek_q16", "qwen2", "qwen2_tied"}) {
    SCOPED_TRACE(name);
    compare(name);
  }
}
