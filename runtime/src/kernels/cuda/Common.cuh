//===- Common.cuh - Device helpers of the CUDA kernels ----------*- C++ -*-===//
//
// Device helpers shared by the CUDA kernels: reductions, conversions, checks.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_KERNELS_CUDA_COMMON_CUH
#define R1RT_KERNELS_CUDA_COMMON_CUH

#include "r1rt/kernels/cuda/Common.h"

#include <cfloat>
#include <cstdint>

namespace r1rt::cuda::detail {

/// Returns early with the error of a CUDA call (or of the last launch).
#define R1RT_CUDA_TRY(expr)                                                    \
  do {                                                                         \
    cudaError_t r1rtErr_ = (expr);                                             \
    if (r1rtErr_ != cudaSuccess)                                               \
      return r1rtErr_;                                                         \
  } while (0)

/// Returns kCublasFailure when a cuBLAS call fails.
#define R1RT_CUBLAS_TRY(expr)                                                  \
  do {                                                                         \
    if ((expr) != CUBLAS_STATUS_SUCCESS)                                       \
      return ::r1rt::cuda::kCublasFailure;                                     \
  } while (0)

/// Checks the last launch without clearing sticky errors silently.
#define R1RT_LAUNCH_TRY() R1RT_CUDA_TRY(cudaGetLastError())

constexpr unsigned kFullMask = 0xffffffffu;

__device__ __forceinline__ float warpSum(float v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1)
    v += __shfl_xor_sync(kFullMask, v, o);
  return v;
}

__device__ __forceinline__ float warpMax(float v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1)
    v = fmaxf(v, __shfl_xor_sync(kFullMask, v, o));
  return v;
}

/// Sum over the block; every thread gets the result. \p scratch holds ≥ 32
/// floats; blockDim.x must be a multiple of 32.
__device__ __forceinline__ float blockSum(float v, float *scratch) {
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  int nWarps = blockDim.x >> 5;
  v = warpSum(v);
  __syncthreads();
  if (lane == 0)
    scratch[warp] = v;
  __syncthreads();
  v = lane < nWarps ? scratch[lane] : 0.f;
  return warpSum(v);
}

__device__ __forceinline__ float toF(bf16 v) { return __bfloat162float(v); }
__device__ __forceinline__ float toF(float v) { return v; }
__device__ __forceinline__ bf16 toBf(float v) { return __float2bfloat16(v); }

/// Number of blocks to cover \p n items with \p per items each.
inline unsigned ceilDiv(int64_t n, int64_t per) {
  return static_cast<unsigned>((n + per - 1) / per);
}

/// bf16 GEMM with fp32 accumulation in cuBLAS column-major terms:
/// C[m,n] = alpha·op(A)·op(B) + beta·C, C of type \p cType.
inline cublasStatus_t gemmBf16(cublasHandle_t h, cublasOperation_t ta,
                               cublasOperation_t tb, int m, int n, int k,
                               float alpha, const void *a, int lda,
                               const void *b, int ldb, float beta, void *c,
                               cudaDataType_t cType, int ldc) {
  return cublasGemmEx(h, ta, tb, m, n, k, &alpha, a, CUDA_R_16BF, lda, b,
                      CUDA_R_16BF, ldb, &beta, c, cType, ldc,
                      CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
}

} // namespace r1rt::cuda::detail

#endif
