//===- KernelTestUtil.h - Helpers of the CUDA kernel tests ------*- C++ -*-===//
//
// Test helpers for the CUDA kernels: device check, poisoning, relative errors.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_TEST_KERNELS_KERNELTESTUTIL_H
#define R1RT_TEST_KERNELS_KERNELTESTUTIL_H

#include "r1rt/kernels/cuda/Common.h"

#include <ATen/cuda/CUDAContext.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <limits>
#include <string>

namespace r1rt::cuda::test {

/// True when a usable CUDA device is present.
inline bool hasCudaDevice() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError(); // clear the error so later calls start clean
    return false;
  }
  return count > 0;
}

/// Skips the current test (reported as SKIPPED by ctest) without a GPU.
#define R1RT_REQUIRE_GPU()                                                     \
  do {                                                                         \
    if (!::r1rt::cuda::test::hasCudaDevice())                                  \
      GTEST_SKIP() << "no CUDA device: this kernel test needs a GPU "          \
                      "(sm_90a); run it on the GPU machine";                   \
  } while (0)

/// Asserts that a kernel launch returned cudaSuccess and that the stream ran
/// without a sticky error.
#define R1RT_EXPECT_OK(expr)                                                   \
  do {                                                                         \
    cudaError_t e_ = (expr);                                                   \
    ASSERT_EQ(e_, cudaSuccess) << #expr << ": " << cudaGetErrorString(e_);     \
    cudaError_t s_ = cudaStreamSynchronize(::r1rt::cuda::test::stream());      \
    ASSERT_EQ(s_, cudaSuccess) << #expr << ": " << cudaGetErrorString(s_);     \
  } while (0)

inline cudaStream_t stream() { return at::cuda::getCurrentCUDAStream(); }

inline torch::TensorOptions gpu(torch::ScalarType t) {
  return torch::TensorOptions().device(torch::kCUDA).dtype(t);
}

/// An output tensor filled with NaN (or -1 for integers) so that unwritten
/// elements fail the comparison.
inline torch::Tensor poisoned(torch::IntArrayRef shape, torch::ScalarType t) {
  if (t == torch::kInt || t == torch::kLong)
    return torch::full(shape, -1, gpu(t));
  return torch::full(shape, std::numeric_limits<float>::quiet_NaN(), gpu(t));
}

inline bf16 *bf(const torch::Tensor &t) {
  return reinterpret_cast<bf16 *>(t.data_ptr<at::BFloat16>());
}

/// Random bf16 tensor on the GPU plus its exact float64 CPU copy.
struct Pair {
  torch::Tensor dev;
  torch::Tensor ref;
};
inline Pair randBf16(torch::IntArrayRef shape, double scale = 1.0) {
  auto d = (torch::randn(shape) * scale).to(torch::kBFloat16).to(torch::kCUDA);
  return {d, d.cpu().to(torch::kDouble)};
}

/// ‖out − ref‖ / ‖ref‖ in float64; every element of out must be finite.
inline void expectClose(const torch::Tensor &out, const torch::Tensor &ref,
                        double tol, const std::string &what) {
  auto o = out.cpu().to(torch::kDouble);
  auto r = ref.cpu().to(torch::kDouble);
  ASSERT_EQ(o.sizes(), r.sizes()) << what;
  int64_t bad = (~torch::isfinite(o)).sum().item<int64_t>();
  ASSERT_EQ(bad, 0) << what << ": " << bad
                    << " elements non-finite (unwritten or overflow)";
  double num = (o - r).norm().item<double>();
  double den = std::max(r.norm().item<double>(), 1e-30);
  EXPECT_LE(num / den, tol) << what << ": relative error " << num / den;
}

/// bf16 band from METHOD.md for outputs computed from bf16 operands.
constexpr double kBf16Tol = 1e-2;
/// fp32 results computed in fp32 from bf16 operands.
constexpr double kF32Tol = 1e-4;

} // namespace r1rt::cuda::test

#endif
