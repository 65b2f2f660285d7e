//===- MmaGemm.cuh - Tensor-core GEMM for the loss tiles --------*- C++ -*-===//
//
// Own tensor-core (WMMA bf16) GEMM, an alternative to cuBLAS for the loss
// tiles.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_KERNELS_CUDA_MMAGEMM_CUH
#define R1RT_KERNELS_CUDA_MMAGEMM_CUH

#include "r1rt/kernels/cuda/Common.h"

namespace r1rt::cuda::detail {

/// Row-major C[M,N] = alpha·Σ_k A(m,k)·B(k,n) + beta·C with bf16 operands and
/// fp32 accumulation. A(m,k) = transA ? A[k·lda + m] : A[m·lda + k];
/// B(k,n) = transB ? B[n·ldb + k] : B[k·ldb + n]. C is fp32 when \p cFloat,
/// else bf16. beta = 0 never reads C.
cudaError_t mmaGemmBf16(bool transA, bool transB, int64_t m, int64_t n,
                        int64_t k, float alpha, const bf16 *a, int64_t lda,
                        const bf16 *b, int64_t ldb, float beta, void *c,
                        bool cFloat, int64_t ldc, cudaStream_t stream);

} // namespace r1rt::cuda::detail

#endif
