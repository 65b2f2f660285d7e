//===- MlaAttentionBwd.cu - MLA attention backward ------------------------===//
//
// MLA attention backward (FlashAttention-2 style): row sums, dQ pass, dK/dV
// pass.
//
//===----------------------------------------------------------------------===//

#include "AttentionCommon.cuh"
#include "r1rt/kernels/cuda/MlaAttention.h"

namespace r1rt::cuda {
using namespace detail;

namespace {

/// delta[b,h,r] = Σ_d dO[r,d]·O[r,d]; one warp per row.
__global__ void rowDotKernel(AttnParams p, int64_t batch, int64_t heads,
                             float *delta) {
  int64_t w = (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) >> 5;
  int lane = threadIdx.x & 31;
  int64_t total = batch * heads * p.rows;
  if (w >= total)
    return;
  int64_t r = w % p.rows, h = (w / p.rows) % heads, b = w / (p.rows * heads);
  const bf16 *o = p.o + b * p.oB + h * p.oH + r * p.oR;
  const bf16 *d = p.dO + b * p.oB + h * p.oH + r * p.oR;
  float s = 0.f;
  for (int c = lane; c < p.dv; c += 32)
    s += toF(o[c]) * toF(d[c]);
  s = warpSum(s);
  if (lane == 0)
    delta[b * p.lseB + h * p.lseH + r] = s;
}

/// dQ: each warp owns query rows; lanes index keys for scores and dQ columns
/// (lane + 32c, c < QPL) for dS·K.
template <int QPL>
__global__ void __launch_bounds__(kWarps * 32) attnDqKernel(AttnParams p) {
  extern __shared__ float smem[];
  const int ldK = oddLd(p.dk), ldV = oddLd(p.dv);
  float *ks = smem;                    // [kTile][ldK]
  float *vs = ks + kTile * ldK;        // [kTile][ldV]
  float *qs = vs + kTile * ldV;        // [kBlockRows][dk]
  float *dos = qs + kBlockRows * p.dk; // [kBlockRows][dv]
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  int64_t b = blockIdx.y, h = blockIdx.z;
  int64_t row0 = int64_t(blockIdx.x) * kBlockRows;
  int blockValid = int(min(int64_t(kBlockRows), p.rows - row0));
  loadRows(qs, p.dk, p.q + b * p.qB + h * p.qH + row0 * p.qR, p.qR, kBlockRows,
           blockValid, p.dk);
  loadRows(dos, p.dv, p.dO + b * p.oB + h * p.oH + row0 * p.oR, p.oR,
           kBlockRows, blockValid, p.dv);
  const bf16 *kBase = p.k + b * p.kB + h * p.kH;
  const bf16 *vBase = p.v + b * p.vB + h * p.vH;
  int64_t blockLimit =
      p.causal ? keyLimit(p, b, row0 + blockValid - 1) : keyLimit(p, b, row0);
  float acc[kRowsPerWarp][QPL], lse[kRowsPerWarp], delta[kRowsPerWarp];
  int64_t limit[kRowsPerWarp];
#pragma unroll
  for (int i = 0; i < kRowsPerWarp; ++i) {
    int64_t r = row0 + warp * kRowsPerWarp + i;
    bool in = warp * kRowsPerWarp + i < blockValid;
    limit[i] = keyLimit(p, b, r);
    lse[i] = in ? p.lse[b * p.lseB + h * p.lseH + r] : 0.f;
    delta[i] = in ? p.delta[b * p.lseB + h * p.lseH + r] : 0.f;
#pragma unroll
    for (int c = 0; c < QPL; ++c)
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
        continue;
      const float *qr = qs + lr * p.dk, *kr = ks + lane * ldK;
      const float *dor = dos + lr * p.dv, *vr = vs + lane * ldV;
      float s = 0.f, dp = 0.f;
      for (int d = 0; d < p.dk; ++d)
        s = fmaf(qr[d], kr[d], s);
      for (int d = 0; d < p.dv; ++d)
        dp = fmaf(dor[d], vr[d], dp);
      bool ok = k0 + lane < limit[i];
      float pr = ok ? __expf(s * p.scale - lse[i]) : 0.f;
      float ds = pr * (dp - delta[i]) * p.scale;
      for (int j = 0; j < kTile; ++j) {
        float dsj = __shfl_sync(kFullMask, ds, j);
        const float *krow = ks + j * ldK + lane;
#pragma unroll
        for (int c = 0; c < QPL; ++c)
          if (lane + 32 * c < p.dk)
            acc[i][c] = fmaf(dsj, krow[32 * c], acc[i][c]);
      }
    }
  }
#pragma unroll
  for (int i = 0; i < kRowsPerWarp; ++i) {
    int lr = warp * kRowsPerWarp + i;
    if (lr >= blockValid)
      continue;
    bf16 *dqr = p.gradQ + b * p.qB + h * p.qH + (row0 + lr) * p.qR;
#pragma unroll
    for (int c = 0; c < QPL; ++c)
      if (lane + 32 * c < p.dk)
        dqr[lane + 32 * c] = toBf(acc[i][c]);
  }
}

/// dK/dV: each warp owns key rows; lanes index the 32 queries of a tile for
/// scores and the dK/dV columns for the P^T·dO and dS^T·Q sums.
template <int QPL, int VPL>
__global__ void __launch_bounds__(kWarps * 32) attnDkvKernel(AttnParams p) {
  extern __shared__ float smem[];
  const int ldQ = oddLd(p.dk), ldO = oddLd(p.dv);
  float *qs = smem;                     // [kTile][ldQ]
  float *dos = qs + kTile * ldQ;        // [kTile][ldO]
  float *ks = dos + kTile * ldO;        // [kBlockRows][dk]
  float *vs = ks + kBlockRows * p.dk;   // [kBlockRows][dv]
  float *lses = vs + kBlockRows * p.dv; // [kTile]
  float *deltas = lses + kTile;         // [kTile]
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  int64_t b = blockIdx.y, h = blockIdx.z;
  int64_t key0 = int64_t(blockIdx.x) * kBlockRows;
  int64_t len = p.lengths ? int64_t(p.lengths[b]) : p.kvLen;
  int blockValid = int(min(int64_t(kBlockRows), len - key0));
  if (blockValid <= 0)
    return;
  loadRows(ks, p.dk, p.k + b * p.kB + h * p.kH + key0 * p.kR, p.kR, kBlockRows,
           blockValid, p.dk);
  loadRows(vs, p.dv, p.v + b * p.vB + h * p.vH + key0 * p.vR, p.vR, kBlockRows,
           blockValid, p.dv);
  float dk[kRowsPerWarp][QPL], dv[kRowsPerWarp][VPL];
#pragma unroll
  for (int i = 0; i < kRowsPerWarp; ++i) {
#pragma unroll
    for (int c = 0; c < QPL; ++c)
      dk[i][c] = 0.f;
#pragma unroll
    for (int c = 0; c < VPL; ++c)
      dv[i][c] = 0.f;
  }
  int64_t qStart = p.causal ? key0 / kTile * kTile : 0;
  const bf16 *qBase = p.q + b * p.qB + h * p.qH;
  const bf16 *oBase = p.dO + b * p.oB + h * p.oH;
  for (int64_t q0 = qStart; q0 < p.rows; q0 += kTile) {
    int valid = int(min(int64_t(kTile), p.rows - q0));
    __syncthreads();
    loadRows(qs, ldQ, qBase + q0 * p.qR, p.qR, kTile, valid, p.dk);
    loadRows(dos, ldO, oBase + q0 * p.oR, p.oR, kTile, valid, p.dv);
    if (threadIdx.x < kTile) {
      int64_t r = q0 + threadIdx.x;
      bool in = threadIdx.x < valid;
      lses[threadIdx.x] = in ? p.lse[b * p.lseB + h * p.lseH + r] : 0.f;
      deltas[threadIdx.x] = in ? p.delta[b * p.lseB + h * p.lseH + r] : 0.f;
    }
    __syncthreads();
#pragma unroll
    for (int i = 0; i < kRowsPerWarp; ++i) {
      int lk = warp * kRowsPerWarp + i;
      if (lk >= blockValid)
        continue;
      int64_t key = key0 + lk, qr = q0 + lane;
      const float *kr = ks + lk * p.dk, *vr = vs + lk * p.dv;
      const float *qrow = qs + lane * ldQ, *dorow = dos + lane * ldO;
      float s = 0.f, dp = 0.f;
      for (int d = 0; d < p.dk; ++d)
        s = fmaf(qrow[d], kr[d], s);
      for (int d = 0; d < p.dv; ++d)
        dp = fmaf(dorow[d], vr[d], dp);
      bool ok = lane < valid && (!p.causal || qr >= key);
      float pr = ok ? __expf(s * p.scale - lses[lane]) : 0.f;
      float ds = pr * (dp - deltas[lane]) * p.scale;
      for (int j = 0; j < kTile; ++j) {
        float pj = __shfl_sync(kFullMask, pr, j);
        float dsj = __shfl_sync(kFullMask, ds, j);
        const float *qj = qs + j * ldQ + lane, *oj = dos + j * ldO + lane;
#pragma unroll
        for (int c = 0; c < QPL; ++c)
          if (lane + 32 * c < p.dk)
            dk[i][c] = fmaf(dsj, qj[32 * c], dk[i][c]);
#pragma unroll
        for (int c = 0; c < VPL; ++c)
          if (lane + 32 * c < p.dv)
            dv[i][c] = fmaf(pj, oj[32 * c], dv[i][c]);
      }
    }
  }
#pragma unroll
  for (int i = 0; i < kRowsPerWarp; ++i) {
    int lk = warp * kRowsPerWarp + i;
    if (lk >= blockValid)
      continue;
    int64_t key = key0 + lk;
    bf16 *dkr = p.gradK + b * p.kB + h * p.kH + key * p.kR;
    bf16 *dvr = p.gradV + b * p.vB + h * p.vH + key * p.vR;
#pragma unroll
    for (int c = 0; c < QPL; ++c)
      if (lane + 32 * c < p.dk)
        dkr[lane + 32 * c] = toBf(dk[i][c]);
#pragma unroll
    for (int c = 0; c < VPL; ++c)
      if (lane + 32 * c < p.dv)
        dvr[lane + 32 * c] = toBf(dv[i][c]);
  }
}

template <int QPL, int VPL>
cudaError_t launchBackward(const AttnParams &p, int64_t batch, int64_t heads,
                           cudaStream_t stream) {
  dim3 grid(ceilDiv(p.rows, kBlockRows), unsigned(batch), unsigned(heads));
  size_t smemQ = sizeof(float) * (size_t(kTile) * (oddLd(p.dk) + oddLd(p.dv)) +
                                  size_t(kBlockRows) * (p.dk + p.dv));
  R1RT_CUDA_TRY(cudaFuncSetAttribute(
      attnDqKernel<QPL>, cudaFuncAttributeMaxDynamicSharedMemorySize,
      int(smemQ)));
  attnDqKernel<QPL><<<grid, kWarps * 32, smemQ, stream>>>(p);
  R1RT_LAUNCH_TRY();
  size_t smemKV = smemQ + sizeof(float) * 2 * kTile;
  R1RT_CUDA_TRY(cudaFuncSetAttribute(
      attnDkvKernel<QPL, VPL>, cudaFuncAttributeMaxDynamicSharedMemorySize,
      int(smemKV)));
  attnDkvKernel<QPL, VPL><<<grid, kWarps * 32, smemKV, stream>>>(p);
  R1RT_LAUNCH_TRY();
  return cudaSuccess;
}

template <int QPL>
cudaError_t dispatchV(const AttnParams &p, int64_t batch, int64_t heads,
                      cudaStream_t stream) {
  if (p.dv <= 64)
    return launchBackward<QPL, 2>(p, batch, heads, stream);
  if (p.dv <= 128)
    return launchBackward<QPL, 4>(p, batch, heads, stream);
  return launchBackward<QPL, 8>(p, batch, heads, stream);
}

} // namespace

