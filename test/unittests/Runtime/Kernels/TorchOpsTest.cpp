//===- TorchOpsTest.cpp - Autograd bindings of the CUDA kernels -----------===//
//
// The LibTorch autograd bindings vs float64 autograd of plain LibTorch math.
//
//===----------------------------------------------------------------------===//

#include "r1rt/kernels/cuda/TorchOps.h"
#include "KernelTestUtil.h"

using namespace r1rt::cuda;
using namespace r1rt::cuda::test;

TEST(TorchOpsCuda, FusedLinearGrpoLossAutograd) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(41);
  int64_t B = 3, T = 9, H = 64, V = 777;
  auto hid = randBf16({B, T, H}), w = randBf16({V, H}, 0.25);
  auto y = torch::randint(0, V, {B, T}, torch::kLong);
  auto h64 = hid.ref.clone().requires_grad_(true);
  auto w64 = w.ref.clone().requires_grad_(true);
  auto logp64 = torch::log_softmax(h64.matmul(w64.t()), -1)
                    .gather(2, y.unsqueeze(2))
                    .squeeze(2);
  auto old = (logp64.detach() + 0.2 * torch::randn({B, T}, torch::kDouble));
  auto adv = torch::randn({B, T}, torch::kDouble);
  GrpoLossParams p; // token_mean, ε = 0.2, β = 0
  auto hDev = hid.dev.clone().requires_grad_(true);
  auto wDev = w.dev.clone().requires_grad_(true);
  auto out = fusedLinearGrpoLoss(hDev, wDev, y.to(torch::kCUDA),
                                 old.to(torch::kFloat).to(torch::kCUDA), {},
                                 adv.to(torch::kFloat).to(torch::kCUDA), {}, p,
                                 /*vocabTile=*/256);
  auto ratio = torch::exp(logp64 - old);
  auto ref = (-torch::minimum(ratio * adv, ratio.clamp(0.8, 1.2) * adv)).mean();
  // Use both outputs so the logp gradient path is exercised as well.
  (out.loss + 0.5 * out.logp.sum()).backward();
  (ref + 0.5 * logp64.sum()).backward();
  expectClose(out.loss.detach().reshape({1}), ref.detach().reshape({1}), 1e-3,
              "loss");
  expectClose(hDev.grad(), h64.grad(), kBf16Tol, "dhidden");
  expectClose(wDev.grad(), w64.grad(), kBf16Tol, "dweight");
}

TEST(TorchOpsCuda, MlaAttentionAutograd) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(42);
  int64_t B = 2, S = 40, H = 2, DK = 48, DV = 32;
  auto q = randBf16({B, S, H, DK}), k = randBf16({B, S, H, DK}),
       v = randBf16({B, S, H, DV});
  double scale = 1.0 / std::sqrt(double(DK));
  auto qd = q.dev.clone().requires_grad_(true),
       kd = k.dev.clone().requires_grad_(true),
       vd = v.dev.clone().requires_grad_(true);
  auto o = mlaAttention(qd, kd, vd, scale, true);
  auto q64 = q.ref.clone().requires_grad_(true),
       k64 = k.ref.clone().requires_grad_(true),
       v64 = v.ref.clone().requires_grad_(true);
  auto s = q64.permute({0, 2, 1, 3}).matmul(k64.permute({0, 2, 3, 1})) * scale;
  s = s.masked_fill(torch::ones({S, S}, torch::kBool).triu(1),
                    -std::numeric_limits<double>::infinity());
  auto oRef = torch::softmax(s, -1)
                  .matmul(v64.permute({0, 2, 1, 3}))
                  .permute({0, 2, 1, 3});
  auto g = randBf16({B, S, H, DV});
  o.backward(g.dev);
  oRef.backward(g.ref);
  expectClose(o.detach(), oRef.detach(), kBf16Tol, "o");
  expectClose(qd.grad(), q64.grad(), kBf16Tol, "dq");
  expectClose(kd.grad(), k64.grad(), kBf16Tol, "dk");
  expectClose(vd.grad(), v64.grad(), kBf16Tol, "dv");
}

