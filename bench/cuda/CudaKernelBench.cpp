//===- CudaKernelBench.cpp - Timings of the CUDA kernels ------------------===//
//
// Times the r1rt CUDA kernels (through their autograd bindings) and prints one
// JSON line each.
//
//===----------------------------------------------------------------------===//

#include "r1rt/kernels/cuda/MlaAttention.h"
#include "r1rt/kernels/cuda/NormRope.h"
#include "r1rt/kernels/cuda/TorchOps.h"

#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <torch/cuda.h>
#include <torch/utils.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

using namespace r1rt::cuda;

namespace {

int gReps = 20;

/// Median milliseconds of \p fn over gReps runs after 3 warm-ups (events).
double timeMs(const std::function<void()> &fn) {
  for (int i = 0; i < 3; ++i)
    fn();
  auto stream = at::cuda::getCurrentCUDAStream();
  std::vector<double> ms;
  cudaEvent_t a, b;
  cudaEventCreate(&a);
  cudaEventCreate(&b);
  for (int i = 0; i < gReps; ++i) {
    cudaEventRecord(a, stream);
    fn();
    cudaEventRecord(b, stream);
    cudaEventSynchronize(b);
    float t = 0;
    cudaEventElapsedTime(&t, a, b);
    ms.push_back(t);
  }
  cudaEventDestroy(a);
  cudaEventDestroy(b);
  TORCH_CHECK(cudaGetLastError() == cudaSuccess, "CUDA error while timing");
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

/// Peak bytes allocated by \p fn beyond what was live before it ran.
double peakExtraBytes(const std::function<void()> &fn) {
  auto dev = c10::cuda::current_device();
  torch::cuda::synchronize();
  auto before = c10::cuda::CUDACachingAllocator::getDeviceStats(dev)
                    .allocated_bytes[0]
                    .current;
  c10::cuda::CUDACachingAllocator::resetPeakStats(dev);
  fn();
  torch::cuda::synchronize();
  auto peak = c10::cuda::CUDACachingAllocator::getDeviceStats(dev)
                  .allocated_bytes[0]
                  .peak;
  return double(peak - before);
}

void emit(const char *name, const std::string &shape, double ms, double flops,
          double bytes, double peak) {
  std::printf("{\"name\":\"%s\",\"shape\":\"%s\",\"ms\":%.5f,\"flops\":%.6g,"
              "\"bytes\":%.6g,\"peak_extra_bytes\":%.6g}\n",
              name, shape.c_str(), ms, flops, bytes, peak);
  std::fflush(stdout);
}

torch::Tensor randnBf16(std::vector<int64_t> shape, double scale = 1.0) {
  return (torch::randn(shape, torch::TensorOptions().device(torch::kCUDA)) *
          scale)
      .to(torch::kBFloat16);
}

std::string shapeStr(std::initializer_list<int64_t> dims) {
  std::string s;
  for (int64_t d : dims)
    s += (s.empty() ? "" : "x") + std::to_string(d);
  return s;
}

torch::TensorOptions cudaOpts() {
  return torch::TensorOptions().device(torch::kCUDA);
}

/// Fused LM head + GRPO loss, forward + backward.
void benchLoss(int64_t n, int64_t h, int64_t v, GemmBackend gemm) {
  auto hid = randnBf16({1, n, h}).requires_grad_(true);
  auto w = randnBf16({v, h}, 0.02).requires_grad_(true);
  auto opts = torch::TensorOptions().device(torch::kCUDA);
  auto y = torch::randint(0, v, {1, n}, opts.dtype(torch::kLong));
  auto old = -torch::rand({1, n}, opts) * 5;
  auto adv = torch::randn({1, n}, opts);
  GrpoLossParams p;
  auto step = [&] {
    auto r = fusedLinearGrpoLoss(hid, w, y, old, {}, adv, {}, p, 0, gemm);
    r.loss.backward();
    hid.mutable_grad().reset();
    w.mutable_grad().reset();
  };
  double ms = timeMs(step);
  double peak = peakExtraBytes(step);
  // fwd GEMM + recompute GEMM + dH + dW GEMMs.
  emit(gemm == GemmBackend::Mma ? "fused_loss_fwd_bwd_mma"
                                : "fused_loss_fwd_bwd",
       shapeStr({n, h, v}), ms, 8.0 * n * h * v, 2.0 * (n * h + v * h) * 3,
       peak);
}

/// MLA training attention, forward + backward.
void benchAttention(int64_t b, int64_t s, int64_t h, int64_t dk, int64_t dv) {
  auto q = randnBf16({b, s, h, dk}).requires_grad_(true);
  auto k = randnBf16({b, s, h, dk}).requires_grad_(true);
  auto v = randnBf16({b, s, h, dv}).requires_grad_(true);
  auto g = randnBf16({b, s, h, dv});
  double scale = 1.0 / std::sqrt(double(dk));
  auto step = [&] {
    auto o = mlaAttention(q, k, v, scale, true);
    o.backward(g);
    q.mutable_grad().reset();
    k.mutable_grad().reset();
    v.mutable_grad().reset();
  };
  double ms = timeMs(step);
  // Causal: half of the S² pairs; fwd 2 GEMMs, bwd 5 (incl. recompute).
  double pairs = double(b) * h * s * s / 2;
  double flops = 2.0 * pairs * (dk + dv) * 3.5;
  emit("mla_attention_fwd_bwd", shapeStr({b, s, h, dk, dv}), ms, flops,
       2.0 * b * s * h * (dk + dv) * 4, peakExtraBytes(step));
}

/// Absorbed decode over the latent cache (one step).
void benchDecode(int64_t b, int64_t h, int64_t len, int64_t rank,
                 int64_t rope) {
  auto q = randnBf16({b, h, rank + rope});
  auto cache = randnBf16({b, len, rank + rope});
  auto lengths = torch::full({b}, len, cudaOpts().dtype(torch::kInt));
  double scale = 1.0 / std::sqrt(double(rank + rope));
  auto step = [&] { mlaDecode(q, cache, lengths, rank, scale); };
  double ms = timeMs(step);
  emit("mla_decode", shapeStr({b, h, len, rank, rope}), ms,
       2.0 * b * h * len * (2 * rank + rope), 2.0 * b * len * (rank + rope),
       peakExtraBytes(step));
}

/// Routed-expert layer (routing + permute + grouped SwiGLU + combine), fwd+bwd.
void benchMoe(int64_t t, int64_t d, int64_t f, int64_t e, int k) {
  auto x = randnBf16({t, d}).requires_grad_(true);
  auto gate = torch::randn({e, d}, cudaOpts()) / std::sqrt(double(d));
  auto bias = torch::zeros({e}, cudaOpts());
  auto w1 = randnBf16({e, f, d}, 0.02).requires_grad_(true);
  auto w3 = randnBf16({e, f, d}, 0.02).requires_grad_(true);
  auto w2 = randnBf16({e, d, f}, 0.02).requires_grad_(true);
  auto g = randnBf16({t, d});
  RouteParams p;
  p.topK = k, p.score = ScoreFunc::Sigmoid, p.renormalize = true;
  auto step = [&] {
    auto logits = x.to(torch::kFloat).matmul(gate.t());
    auto r = moeRoute(logits, bias, p);
    auto y = moeExperts(x, r.indices, r.weights, w1, w3, w2);
    y.backward(g);
    for (auto *tt : {&x, &w1, &w3, &w2})
      tt->mutable_grad().reset();
  };
  double ms = timeMs(step);
  emit("moe_layer_fwd_bwd", shapeStr({t, d, f, e, k}), ms,
       2.0 * t * k * 3 * d * f * 3, 2.0 * 3 * e * d * f * 3,
       peakExtraBytes(step));
}

/// RMSNorm then RoPE over [1,S,H,D], forward + backward.
void benchNormRope(int64_t s, int64_t h, int64_t d) {
  auto x = randnBf16({1, s, h, d}).requires_grad_(true);
  auto w = randnBf16({d}).requires_grad_(true);
  auto ang = torch::rand({s, d / 2}, cudaOpts());
  auto c = ang.cos(), sn = ang.sin();
  auto g = randnBf16({1, s, h, d});
  auto step = [&] {
    auto y = ropeAdjacent(rmsNorm(x, w, 1e-6), c, sn, {});
    y.backward(g);
    x.mutable_grad().reset();
    w.mutable_grad().reset();
  };
  double ms = timeMs(step);
  emit("rmsnorm_rope_fwd_bwd", shapeStr({s, h, d}), ms, 0, 2.0 * s * h * d * 6,
       peakExtraBytes(step));
}

} // namespace

/// Usage: r1rt-cuda-bench [--quick] [--reps N]
int main(int argc, char **argv) {
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quick"))
      quick = true;
    else if (!std::strcmp(argv[i], "--reps") && i + 1 < argc)
      gReps = std::atoi(argv[++i]);
  }
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess || count == 0) {
    std::fprintf(stderr, "r1rt-cuda-bench: no CUDA device; run it on the GPU "
                         "machine\n");
    return 2;
  }
  torch::manual_seed(0);
  if (quick) {
    benchLoss(1024, 512, 8192, GemmBackend::Cublas);
    benchLoss(1024, 512, 8192, GemmBackend::Mma);
    benchAttention(2, 256, 4, 48, 32);
    benchAttention(1, 512, 4, 192, 128);
    benchDecode(8, 16, 512, 512, 64);
    benchMoe(1024, 256, 256, 8, 2);
    benchNormRope(1024, 8, 64);
    return 0;
  }
  benchLoss(16384, 4096, 131072, GemmBackend::Cublas);
  benchLoss(16384, 4096, 131072, GemmBackend::Mma);
  benchAttention(16, 256, 4, 48, 32);    // demo model shape
  benchAttention(2, 4096, 16, 192, 128); // DeepSeek shape
  benchDecode(64, 16, 4096, 512, 64);
  benchMoe(8192, 2048, 1408, 64, 6);
  benchNormRope(16384, 16, 64);
  return 0;
}
