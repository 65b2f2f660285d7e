//===- ModelTest.cpp - Gradients, initialisation, checkpoints -------------===//

#include "TinyConfigs.h"

#include "r1rt/Error.h"
#include "r1rt/model/Checkpoint.h"
#include "r1rt/model/DeepSeek.h"
#include "r1rt/model/Dense.h"
#include "r1rt/store/Safetensors.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace r1rt;

namespace {

/// Central differences of loss(model) against autograd on a few random
/// entries of every parameter, in float64.
void checkGradients(CausalLM &m, int64_t seed) {
  m.to(torch::kFloat64);
  m.initialize(seed);
  {
    // Perturb norms and biases too, so their gradients are exercised.
    torch::NoGradGuard g;
    for (auto &p : m.parameters())
      p.add_(torch::randn_like(p) * 0.05);
  }
  torch::Tensor tokens = torch::randint(0, m.vocabSize(), {2, 5});
  torch::Tensor probe = torch::randn({2, 5, m.vocabSize()}, torch::kFloat64);
  auto loss = [&] { return (m.logits(m.forward(tokens)) * probe).sum(); };
  m.zero_grad();
  loss().backward();
  torch::NoGradGuard noGrad;
  const double eps = 1e-6;
  int checked = 0;
  for (auto &item : m.named_parameters()) {
    torch::Tensor p = item.value();
    torch::Tensor flat = p.view({-1});
    {
      int64_t i = torch::randint(0, flat.numel(), {1}).item<int64_t>();
      double orig = flat[i].item<double>();
      flat[i] = orig + eps;
      double up = loss().item<double>();
      flat[i] = orig - eps;
      double down = loss().item<double>();
      flat[i] = orig;
      double fd = (up - down) / (2 * eps);
      // Experts no token was routed to get no gradient at all.
      double ad =
          p.grad().defined() ? p.grad().view({-1})[i].item<double>() : 0.0;
      EXPECT_NEAR(ad, fd, 1e-6 + 1e-5 * std::abs(fd))
          << item.key() << "[" << i << "]";
      ++checked;
    }
  }
  EXPECT_GT(checked, 15);
}

} // namespace

TEST(GradientTest, DeepSeekMatchesFiniteDifferences) {
  torch::manual_seed(3);
  DeepSeekModel m(test::tinyDeepSeek(8, /*yarn=*/true));
  checkGradients(m, 21);
  DeepSeekModel tied(test::tinyDeepSeek(0, false, /*tie=*/true));
  checkGradients(tied, 22);
}

TEST(GradientTest, DenseMatchesFiniteDifferences) {
  torch::manual_seed(4);
  DenseModel m(test::tinyDense(true, 2));
  checkGradients(m, 23);
}

TEST(InitTest, DeterministicGivenSeed) {
  DeepSeekModel a(test::tinyDeepSeek(8)), b(test::tinyDeepSeek(8)),
      c(test::tinyDeepSeek(8));
  a.initialize(5);
  b.initialize(5);
  c.initialize(6);
  auto sa = stateDict(a), sb = stateDict(b), sc = stateDict(c);
  for (const auto &[name, t] : sa) {
    EXPECT_TRUE(torch::equal(t, sb.at(name))) << name;
    if (t.dim() >= 2)
      EXPECT_FALSE(torch::equal(t, sc.at(name))) << name;
  }
  EXPECT_TRUE(
      torch::equal(sa.at("model.norm.weight"), torch::ones({a.config.dim})));
  torch::Tensor w = sa.at("model.layers.0.self_attn.kv_b_proj.weight");
  EXPECT_NEAR(w.std().item<double>(), 0.02, 0.004);
  // Per-name streams: the same name gets the same values across configs.
  DeepSeekModel wider(test::tinyDeepSeek(0));
  wider.initialize(5);
  EXPECT_TRUE(torch::equal(stateDict(wider).at("model.embed_tokens.weight"),
                           sa.at("model.embed_tokens.weight")));
}

TEST(CheckpointTest, RoundTripsThroughSafetensors) {
  auto dir = std::filesystem::temp_directory_path() /
             ("r1rt-model-ckpt-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (int arch = 0; arch < 2; ++arch) {
    std::shared_ptr<CausalLM> a, b;
    if (arch == 0) {
      a = std::make_shared<DeepSeekModel>(test::tinyDeepSeek(8));
      b = std::make_shared<DeepSeekModel>(test::tinyDeepSeek(8));
    } else {
      a = std::make_shared<DenseModel>(test::tinyDense());
      b = std::make_shared<DenseModel>(test::tinyDense());
    }
    a->initialize(1);
    b->initialize(2);
    for (auto &moe : a->moeLayers())
      moe->gate->bias.copy_(torch::randn_like(moe->gate->bias));
    std::string path =
        (dir / ("m" + std::to_string(arch) + ".safetensors")).string();
    saveSafetensors(path, stateDict(*a), {{"step", "7"}});
    loadStateDict(*b, loadSafetensors(path).toMap(), path);
    torch::Tensor tokens = torch::randint(0, a->vocabSize(), {2, 5});
    EXPECT_TRUE(torch::equal(a->forward(tokens), b->forward(tokens)));
    for (const auto &[name, t] : stateDict(*a))
      EXPECT_TRUE(torch::equal(t, stateDict(*b).at(name))) << name;
  }
  // A checkpoint of another shape is rejected, naming the tensor.
  DenseConfig other = test::tinyDense();
  other.ffn = 20;
  DenseModel wrong(other);
  try {
    std::string path = (dir / "m1.safetensors").string();
    loadStateDict(wrong, loadSafetensors(path).toMap(), path);
    FAIL() << "expected a shape error";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("model.layers.0.mlp.gate_proj.weight"),
              std::string::npos)
        << e.what();
  }
  std::filesystem::remove_all(dir);
}

TEST(ModelTest, LoadStatsAndBiasUpdateThroughCausalLM) {
  DeepSeekModel m(test::tinyDeepSeek());
  m.initialize(3);
  m.forward(torch::randint(0, m.vocabSize(), {2, 9}));
  auto stats = m.loadStats();
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].tokens, 18);
  EXPECT_GE(stats[0].maxOverMean, 1.0);
  torch::Tensor before = m.moeLayers()[0]->gate->bias.clone();
  m.updateRoutingBias();
  EXPECT_FALSE(torch::equal(before, m.moeLayers()[0]->gate->bias));
  EXPECT_EQ(m.loadStats()[0].tokens, 0);
  EXPECT_FALSE(m.auxLoss().defined());
}
