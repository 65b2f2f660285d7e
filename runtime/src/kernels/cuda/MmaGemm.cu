//===- MmaGemm.cu - WMMA bf16 GEMM ----------------------------------------===//
//
// WMMA bf16 GEMM (64x64 block tile, 4 warps of 32x32) with fp32 accumulation.
//
//===----------------------------------------------------------------------===//

#include "Common.cuh"
#include "MmaGemm.cuh"

#include <mma.h>

namespace r1rt::cuda::detail {

namespace {

namespace wmma = nvcuda::wmma;

constexpr int kBM = 64, kBN = 64, kBK = 32;
constexpr int kLdA = kBK + 8, kLdB = kBN + 8, kLdC = kBN + 4;

template <bool TA, bool TB, bool CF>
__global__ void __launch_bounds__(128)
    mmaGemmKernel(int64_t m, int64_t n, int64_t k, float alpha,
                  const bf16 *__restrict__ a, int64_t lda,
                  const bf16 *__restrict__ b, int64_t ldb, float beta, void *c,
                  int64_t ldc) {
  __shared__ __align__(32) bf16 as[kBM * kLdA];
  __shared__ __align__(32) bf16 bs[kBK * kLdB];
  __shared__ __align__(32) float cs[kBM * kLdC];
  int warp = threadIdx.x >> 5;
  int wm = (warp >> 1) * 32, wn = (warp & 1) * 32;
  int64_t m0 = int64_t(blockIdx.y) * kBM, n0 = int64_t(blockIdx.x) * kBN;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[2][2];
#pragma unroll
  for (int i = 0; i < 2; ++i)
#pragma unroll
    for (int j = 0; j < 2; ++j)
      wmma::fill_fragment(acc[i][j], 0.f);
  const bf16 zero = __float2bfloat16(0.f);
  for (int64_t k0 = 0; k0 < k; k0 += kBK) {
    // Stage A[m0:+64, k0:+32] and B[k0:+32, n0:+64]; out of range is 0.
    for (int idx = threadIdx.x; idx < kBM * kBK; idx += blockDim.x) {
      int r, cc;
      if (TA) { // consecutive threads walk m (contiguous in memory)
        r = idx % kBM, cc = idx / kBM;
      } else {
        r = idx / kBK, cc = idx % kBK;
      }
      int64_t gm = m0 + r, gk = k0 + cc;
      bf16 v = zero;
      if (gm < m && gk < k)
        v = TA ? a[gk * lda + gm] : a[gm * lda + gk];
      as[r * kLdA + cc] = v;
    }
    for (int idx = threadIdx.x; idx < kBK * kBN; idx += blockDim.x) {
      int r, cc;
      if (TB) { // consecutive threads walk k
        r = idx % kBK, cc = idx / kBK;
      } else {
        r = idx / kBN, cc = idx % kBN;
      }
      int64_t gk = k0 + r, gn = n0 + cc;
      bf16 v = zero;
      if (gk < k && gn < n)
        v = TB ? b[gn * ldb + gk] : b[gk * ldb + gn];
      bs[r * kLdB + cc] = v;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < kBK; kk += 16) {
      wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::row_major> fa[2];
      wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::row_major> fb[2];
#pragma unroll
      for (int i = 0; i < 2; ++i)
        wmma::load_matrix_sync(fa[i], as + (wm + 16 * i) * kLdA + kk, kLdA);
#pragma unroll
      for (int j = 0; j < 2; ++j)
        wmma::load_matrix_sync(fb[j], bs + kk * kLdB + wn + 16 * j, kLdB);
#pragma unroll
      for (int i = 0; i < 2; ++i)
#pragma unroll
        for (int j = 0; j < 2; ++j)
          wmma::mma_sync(acc[i][j], fa[i], fb[j], acc[i][j]);
    }
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < 2; ++i)
#pragma unroll
    for (int j = 0; j < 2; ++j)
      wmma::store_matrix_sync(cs + (wm + 16 * i) * kLdC + wn + 16 * j,
                              acc[i][j], kLdC, wmma::mem_row_major);
  __syncthreads();
  for (int idx = threadIdx.x; idx < kBM * kBN; idx += blockDim.x) {
    int r = idx / kBN, cc = idx % kBN;
    int64_t gm = m0 + r, gn = n0 + cc;
    if (gm >= m || gn >= n)
      continue;
    float v = alpha * cs[r * kLdC + cc];
    if (CF) {
      float *out = static_cast<float *>(c) + gm * ldc + gn;
      *out = beta != 0.f ? v + beta * *out : v;
    } else {
      bf16 *out = static_cast<bf16 *>(c) + gm * ldc + gn;
      *out = toBf(beta != 0.f ? v + beta * toF(*out) : v);
    }
  }
}

template <bool TA, bool TB, bool CF>
cudaError_t launch(int64_t m, int64_t n, int64_t k, float alpha, const bf16 *a,
                   int64_t lda, const bf16 *b, int64_t ldb, float beta, void *c,
                   int64_t ldc, cudaStream_t stream) {
  dim3 grid(ceilDiv(n, kBN), ceilDiv(m, kBM));
  mmaGemmKernel<TA, TB, CF>
      <<<grid, 128, 0, stream>>>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  R1RT_LAUNCH_TRY();
  return cudaSuccess;
}

} // namespace

cudaError_t mmaGemmBf16(bool transA, bool transB, int64_t m, int64_t n,
                        int64_t k, float alpha, const bf16 *a, int64_t lda,
                        const bf16 *b, int64_t ldb, float beta, void *c,
                        bool cFloat, int64_t ldc, cudaStream_t stream) {
  if (m <= 0 || n <= 0 || k <= 0 || ceilDiv(m, kBM) > 65535)
    return cudaErrorInvalidValue;
  // The three forms the fused loss uses: NT (logits), NN (dH), TN (dW).
  if (!transA && transB && cFloat)
    return launch<false, true, true>(m, n, k, alpha, a, lda, b, ldb, beta, c,
                                     ldc, stream);
  if (!transA && !transB && cFloat)
    return launch<false, false, true>(m, n, k, alpha, a, lda, b, ldb, beta, c,
                                      ldc, stream);
  if (transA && !transB && !cFloat)
    return launch<true, false, false>(m, n, k, alpha, a, lda, b, ldb, beta, c,
                                      ldc, stream);
  return cudaErrorNotSupported;
}

} // namespace r1rt::cuda::detail
