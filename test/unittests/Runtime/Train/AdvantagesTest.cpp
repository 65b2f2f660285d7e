//===- AdvantagesTest.cpp - Group advantages, filter and KL shaping -------===//

#include "GrpoTestUtil.h"

#include "r1rt/Error.h"
#include "r1rt/train/Advantages.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace r1rt::train;
using r1rt::test::toVector;

namespace {

TEST(Advantages, GroupStdUsesTheUnbiasedStdPlusEps) {
  torch::manual_seed(11);
  for (int64_t g : {2, 5, 16}) {
    torch::Tensor r = torch::rand({3 * g}, torch::kFloat64);
    std::vector<double> rv = toVector(r);
    std::vector<double> a =
        toVector(groupAdvantages(r, g, AdvantageScale::GroupStd));
    std::vector<double> c =
        toVector(groupAdvantages(r, g, AdvantageScale::None));
    for (int64_t grp = 0; grp < 3; ++grp) {
      double mean = 0, ss = 0;
      for (int64_t j = 0; j < g; ++j)
        mean += rv[grp * g + j] / g;
      for (int64_t j = 0; j < g; ++j)
        ss += (rv[grp * g + j] - mean) * (rv[grp * g + j] - mean);
      double std = std::sqrt(ss / (g - 1));
      for (int64_t j = 0; j < g; ++j) {
        EXPECT_NEAR(a[grp * g + j], (rv[grp * g + j] - mean) / (std + 1e-4),
                    1e-12);
        EXPECT_NEAR(c[grp * g + j], rv[grp * g + j] - mean, 1e-14);
      }
    }
  }
}

TEST(Advantages, DegenerateGroupsGiveZero) {
  // Equal rewards: centred 0, std 0 -> 0 / 1e-4 = 0. A group of one: std 0.
  torch::Tensor equal = torch::full({4}, 0.7, torch::kFloat64);
  EXPECT_EQ(groupAdvantages(equal, 4, AdvantageScale::GroupStd)
                .abs()
                .max()
                .item<double>(),
            0.0);
  torch::Tensor single = torch::tensor({0.3, 0.9}, torch::kFloat64);
  EXPECT_EQ(groupAdvantages(single, 1, AdvantageScale::GroupStd)
                .abs()
                .max()
                .item<double>(),
            0.0);
}

TEST(Advantages, BroadcastZeroesPadding) {
  torch::Tensor adv = torch::tensor({1.5, -2.0}, torch::kFloat64);
  torch::Tensor mask = torch::tensor({{1, 1, 0}, {1, 0, 0}}, torch::kFloat64);
  torch::Tensor want =
      torch::tensor({{1.5, 1.5, 0.0}, {-2.0, 0.0, 0.0}}, torch::kFloat64);
  EXPECT_TRUE(torch::equal(broadcastOverTokens(adv, mask), want));
}

TEST(Advantages, ZeroVarianceFilterKeepsInformativeGroups) {
  torch::Tensor r = torch::tensor({1.0, 1.0, 1.0, /**/ 0.0, 1.0, 0.0, /**/ 0.0,
                                   0.0, 0.0, /**/ 0.2, 0.2, 0.3},
                                  torch::kFloat64);
  torch::Tensor keep = keepNonZeroVarianceGroups(r, 3);
  std::vector<bool> want = {false, true, false, true};
  ASSERT_EQ(keep.numel(), 4);
  for (int64_t i = 0; i < 4; ++i)
    EXPECT_EQ(keep[i].item<bool>(), want[i]) << i;
  // A tolerance treats near-equal rewards as equal.
  EXPECT_FALSE(keepNonZeroVarianceGroups(r, 3, 0.15)[3].item<bool>());
  std::vector<double> idx = toVector(keptSequenceIndices(keep, 3));
  EXPECT_EQ(idx, (std::vector<double>{3, 4, 5, 9, 10, 11}));
}

TEST(Advantages, KlInRewardSubtractsBetaTimesSequenceK3Sum) {
  torch::manual_seed(4);
  auto opts = torch::dtype(torch::kFloat64);
  torch::Tensor logp = -torch::rand({3, 6}, opts) * 2;
  torch::Tensor ref = logp + 0.3 * torch::randn({3, 6}, opts);
  torch::Tensor mask = torch::tensor(
      {{1, 1, 1, 0, 0, 0}, {1, 1, 1, 1, 1, 1}, {1, 0, 0, 0, 0, 0}}, opts);
  torch::Tensor r = torch::rand({3}, opts);
  std::vector<double> lp = toVector(logp), rf = toVector(ref),
                      m = toVector(mask), rv = toVector(r);
  std::vector<double> shaped =
      toVector(klShapedRewards(r, logp, ref, mask, 0.1));
  for (int64_t i = 0; i < 3; ++i) {
    double kl = 0;
    for (int64_t t = 0; t < 6; ++t) {
      double d = rf[i * 6 + t] - lp[i * 6 + t];
      kl += m[i * 6 + t] * (std::exp(d) - d - 1);
    }
    EXPECT_GT(kl, 0.0);
    EXPECT_NEAR(shaped[i], rv[i] - 0.1 * kl, 1e-14);
  }
}

TEST(Advantages, BadShapesAreClearErrors) {
  torch::Tensor r = torch::rand({10});
  EXPECT_THROW(groupAdvantages(r, 4, AdvantageScale::GroupStd), r1rt::Error);
  EXPECT_THROW(groupAdvantages(r.reshape({2, 5}), 5, AdvantageScale::None),
               r1rt::Error);
  EXPECT_THROW(parseAdvantageScale("batch"), r1rt::Error);
  EXPECT_EQ(parseAdvantageScale("none"), AdvantageScale::None);
}

} // namespace
