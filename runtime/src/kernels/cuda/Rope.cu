//===- Rope.cu - Adjacent-pair rotary embedding ---------------------------===//
//
// Adjacent-pair rotary embedding (DeepSeek-V3 layout) forward and inverse (=
// backward).
//
//===----------------------------------------------------------------------===//

#include "Common.cuh"
#include "r1rt/kernels/cuda/NormRope.h"

namespace r1rt::cuda {
using namespace detail;

namespace {

/// One thread per (token, head, pair).
__global__ void ropeKernel(const bf16 *x, bf16 *y, const float *cosTab,
                           const float *sinTab, const int32_t *positions,
                           RopeShape s, float sign) {
  int64_t half = s.ropeDim / 2;
  int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= s.tokens * s.heads * half)
    return;
  int64_t pair = i % half, h = (i / half) % s.heads, t = i / (half * s.heads);
  int64_t pos = positions ? int64_t(positions[t]) : t % s.seqLen;
  float c = cosTab[pos * half + pair], sn = sign * sinTab[pos * half + pair];
  int64_t at = t * s.tokenStride + h * s.headStride + s.offset + 2 * pair;
  float x0 = toF(x[at]), x1 = toF(x[at + 1]);
  y[at] = toBf(x0 * c - x1 * sn);
  y[at + 1] = toBf(x0 * sn + x1 * c);
}

} // namespace

cudaError_t ropeApply(const bf16 *x, bf16 *y, const float *cosTab,
                      const float *sinTab, const int32_t *positions,
                      const RopeShape &s, bool inverse, cudaStream_t stream) {
  if (s.tokens <= 0 || s.heads <= 0 || s.ropeDim <= 0 || s.ropeDim % 2 != 0 ||
      (!positions && s.seqLen <= 0))
    return cudaErrorInvalidValue;
  int64_t total = s.tokens * s.heads * (s.ropeDim / 2);
  ropeKernel<<<ceilDiv(total, 256), 256, 0, stream>>>(
      x, y, cosTab, sinTab, positions, s, inverse ? -1.f : 1.f);
  R1RT_LAUNCH_TRY();
  return cudaSuccess;
}

} // namespace r1rt::cuda
