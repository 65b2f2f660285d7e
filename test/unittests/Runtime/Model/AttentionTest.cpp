//===- AttentionTest.cpp - RoPE, YaRN, grouped attention, MLA paths -------===//

#include "TinyConfigs.h"

#include "r1rt/model/DeepSeek.h"
#include "r1rt/model/MLA.h"

#include <gtest/gtest.h>

using namespace r1rt;

namespace {

void expectClose(const torch::Tensor &a, const torch::Tensor &b, double atol,
                 double rtol = 1e-4) {
  ASSERT_EQ(a.sizes(), b.sizes());
  double err = (a - b).abs().max().item<double>();
  double scale = b.abs().max().item<double>();
  EXPECT_LE(err, atol + rtol * scale) << "max |a-b| = " << err;
}

} // namespace

TEST(GroupedAttentionTest, EqualsPlainAttentionOverRepeatedKvHeads) {
  // Reference: float64 softmax(q k^T) v with every kv head repeated per query
  // head, written out here with plain LibTorch ops.
  torch::manual_seed(7);
  struct Size { int64_t b, t, s, h, g, d; };
  for (Size z : {Size{1, 1, 1, 2, 1, 4}, Size{2, 1, 9, 9, 3, 8},
                 Size{3, 5, 5, 4, 2, 16}, Size{2, 4, 11, 6, 6, 8}}) {
    torch::Tensor q = torch::randn({z.b, z.t, z.h, z.d}, torch::kFloat64);
    // k, v as a strided prefix of a larger [B,G,S+3,d] cache.
    torch::Tensor k = torch::randn({z.b, z.g, z.s + 3, z.d}, torch::kFloat64)
                          .narrow(2, 0, z.s);
    torch::Tensor v = torch::randn({z.b, z.g, z.s + 3, z.d}, torch::kFloat64)
                          .narrow(2, 0, z.s);
    torch::Tensor visible = torch::rand({z.b, z.t, z.s}) < 0.7;
    visible.select(-1, 0).fill_(true);
    const double scale = 0.3;
    torch::Tensor kr = k.repeat_interleave(z.h / z.g, 1);
    torch::Tensor vr = v.repeat_interleave(z.h / z.g, 1);
    torch::Tensor scores = torch::matmul(q.transpose(1, 2), kr.transpose(2, 3));
    scores = (scores * scale)
                 .masked_fill(visible.logical_not().unsqueeze(1),
                              -std::numeric_limits<double>::infinity());
    torch::Tensor ref =
        torch::matmul(torch::softmax(scores, -1), vr).transpose(1, 2);
    torch::Tensor got = groupedAttention(q, k, v, visible, scale);
    expectClose(got, ref, 1e-12, 0);
    torch::Tensor got32 =
        groupedAttention(q.to(torch::kFloat32), k.to(torch::kFloat32),
                         v.to(torch::kFloat32), visible, scale);
    expectClose(got32.to(torch::kFloat64), ref, 1e-5);
  }
}

TEST(RopeTest, PairsMatchComplexRotation) {
  torch::manual_seed(1);
  for (int64_t d : {2, 4, 16}) {
    torch::Tensor x = torch::randn({2, 5, 3, d}, torch::kFloat64);
    torch::Tensor pos = torch::randint(0, 100, {2, 5}, torch::kInt64);
    torch::Tensor inv = ropeInvFreq(d, 10000.0, std::nullopt);
    auto [cos, sin] = ropeCosSin(inv, pos, torch::kFloat64);
    // DeepSeek-V3 model.py: view_as_complex(x.view(..., -1, 2)) * freqs_cis.
    torch::Tensor angles = pos.to(torch::kFloat64).unsqueeze(-1) * inv;
    torch::Tensor cis = torch::polar(torch::ones_like(angles), angles);
    torch::Tensor ref =
        torch::view_as_real(
            torch::view_as_complex(x.reshape({2, 5, 3, d / 2, 2})) *
            cis.unsqueeze(2))
            .flatten(-2);
    expectClose(applyRopePairs(x, cos, sin), ref, 1e-12);
    // HF rotate_half with cat(freqs, freqs).
    torch::Tensor c2 = torch::cat({cos, cos}, -1),
                  s2 = torch::cat({sin, sin}, -1);
    torch::Tensor rot =
        torch::cat({-x.narrow(-1, d / 2, d / 2), x.narrow(-1, 0, d / 2)}, -1);
    expectClose(applyRopeHalf(x, cos, sin), x * c2 + rot * s2, 1e-12);
  }
}

