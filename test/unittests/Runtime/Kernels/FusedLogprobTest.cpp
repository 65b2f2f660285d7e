//===- FusedLogprobTest.cpp - Fused linear-logprob + loss kernel ----------===//
//
// Fused linear-logprob + GRPO loss kernel vs a float64 LibTorch reference.
//
//===----------------------------------------------------------------------===//

#include "r1rt/kernels/cuda/FusedLogprob.h"
#include "KernelTestUtil.h"

using namespace r1rt::cuda;
using namespace r1rt::cuda::test;

namespace {

struct Case {
  int64_t b, t, h, v, tile;
  LossReduce reduce;
  float beta, temperature, clipHigh;
  GemmBackend gemm = GemmBackend::Cublas;
};

/// Float64 GRPO loss of per-token logp (TRL-style formula, docs/grpo.md).
torch::Tensor refLoss(const torch::Tensor &logp, const torch::Tensor &old,
                      const torch::Tensor &ref, const torch::Tensor &adv,
                      const torch::Tensor &mask, const Case &c, float clipLow) {
  auto ratio = torch::exp((logp - old).clamp(-20.0, 20.0));
  auto pg = -torch::minimum(ratio * adv,
                            ratio.clamp(1.0 - clipLow, 1.0 + c.clipHigh) * adv);
  auto d = ref - logp;
  auto l = pg + c.beta * (torch::exp(d) - d - 1.0);
  auto lm = (l * mask).view({c.b, c.t});
  auto m = mask.view({c.b, c.t});
  switch (c.reduce) {
  case LossReduce::TokenMean:
    return lm.sum() / m.sum().clamp_min(1.0);
  case LossReduce::SeqMean:
    return (lm.sum(1) / m.sum(1).clamp_min(1.0)).mean();
  case LossReduce::SeqSumNorm:
    return lm.sum() / double(c.b * c.t);
  }
  return {};
}

void runCase(const Case &c) {
  SCOPED_TRACE(::testing::Message()
               << "B=" << c.b << " T=" << c.t << " H=" << c.h << " V=" << c.v
               << " tile=" << c.tile);
  int64_t n = c.b * c.t;
  auto hid = randBf16({n, c.h});
  auto w = randBf16({c.v, c.h}, 0.5 / std::sqrt(double(c.h)) * 4.0);
  auto y = torch::randint(0, c.v, {n}, torch::kLong);
  // Reference log-probs, to centre old/ref log-probs near the policy's.
  auto h64 = hid.ref.clone().requires_grad_(true);
  auto w64 = w.ref.clone().requires_grad_(true);
  auto z = h64.matmul(w64.t()) / double(c.temperature);
  auto logpRef = torch::log_softmax(z, 1).gather(1, y.unsqueeze(1)).squeeze(1);
  auto old = (logpRef.detach() + 0.3 * torch::randn({n}, torch::kDouble))
                 .to(torch::kFloat);
  auto ref = (logpRef.detach() + 0.3 * torch::randn({n}, torch::kDouble))
                 .to(torch::kFloat);
  auto adv = torch::randn({n}, torch::kFloat);
  auto mask = (torch::rand({n}) < 0.8).to(torch::kFloat);
  mask.view({c.b, c.t}).select(1, 0).fill_(1.0f);

  GrpoLossParams p;
  p.clipLow = 0.2f;
  p.clipHigh = c.clipHigh;
  p.beta = c.beta;
  p.temperature = c.temperature;
  p.reduce = c.reduce;
  LogprobShape shape{c.b, c.t, c.h, c.v, c.tile, c.gemm};

  auto dY = y.to(torch::kCUDA), dOld = old.to(torch::kCUDA),
       dRef = ref.to(torch::kCUDA), dAdv = adv.to(torch::kCUDA),
       dMask = mask.to(torch::kCUDA);
  auto logp = poisoned({n}, torch::kFloat), lse = poisoned({n}, torch::kFloat),
       coef = poisoned({n}, torch::kFloat), loss = poisoned({1}, torch::kFloat);
  auto ws = torch::empty({int64_t(fusedLogprobGrpoWorkspaceBytes(shape))},
                         gpu(torch::kUInt8));
  R1RT_EXPECT_OK(fusedLogprobGrpoForward(
      at::cuda::getCurrentCUDABlasHandle(), bf(hid.dev), bf(w.dev),
      dY.data_ptr<int64_t>(), dOld.data_ptr<float>(),
      c.beta != 0.f ? dRef.data_ptr<float>() : nullptr, dAdv.data_ptr<float>(),
      dMask.data_ptr<float>(), shape, p, logp.data_ptr<float>(),
      lse.data_ptr<float>(), coef.data_ptr<float>(), loss.data_ptr<float>(),
      ws.data_ptr(), stream()));

  expectClose(logp, logpRef.detach(), kF32Tol, "logp");
  expectClose(lse, torch::logsumexp(z.detach(), 1), kF32Tol, "lse");

  auto lpLeaf = logpRef.detach().clone().requires_grad_(true);
  auto lossFromLogp =
      refLoss(lpLeaf, old.to(torch::kDouble), ref.to(torch::kDouble),
              adv.to(torch::kDouble), mask.to(torch::kDouble), c, p.clipLow);
  lossFromLogp.backward();
  expectClose(loss, lossFromLogp.detach().reshape({1}), 1e-3, "loss");
  expectClose(coef, lpLeaf.grad(), 1e-3, "dloss/dlogp");

  // Backward with an upstream gradient that is not 1.
  float up = 0.7f;
  auto dLoss = torch::full({1}, up, gpu(torch::kFloat));
  auto dH = poisoned({n, c.h}, torch::kBFloat16),
       dW = poisoned({c.v, c.h}, torch::kBFloat16);
  R1RT_EXPECT_OK(fusedLogprobBackward(
      at::cuda::getCurrentCUDABlasHandle(), bf(hid.dev), bf(w.dev),
      dY.data_ptr<int64_t>(), lse.data_ptr<float>(), coef.data_ptr<float>(),
      dLoss.data_ptr<float>(), shape, c.temperature, bf(dH), bf(dW),
      ws.data_ptr(), stream()));
  auto full =
      refLoss(logpRef, old.to(torch::kDouble), ref.to(torch::kDouble),
              adv.to(torch::kDouble), mask.to(torch::kDouble), c, p.clipLow);
  (full * double(up)).backward();
  expectClose(dH, h64.grad(), kBf16Tol, "dHidden");
  expectClose(dW, w64.grad(), kBf16Tol, "dWeight");
}

} // namespace

