//===- AttentionCommon.cuh - MLA attention kernel internals -----*- C++ -*-===//
//
// Internal parameter block and tile loaders shared by the MLA attention
// kernels.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_KERNELS_CUDA_ATTENTIONCOMMON_CUH
#define R1RT_KERNELS_CUDA_ATTENTIONCOMMON_CUH

#include "Common.cuh"

namespace r1rt::cuda::detail {

/// Rows (queries) of one group share one key/value sequence. A group is
/// (blockIdx.y = b, blockIdx.z = h); strides are in elements.
struct AttnParams {
  const bf16 *q, *k, *v, *o, *dO;
  bf16 *out, *gradQ, *gradK, *gradV;
  float *lse;             ///< [group][row] via lseB/lseH/1.
  const float *delta;     ///< Same layout as lse (backward).
  const int32_t *lengths; ///< Keys per b, or null for kvLen.
  int64_t rows, kvLen;
  int dk, dv;
  int64_t qB, qH, qR, kB, kH, kR, vB, vH, vR, oB, oH, oR, lseB, lseH;
  float scale;
  bool causal;
};

constexpr int kWarps = 4;
constexpr int kRowsPerWarp = 4;
constexpr int kBlockRows = kWarps * kRowsPerWarp; // 16
constexpr int kTile = 32;                         // keys (or queries) per tile

/// Odd leading dimension so that lane-strided row reads avoid bank conflicts.
__host__ __device__ inline int oddLd(int d) { return d | 1; }

/// Loads \p count rows of \p width bf16 (global row stride \p stride) into
/// shared fp32 rows of leading dimension \p ld; rows ≥ \p valid become 0.
__device__ inline void loadRows(float *dst, int ld, const bf16 *src,
                                int64_t stride, int count, int valid,
                                int width) {
  for (int idx = threadIdx.x; idx < count * width; idx += blockDim.x) {
    int r = idx / width, c = idx - r * width;
    dst[r * ld + c] = r < valid ? toF(src[r * stride + c]) : 0.f;
  }
}

/// Number of keys row \p r of group b may attend to.
__device__ inline int64_t keyLimit(const AttnParams &p, int64_t b, int64_t r) {
  int64_t len = p.lengths ? int64_t(p.lengths[b]) : p.kvLen;
  return p.causal ? min(r + 1, len) : len;
}

} // namespace r1rt::cuda::detail

#endif