size_t mlaAttentionBackwardWorkspaceBytes(const AttentionShape &s) {
  return alignWorkspace(sizeof(float) * s.batch * s.heads * s.seqLen);
}

cudaError_t mlaAttentionBackward(const bf16 *q, const bf16 *k, const bf16 *v,
                                 const bf16 *o, const float *lse,
                                 const bf16 *dO, const AttentionShape &s,
                                 float scale, bool causal, bf16 *dq, bf16 *dk,
                                 bf16 *dv, void *workspace,
                                 cudaStream_t stream) {
  if (s.batch <= 0 || s.seqLen <= 0 || s.heads <= 0 || s.dimQK <= 0 ||
      s.dimQK > 256 || s.dimV <= 0 || s.dimV > 256 || s.batch > 65535 ||
      s.heads > 65535 || !workspace)
    return cudaErrorInvalidValue;
  AttnParams p{};
  p.q = q, p.k = k, p.v = v, p.o = o, p.dO = dO;
  p.gradQ = dq, p.gradK = dk, p.gradV = dv;
  p.lse = const_cast<float *>(lse);
  float *delta = static_cast<float *>(workspace);
  p.delta = delta;
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
  int64_t rowsTotal = s.batch * s.heads * s.seqLen;
  rowDotKernel<<<ceilDiv(rowsTotal * 32, 256), 256, 0, stream>>>(
      p, s.batch, s.heads, delta);
  R1RT_LAUNCH_TRY();
  if (p.dk <= 64)
    return dispatchV<2>(p, s.batch, s.heads, stream);
  if (p.dk <= 128)
    return dispatchV<4>(p, s.batch, s.heads, stream);
  return dispatchV<8>(p, s.batch, s.heads, stream);
}

} // namespace r1rt::cuda