TEST(TorchOpsCuda, MoeRouteAndExpertsAutograd) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(43);
  int64_t T = 48, D = 64, F = 80, E = 8;
  RouteParams p;
  p.topK = 2, p.score = ScoreFunc::Sigmoid, p.renormalize = true;
  auto x = randBf16({T, D});
  auto logits = torch::randn({T, E});
  auto bias = 0.05 * torch::randn({E});
  auto w1 = randBf16({E, F, D}, 0.125), w3 = randBf16({E, F, D}, 0.125),
       w2 = randBf16({E, D, F}, 0.11);
  auto zd = logits.to(torch::kCUDA).requires_grad_(true);
  auto xd = x.dev.clone().requires_grad_(true);
  auto w1d = w1.dev.clone().requires_grad_(true);
  auto route = moeRoute(zd, bias.to(torch::kCUDA), p);
  auto y = moeExperts(xd, route.indices, route.weights, w1d, w3.dev, w2.dev);

  auto z64 = logits.to(torch::kDouble).requires_grad_(true);
  auto x64 = x.ref.clone().requires_grad_(true);
  auto a1 = w1.ref.clone().requires_grad_(true);
  auto sc = torch::sigmoid(z64);
  auto idx = std::get<1>((sc + bias.to(torch::kDouble)).detach().topk(2, -1));
  auto wts = sc.gather(1, idx);
  wts = wts / wts.sum(-1, true);
  auto yRef = torch::zeros({T, D}, torch::kDouble);
  for (int64_t j = 0; j < 2; ++j)
    for (int64_t t = 0; t < T; ++t) {
      int64_t e = idx[t][j].item<int64_t>();
      auto xt = x64[t];
      auto h = torch::silu(a1[e].mv(xt)) * w3.ref[e].mv(xt);
      yRef = yRef.index_add(0, torch::tensor({t}),
                            (wts[t][j] * w2.ref[e].mv(h)).unsqueeze(0));
    }
  EXPECT_TRUE(torch::equal(route.indices.cpu().to(torch::kLong), idx));
  auto g = randBf16({T, D});
  y.backward(g.dev);
  yRef.backward(g.ref);
  expectClose(y.detach(), yRef.detach(), kBf16Tol, "y");
  expectClose(xd.grad(), x64.grad(), kBf16Tol, "dx");
  expectClose(w1d.grad(), a1.grad(), kBf16Tol, "dw1");
  expectClose(zd.grad(), z64.grad(), kBf16Tol, "dlogits");
}

TEST(TorchOpsCuda, RmsNormAndRopeAutograd) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(44);
  int64_t B = 2, S = 12, H = 3, D = 16;
  auto x = randBf16({B, S, H, D});
  auto w = randBf16({D});
  auto xd = x.dev.clone().requires_grad_(true);
  auto wd = w.dev.clone().requires_grad_(true);
  auto inv =
      torch::pow(10000.0, -torch::arange(0, D, 2, torch::kDouble) / double(D));
  auto ang = torch::outer(torch::arange(S, torch::kDouble), inv);
  auto cosT = ang.cos().to(torch::kFloat).to(torch::kCUDA);
  auto sinT = ang.sin().to(torch::kFloat).to(torch::kCUDA);
  auto out = ropeAdjacent(rmsNorm(xd, wd, 1e-6), cosT, sinT, {});

  auto x64 = x.ref.clone().requires_grad_(true);
  auto w64 = w.ref.clone().requires_grad_(true);
  auto n = x64 * torch::rsqrt(x64.pow(2).mean(-1, true) + 1e-6) * w64;
  auto nc = torch::view_as_complex(n.reshape({B, S, H, D / 2, 2}));
  auto f = torch::polar(torch::ones_like(ang), ang).view({1, S, 1, D / 2});
  auto ref = torch::view_as_real(nc * f).flatten(3);
  auto g = randBf16({B, S, H, D});
  out.backward(g.dev);
  ref.backward(g.ref);
  expectClose(out.detach(), ref.detach(), kBf16Tol, "rope(rmsnorm(x))");
  expectClose(xd.grad(), x64.grad(), kBf16Tol, "dx");
  expectClose(wd.grad(), w64.grad(), kBf16Tol, "dw");
}
