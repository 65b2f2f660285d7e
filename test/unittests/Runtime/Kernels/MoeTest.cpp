//===- MoeTest.cpp - MoE kernels ------------------------------------------===//
//
// MoE routing, permutation and grouped SwiGLU experts vs float64 LibTorch
// references.
//
//===----------------------------------------------------------------------===//

#include "r1rt/kernels/cuda/Moe.h"
#include "KernelTestUtil.h"

using namespace r1rt::cuda;
using namespace r1rt::cuda::test;

namespace {

/// DeepSeek-V3 `Gate.forward` in float64 (indices and weights).
std::pair<torch::Tensor, torch::Tensor> refRoute(const torch::Tensor &logits,
                                                 const torch::Tensor &bias,
                                                 const RouteParams &p) {
  auto scores = p.score == ScoreFunc::Softmax ? torch::softmax(logits, -1)
                                              : torch::sigmoid(logits);
  auto orig = scores;
  auto s = bias.defined() ? scores + bias : scores;
  if (p.groups > 1) {
    auto g = s.detach().view({p.tokens, p.groups, -1});
    auto gs = bias.defined() ? std::get<0>(g.topk(2, -1)).sum(-1) : g.amax(-1);
    auto keep = std::get<1>(gs.topk(p.topkGroups, -1));
    auto mask = torch::ones({p.tokens, p.groups}, torch::kBool)
                    .scatter_(1, keep, false);
    s = g.masked_fill(mask.unsqueeze(-1),
                      -std::numeric_limits<double>::infinity())
            .flatten(1);
  }
  auto idx = std::get<1>(s.detach().topk(p.topK, -1));
  auto w = orig.gather(1, idx);
  if (p.renormalize)
    w = w / w.sum(-1, true);
  return {idx, w * double(p.routeScale)};
}

void runRoute(RouteParams p, bool withBias) {
  SCOPED_TRACE(::testing::Message()
               << "T=" << p.tokens << " E=" << p.experts << " k=" << p.topK
               << " groups=" << p.groups);
  auto logits = torch::randn({p.tokens, p.experts});
  torch::Tensor bias, dBias;
  if (withBias) {
    bias = 0.1 * torch::randn({p.experts});
    dBias = bias.to(torch::kCUDA);
  }
  auto dLogits = logits.to(torch::kCUDA);
  auto scores = poisoned({p.tokens, p.experts}, torch::kFloat);
  auto idx = poisoned({p.tokens, p.topK}, torch::kInt);
  auto w = poisoned({p.tokens, p.topK}, torch::kFloat);
  R1RT_EXPECT_OK(moeRouteForward(
      dLogits.data_ptr<float>(), withBias ? dBias.data_ptr<float>() : nullptr,
      p, scores.data_ptr<float>(), idx.data_ptr<int32_t>(), w.data_ptr<float>(),
      stream()));
  auto l64 = logits.to(torch::kDouble).requires_grad_(true);
  auto [idxRef, wRef] =
      refRoute(l64, withBias ? bias.to(torch::kDouble) : torch::Tensor(), p);
  EXPECT_TRUE(torch::equal(idx.cpu().to(torch::kLong), idxRef))
      << "selected experts differ";
  expectClose(w, wRef.detach(), 1e-5, "weights");

  auto dw = torch::randn({p.tokens, p.topK});
  wRef.backward(dw.to(torch::kDouble));
  auto dz = poisoned({p.tokens, p.experts}, torch::kFloat);
  auto dwDev = dw.to(torch::kCUDA);
  R1RT_EXPECT_OK(moeRouteBackward(
      scores.data_ptr<float>(), idx.data_ptr<int32_t>(),
      dwDev.data_ptr<float>(), p, dz.data_ptr<float>(), stream()));
  expectClose(dz, l64.grad(), 1e-4, "dlogits");
}

/// Random distinct experts per token; expert E−1 is never used when
/// \p leaveOneEmpty.
torch::Tensor randomAssignment(int64_t t, int k, int64_t e,
                               bool leaveOneEmpty) {
  int64_t usable = leaveOneEmpty ? e - 1 : e;
  auto keys = torch::rand({t, usable});
  return std::get<1>(keys.topk(k, -1)).to(torch::kInt);
}

/// Float64 reference of the routed-expert layer: a loop over experts.
torch::Tensor refExperts(const torch::Tensor &x, const torch::Tensor &idx,
                         const torch::Tensor &w, const torch::Tensor &w1,
                         const torch::Tensor &w3, const torch::Tensor &w2) {
  auto y = torch::zeros_like(x);
  auto idxL = idx.to(torch::kLong);
  for (int64_t e = 0; e < w1.size(0); ++e) {
    auto hit = (idxL == e);
    auto rows = hit.any(1).nonzero().squeeze(1);
    if (rows.numel() == 0)
      continue;
    auto xe = x.index_select(0, rows);
    auto h = torch::silu(xe.matmul(w1[e].t())) * xe.matmul(w3[e].t());
    auto ye = h.matmul(w2[e].t());
    auto we = (w * hit.to(torch::kDouble)).sum(1).index_select(0, rows);
    y = y.index_add(0, rows, ye * we.unsqueeze(1));
  }
  return y;
}

void runExperts(int64_t t, int k, int64_t e, int64_t d, int64_t f,
                bool leaveOneEmpty) {
  SCOPED_TRACE(::testing::Message() << "T=" << t << " k=" << k << " E=" << e
                                    << " D=" << d << " F=" << f);
  auto idx = randomAssignment(t, k, e, leaveOneEmpty);
  auto wts = torch::rand({t, k}).to(torch::kFloat);
  auto x = randBf16({t, d});
  auto w1 = randBf16({e, f, d}, 1.0 / std::sqrt(double(d)));
  auto w3 = randBf16({e, f, d}, 1.0 / std::sqrt(double(d)));
  auto w2 = randBf16({e, d, f}, 1.0 / std::sqrt(double(f)));
  auto dIdx = idx.to(torch::kCUDA), dW = wts.to(torch::kCUDA);
  int64_t rows = t * k;

  // Permutation: stable counting sort by expert.
  auto offsets = poisoned({e + 1}, torch::kInt);
  auto sorted = poisoned({rows}, torch::kInt),
       slotOf = poisoned({rows}, torch::kInt);
  auto ws = torch::empty({int64_t(moePermuteWorkspaceBytes(t, k, e))},
                         gpu(torch::kUInt8));
  R1RT_EXPECT_OK(
      moePermute(dIdx.data_ptr<int32_t>(), t, k, e, offsets.data_ptr<int32_t>(),
                 sorted.data_ptr<int32_t>(), slotOf.data_ptr<int32_t>(),
                 ws.data_ptr(), stream()));
  auto flat = idx.flatten().to(torch::kLong);
  auto order = std::get<1>(flat.sort(std::optional<bool>(true), 0, false));
  EXPECT_TRUE(torch::equal(sorted.cpu().to(torch::kLong), order)) << "perm";
  auto counts = torch::bincount(flat, {}, e);
  auto offRef = torch::cat({torch::zeros({1}, torch::kLong), counts.cumsum(0)});
  EXPECT_TRUE(torch::equal(offsets.cpu().to(torch::kLong), offRef))
      << "offsets";
  auto inv = torch::empty_like(order);
  inv.index_put_({order}, torch::arange(rows, torch::kLong));
  EXPECT_TRUE(torch::equal(slotOf.cpu().to(torch::kLong), inv)) << "slotOf";

  auto xPerm = poisoned({rows, d}, torch::kBFloat16);
  R1RT_EXPECT_OK(moeGather(bf(x.dev), sorted.data_ptr<int32_t>(), t, k, d,
                           bf(xPerm), stream()));
  EXPECT_TRUE(torch::equal(
      xPerm.cpu(), x.dev.cpu().index_select(0, torch::div(order, k, "floor"))))
      << "gather";

  auto hostOff = offsets.cpu();
  ExpertShape shape{e, d, f};
  auto h13 = poisoned({rows, 2 * f}, torch::kBFloat16);
  auto act = poisoned({rows, f}, torch::kBFloat16);
  auto yPerm = poisoned({rows, d}, torch::kBFloat16);
  R1RT_EXPECT_OK(moeExpertsForward(at::cuda::getCurrentCUDABlasHandle(),
                                   bf(xPerm), hostOff.data_ptr<int32_t>(),
                                   bf(w1.dev), bf(w3.dev), bf(w2.dev), shape,
                                   bf(h13), bf(act), bf(yPerm), stream()));
  auto y = poisoned({t, d}, torch::kBFloat16);
  R1RT_EXPECT_OK(moeCombine(bf(yPerm), slotOf.data_ptr<int32_t>(),
                            dW.data_ptr<float>(), t, k, d, bf(y), stream()));

  auto x64 = x.ref.clone().requires_grad_(true);
  auto w64 = wts.to(torch::kDouble).requires_grad_(true);
  auto a1 = w1.ref.clone().requires_grad_(true),
       a3 = w3.ref.clone().requires_grad_(true),
       a2 = w2.ref.clone().requires_grad_(true);
  auto yRef = refExperts(x64, idx, w64, a1, a3, a2);
  expectClose(y, yRef.detach(), kBf16Tol, "moe y");

  auto dy = randBf16({t, d});
  yRef.backward(dy.ref);
  auto dyPerm = poisoned({rows, d}, torch::kBFloat16);
  auto dWeights = poisoned({t, k}, torch::kFloat);
  R1RT_EXPECT_OK(moeCombineBackward(
      bf(dy.dev), bf(yPerm), slotOf.data_ptr<int32_t>(), dW.data_ptr<float>(),
      t, k, d, bf(dyPerm), dWeights.data_ptr<float>(), stream()));
  auto dxPerm = poisoned({rows, d}, torch::kBFloat16);
  auto d1 = poisoned({e, f, d}, torch::kBFloat16),
       d3 = poisoned({e, f, d}, torch::kBFloat16),
       d2 = poisoned({e, d, f}, torch::kBFloat16);
  auto ews =
      torch::empty({int64_t(moeExpertsBackwardWorkspaceBytes(rows, shape))},
                   gpu(torch::kUInt8));
  R1RT_EXPECT_OK(moeExpertsBackward(
      at::cuda::getCurrentCUDABlasHandle(), bf(xPerm),
      hostOff.data_ptr<int32_t>(), bf(w1.dev), bf(w3.dev), bf(w2.dev), bf(h13),
      bf(act), bf(dyPerm), shape, bf(dxPerm), bf(d1), bf(d3), bf(d2),
      ews.data_ptr(), stream()));
  auto dx = poisoned({t, d}, torch::kBFloat16);
  R1RT_EXPECT_OK(moeGatherBackward(bf(dxPerm), slotOf.data_ptr<int32_t>(), t, k,
                                   d, bf(dx), stream()));
  expectClose(dWeights, w64.grad(), kBf16Tol, "dweights");
  expectClose(dx, x64.grad(), kBf16Tol, "dx");
  expectClose(d1, a1.grad(), kBf16Tol, "dw1");
  expectClose(d3, a3.grad(), kBf16Tol, "dw3");
  expectClose(d2, a2.grad(), kBf16Tol, "dw2");
  if (leaveOneEmpty) {
    EXPECT_EQ(d1.cpu()[e - 1].abs().max().item<float>(), 0.f);
    EXPECT_EQ(d2.cpu()[e - 1].abs().max().item<float>(), 0.f);
  }
}

} // namespace

TEST(MoeRouteCuda, SigmoidBiasRenormalised) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(21);
  RouteParams p;
  p.tokens = 37, p.experts = 8, p.topK = 2, p.score = ScoreFunc::Sigmoid;
  p.renormalize = true;
  runRoute(p, true);
}

TEST(MoeRouteCuda, SoftmaxGroupLimitedNoBias) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(22);
  RouteParams p;
  p.tokens = 100, p.experts = 64, p.topK = 6, p.score = ScoreFunc::Softmax;
  p.groups = 8, p.topkGroups = 3;
  runRoute(p, false);
}

TEST(MoeRouteCuda, DeepSeekV3Config) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(23);
  RouteParams p;
  p.tokens = 50, p.experts = 256, p.topK = 8, p.score = ScoreFunc::Sigmoid;
  p.groups = 8, p.topkGroups = 4, p.routeScale = 2.5f, p.renormalize = true;
  runRoute(p, true);
}

TEST(MoeExpertsCuda, SmallWithEmptyExpert) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(24);
  runExperts(64, 2, 8, 64, 96, true);
}

TEST(MoeExpertsCuda, ManyChunks) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(25);
  runExperts(700, 4, 16, 128, 256, false); // 2800 assignments: 3 sort chunks
}
