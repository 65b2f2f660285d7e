//===- MlaAttentionTest.cpp - MLA attention kernels -----------------------===//
//
// MLA flash attention (fwd/bwd) and absorbed decode vs float64 LibTorch
// references.
//
//===----------------------------------------------------------------------===//

#include "r1rt/kernels/cuda/MlaAttention.h"
#include "KernelTestUtil.h"

using namespace r1rt::cuda;
using namespace r1rt::cuda::test;

namespace {

/// Float64 attention on [B,S,H,D] tensors; returns o [B,S,H,dv], lse [B,H,S].
std::pair<torch::Tensor, torch::Tensor>
refAttention(const torch::Tensor &q, const torch::Tensor &k,
             const torch::Tensor &v, double scale, bool causal) {
  auto qh = q.permute({0, 2, 1, 3}), kh = k.permute({0, 2, 1, 3}),
       vh = v.permute({0, 2, 1, 3});
  auto s = qh.matmul(kh.transpose(-1, -2)) * scale;
  if (causal) {
    int64_t n = q.size(1);
    auto mask = torch::ones({n, n}, torch::kBool).triu(1);
    s = s.masked_fill(mask, -std::numeric_limits<double>::infinity());
  }
  auto o = torch::softmax(s, -1).matmul(vh).permute({0, 2, 1, 3});
  return {o, torch::logsumexp(s, -1)};
}

void runAttention(int64_t b, int64_t s, int64_t h, int64_t dqk, int64_t dv,
                  bool causal) {
  SCOPED_TRACE(::testing::Message()
               << "B=" << b << " S=" << s << " H=" << h << " dqk=" << dqk
               << " dv=" << dv << " causal=" << causal);
  auto q = randBf16({b, s, h, dqk}), k = randBf16({b, s, h, dqk}),
       v = randBf16({b, s, h, dv});
  double scale = 1.0 / std::sqrt(double(dqk));
  AttentionShape shape{b, s, h, dqk, dv};
  auto o = poisoned({b, s, h, dv}, torch::kBFloat16);
  auto lse = poisoned({b, h, s}, torch::kFloat);
  R1RT_EXPECT_OK(mlaAttentionForward(bf(q.dev), bf(k.dev), bf(v.dev), shape,
                                     float(scale), causal, bf(o),
                                     lse.data_ptr<float>(), stream()));
  auto q64 = q.ref.clone().requires_grad_(true),
       k64 = k.ref.clone().requires_grad_(true),
       v64 = v.ref.clone().requires_grad_(true);
  auto [oRef, lseRef] = refAttention(q64, k64, v64, scale, causal);
  expectClose(o, oRef.detach(), kBf16Tol, "o");
  expectClose(lse, lseRef.detach(), kF32Tol, "lse");

  auto dO = randBf16({b, s, h, dv});
  oRef.backward(dO.ref);
  auto dq = poisoned({b, s, h, dqk}, torch::kBFloat16),
       dk = poisoned({b, s, h, dqk}, torch::kBFloat16),
       dvv = poisoned({b, s, h, dv}, torch::kBFloat16);
  auto ws = torch::empty({int64_t(mlaAttentionBackwardWorkspaceBytes(shape))},
                         gpu(torch::kUInt8));
  R1RT_EXPECT_OK(mlaAttentionBackward(bf(q.dev), bf(k.dev), bf(v.dev), bf(o),
                                      lse.data_ptr<float>(), bf(dO.dev), shape,
                                      float(scale), causal, bf(dq), bf(dk),
                                      bf(dvv), ws.data_ptr(), stream()));
  expectClose(dq, q64.grad(), kBf16Tol, "dq");
  expectClose(dk, k64.grad(), kBf16Tol, "dk");
  expectClose(dvv, v64.grad(), kBf16Tol, "dv");
}

void runDecode(int64_t b, int64_t h, int64_t cap, int64_t rank, int64_t rope) {
  SCOPED_TRACE(::testing::Message() << "B=" << b << " H=" << h << " C=" << cap
                                    << " rank=" << rank << " rope=" << rope);
  int64_t dk = rank + rope;
  auto q = randBf16({b, h, dk}), cache = randBf16({b, cap, dk});
  auto lengths = torch::randint(1, cap + 1, {b}, torch::kInt);
  lengths[0] = int32_t(cap);
  double scale = 1.0 / std::sqrt(double(dk));
  DecodeShape shape{b, h, cap, rank, rope};
  auto out = poisoned({b, h, rank}, torch::kBFloat16);
  auto lse = poisoned({b, h}, torch::kFloat);
  auto dLen = lengths.to(torch::kCUDA);
  R1RT_EXPECT_OK(mlaDecodeForward(bf(q.dev), bf(cache.dev),
                                  dLen.data_ptr<int32_t>(), shape, float(scale),
                                  bf(out), lse.data_ptr<float>(), stream()));
  auto outRef = torch::empty({b, h, rank}, torch::kDouble);
  auto lseRef = torch::empty({b, h}, torch::kDouble);
  for (int64_t i = 0; i < b; ++i) {
    int64_t len = lengths[i].item<int64_t>();
    auto c = cache.ref[i].narrow(0, 0, len);  // [len, dk]
    auto sc = q.ref[i].matmul(c.t()) * scale; // [h, len]
    outRef[i] = torch::softmax(sc, -1).matmul(c.narrow(1, 0, rank));
    lseRef[i] = torch::logsumexp(sc, -1);
  }
  expectClose(out, outRef, kBf16Tol, "decode out");
  expectClose(lse, lseRef, kF32Tol, "decode lse");
}

} // namespace

TEST(MlaAttentionCuda, DemoShapesCausal) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(11);
  runAttention(2, 37, 3, 48, 32, true);
  runAttention(1, 100, 4, 96, 64, true);
}

TEST(MlaAttentionCuda, DeepSeekShape192x128) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(12);
  runAttention(1, 130, 2, 192, 128, true);
}

TEST(MlaAttentionCuda, NonCausal) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(13);
  runAttention(2, 45, 2, 48, 32, false);
}

TEST(MlaDecodeCuda, DemoLatentCache) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(14);
  runDecode(3, 4, 50, 64, 16);
}

TEST(MlaDecodeCuda, DeepSeekLatentCache) {
  R1RT_REQUIRE_GPU();
  torch::manual_seed(15);
  runDecode(2, 16, 300, 512, 64);
}

TEST(MlaAttentionCuda, RejectsUnsupportedDims) {
  R1RT_REQUIRE_GPU();
  AttentionShape shape{1, 8, 1, 300, 64};
  EXPECT_EQ(mlaAttentionBackward(nullptr, nullptr, nullptr, nullptr, nullptr,
                                 nullptr, shape, 1.f, true, nullptr, nullptr,
                                 nullptr, nullptr, stream()),
            cudaErrorInvalidValue);
}
