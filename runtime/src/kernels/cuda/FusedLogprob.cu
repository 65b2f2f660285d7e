//===- FusedLogprob.cu - Fused linear-logprob + GRPO loss -----------------===//
//
// Fused linear-logprob + GRPO loss: cuBLAS vocab-tile GEMMs, online LSE, fused
// loss.
//
//===----------------------------------------------------------------------===//

#include "Common.cuh"
#include "MmaGemm.cuh"
#include "r1rt/kernels/cuda/FusedLogprob.h"

#include <algorithm>

namespace r1rt::cuda {
using namespace detail;

namespace {

constexpr int kFinalizeThreads = 256;
constexpr int64_t kTileBudget = int64_t(1) << 26; // fp32 elements per tile

/// Workspace carving shared by forward and backward.
struct Layout {
  size_t tileF32 = 0, tileBf16 = 0, runMax = 0, runSum = 0, targetLogit = 0,
         weights = 0, rowSum = 0, partials = 0, dHidden32 = 0, total = 0;
};

Layout layoutFor(const LogprobShape &s, int64_t vt) {
  int64_t n = s.batch * s.seqLen;
  Layout l;
  size_t off = 0;
  auto take = [&](size_t bytes) {
    size_t at = off;
    off += alignWorkspace(bytes);
    return at;
  };
  l.tileF32 = take(sizeof(float) * n * vt);
  l.tileBf16 = take(sizeof(bf16) * n * vt);
  l.runMax = take(sizeof(float) * n);
  l.runSum = take(sizeof(float) * n);
  l.targetLogit = take(sizeof(float) * n);
  l.weights = take(sizeof(float) * n);
  l.rowSum = take(sizeof(float) * std::max<int64_t>(s.batch, 1));
  l.partials = take(sizeof(float) * (ceilDiv(n, kFinalizeThreads) + 1));
  l.dHidden32 = take(sizeof(float) * n * s.hidden);
  l.total = off;
  return l;
}

template <typename T> T *at(void *ws, size_t off) {
  return reinterpret_cast<T *>(static_cast<char *>(ws) + off);
}

/// Per-token reduction weights w_n so that loss = Σ w_n ℓ_n. One block.
__global__ void reductionWeightsKernel(const float *mask, int64_t batch,
                                       int64_t seqLen, int reduce,
                                       int64_t maxLen, float *rowSum,
                                       float *weights) {
  __shared__ float scratch[32];
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  int nWarps = blockDim.x >> 5;
  float local = 0.f;
  for (int64_t b = warp; b < batch; b += nWarps) {
    float s = 0.f;
    for (int64_t t = lane; t < seqLen; t += 32)
      s += mask ? mask[b * seqLen + t] : 1.f;
    s = warpSum(s);
    if (lane == 0)
      rowSum[b] = s;
    local += lane == 0 ? s : 0.f;
  }
  float total = blockSum(local, scratch);
  __syncthreads();
  int64_t n = batch * seqLen;
  float len = float(maxLen > 0 ? maxLen : seqLen);
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) {
    float m = mask ? mask[i] : 1.f;
    float w;
    if (reduce == int(LossReduce::TokenMean))
      w = m / fmaxf(total, 1.f);
    else if (reduce == int(LossReduce::SeqMean))
      w = m / (fmaxf(rowSum[i / seqLen], 1.f) * float(batch));
    else
      w = m / (float(batch) * len);
    weights[i] = w;
  }
}

/// One warp per row: merges the tile's max/sum-exp into the running LSE and
/// picks up the target logit when it falls in this tile.
__global__ void onlineLseKernel(const float *tile, int64_t n, int64_t ld,
                                int64_t v0, int64_t width,
                                const int64_t *targets, bool first,
                                float *runMax, float *runSum,
                                float *targetLogit) {
  int64_t row = (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) >> 5;
  int lane = threadIdx.x & 31;
  if (row >= n)
    return;
  const float *z = tile + row * ld;
  float m = -INFINITY;
  for (int64_t j = lane; j < width; j += 32)
    m = fmaxf(m, z[j]);
  m = warpMax(m);
  float s = 0.f;
  for (int64_t j = lane; j < width; j += 32)
    s += __expf(z[j] - m);
  s = warpSum(s);
  if (lane == 0) {
    if (first) {
      runMax[row] = m;
      runSum[row] = s;
    } else {
      float pm = runMax[row], ps = runSum[row];
      float nm = fmaxf(pm, m);
      runSum[row] = ps * __expf(pm - nm) + s * __expf(m - nm);
      runMax[row] = nm;
    }
    int64_t y = targets[row];
    if (y >= v0 && y < v0 + width)
      targetLogit[row] = z[y - v0];
  }
}

/// Per token: logp, lse, GRPO loss term and dℓ/dlogp (scaled by w_n);
/// per-block partial sums of w_n·ℓ_n.
__global__ void finalizeKernel(int64_t n, const float *runMax,
                               const float *runSum, const float *targetLogit,
                               const float *oldLogp, const float *refLogp,
                               const float *adv, const float *weights,
                               GrpoLossParams p, float *logp, float *lse,
                               float *gradCoef, float *partials) {
  __shared__ float scratch[32];
  int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  float contrib = 0.f;
  if (i < n) {
    float l = runMax[i] + __logf(runSum[i]);
    float lp = targetLogit[i] - l;
    lse[i] = l;
    logp[i] = lp;
    float w = weights[i];
    float a = adv[i];
    float raw = lp - oldLogp[i];
    float lr = fminf(fmaxf(raw, -p.logRatioClamp), p.logRatioClamp);
    float ratio = __expf(lr);
    float clipped = fminf(fmaxf(ratio, 1.f - p.clipLow), 1.f + p.clipHigh);
    float un = ratio * a, cl = clipped * a;
    float term = -fminf(un, cl);
    bool inClamp = raw >= -p.logRatioClamp && raw <= p.logRatioClamp;
    float g = (un <= cl && inClamp) ? -a * ratio : 0.f;
    if (p.beta != 0.f) {
      float d = refLogp[i] - lp;
      float e = __expf(d);
      term += p.beta * (e - d - 1.f);
      g += p.beta * (1.f - e);
    }
    gradCoef[i] = w * g;
    contrib = w * term;
  }
  float s = blockSum(contrib, scratch);
  if (threadIdx.x == 0)
    partials[blockIdx.x] = s;
}

/// Sums the block partials in a fixed order (deterministic loss).
__global__ void sumPartialsKernel(const float *partials, int count,
                                  float *out) {
  __shared__ float scratch[32];
  float s = 0.f;
  for (int i = threadIdx.x; i < count; i += blockDim.x)
    s += partials[i];
  s = blockSum(s, scratch);
  if (threadIdx.x == 0)
    *out = s;
}

/// dz[n,v] = (1[v=y] − exp(z − lse))·gradCoef·dLoss/τ, written bf16.
__global__ void logitGradKernel(const float *tile, int64_t n, int64_t ld,
                                int64_t v0, int64_t width,
                                const int64_t *targets, const float *lse,
                                const float *gradCoef, const float *dLoss,
                                float invTemp, bf16 *dz) {
  int64_t idx = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  int64_t total = n * width;
  if (idx >= total)
    return;
  int64_t row = idx / width, col = idx - row * width;
  float up = dLoss ? *dLoss : 1.f;
  float g = gradCoef[row] * up * invTemp;
  float p = __expf(tile[row * ld + col] - lse[row]);
  float onehot = (targets[row] == v0 + col) ? 1.f : 0.f;
  dz[row * ld + col] = toBf((onehot - p) * g);
}

__global__ void f32ToBf16Kernel(const float *in, int64_t count, bf16 *out) {
  int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < count)
    out[i] = toBf(in[i]);
}