TEST(RopeTest, InverseFrequenciesAndYarnLimits) {
  torch::Tensor plain = ropeInvFreq(64, 10000.0, std::nullopt);
  for (int64_t i = 0; i < 32; ++i)
    EXPECT_NEAR(plain[i].item<double>(), std::pow(10000.0, -2.0 * i / 64),
                1e-15);
  YarnConfig y{40.0, 4096, 32, 1, 1.0};
  torch::Tensor yarn = ropeInvFreq(64, 10000.0, y);
  // High-frequency pairs (many rotations in the original context) are kept,
  // low-frequency pairs are interpolated by the factor.
  EXPECT_DOUBLE_EQ(yarn[0].item<double>(), plain[0].item<double>());
  EXPECT_NEAR(yarn[31].item<double>(), plain[31].item<double>() / 40.0, 1e-18);
  EXPECT_TRUE((yarn <= plain + 1e-18).all().item<bool>());
}

class MlaPathsTest
    : public ::testing::TestWithParam<std::tuple<int64_t, bool>> {};

TEST_P(MlaPathsTest, AbsorbedEqualsNaive) {
  auto [qRank, yarn] = GetParam();
  DeepSeekConfig c = test::tinyDeepSeek(qRank, yarn);
  torch::manual_seed(7);
  MultiHeadLatentAttention attn(c);
  initParameters(attn, 11, 0.3);
  if (yarn)
    EXPECT_GT(attn.softmaxScale(), 1.0 / std::sqrt(10.0));
  for (auto [b, t] : {std::pair<int64_t, int64_t>{1, 1}, {2, 7}, {3, 19}}) {
    torch::Tensor x = torch::randn({b, t, c.dim});
    torch::Tensor pos = defaultPositions(b, t, x.device());
    torch::Tensor naive = attn.forward(x, pos);
    // Whole-sequence prefill through the absorbed path.
    MlaLayerCache cache{torch::zeros({b, t + 3, c.mla.kvRank}),
                        torch::zeros({b, t + 3, c.mla.ropeDim})};
    expectClose(attn.forwardAbsorbed(x, pos, cache), naive, 1e-5);
    // Token-by-token decode through the absorbed path.
    MlaLayerCache step{torch::zeros({b, t, c.mla.kvRank}),
                       torch::zeros({b, t, c.mla.ropeDim})};
    std::vector<torch::Tensor> outs;
    for (int64_t i = 0; i < t; ++i)
      outs.push_back(
          attn.forwardAbsorbed(x.narrow(1, i, 1), pos.narrow(1, i, 1), step));
    expectClose(torch::cat(outs, 1), naive, 1e-5);
    // Naive attention over the same latent cache agrees too.
    MlaLayerCache again{torch::zeros({b, t, c.mla.kvRank}),
                        torch::zeros({b, t, c.mla.ropeDim})};
    expectClose(attn.forwardNaiveCached(x, pos, again), naive, 1e-5);
  }
}

INSTANTIATE_TEST_SUITE_P(QRankYarn, MlaPathsTest,
                         ::testing::Combine(::testing::Values(0, 8),
                                            ::testing::Bool()));

TEST(MlaCacheTest, HoldsKvRankPlusRopeDimPerLayer) {
  for (int64_t qRank : {0, 8}) {
    DeepSeekConfig c = test::tinyDeepSeek(qRank);
    DeepSeekModel m(c);
    auto cache = m.newCache(3, 20);
    EXPECT_EQ(cache->valuesPerToken(),
              (c.mla.kvRank + c.mla.ropeDim) * c.layers);
    EXPECT_EQ(cache->bytesPerToken(),
              (c.mla.kvRank + c.mla.ropeDim) * c.layers * 4);
    int64_t total = 0;
    for (const torch::Tensor &t : cache->tensors())
      total += t.numel();
    EXPECT_EQ(total, 3 * 20 * (c.mla.kvRank + c.mla.ropeDim) * c.layers);
  }
}

TEST(MlaCacheTest, RaggedPositionsMaskFutureSlots) {
  // Row 0 decodes at position 4 while row 1 decodes at position 8: row 0 must
  // ignore what its cache holds at positions 5..8.
  DeepSeekConfig c = test::tinyDeepSeek(8);
  MultiHeadLatentAttention attn(c);
  initParameters(attn, 3, 0.3);
  torch::Tensor x = torch::randn({2, 9, c.dim});
  torch::Tensor naive = attn.forward(x, defaultPositions(2, 9, x.device()));
  MlaLayerCache cache{torch::randn({2, 12, c.mla.kvRank}) * 5,
                      torch::randn({2, 12, c.mla.ropeDim}) * 5};
  attn.forwardAbsorbed(x.narrow(1, 0, 8), defaultPositions(2, 8, x.device()),
                       cache);
  torch::Tensor step = torch::stack({x[0][4], x[1][8]}).unsqueeze(1);
  torch::Tensor pos = torch::tensor({4, 8}, torch::kInt64).view({2, 1});
  torch::Tensor y = attn.forwardAbsorbed(step, pos, cache);
  expectClose(y[0][0], naive[0][4], 1e-5);
  expectClose(y[1][0], naive[1][8], 1e-5);
}
