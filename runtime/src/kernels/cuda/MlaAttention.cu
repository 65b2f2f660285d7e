//===- MlaAttention.cu - MLA attention forward and decode -----------------===//
//
// MLA attention forward (training, causal) and absorbed decode: flash-style
// online softmax.
//
//===----------------------------------------------------------------------===//

#include "AttentionCommon.cuh"
#include "r1rt/kernels/cuda/MlaAttention.h"

namespace r1rt::cuda {
using namespace detail;

namespace {

/// Each warp owns kRowsPerWarp query rows; lanes index the 32 keys of a tile
/// for scores and the output columns (lane + 32c, c < VPL) for P·V.
template <int VPL>
__global__ void __launch_bounds__(kWarps * 32) attnForwardKernel(AttnParams p) {
  extern __shared__ float smem[];
  const int ldK = oddLd(p.dk), ldV = VPL * 32;
  float *ks = smem;             // [kTile][ldK]
  float *vs = ks + kTile * ldK; // [kTile][ldV]
  float *qs = vs + kTile * ldV; // [kBlockRows][dk]
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  int64_t b = blockIdx.y, h = blockIdx.z;
  int64_t row0 = int64_t(blockIdx.x) * kBlockRows;
  int blockValid = int(min(int64_t(kBlockRows), p.rows - row0));
  const bf16 *qBase = p.q + b * p.qB + h * p.qH + row0 * p.qR;
  const bf16 *kBase = p.k + b * p.kB + h * p.kH;
  const bf16 *vBase = p.v + b * p.vB + h * p.vH;
  loadRows(qs, p.dk, qBase, p.qR, kBlockRows, blockValid, p.dk);

  int64_t blockLimit = keyLimit(p, b, row0 + blockValid - 1);
  if (!p.causal)
    blockLimit = keyLimit(p, b, row0);
  float m[kRowsPerWarp], l[kRowsPerWarp], acc[kRowsPerWarp][VPL];
  int64_t limit[kRowsPerWarp];
#pragma unroll
  for (int i = 0; i < kRowsPerWarp; ++i) {
    m[i] = -INFINITY;
    l[i] = 0.f;
    limit[i] = keyLimit(p, b, row0 + warp * kRowsPerWarp + i);
#pragma unroll
    for (int c = 0; c < VPL; ++c)
      acc[i][c] = 0.f;
  }

  for (int64_t k0 = 0; k0 < blockLimit; k0 += kTile) {
    int valid = int(min(int64_t(kTile), blockLimit - k0));
    __syncthreads();
    loadRows(ks, ldK, kBase + k0 * p.kR, p.kR, kTile, valid, p.dk);
    loadRows(vs, ldV, vBase + k0 * p.vR, p.vR, kTile, valid, p.dv);
    __syncthreads();
#pragma unroll
    for (int i = 0; i < kRowsPerWarp; ++i) {
      int lr = warp * kRowsPerWarp + i;
      if (lr >= blockValid || k0 >= limit[i])
        continue; // warp-uniform
      const float *qr = qs + lr * p.dk;
      const float *kr = ks + lane * ldK;
      float s = 0.f;
      for (int d = 0; d < p.dk; ++d)
        s = fmaf(qr[d], kr[d], s);
      bool ok = k0 + lane < limit[i];
      s = ok ? s * p.scale : -INFINITY;
      float mNew = fmaxf(m[i], warpMax(s));
      float pr = ok ? __expf(s - mNew) : 0.f;
      float corr = __expf(m[i] - mNew); // 0 when m = -inf
      l[i] = l[i] * corr + warpSum(pr);
#pragma unroll
      for (int c = 0; c < VPL; ++c)
        acc[i][c] *= corr;
      for (int j = 0; j < kTile; ++j) {
        float pj = __shfl_sync(kFullMask, pr, j);
        const float *vr = vs + j * ldV + lane;
#pragma unroll
        for (int c = 0; c < VPL; ++c)
          acc[i][c] = fmaf(pj, vr[32 * c], acc[i][c]);
      }
      m[i] = mNew;
    }
  }

#pragma unroll
  for (int i = 0; i < kRowsPerWarp; ++i) {
    int lr = warp * kRowsPerWarp + i;
    if (lr >= blockValid)
      continue;
    int64_t r = row0 + lr;
    float inv = l[i] > 0.f ? 1.f / l[i] : 0.f;
    bf16 *orow = p.out + b * p.oB + h * p.oH + r * p.oR;
#pragma unroll
    for (int c = 0; c < VPL; ++c)
      if (lane + 32 * c < p.dv)
        orow[lane + 32 * c] = toBf(acc[i][c] * inv);
    if (lane == 0 && p.lse)
      p.lse[b * p.lseB + h * p.lseH + r] =
          l[i] > 0.f ? m[i] + __logf(l[i]) : -INFINITY;
  }
}

template <int VPL>
cudaError_t launchForward(const AttnParams &p, int64_t groupsB, int64_t groupsH,
                          cudaStream_t stream) {
  size_t smem =
      sizeof(float) * (size_t(kTile) * oddLd(p.dk) + size_t(kTile) * VPL * 32 +
                       size_t(kBlockRows) * p.dk);
  R1RT_CUDA_TRY(cudaFuncSetAttribute(
      attnForwardKernel<VPL>, cudaFuncAttributeMaxDynamicSharedMemorySize,
      int(smem)));
  dim3 grid(ceilDiv(p.rows, kBlockRows), unsigned(groupsB), unsigned(groupsH));
  attnForwardKernel<VPL><<<grid, kWarps * 32, smem, stream>>>(p);
  R1RT_LAUNCH_TRY();
  return cudaSuccess;
}

cudaError_t dispatchForward(const AttnParams &p, int64_t groupsB,
                            int64_t groupsH, cudaStream_t stream) {
  if (p.dv <= 32)
    return launchForward<1>(p, groupsB, groupsH, stream);
  if (p.dv <= 64)
    return launchForward<2>(p, groupsB, groupsH, stream);
  if (p.dv <= 128)
    return launchForward<4>(p, groupsB, groupsH, stream);
  if (p.dv <= 256)
    return launchForward<8>(p, groupsB, groupsH, stream);
  if (p.dv <= 512)
    return launchForward<16>(p, groupsB, groupsH, stream);
  return cudaErrorInvalidValue;
}

} // namespace

cudaError_t mlaAttentionForward(const bf16 *q, const bf16 *k, const bf16 *v,
                                const AttentionShape &s, float scale,
                                bool causal, bf16 *o, float *lse,
                                cudaStream_t stream) {
  if (s.batch <= 0 || s.seqLen <= 0 || s.heads <= 0 || s.dimQK <= 0 ||
      s.dimQK > 1024 || s.dimV <= 0 || s.dimV > 512 || s.batch > 65535 ||
      s.heads > 65535)
    return cudaErrorInvalidValue;
  AttnParams p{};
  p.q = q, p.k = k, p.v = v, p.out = o, p.lse = lse;
  p.rows = s.seqLen, p.kvLen = s.seqLen;
  p.dk = int(s.dimQK), p.dv = int(s.dimV);
  p.qH = p.kH = s.dimQK;
  p.qR = p.kR = s.heads * s.dimQK;
  p.qB = p.kB = s.seqLen * p.qR;
  p.vH = p.oH = s.dimV;
  p.vR = p.oR = s.heads * s.dimV;
  p.vB = p.oB = s.seqLen * p.vR;
  p.lseB = s.heads * s.seqLen, p.lseH = s.seqLen;
  p.scale = scale, p.causal = causal;
  return dispatchForward(p, s.batch, s.heads, stream);
}

cudaError_t mlaDecodeForward(const bf16 *qAbs, const bf16 *cache,
                             const int32_t *lengths, const DecodeShape &s,
                             float scale, bf16 *out, float *lse,
                             cudaStream_t stream) {
  int64_t dk = s.kvRank + s.ropeDim;
  if (s.batch <= 0 || s.heads <= 0 || s.capacity <= 0 || s.kvRank <= 0 ||
      s.kvRank > 512 || s.ropeDim < 0 || dk > 1024 || s.batch > 65535 ||
      !lengths)
    return cudaErrorInvalidValue;
  AttnParams p{};
  p.q = qAbs, p.k = cache, p.v = cache, p.out = out, p.lse = lse;
  p.lengths = lengths;
  p.rows = s.heads, p.kvLen = s.capacity;
  p.dk = int(dk), p.dv = int(s.kvRank);
  p.qR = dk, p.qB = s.heads * dk;
  p.kR = p.vR = dk, p.kB = p.vB = s.capacity * dk;
  p.oR = s.kvRank, p.oB = s.heads * s.kvRank;
  p.lseB = s.heads;
  p.scale = scale, p.causal = false;
  return dispatchForward(p, s.batch, 1, stream);
}

} // namespace r1rt::cuda