/// z_tile[n, 0:width] = (hidden[n] · weight[v0 + j]) / τ, fp32, ld = vt.
cudaError_t logitsTile(cublasHandle_t blas, GemmBackend gemm,
                       const bf16 *hidden, const bf16 *weight, int64_t n,
                       int64_t h, int64_t v0, int64_t width, int64_t vt,
                       float invTemp, float *tile, cudaStream_t stream) {
  if (gemm == GemmBackend::Mma)
    return mmaGemmBf16(false, true, n, width, h, invTemp, hidden, h,
                       weight + v0 * h, h, 0.f, tile, true, vt, stream);
  R1RT_CUBLAS_TRY(gemmBf16(blas, CUBLAS_OP_T, CUBLAS_OP_N, int(width), int(n),
                           int(h), invTemp, weight + v0 * h, int(h), hidden,
                           int(h), 0.f, tile, CUDA_R_32F, int(vt)));
  return cudaSuccess;
}

/// dH32[N,H] (+)= dz[N,width] · W_tile[width,H].
cudaError_t hiddenGrad(cublasHandle_t blas, GemmBackend gemm, const bf16 *dz,
                       const bf16 *weight, int64_t n, int64_t h, int64_t v0,
                       int64_t width, int64_t vt, float beta, float *dH32,
                       cudaStream_t stream) {
  if (gemm == GemmBackend::Mma)
    return mmaGemmBf16(false, false, n, h, width, 1.f, dz, vt, weight + v0 * h,
                       h, beta, dH32, true, h, stream);
  R1RT_CUBLAS_TRY(gemmBf16(blas, CUBLAS_OP_N, CUBLAS_OP_N, int(h), int(n),
                           int(width), 1.f, weight + v0 * h, int(h), dz,
                           int(vt), beta, dH32, CUDA_R_32F, int(h)));
  return cudaSuccess;
}

