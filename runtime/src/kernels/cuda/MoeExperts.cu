//===- MoeExperts.cu - Grouped SwiGLU expert GEMMs ------------------------===//
//
// Grouped SwiGLU expert GEMMs over per-expert segments (cuBLAS per segment) and
// backward.
//
//===----------------------------------------------------------------------===//

#include "Common.cuh"
#include "r1rt/kernels/cuda/Moe.h"

namespace r1rt::cuda {
using namespace detail;

namespace {

__device__ __forceinline__ float sigmoidF(float x) {
  return 1.f / (1.f + __expf(-x));
}

/// act[r,f] = silu(h13[r,f])·h13[r,F+f].
__global__ void swigluKernel(const bf16 *h13, int64_t rows, int64_t ffn,
                             bf16 *act) {
  int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= rows * ffn)
    return;
  int64_t r = i / ffn, f = i - r * ffn;
  float g = toF(h13[r * 2 * ffn + f]), u = toF(h13[r * 2 * ffn + ffn + f]);
  act[i] = toBf(g * sigmoidF(g) * u);
}

/// dh13 = [dAct·u·silu'(g), dAct·silu(g)].
__global__ void swigluBackwardKernel(const bf16 *h13, const bf16 *dAct,
                                     int64_t rows, int64_t ffn, bf16 *dh13) {
  int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= rows * ffn)
    return;
  int64_t r = i / ffn, f = i - r * ffn;
  float g = toF(h13[r * 2 * ffn + f]), u = toF(h13[r * 2 * ffn + ffn + f]);
  float da = toF(dAct[i]), sg = sigmoidF(g);
  dh13[r * 2 * ffn + f] = toBf(da * u * sg * (1.f + g * (1.f - sg)));
  dh13[r * 2 * ffn + ffn + f] = toBf(da * g * sg);
}

cudaError_t checkExperts(const int32_t *hostOffsets, const ExpertShape &s) {
  if (!hostOffsets || s.experts <= 0 || s.dim <= 0 || s.ffn <= 0 ||
      s.dim > INT32_MAX || 2 * s.ffn > INT32_MAX || hostOffsets[0] != 0)
    return cudaErrorInvalidValue;
  for (int64_t e = 0; e < s.experts; ++e)
    if (hostOffsets[e + 1] < hostOffsets[e])
      return cudaErrorInvalidValue;
  return cudaSuccess;
}

} // namespace

cudaError_t moeExpertsForward(cublasHandle_t blas, const bf16 *xPerm,
                              const int32_t *off, const bf16 *w1,
                              const bf16 *w3, const bf16 *w2,
                              const ExpertShape &s, bf16 *h13, bf16 *act,
                              bf16 *yPerm, cudaStream_t stream) {
  R1RT_CUDA_TRY(checkExperts(off, s));
  R1RT_CUBLAS_TRY(cublasSetStream(blas, stream));
  int D = int(s.dim), F = int(s.ffn);
  int64_t rows = off[s.experts];
  if (rows == 0)
    return cudaSuccess;
  for (int64_t e = 0; e < s.experts; ++e) {
    int n = off[e + 1] - off[e];
    if (n == 0)
      continue;
    const bf16 *x = xPerm + int64_t(off[e]) * D;
    bf16 *h = h13 + int64_t(off[e]) * 2 * F;
    R1RT_CUBLAS_TRY(gemmBf16(blas, CUBLAS_OP_T, CUBLAS_OP_N, F, n, D, 1.f,
                             w1 + e * F * D, D, x, D, 0.f, h, CUDA_R_16BF,
                             2 * F));
    R1RT_CUBLAS_TRY(gemmBf16(blas, CUBLAS_OP_T, CUBLAS_OP_N, F, n, D, 1.f,
                             w3 + e * F * D, D, x, D, 0.f, h + F, CUDA_R_16BF,
                             2 * F));
  }
  swigluKernel<<<ceilDiv(rows * F, 256), 256, 0, stream>>>(h13, rows, F, act);
  R1RT_LAUNCH_TRY();
  for (int64_t e = 0; e < s.experts; ++e) {
    int n = off[e + 1] - off[e];
    if (n == 0)
      continue;
    R1RT_CUBLAS_TRY(gemmBf16(blas, CUBLAS_OP_T, CUBLAS_OP_N, D, n, F, 1.f,
                             w2 + e * D * F, F, act + int64_t(off[e]) * F, F,
                             0.f, yPerm + int64_t(off[e]) * D, CUDA_R_16BF, D));
  }
  return cudaSuccess;
}

