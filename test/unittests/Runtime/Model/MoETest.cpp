//===- MoETest.cpp - Routing, sorted dispatch and bias balancing ----------===//

#include "TinyConfigs.h"

#include "r1rt/model/MoE.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

using namespace r1rt;

namespace {

DeepSeekConfig moeConfig(const std::string &score, int64_t groups,
                         bool bias = true) {
  DeepSeekConfig c = test::tinyDeepSeek();
  c.moe.score = score;
  c.moe.groups = groups;
  c.moe.topkGroups = groups > 1 ? 2 : 1;
  c.moe.topK = groups > 1 ? 3 : 2;
  c.moe.balance = bias ? "bias" : "none";
  return c;
}

/// Reference router in float64 scalar code, written from DeepSeek-V3's
/// Gate.forward: expert id -> combine weight, per token.
std::vector<std::map<int64_t, double>> referenceRoute(const torch::Tensor &x,
                                                      const torch::Tensor &w,
                                                      const torch::Tensor &bias,
                                                      const MoeConfig &m) {
  torch::Tensor logits =
      torch::matmul(x.to(torch::kFloat64), w.to(torch::kFloat64).t())
          .contiguous();
  const int64_t n = logits.size(0), e = m.experts, per = e / m.groups;
  std::vector<std::map<int64_t, double>> out(n);
  for (int64_t t = 0; t < n; ++t) {
    std::vector<double> s(e), choice(e);
    double z = 0;
    for (int64_t i = 0; i < e; ++i)
      z += std::exp(logits[t][i].item<double>());
    for (int64_t i = 0; i < e; ++i) {
      double l = logits[t][i].item<double>();
      s[i] = m.score == "softmax" ? std::exp(l) / z : 1 / (1 + std::exp(-l));
      choice[i] = s[i] + (bias.defined() ? bias[i].item<double>() : 0.0);
    }
    if (m.groups > 1) {
      std::vector<std::pair<double, int64_t>> gs;
      for (int64_t g = 0; g < m.groups; ++g) {
        std::vector<double> v(choice.begin() + g * per,
                              choice.begin() + (g + 1) * per);
        std::sort(v.rbegin(), v.rend());
        gs.push_back({bias.defined() ? v[0] + v[1] : v[0], g});
      }
      std::sort(gs.rbegin(), gs.rend());
      for (int64_t r = m.topkGroups; r < m.groups; ++r)
        for (int64_t i = 0; i < per; ++i)
          choice[gs[r].second * per + i] = -INFINITY;
    }
    std::vector<int64_t> idx(e);
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(),
              [&](int64_t a, int64_t b) { return choice[a] > choice[b]; });
    double sum = 0;
    for (int64_t k = 0; k < m.topK; ++k)
      sum += s[idx[k]];
    for (int64_t k = 0; k < m.topK; ++k)
      out[t][idx[k]] =
          s[idx[k]] * (m.score == "sigmoid" ? 1 / sum : 1.0) * m.routeScale;
  }
  return out;
}

} // namespace

class MoeRoutingTest
    : public ::testing::TestWithParam<std::tuple<std::string, int64_t>> {};

TEST_P(MoeRoutingTest, RouterMatchesScalarReference) {
  auto [score, groups] = GetParam();
  DeepSeekConfig c = moeConfig(score, groups);
  MoE moe(c);
  initParameters(moe, 5, 0.5);
  moe.gate->bias.copy_(torch::randn({c.moe.experts}) * 0.3);
  for (int64_t n : {1, 13, 64}) {
    torch::Tensor x = torch::randn({n, c.dim});
    Routing r = moe.gate->route(x);
    auto ref = referenceRoute(x, moe.gate->weight, moe.gate->bias, c.moe);
    for (int64_t t = 0; t < n; ++t)
      for (int64_t k = 0; k < c.moe.topK; ++k) {
        int64_t e = r.indices[t][k].item<int64_t>();
        ASSERT_TRUE(ref[t].count(e)) << "token " << t << " expert " << e;
        EXPECT_NEAR(r.weights[t][k].item<double>(), ref[t][e], 1e-5);
      }
  }
}

TEST_P(MoeRoutingTest, SortedDispatchEqualsDenseMaskedReference) {
  auto [score, groups] = GetParam();
  DeepSeekConfig c = moeConfig(score, groups);
  MoE moe(c);
  initParameters(moe, 9, 0.3);
  moe.gate->bias.copy_(torch::randn({c.moe.experts}) * 0.2);
  for (auto [b, t] : {std::pair<int64_t, int64_t>{1, 1}, {2, 9}, {4, 33}}) {
    torch::Tensor x = torch::randn({b, t, c.dim});
    torch::Tensor fast = moe.forward(x), ref = moe.forwardDense(x);
    double err = (fast - ref).abs().max().item<double>();
    EXPECT_LT(err, 1e-5 + 1e-5 * ref.abs().max().item<double>());
  }
}

INSTANTIATE_TEST_SUITE_P(ScoreGroups, MoeRoutingTest,
                         ::testing::Combine(::testing::Values("softmax",
                                                              "sigmoid"),
                                            ::testing::Values(1, 4)));