/// dW_tile[width,H] = dz[N,width]^T · hidden[N,H], bf16.
cudaError_t weightGrad(cublasHandle_t blas, GemmBackend gemm, const bf16 *dz,
                       const bf16 *hidden, int64_t n, int64_t h, int64_t v0,
                       int64_t width, int64_t vt, bf16 *dWeight,
                       cudaStream_t stream) {
  if (gemm == GemmBackend::Mma)
    return mmaGemmBf16(true, false, width, h, n, 1.f, dz, vt, hidden, h, 0.f,
                       dWeight + v0 * h, false, h, stream);
  R1RT_CUBLAS_TRY(gemmBf16(blas, CUBLAS_OP_N, CUBLAS_OP_T, int(h), int(width),
                           int(n), 1.f, hidden, int(h), dz, int(vt), 0.f,
                           dWeight + v0 * h, CUDA_R_16BF, int(h)));
  return cudaSuccess;
}

cudaError_t checkShape(const LogprobShape &s) {
  if (s.batch <= 0 || s.seqLen <= 0 || s.hidden <= 0 || s.vocab <= 0)
    return cudaErrorInvalidValue;
  if (s.batch * s.seqLen > INT32_MAX || s.hidden > INT32_MAX ||
      s.vocab > INT32_MAX)
    return cudaErrorInvalidValue;
  return cudaSuccess;
}

} // namespace

int64_t fusedLogprobVocabTile(const LogprobShape &s) {
  int64_t n = std::max<int64_t>(s.batch * s.seqLen, 1);
  int64_t vt = s.vocabTile > 0 ? s.vocabTile : kTileBudget / n;
  vt = std::max<int64_t>(vt, 256);
  vt = std::min<int64_t>(vt, (s.vocab + 7) / 8 * 8);
  return (vt + 7) / 8 * 8;
}

size_t fusedLogprobGrpoWorkspaceBytes(const LogprobShape &s) {
  return layoutFor(s, fusedLogprobVocabTile(s)).total;
}