size_t moeExpertsBackwardWorkspaceBytes(int64_t rows, const ExpertShape &s) {
  return alignWorkspace(sizeof(bf16) * rows * s.ffn) +
         alignWorkspace(sizeof(bf16) * rows * 2 * s.ffn);
}

cudaError_t moeExpertsBackward(cublasHandle_t blas, const bf16 *xPerm,
                               const int32_t *off, const bf16 *w1,
                               const bf16 *w3, const bf16 *w2, const bf16 *h13,
                               const bf16 *act, const bf16 *dyPerm,
                               const ExpertShape &s, bf16 *dxPerm, bf16 *dw1,
                               bf16 *dw3, bf16 *dw2, void *ws,
                               cudaStream_t stream) {
  R1RT_CUDA_TRY(checkExperts(off, s));
  R1RT_CUBLAS_TRY(cublasSetStream(blas, stream));
  int D = int(s.dim), F = int(s.ffn);
  int64_t rows = off[s.experts];
  bf16 *dAct = static_cast<bf16 *>(ws);
  bf16 *dh13 = reinterpret_cast<bf16 *>(
      static_cast<char *>(ws) + alignWorkspace(sizeof(bf16) * rows * F));
  for (int64_t e = 0; e < s.experts; ++e) {
    int n = off[e + 1] - off[e];
    bf16 *gw2 = dw2 + e * D * F;
    if (n == 0) {
      R1RT_CUDA_TRY(cudaMemsetAsync(gw2, 0, sizeof(bf16) * D * F, stream));
      continue;
    }
    const bf16 *dy = dyPerm + int64_t(off[e]) * D;
    const bf16 *a = act + int64_t(off[e]) * F;
    // dAct = dY · W2_e
    R1RT_CUBLAS_TRY(gemmBf16(blas, CUBLAS_OP_N, CUBLAS_OP_N, F, n, D, 1.f,
                             w2 + e * D * F, F, dy, D, 0.f,
                             dAct + int64_t(off[e]) * F, CUDA_R_16BF, F));
    // dW2_e = dY^T · act
    R1RT_CUBLAS_TRY(gemmBf16(blas, CUBLAS_OP_N, CUBLAS_OP_T, F, D, n, 1.f, a, F,
                             dy, D, 0.f, gw2, CUDA_R_16BF, F));
  }
  if (rows > 0) {
    swigluBackwardKernel<<<ceilDiv(rows * F, 256), 256, 0, stream>>>(
        h13, dAct, rows, F, dh13);
    R1RT_LAUNCH_TRY();
  }
  for (int64_t e = 0; e < s.experts; ++e) {
    int n = off[e + 1] - off[e];
    bf16 *gw1 = dw1 + e * F * D, *gw3 = dw3 + e * F * D;
    if (n == 0) {
      R1RT_CUDA_TRY(cudaMemsetAsync(gw1, 0, sizeof(bf16) * F * D, stream));
      R1RT_CUDA_TRY(cudaMemsetAsync(gw3, 0, sizeof(bf16) * F * D, stream));
      continue;
    }
    const bf16 *x = xPerm + int64_t(off[e]) * D;
    const bf16 *g = dh13 + int64_t(off[e]) * 2 * F;
    bf16 *dx = dxPerm + int64_t(off[e]) * D;
    // dX = dH1 · W1_e + dH3 · W3_e
    R1RT_CUBLAS_TRY(gemmBf16(blas, CUBLAS_OP_N, CUBLAS_OP_N, D, n, F, 1.f,
                             w1 + e * F * D, D, g, 2 * F, 0.f, dx, CUDA_R_16BF,
                             D));
    R1RT_CUBLAS_TRY(gemmBf16(blas, CUBLAS_OP_N, CUBLAS_OP_N, D, n, F, 1.f,
                             w3 + e * F * D, D, g + F, 2 * F, 1.f, dx,
                             CUDA_R_16BF, D));
    // dW1_e = dH1^T · X, dW3_e = dH3^T · X
    R1RT_CUBLAS_TRY(gemmBf16(blas, CUBLAS_OP_N, CUBLAS_OP_T, D, F, n, 1.f, x, D,
                             g, 2 * F, 0.f, gw1, CUDA_R_16BF, D));
    R1RT_CUBLAS_TRY(gemmBf16(blas, CUBLAS_OP_N, CUBLAS_OP_T, D, F, n, 1.f, x, D,
                             g + F, 2 * F, 0.f, gw3, CUDA_R_16BF, D));
  }
  return cudaSuccess;
}

} // namespace r1rt::cuda
