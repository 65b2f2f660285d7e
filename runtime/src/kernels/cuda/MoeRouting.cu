//===- MoeRouting.cu - MoE routing ----------------------------------------===//
//
// MoE routing: score, biased (group-limited) top-k selection, renormalisation,
// backward.
//
//===----------------------------------------------------------------------===//

#include "Common.cuh"
#include "r1rt/kernels/cuda/Moe.h"

namespace r1rt::cuda {
using namespace detail;

namespace {

constexpr int kRouteWarps = 4;

/// Warp arg-max over (value, index); ties go to the smaller index.
__device__ inline void warpArgMax(float &v, int &i) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) {
    float ov = __shfl_xor_sync(kFullMask, v, o);
    int oi = __shfl_xor_sync(kFullMask, i, o);
    if (ov > v || (ov == v && oi < i)) {
      v = ov;
      i = oi;
    }
  }
}

/// One warp per token; the token's biased scores live in shared memory.
__global__ void routeForwardKernel(const float *logits, const float *bias,
                                   RouteParams p, float *scores,
                                   int32_t *topIdx, float *topWeight) {
  extern __shared__ float smem[];
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  int64_t t = int64_t(blockIdx.x) * kRouteWarps + warp;
  if (t >= p.tokens)
    return;
  int E = int(p.experts);
  float *sel = smem + warp * E;
  const float *z = logits + t * E;
  float *s = scores + t * E;
  if (p.score == ScoreFunc::Softmax) {
    float m = -INFINITY;
    for (int e = lane; e < E; e += 32)
      m = fmaxf(m, z[e]);
    m = warpMax(m);
    float sum = 0.f;
    for (int e = lane; e < E; e += 32)
      sum += __expf(z[e] - m);
    sum = warpSum(sum);
    for (int e = lane; e < E; e += 32)
      s[e] = __expf(z[e] - m) / sum;
  } else {
    for (int e = lane; e < E; e += 32)
      s[e] = 1.f / (1.f + __expf(-z[e]));
  }
  for (int e = lane; e < E; e += 32)
    sel[e] = s[e] + (bias ? bias[e] : 0.f);
  __syncwarp();
  if (p.groups > 1) {
    int gs = E / p.groups;
    float gScore = -INFINITY;
    if (lane < p.groups) {
      float a = -INFINITY, b2 = -INFINITY;
      for (int e = lane * gs; e < (lane + 1) * gs; ++e) {
        float v = sel[e];
        if (v > a) {
          b2 = a;
          a = v;
        } else if (v > b2) {
          b2 = v;
        }
      }
      gScore = bias ? a + (gs > 1 ? b2 : 0.f) : a;
    }
    unsigned keep = 0;
    for (int r = 0; r < p.topkGroups; ++r) {
      float v = gScore;
      int i = lane < p.groups ? lane : 1 << 30;
      warpArgMax(v, i);
      keep |= 1u << i;
      if (lane == i)
        gScore = -INFINITY;
    }
    for (int e = lane; e < E; e += 32)
      if (!(keep >> (e / gs) & 1u))
        sel[e] = -INFINITY;
    __syncwarp();
  }
  float wsum = 0.f, myW = 0.f;
  int myIdx = 0;
  for (int j = 0; j < p.topK; ++j) {
    float v = -INFINITY;
    int i = 1 << 30;
    for (int e = lane; e < E; e += 32)
      if (sel[e] > v || (sel[e] == v && e < i)) {
        v = sel[e];
        i = e;
      }
    warpArgMax(v, i);
    float w = s[i];
    wsum += w;
    if (lane == j) {
      myIdx = i;
      myW = w;
    }
    if (lane == 0)
      sel[i] = -INFINITY;
    __syncwarp();
  }
  if (lane < p.topK) {
    float w = p.renormalize ? myW / wsum : myW;
    topIdx[t * p.topK + lane] = myIdx;
    topWeight[t * p.topK + lane] = w * p.routeScale;
  }
}

/// One warp per token: dTopWeight → dScores (through renormalisation) →
/// dLogits (through softmax or sigmoid).
__global__ void routeBackwardKernel(const float *scores, const int32_t *topIdx,
                                    const float *dTopWeight, RouteParams p,
                                    float *dLogits) {
  extern __shared__ float smem[];
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  int64_t t = int64_t(blockIdx.x) * kRouteWarps + warp;
  if (t >= p.tokens)
    return;
  int E = int(p.experts);
  float *ds = smem + warp * E;
  const float *s = scores + t * E;
  for (int e = lane; e < E; e += 32)
    ds[e] = 0.f;
  __syncwarp();
  float sj = 0.f, dwj = 0.f;
  int ij = 0;
  if (lane < p.topK) {
    ij = topIdx[t * p.topK + lane];
    sj = s[ij];
    dwj = dTopWeight[t * p.topK + lane] * p.routeScale;
  }
  float g = dwj;
  if (p.renormalize) {
    float S = warpSum(sj), dot = warpSum(dwj * sj);
    g = dwj / S - dot / (S * S);
  }
  if (lane < p.topK)
    ds[ij] = g;
  __syncwarp();
  float *out = dLogits + t * E;
  if (p.score == ScoreFunc::Softmax) {
    float dot = 0.f;
    for (int e = lane; e < E; e += 32)
      dot += s[e] * ds[e];
    dot = warpSum(dot);
    for (int e = lane; e < E; e += 32)
      out[e] = s[e] * (ds[e] - dot);
  } else {
    for (int e = lane; e < E; e += 32)
      out[e] = ds[e] * s[e] * (1.f - s[e]);
  }
}

cudaError_t checkRoute(const RouteParams &p) {
  if (p.tokens <= 0 || p.experts <= 0 || p.experts > 1024 || p.topK <= 0 ||
      p.topK > 32 || p.topK > p.experts || p.groups <= 0 || p.groups > 32 ||
      p.experts % p.groups != 0 || p.topkGroups <= 0 ||
      p.topkGroups > p.groups || p.topK > p.topkGroups * (p.experts / p.groups))
    return cudaErrorInvalidValue;
  return cudaSuccess;
}

} // namespace

cudaError_t moeRouteForward(const float *logits, const float *bias,
                            const RouteParams &p, float *scores,
                            int32_t *topIdx, float *topWeight,
                            cudaStream_t stream) {
  R1RT_CUDA_TRY(checkRoute(p));
  size_t smem = sizeof(float) * kRouteWarps * p.experts;
  routeForwardKernel<<<ceilDiv(p.tokens, kRouteWarps), kRouteWarps * 32, smem,
                       stream>>>(logits, bias, p, scores, topIdx, topWeight);
  R1RT_LAUNCH_TRY();
  return cudaSuccess;
}

cudaError_t moeRouteBackward(const float *scores, const int32_t *topIdx,
                             const float *dTopWeight, const RouteParams &p,
                             float *dLogits, cudaStream_t stream) {
  R1RT_CUDA_TRY(checkRoute(p));
  size_t smem = sizeof(float) * kRouteWarps * p.experts;
  routeBackwardKernel<<<ceilDiv(p.tokens, kRouteWarps), kRouteWarps * 32, smem,
                        stream>>>(scores, topIdx, dTopWeight, p, dLogits);
  R1RT_LAUNCH_TRY();
  return cudaSuccess;
}

} // namespace r1rt::cuda