TEST(MoeBiasTest, BiasSelectsButNeverWeights) {
  DeepSeekConfig c = moeConfig("sigmoid", 1);
  MoE moe(c);
  initParameters(moe, 2, 0.5);
  torch::Tensor x = torch::randn({40, c.dim});
  Routing plain = moe.gate->route(x);
  // A huge bias on expert 5 forces it into every token's top-k ...
  moe.gate->bias.zero_();
  moe.gate->bias[5] = 100.0;
  Routing biased = moe.gate->route(x);
  EXPECT_TRUE((biased.indices == 5).any(1).all().item<bool>());
  // ... but the weights are still the unbiased scores of the chosen experts.
  torch::Tensor w = plain.scores.gather(1, biased.indices);
  w = w / w.sum(-1, true) * c.moe.routeScale;
  EXPECT_LT((biased.weights - w).abs().max().item<double>(), 1e-6);
  EXPECT_LT((biased.scores - plain.scores).abs().max().item<double>(), 1e-7);
}

TEST(MoeBiasTest, UpdateMovesSkewedRouterTowardBalance) {
  DeepSeekConfig c = moeConfig("sigmoid", 1);
  c.moe.biasRate = 0.01;
  MoE moe(c);
  initParameters(moe, 4, 0.2);
  // Skew: every token has a shared component that expert 0 and 1 favour.
  torch::Tensor dir = torch::randn({c.dim});
  moe.gate->weight.data()[0] += dir * 2;
  moe.gate->weight.data()[1] += dir * 2;
  auto batch = [&] {
    return torch::randn({4, 16, c.dim}) * 0.5 + dir / dir.norm() * 2;
  };
  torch::NoGradGuard noGrad;
  moe.forward(batch());
  const double before = moe.loadStats().maxOverMean;
  EXPECT_GT(before, 2.5);
  moe.resetLoad();
  for (int step = 0; step < 300; ++step) {
    moe.forward(batch());
    torch::Tensor load = moe.load().clone();
    torch::Tensor biasBefore = moe.gate->bias.clone();
    moe.updateBias();
    torch::Tensor delta = moe.gate->bias - biasBefore;
    // delta = rate * sign(mean - load), recentred to zero mean.
    torch::Tensor expect = c.moe.biasRate * torch::sign(load.mean() - load);
    expect = (expect - expect.mean()).to(torch::kFloat32);
    EXPECT_LT((delta - expect).abs().max().item<double>(), 1e-6);
  }
  // Measure the balanced load over 10 batches (640 tokens), not one, so the
  // sign-update's step-to-step oscillation does not decide the verdict.
  moe.resetLoad();
  for (int i = 0; i < 10; ++i)
    moe.forward(batch());
  const double after = moe.loadStats().maxOverMean;
  EXPECT_LT(after, before * 0.6) << before << " -> " << after;
  EXPECT_NEAR(moe.gate->bias.sum().item<double>(), 0.0, 1e-4);
  double fractions = 0;
  for (double f : moe.loadStats().fraction)
    fractions += f;
  EXPECT_NEAR(fractions, 1.0, 1e-9);
}

TEST(MoeBiasTest, NoBiasWhenBalanceIsNone) {
  DeepSeekConfig c = moeConfig("softmax", 4, /*bias=*/false);
  MoE moe(c);
  EXPECT_FALSE(moe.gate->bias.defined());
  EXPECT_TRUE(moe.named_buffers().is_empty());
  initParameters(moe, 1, 0.3);
  torch::Tensor x = torch::randn({2, 5, c.dim});
  EXPECT_LT((moe.forward(x) - moe.forwardDense(x)).abs().max().item<double>(),
            1e-5);
  moe.updateBias(); // no-op, must not throw
}

TEST(MoeAuxLossTest, SequenceWiseLossMatchesDefinition) {
  DeepSeekConfig c = moeConfig("sigmoid", 1);
  c.moe.auxWeight = 0.01;
  MoE moe(c);
  initParameters(moe, 8, 0.5);
  const int64_t b = 3, t = 7;
  torch::Tensor x = torch::randn({b, t, c.dim});
  moe.forward(x);
  torch::Tensor aux = moe.auxLoss();
  ASSERT_TRUE(aux.defined());
  Routing r = moe.gate->route(x.view({b * t, c.dim}));
  double expect = 0;
  const int64_t e = c.moe.experts, k = c.moe.topK;
  for (int64_t s = 0; s < b; ++s) {
    double seq = 0;
    for (int64_t i = 0; i < e; ++i) {
      double f = 0, p = 0;
      for (int64_t j = 0; j < t; ++j) {
        int64_t row = s * t + j;
        f += (r.indices[row] == i).any().item<bool>() ? 1 : 0;
        p += r.scores[row][i].item<double>() /
             r.scores[row].sum().item<double>();
      }
      seq += (f * e / (k * t)) * (p / t);
    }
    expect += seq / b;
  }
  EXPECT_NEAR(aux.item<double>(), 0.01 * expect, 1e-7);
  aux.backward();
  EXPECT_GT(moe.gate->weight.grad().abs().sum().item<double>(), 0);
  moe.eval();
  moe.forward(x);
  EXPECT_FALSE(moe.auxLoss().defined());
}
