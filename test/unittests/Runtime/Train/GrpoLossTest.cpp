//===- GrpoLossTest.cpp - GRPO loss vs an independent float64 reference ---===//
//
// For fresh random batches at several sizes, the runtime's GRPO path
// (groupAdvantages -> KL placement -> policyLoss -> reduceLoss, autograd for
// the gradient) must equal a float64 reference written with plain loops, for
// every reduction × KL placement × clip setting × advantage scale.
//
//===----------------------------------------------------------------------===//

#include "GrpoTestUtil.h"

#include "r1rt/train/Advantages.h"
#include "PolicyLoss.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace r1rt::train;
using r1rt::test::GrpoBatch;
using r1rt::test::randomBatch;
using r1rt::test::toTensor;
using r1rt::test::toVector;

namespace {

enum class KlPlace { None, Loss, Reward };

struct Setting {
  ReductionKind reduction;
  int64_t maxLen; // seq_sum_norm only; 0 = T
  KlPlace kl;
  double clipLow, clipHigh;
  AdvantageScale scale;
};

constexpr double kBeta = 0.04;

double k3(double logp, double ref) {
  double d = ref - logp;
  return std::exp(d) - d - 1.0;
}

/// Reference advantages, written with loops: unbiased std, eps 1e-4.
std::vector<double> refAdvantages(const GrpoBatch &b,
                                  const std::vector<double> &rewards,
                                  AdvantageScale scale) {
  std::vector<double> adv(b.batch());
  for (int64_t g = 0; g < b.groups; ++g) {
    double mean = 0;
    for (int64_t j = 0; j < b.groupSize; ++j)
      mean += rewards[g * b.groupSize + j];
    mean /= b.groupSize;
    double ss = 0;
    for (int64_t j = 0; j < b.groupSize; ++j) {
      double d = rewards[g * b.groupSize + j] - mean;
      ss += d * d;
    }
    double std = b.groupSize > 1 ? std::sqrt(ss / (b.groupSize - 1)) : 0.0;
    for (int64_t j = 0; j < b.groupSize; ++j) {
      double c = rewards[g * b.groupSize + j] - mean;
      adv[g * b.groupSize + j] =
          scale == AdvantageScale::GroupStd ? c / (std + 1e-4) : c;
    }
  }
  return adv;
}

/// Reference loss and d loss / d logp for one setting, with plain loops.
struct RefResult {
  double loss = 0;
  std::vector<double> grad;
};

RefResult reference(const GrpoBatch &b, const Setting &s) {
  int64_t B = b.batch(), T = b.T;
  std::vector<double> rewards = b.rewards;
  if (s.kl == KlPlace::Reward)
    for (int64_t i = 0; i < B; ++i) {
      double kl = 0;
      for (int64_t t = 0; t < T; ++t)
        if (b.mask[i * T + t] != 0)
          kl += k3(b.oldLogp[i * T + t], b.refLogp[i * T + t]);
      rewards[i] -= kBeta * kl;
    }
  std::vector<double> adv = refAdvantages(b, rewards, s.scale);
  double beta = s.kl == KlPlace::Loss ? kBeta : 0.0;

  double totalTokens = 0;
  std::vector<double> rowTokens(B, 0.0);
  for (int64_t i = 0; i < B; ++i)
    for (int64_t t = 0; t < T; ++t) {
      rowTokens[i] += b.mask[i * T + t];
      totalTokens += b.mask[i * T + t];
    }
  double len = s.maxLen > 0 ? static_cast<double>(s.maxLen) : T;

  RefResult r;
  r.grad.assign(B * T, 0.0);
  for (int64_t i = 0; i < B; ++i) {
    double weight = 0; // d loss / d (per-token loss) for this row's tokens
    switch (s.reduction) {
    case ReductionKind::SeqMean:
      weight = 1.0 / (B * std::max(rowTokens[i], 1.0));
      break;
    case ReductionKind::TokenMean:
      weight = 1.0 / std::max(totalTokens, 1.0);
      break;
    case ReductionKind::SeqSumNorm:
      weight = 1.0 / (B * len);
      break;
    }
    for (int64_t t = 0; t < T; ++t) {
      int64_t k = i * T + t;
      if (b.mask[k] == 0)
        continue;
      double logRatio =
          std::min(20.0, std::max(-20.0, b.logp[k] - b.oldLogp[k]));
      double rho = std::exp(logRatio);
      double clipped =
          std::min(1.0 + s.clipHigh, std::max(1.0 - s.clipLow, rho));
      double a = adv[i];
      double unclippedTerm = rho * a, clippedTerm = clipped * a;
      double tokenLoss = -std::min(unclippedTerm, clippedTerm) +
                         beta * k3(b.logp[k], b.refLogp[k]);
      // docs/grpo.md, "Gradient": dℓ/dlogp = −A·ρ·[unclipped branch active]
      // + β(1 − e^(ref−logp)).
      bool unclippedActive = unclippedTerm <= clippedTerm;
      double tokenGrad = (unclippedActive ? -a * rho : 0.0) +
                         beta * (1.0 - std::exp(b.refLogp[k] - b.logp[k]));
      r.loss += weight * tokenLoss;
      r.grad[k] = weight * tokenGrad;
    }
  }
  return r;
}

/// The runtime path for one setting, in `dtype`.
struct RuntimeResult {
  double loss = 0;
  std::vector<double> grad;
  PolicyLossOutput out;
};

RuntimeResult runtimePath(const GrpoBatch &b, const Setting &s,
                          torch::Dtype dtype) {
  int64_t B = b.batch(), T = b.T;
  torch::Tensor logp = toTensor(b.logp, B, T, dtype).requires_grad_(true);
  torch::Tensor oldLogp = toTensor(b.oldLogp, B, T, dtype);
  torch::Tensor refLogp = toTensor(b.refLogp, B, T, dtype);
  torch::Tensor mask = toTensor(b.mask, B, T, dtype);
  torch::Tensor rewards = toTensor(b.rewards, B, 0, dtype);
  if (s.kl == KlPlace::Reward)
    rewards = klShapedRewards(rewards, oldLogp, refLogp, mask, kBeta);
  torch::Tensor adv =
      broadcastOverTokens(groupAdvantages(rewards, b.groupSize, s.scale), mask);

  PolicyLossConfig config;
  config.clipLow = s.clipLow;
  config.clipHigh = s.clipHigh;
  config.klBeta = s.kl == KlPlace::Loss ? kBeta : 0.0;
  config.reduction = {s.reduction, s.maxLen};
  RuntimeResult r;
  r.out = policyLoss({logp, oldLogp, refLogp, adv, mask}, config);
  r.out.loss.backward();
  r.loss = r.out.loss.item<double>();
  r.grad = toVector(logp.grad());
  return r;
}

std::vector<Setting> allSettings(int64_t T) {
  std::vector<Setting> settings;
  for (auto [kind, maxLen] : {std::pair{ReductionKind::SeqMean, int64_t{0}},
                              {ReductionKind::TokenMean, 0},
                              {ReductionKind::SeqSumNorm, 0},
                              {ReductionKind::SeqSumNorm, T + 5}})
    for (KlPlace kl : {KlPlace::None, KlPlace::Loss, KlPlace::Reward})
      for (auto [lo, hi] : {std::pair{0.2, 0.2}, {0.2, 0.28}})
        for (AdvantageScale scale :
             {AdvantageScale::GroupStd, AdvantageScale::None})
          settings.push_back({kind, maxLen, kl, lo, hi, scale});
  return settings;
}

std::string describe(const Setting &s) {
  const char *kl[] = {"none", "loss", "reward"};
  return fmt::format("reduce={} max_len={} kl={} clip={}/{} scale={}",
                     reductionName(s.reduction), s.maxLen,
                     kl[static_cast<int>(s.kl)], s.clipLow, s.clipHigh,
                     s.scale == AdvantageScale::GroupStd ? "group" : "none");
}

struct Size {
  int64_t groups, groupSize, T;
  bool emptyRow;
};
const Size kSizes[] = {{2, 4, 7, false}, {3, 8, 33, true}, {4, 5, 64, false}};

TEST(GrpoLoss, MatchesFloat64ReferenceForEverySetting) {
  uint64_t seed = 1000;
  int compared = 0;
  for (const Size &size : kSizes) {
    GrpoBatch b =
        randomBatch(size.groups, size.groupSize, size.T, ++seed, size.emptyRow);
    for (const Setting &s : allSettings(size.T)) {
      SCOPED_TRACE(describe(s) + fmt::format(" B={} T={}", b.batch(), b.T));
      RefResult ref = reference(b, s);
      // The batch really exercises the loss: nonzero value and gradient.
      ASSERT_GT(std::abs(ref.loss), 1e-6);
      RuntimeResult f64 = runtimePath(b, s, torch::kFloat64);
      EXPECT_NEAR(f64.loss, ref.loss, 1e-12 * (1 + std::abs(ref.loss)));
      double gradScale = 0;
      for (double g : ref.grad)
        gradScale = std::max(gradScale, std::abs(g));
      ASSERT_GT(gradScale, 0.0);
      for (size_t k = 0; k < ref.grad.size(); ++k)
        ASSERT_NEAR(f64.grad[k], ref.grad[k], 1e-12 * gradScale) << "k=" << k;

      // float32: the same math within single-precision tolerance. Groups of
      // equal rewards give A = 0/(0 + 1e-4) in both, so no 1/eps blow-up.
      RuntimeResult f32 = runtimePath(b, s, torch::kFloat32);
      EXPECT_NEAR(f32.loss, ref.loss, 2e-5 * (1 + std::abs(ref.loss)));
      for (size_t k = 0; k < ref.grad.size(); ++k)
        ASSERT_NEAR(f32.grad[k], ref.grad[k], 2e-5 * gradScale) << "k=" << k;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 3 * 4 * 3 * 2 * 2);
}

TEST(GrpoLoss, ClosedFormGradientMatchesAutograd) {
  // Per token, before any reduction: dℓ/dlogp = −A·ρ·[unclipped active] +
  // β(1 − exp(ref − logp)) (docs/grpo.md), with A varying per token.
  torch::manual_seed(5);
  for (int64_t n : {17, 256, 4099}) {
    for (auto [lo, hi] : {std::pair{0.2, 0.2}, {0.2, 0.28}}) {
      auto opts = torch::dtype(torch::kFloat64);
      torch::Tensor oldLogp = -0.05 - 3 * torch::rand({1, n}, opts);
      torch::Tensor logp =
          (oldLogp + 0.3 * torch::randn({1, n}, opts)).requires_grad_(true);
      torch::Tensor refLogp = oldLogp + 0.25 * torch::randn({1, n}, opts);
      torch::Tensor adv = torch::randn({1, n}, opts);
      torch::Tensor mask = torch::ones({1, n}, opts);
      PolicyLossConfig config;
      config.clipLow = lo;
      config.clipHigh = hi;
      config.klBeta = 0.07;
      PolicyLossOutput out =
          policyLoss({logp, oldLogp, refLogp, adv, mask}, config);
      out.perToken.sum().backward();

      std::vector<double> lp = toVector(logp), olp = toVector(oldLogp),
                          rlp = toVector(refLogp), a = toVector(adv),
                          g = toVector(logp.grad());
      int clippedCount = 0;
      for (int64_t k = 0; k < n; ++k) {
        double rho = std::exp(lp[k] - olp[k]);
        double c = std::min(1 + hi, std::max(1 - lo, rho));
        bool unclipped = rho * a[k] <= c * a[k];
        clippedCount += !unclipped;
        double expect = (unclipped ? -a[k] * rho : 0.0) +
                        0.07 * (1 - std::exp(rlp[k] - lp[k]));
        ASSERT_NEAR(g[k], expect, 1e-12 * (1 + std::abs(expect)));
      }
      // Both branches are exercised, and the clip-fraction metric counts
      // exactly the tokens whose clipped branch is active.
      EXPECT_GT(clippedCount, 0);
      EXPECT_LT(clippedCount, n);
      EXPECT_NEAR(out.clipFraction.item<double>(),
                  static_cast<double>(clippedCount) / n, 1e-12);
    }
  }
}

TEST(GrpoLoss, MetricsMatchLoopDefinitions) {
  GrpoBatch b = randomBatch(3, 6, 21, 77);
  int64_t B = b.batch(), T = b.T;
  std::vector<double> adv =
      refAdvantages(b, b.rewards, AdvantageScale::GroupStd);
  double n = 0, klSum = 0, ratioSum = 0, clipped = 0;
  for (int64_t i = 0; i < B; ++i)
    for (int64_t t = 0; t < T; ++t) {
      int64_t k = i * T + t;
      if (b.mask[k] == 0)
        continue;
      double rho = std::exp(b.logp[k] - b.oldLogp[k]);
      n += 1;
      ratioSum += rho;
      klSum += k3(b.logp[k], b.refLogp[k]);
      clipped += (rho > 1.28 && adv[i] > 0) || (rho < 0.8 && adv[i] < 0);
    }
  ASSERT_GT(clipped, 0);
  Setting s{ReductionKind::TokenMean, 0, KlPlace::None, 0.2, 0.28,
            AdvantageScale::GroupStd};
  RuntimeResult r = runtimePath(b, s, torch::kFloat64);
  EXPECT_NEAR(r.out.meanRatio.item<double>(), ratioSum / n, 1e-12);
  EXPECT_NEAR(r.out.meanKl.item<double>(), klSum / n, 1e-12);
  EXPECT_NEAR(r.out.clipFraction.item<double>(), clipped / n, 1e-12);
}

TEST(GrpoLoss, LogRatioIsClampedToTwenty) {
  // ρ = exp(clamp(logp − old, ±20)): a huge log-ratio stays finite and its
  // gradient through the ratio vanishes (only KL would remain; β = 0 here).
  auto opts = torch::dtype(torch::kFloat64);
  torch::Tensor logp = torch::tensor({{30.0, -1.0}}, opts).requires_grad_(true);
  torch::Tensor oldLogp = torch::tensor({{0.0, -1.1}}, opts);
  torch::Tensor adv = torch::tensor({{-1.0, -1.0}}, opts);
  torch::Tensor mask = torch::ones({1, 2}, opts);
  PolicyLossConfig config;
  config.reduction = {ReductionKind::TokenMean, 0};
  PolicyLossOutput out = policyLoss({logp, oldLogp, {}, adv, mask}, config);
  out.loss.backward();
  EXPECT_NEAR(out.perToken[0][0].item<double>(), std::exp(20.0), 1e-3);
  EXPECT_EQ(logp.grad()[0][0].item<double>(), 0.0);
  EXPECT_NE(logp.grad()[0][1].item<double>(), 0.0);
}

} // namespace
