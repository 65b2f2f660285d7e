//===- NormRope.h - RMSNorm and RoPE kernels on CUDA ------------*- C++ -*-===//
//
// RMSNorm and adjacent-pair RoPE on CUDA (raw pointers), forward and backward.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_KERNELS_CUDA_NORMROPE_H
#define R1RT_KERNELS_CUDA_NORMROPE_H

#include "r1rt/kernels/cuda/Common.h"

namespace r1rt::cuda {

/// y = x·rstd·w with rstd = (mean(x²) + eps)^-½ per row, fp32 math.
/// x, y [rows,dim] bf16, weight [dim] bf16, rstd [rows] fp32 (saved).
cudaError_t rmsNormForward(const bf16 *x, const bf16 *weight, int64_t rows,
                           int64_t dim, float eps, bf16 *y, float *rstd,
                           cudaStream_t stream);

/// Device workspace bytes for rmsNormBackward.
size_t rmsNormBackwardWorkspaceBytes(int64_t rows, int64_t dim);

/// dx = rstd·(w∘dy) − x·rstd³·mean(x∘w∘dy); dWeight = Σ_rows dy∘x·rstd
/// (fp32 partial sums in a fixed order: deterministic).
cudaError_t rmsNormBackward(const bf16 *x, const bf16 *weight,
                            const float *rstd, const bf16 *dy, int64_t rows,
                            int64_t dim, bf16 *dx, bf16 *dWeight,
                            void *workspace, cudaStream_t stream);

/// Where the rotary part of each (token, head) row sits: element d of the
/// rotary slice is x[t·tokenStride + h·headStride + offset + d].
struct RopeShape {
  int64_t tokens = 0;      ///< Rows of positions (B·S).
  int64_t heads = 0;       ///< Heads per token (1 for the shared k_pe).
  int64_t ropeDim = 0;     ///< Even.
  int64_t tokenStride = 0; ///< Elements between tokens.
  int64_t headStride = 0;  ///< Elements between heads.
  int64_t offset = 0;      ///< Start of the rotary slice (e.g. nope_dim).
  int64_t seqLen = 0;      ///< Position = t mod seqLen when positions is null.
};

/// Rotates adjacent pairs (x[2i], x[2i+1]) by angle θ[pos,i]:
/// y0 = x0·cos − x1·sin, y1 = x0·sin + x1·cos (DeepSeek-V3 apply_rotary_emb).
/// cosTab/sinTab [maxPos, ropeDim/2] fp32 (YaRN already folded in);
/// positions [tokens] int32 or null. inverse = true rotates by −θ, which is
/// the backward. x and y may alias; elements outside the slice are untouched.
cudaError_t ropeApply(const bf16 *x, bf16 *y, const float *cosTab,
                      const float *sinTab, const int32_t *positions,
                      const RopeShape &shape, bool inverse,
                      cudaStream_t stream);

} // namespace r1rt::cuda

#endif