TEST(FusedLogprobCuda, TokenMeanSeveralTiles) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(1);
  runCase({2, 7, 64, 300, 64, LossReduce::TokenMean, 0.f, 1.f, 0.28f});
  runCase({3, 33, 96, 1000, 0, LossReduce::TokenMean, 0.04f, 1.f, 0.2f});
}

TEST(FusedLogprobCuda, SeqMeanWithTemperature) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(2);
  runCase({4, 16, 128, 2053, 512, LossReduce::SeqMean, 0.04f, 0.7f, 0.2f});
}

TEST(FusedLogprobCuda, SeqSumNormLarger) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(3);
  runCase({2, 128, 256, 5000, 1024, LossReduce::SeqSumNorm, 0.01f, 1.f, 0.28f});
}

TEST(FusedLogprobCuda, OwnMmaGemmBackend) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(4);
  // Ragged sizes: N, H and the last tile are not multiples of the 64x64x32
  // block tile.
  runCase({3, 21, 72, 1003, 136, LossReduce::TokenMean, 0.04f, 1.f, 0.28f,
           GemmBackend::Mma});
  runCase({2, 64, 128, 2048, 0, LossReduce::SeqMean, 0.f, 0.7f, 0.2f,
           GemmBackend::Mma});
}

TEST(FusedLogprobCuda, RejectsBadArguments) {
  R1RT_REQUIRE_GPU();
  LogprobShape shape{0, 4, 8, 16, 0};
  GrpoLossParams p;
  EXPECT_EQ(fusedLogprobGrpoForward(
                at::cuda::getCurrentCUDABlasHandle(), nullptr, nullptr, nullptr,
                nullptr, nullptr, nullptr, nullptr, shape, p, nullptr, nullptr,
                nullptr, nullptr, nullptr, stream()),
            cudaErrorInvalidValue);
}
