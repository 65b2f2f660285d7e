//===- MoePermute.cu - MoE dispatch and combine ---------------------------===//
//
// MoE dispatch: stable counting sort by expert, row gather/scatter, weighted
// combine.
//
//===----------------------------------------------------------------------===//

#include "Common.cuh"
#include "r1rt/kernels/cuda/Moe.h"

namespace r1rt::cuda {
using namespace detail;

namespace {

constexpr int kChunk = 1024; // assignments per counting-sort chunk

int64_t numChunks(int64_t tokens, int topK) {
  return (tokens * topK + kChunk - 1) / kChunk;
}

/// counts[c][e] = number of assignments of chunk c routed to expert e.
__global__ void chunkHistogramKernel(const int32_t *topIdx, int64_t total,
                                     int experts, int32_t *counts) {
  extern __shared__ int32_t hist[];
  for (int e = threadIdx.x; e < experts; e += blockDim.x)
    hist[e] = 0;
  __syncthreads();
  int64_t start = int64_t(blockIdx.x) * kChunk;
  for (int i = threadIdx.x; i < kChunk; i += blockDim.x)
    if (start + i < total)
      atomicAdd(&hist[topIdx[start + i]], 1);
  __syncthreads();
  for (int e = threadIdx.x; e < experts; e += blockDim.x)
    counts[int64_t(blockIdx.x) * experts + e] = hist[e];
}

/// base[c][e] = offsets[e] + Σ_{c'<c} counts[c'][e]; offsets = exclusive scan
/// of the per-expert totals. One block.
__global__ void chunkScanKernel(const int32_t *counts, int64_t chunks,
                                int experts, int32_t *base, int32_t *offsets) {
  extern __shared__ int32_t totals[];
  for (int e = threadIdx.x; e < experts; e += blockDim.x) {
    int32_t run = 0;
    for (int64_t c = 0; c < chunks; ++c) {
      base[c * experts + e] = run;
      run += counts[c * experts + e];
    }
    totals[e] = run;
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    int32_t run = 0;
    for (int e = 0; e < experts; ++e) {
      int32_t t = totals[e];
      totals[e] = run;
      offsets[e] = run;
      run += t;
    }
    offsets[experts] = run;
  }
  __syncthreads();
  for (int e = threadIdx.x; e < experts; e += blockDim.x)
    for (int64_t c = 0; c < chunks; ++c)
      base[c * experts + e] += totals[e];
}

/// One warp per chunk walks its assignments in order, so ranks are stable.
__global__ void stableScatterKernel(const int32_t *topIdx, int64_t total,
                                    int experts, const int32_t *base,
                                    int32_t *sortedAssign, int32_t *slotOf) {
  extern __shared__ int32_t next[];
  int lane = threadIdx.x;
  for (int e = lane; e < experts; e += 32)
    next[e] = base[int64_t(blockIdx.x) * experts + e];
  __syncwarp();
  int64_t start = int64_t(blockIdx.x) * kChunk;
  for (int step = 0; step < kChunk; step += 32) {
    int64_t a = start + step + lane;
    bool valid = a < total;
    int e = valid ? topIdx[a] : -1 - lane;
    unsigned same = __match_any_sync(kFullMask, e);
    int rank = __popc(same & ((1u << lane) - 1u));
    int32_t pos = valid ? next[e] + rank : 0;
    __syncwarp();
    if (valid && lane == 31 - __clz(same))
      next[e] += __popc(same);
    if (valid) {
      sortedAssign[pos] = int32_t(a);
      slotOf[a] = pos;
    }
    __syncwarp();
  }
}

/// xPerm[i] = x[sortedAssign[i] / k]; one block per permuted row.
__global__ void gatherKernel(const bf16 *x, const int32_t *sortedAssign,
                             int topK, int64_t dim, bf16 *xPerm) {
  int64_t i = blockIdx.x;
  const bf16 *src = x + int64_t(sortedAssign[i] / topK) * dim;
  bf16 *dst = xPerm + i * dim;
  if (dim % 8 == 0) {
    const uint4 *s = reinterpret_cast<const uint4 *>(src);
    uint4 *d = reinterpret_cast<uint4 *>(dst);
    for (int64_t c = threadIdx.x; c < dim / 8; c += blockDim.x)
      d[c] = s[c];
  } else {
    for (int64_t c = threadIdx.x; c < dim; c += blockDim.x)
      dst[c] = src[c];
  }
}

/// out[t] = Σ_j (w ? w[t,j] : 1)·rows[slotOf[t·k+j]]; one block per token.
__global__ void weightedSumKernel(const bf16 *rows, const int32_t *slotOf,
                                  const float *w, int topK, int64_t dim,
                                  bf16 *out) {
  int64_t t = blockIdx.x;
  for (int64_t c = threadIdx.x; c < dim; c += blockDim.x) {
    float acc = 0.f;
    for (int j = 0; j < topK; ++j) {
      int64_t slot = slotOf[t * topK + j];
      float wj = w ? w[t * topK + j] : 1.f;
      acc = fmaf(wj, toF(rows[slot * dim + c]), acc);
    }
    out[t * dim + c] = toBf(acc);
  }
}

/// dyPerm rows and dWeights for one token per block.
__global__ void combineBackwardKernel(const bf16 *dy, const bf16 *yPerm,
                                      const int32_t *slotOf, const float *w,
                                      int topK, int64_t dim, bf16 *dyPerm,
                                      float *dWeights) {
  __shared__ float scratch[32];
  int64_t t = blockIdx.x;
  const bf16 *g = dy + t * dim;
  for (int j = 0; j < topK; ++j) {
    int64_t slot = slotOf[t * topK + j];
    float wj = w[t * topK + j];
    float dot = 0.f;
    for (int64_t c = threadIdx.x; c < dim; c += blockDim.x) {
      float gc = toF(g[c]);
      dot = fmaf(gc, toF(yPerm[slot * dim + c]), dot);
      dyPerm[slot * dim + c] = toBf(wj * gc);
    }
    dot = blockSum(dot, scratch);
    if (threadIdx.x == 0)
      dWeights[t * topK + j] = dot;
  }
}

bool badDims(int64_t tokens, int topK, int64_t dim) {
  return tokens <= 0 || topK <= 0 || dim <= 0 || tokens * topK > INT32_MAX;
}

} // namespace

size_t moePermuteWorkspaceBytes(int64_t tokens, int topK, int64_t experts) {
  return 2 *
         alignWorkspace(sizeof(int32_t) * numChunks(tokens, topK) * experts);
}

cudaError_t moePermute(const int32_t *topIdx, int64_t tokens, int topK,
                       int64_t experts, int32_t *offsets, int32_t *sortedAssign,
                       int32_t *slotOf, void *ws, cudaStream_t stream) {
  if (badDims(tokens, topK, 1) || experts <= 0 || experts > 1024 || !ws)
    return cudaErrorInvalidValue;
  int64_t total = tokens * topK, chunks = numChunks(tokens, topK);
  int E = int(experts);
  int32_t *counts = static_cast<int32_t *>(ws);
  int32_t *base = reinterpret_cast<int32_t *>(
      static_cast<char *>(ws) +
      alignWorkspace(sizeof(int32_t) * chunks * experts));
  size_t smem = sizeof(int32_t) * E;
  chunkHistogramKernel<<<unsigned(chunks), 256, smem, stream>>>(topIdx, total,
                                                                E, counts);
  R1RT_LAUNCH_TRY();
  chunkScanKernel<<<1, 1024, smem, stream>>>(counts, chunks, E, base, offsets);
  R1RT_LAUNCH_TRY();
  stableScatterKernel<<<unsigned(chunks), 32, smem, stream>>>(
      topIdx, total, E, base, sortedAssign, slotOf);
  R1RT_LAUNCH_TRY();
  return cudaSuccess;
}

cudaError_t moeGather(const bf16 *x, const int32_t *sortedAssign,
                      int64_t tokens, int topK, int64_t dim, bf16 *xPerm,
                      cudaStream_t stream) {
  if (badDims(tokens, topK, dim))
    return cudaErrorInvalidValue;
  gatherKernel<<<unsigned(tokens * topK), 128, 0, stream>>>(x, sortedAssign,
                                                            topK, dim, xPerm);
  R1RT_LAUNCH_TRY();
  return cudaSuccess;
}

cudaError_t moeGatherBackward(const bf16 *dxPerm, const int32_t *slotOf,
                              int64_t tokens, int topK, int64_t dim, bf16 *dx,
                              cudaStream_t stream) {
  if (badDims(tokens, topK, dim))
    return cudaErrorInvalidValue;
  weightedSumKernel<<<unsigned(tokens), 128, 0, stream>>>(
      dxPerm, slotOf, nullptr, topK, dim, dx);
  R1RT_LAUNCH_TRY();
  return cudaSuccess;
}

cudaError_t moeCombine(const bf16 *yPerm, const int32_t *slotOf,
                       const float *weights, int64_t tokens, int topK,
                       int64_t dim, bf16 *y, cudaStream_t stream) {
  if (badDims(tokens, topK, dim) || !weights)
    return cudaErrorInvalidValue;
  weightedSumKernel<<<unsigned(tokens), 128, 0, stream>>>(
      yPerm, slotOf, weights, topK, dim, y);
  R1RT_LAUNCH_TRY();
  return cudaSuccess;
}

cudaError_t moeCombineBackward(const bf16 *dy, const bf16 *yPerm,
                               const int32_t *slotOf, const float *weights,
                               int64_t tokens, int topK, int64_t dim,
                               bf16 *dyPerm, float *dWeights,
                               cudaStream_t stream) {
  if (badDims(tokens, topK, dim) || !weights)
    return cudaErrorInvalidValue;
  combineBackwardKernel<<<unsigned(tokens), 128, 0, stream>>>(
      dy, yPerm, slotOf, weights, topK, dim, dyPerm, dWeights);
  R1RT_LAUNCH_TRY();
  return cudaSuccess;
}

} // namespace r1rt::cuda