cudaError_t fusedLogprobGrpoForward(cublasHandle_t blas, const bf16 *hidden,
                                    const bf16 *weight, const int64_t *targets,
                                    const float *oldLogp, const float *refLogp,
                                    const float *adv, const float *mask,
                                    const LogprobShape &s,
                                    const GrpoLossParams &p, float *logp,
                                    float *lse, float *gradCoef, float *loss,
                                    void *ws, cudaStream_t stream) {
  R1RT_CUDA_TRY(checkShape(s));
  if (p.beta != 0.f && !refLogp)
    return cudaErrorInvalidValue;
  if (p.temperature <= 0.f)
    return cudaErrorInvalidValue;
  int64_t n = s.batch * s.seqLen, vt = fusedLogprobVocabTile(s);
  Layout l = layoutFor(s, vt);
  R1RT_CUBLAS_TRY(cublasSetStream(blas, stream));
  float invTemp = 1.f / p.temperature;
  float *tile = at<float>(ws, l.tileF32);
  float *runMax = at<float>(ws, l.runMax), *runSum = at<float>(ws, l.runSum);
  float *tgt = at<float>(ws, l.targetLogit);
  for (int64_t v0 = 0; v0 < s.vocab; v0 += vt) {
    int64_t width = std::min(vt, s.vocab - v0);
    R1RT_CUDA_TRY(logitsTile(blas, s.gemm, hidden, weight, n, s.hidden, v0,
                             width, vt, invTemp, tile, stream));
    onlineLseKernel<<<ceilDiv(n * 32, 256), 256, 0, stream>>>(
        tile, n, vt, v0, width, targets, v0 == 0, runMax, runSum, tgt);
    R1RT_LAUNCH_TRY();
  }
  float *weights = at<float>(ws, l.weights);
  reductionWeightsKernel<<<1, 1024, 0, stream>>>(
      mask, s.batch, s.seqLen, int(p.reduce), p.maxLen, at<float>(ws, l.rowSum),
      weights);
  R1RT_LAUNCH_TRY();
  unsigned blocks = ceilDiv(n, kFinalizeThreads);
  float *partials = at<float>(ws, l.partials);
  finalizeKernel<<<blocks, kFinalizeThreads, 0, stream>>>(
      n, runMax, runSum, tgt, oldLogp, refLogp, adv, weights, p, logp, lse,
      gradCoef, partials);
  R1RT_LAUNCH_TRY();
  sumPartialsKernel<<<1, 256, 0, stream>>>(partials, int(blocks), loss);
  R1RT_LAUNCH_TRY();
  return cudaSuccess;
}

cudaError_t fusedLogprobBackward(cublasHandle_t blas, const bf16 *hidden,
                                 const bf16 *weight, const int64_t *targets,
                                 const float *lse, const float *gradCoef,
                                 const float *dLoss, const LogprobShape &s,
                                 float temperature, bf16 *dHidden,
                                 bf16 *dWeight, void *ws, cudaStream_t stream) {
  R1RT_CUDA_TRY(checkShape(s));
  if (temperature <= 0.f)
    return cudaErrorInvalidValue;
  int64_t n = s.batch * s.seqLen, vt = fusedLogprobVocabTile(s);
  Layout l = layoutFor(s, vt);
  R1RT_CUBLAS_TRY(cublasSetStream(blas, stream));
  float invTemp = 1.f / temperature;
  float *tile = at<float>(ws, l.tileF32);
  bf16 *dz = at<bf16>(ws, l.tileBf16);
  float *dH32 = at<float>(ws, l.dHidden32);
  for (int64_t v0 = 0; v0 < s.vocab; v0 += vt) {
    int64_t width = std::min(vt, s.vocab - v0);
    R1RT_CUDA_TRY(logitsTile(blas, s.gemm, hidden, weight, n, s.hidden, v0,
                             width, vt, invTemp, tile, stream));
    logitGradKernel<<<ceilDiv(n * width, 256), 256, 0, stream>>>(
        tile, n, vt, v0, width, targets, lse, gradCoef, dLoss, invTemp, dz);
    R1RT_LAUNCH_TRY();
    if (dHidden)
      R1RT_CUDA_TRY(hiddenGrad(blas, s.gemm, dz, weight, n, s.hidden, v0, width,
                               vt, v0 == 0 ? 0.f : 1.f, dH32, stream));
    if (dWeight)
      R1RT_CUDA_TRY(weightGrad(blas, s.gemm, dz, hidden, n, s.hidden, v0, width,
                               vt, dWeight, stream));
  }
  if (dHidden) {
    f32ToBf16Kernel<<<ceilDiv(n * s.hidden, 256), 256, 0, stream>>>(
        dH32, n * s.hidden, dHidden);
    R1RT_LAUNCH_TRY();
  }
  return cudaSuccess;
}

} // namespace r1rt::cuda
