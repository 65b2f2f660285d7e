//===- NormRopeTest.cpp - RMSNorm and RoPE kernels ------------------------===//
//
// RMSNorm and adjacent-pair RoPE kernels vs float64 LibTorch references.
//
//===----------------------------------------------------------------------===//

#include "r1rt/kernels/cuda/NormRope.h"
#include "KernelTestUtil.h"

using namespace r1rt::cuda;
using namespace r1rt::cuda::test;

namespace {

void runRmsNorm(int64_t rows, int64_t dim) {
  SCOPED_TRACE(::testing::Message() << "rows=" << rows << " dim=" << dim);
  auto x = randBf16({rows, dim}, 2.0);
  auto w = randBf16({dim});
  float eps = 1e-6f;
  auto y = poisoned({rows, dim}, torch::kBFloat16);
  auto rstd = poisoned({rows}, torch::kFloat);
  R1RT_EXPECT_OK(rmsNormForward(bf(x.dev), bf(w.dev), rows, dim, eps, bf(y),
                                rstd.data_ptr<float>(), stream()));
  auto x64 = x.ref.clone().requires_grad_(true);
  auto w64 = w.ref.clone().requires_grad_(true);
  auto r = torch::rsqrt(x64.pow(2).mean(-1, true) + double(eps));
  auto yRef = x64 * r * w64;
  expectClose(y, yRef.detach(), kBf16Tol, "rmsnorm y");
  expectClose(rstd, r.detach().squeeze(1), kF32Tol, "rstd");

  auto dy = randBf16({rows, dim});
  yRef.backward(dy.ref);
  auto dx = poisoned({rows, dim}, torch::kBFloat16);
  auto dw = poisoned({dim}, torch::kBFloat16);
  auto ws = torch::empty({int64_t(rmsNormBackwardWorkspaceBytes(rows, dim))},
                         gpu(torch::kUInt8));
  R1RT_EXPECT_OK(rmsNormBackward(bf(x.dev), bf(w.dev), rstd.data_ptr<float>(),
                                 bf(dy.dev), rows, dim, bf(dx), bf(dw),
                                 ws.data_ptr(), stream()));
  expectClose(dx, x64.grad(), kBf16Tol, "rmsnorm dx");
  expectClose(dw, w64.grad(), kBf16Tol, "rmsnorm dw");
}

/// DeepSeek-V3 precompute_freqs_cis without YaRN: θ_i = base^(−2i/d).
std::pair<torch::Tensor, torch::Tensor> ropeTables(int64_t maxPos,
                                                   int64_t rope) {
  auto inv = torch::pow(10000.0, -torch::arange(0, rope, 2, torch::kDouble) /
                                     double(rope));
  auto ang = torch::outer(torch::arange(maxPos, torch::kDouble), inv);
  return {ang.cos().to(torch::kFloat), ang.sin().to(torch::kFloat)};
}

/// V3 apply_rotary_emb in float64 on the last dim (complex multiply).
torch::Tensor refRope(const torch::Tensor &x, const torch::Tensor &ang) {
  auto xc = torch::view_as_complex(
      x.reshape({x.size(0), x.size(1), x.size(2), -1, 2}).contiguous());
  auto f = torch::polar(torch::ones_like(ang), ang); // [S or N, D/2]
  return torch::view_as_real(xc * f).flatten(3);
}

void runRope(int64_t b, int64_t s, int64_t h, int64_t nope, int64_t rope,
             bool withPositions, bool inverse) {
  SCOPED_TRACE(::testing::Message()
               << "B=" << b << " S=" << s << " H=" << h << " nope=" << nope
               << " rope=" << rope << " pos=" << withPositions
               << " inverse=" << inverse);
  int64_t maxPos = s + 40;
  auto [cosT, sinT] = ropeTables(maxPos, rope);
  auto x = randBf16({b, s, h, nope + rope});
  torch::Tensor pos = withPositions
                          ? torch::randint(0, maxPos, {b * s}, torch::kInt)
                          : torch::arange(s, torch::kInt).repeat({b});
  RopeShape shape;
  shape.tokens = b * s, shape.heads = h, shape.ropeDim = rope;
  shape.tokenStride = h * (nope + rope), shape.headStride = nope + rope;
  shape.offset = nope, shape.seqLen = s;
  auto dCos = cosT.to(torch::kCUDA), dSin = sinT.to(torch::kCUDA),
       dPos = pos.to(torch::kCUDA);
  auto y = x.dev.clone(); // in place: the nope part must survive untouched
  y.narrow(3, nope, rope).fill_(std::numeric_limits<float>::quiet_NaN());
  auto src = x.dev.clone();
  R1RT_EXPECT_OK(ropeApply(bf(src), bf(y), dCos.data_ptr<float>(),
                           dSin.data_ptr<float>(),
                           withPositions ? dPos.data_ptr<int32_t>() : nullptr,
                           shape, inverse, stream()));
  auto inv = torch::pow(10000.0, -torch::arange(0, rope, 2, torch::kDouble) /
                                     double(rope));
  auto ang = torch::outer(pos.to(torch::kDouble), inv).view({b, s, 1, -1});
  if (inverse)
    ang = -ang;
  auto ref = refRope(x.ref.narrow(3, nope, rope), ang);
  EXPECT_TRUE(
      torch::equal(y.narrow(3, 0, nope).cpu(), x.dev.narrow(3, 0, nope).cpu()))
      << "nope part changed";
  expectClose(y.narrow(3, nope, rope), ref, kBf16Tol, "rope");
}

} // namespace

TEST(RmsNormCuda, SeveralSizes) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(31);
  runRmsNorm(1, 64);
  runRmsNorm(37, 1000);
  runRmsNorm(300, 4096);
}

TEST(RopeCuda, FullHeadDefaultPositions) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(32);
  runRope(2, 17, 3, 0, 16, false, false);
}

TEST(RopeCuda, SliceOfMlaQueryWithPositions) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(33);
  runRope(3, 20, 4, 32, 16, true, false);
  runRope(1, 9, 2, 128, 64, true, false);
}

TEST(RopeCuda, InverseIsBackward) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(34);
  runRope(2, 11, 2, 32, 16, true, true);
}
