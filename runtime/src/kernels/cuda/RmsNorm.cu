//===- RmsNorm.cu - Fused RMSNorm -----------------------------------------===//
//
// Fused RMSNorm forward/backward with deterministic weight-gradient reduction.
//
//===----------------------------------------------------------------------===//

#include "Common.cuh"
#include "r1rt/kernels/cuda/NormRope.h"

namespace r1rt::cuda {
using namespace detail;

namespace {

constexpr int kNormThreads = 256;
constexpr int kRowsPerPartial = 64;

__global__ void rmsNormForwardKernel(const bf16 *x, const bf16 *w, int64_t dim,
                                     float eps, bf16 *y, float *rstd) {
  __shared__ float scratch[32];
  int64_t r = blockIdx.x;
  const bf16 *xr = x + r * dim;
  float ss = 0.f;
  for (int64_t c = threadIdx.x; c < dim; c += blockDim.x) {
    float v = toF(xr[c]);
    ss = fmaf(v, v, ss);
  }
  ss = blockSum(ss, scratch);
  float rs = rsqrtf(ss / float(dim) + eps);
  for (int64_t c = threadIdx.x; c < dim; c += blockDim.x)
    y[r * dim + c] = toBf(toF(xr[c]) * rs * toF(w[c]));
  if (threadIdx.x == 0)
    rstd[r] = rs;
}

__global__ void rmsNormDxKernel(const bf16 *x, const bf16 *w, const float *rstd,
                                const bf16 *dy, int64_t dim, bf16 *dx) {
  __shared__ float scratch[32];
  int64_t r = blockIdx.x;
  const bf16 *xr = x + r * dim, *gr = dy + r * dim;
  float dot = 0.f;
  for (int64_t c = threadIdx.x; c < dim; c += blockDim.x)
    dot = fmaf(toF(xr[c]) * toF(w[c]), toF(gr[c]), dot);
  dot = blockSum(dot, scratch);
  float rs = rstd[r];
  float k = rs * rs * rs * dot / float(dim);
  for (int64_t c = threadIdx.x; c < dim; c += blockDim.x)
    dx[r * dim + c] = toBf(rs * toF(w[c]) * toF(gr[c]) - toF(xr[c]) * k);
}

/// partial[p][c] = Σ_{rows of slab p} dy·x·rstd.
__global__ void rmsNormDwPartialKernel(const bf16 *x, const float *rstd,
                                       const bf16 *dy, int64_t rows,
                                       int64_t dim, float *partial) {
  int64_t c = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (c >= dim)
    return;
  int64_t r0 = int64_t(blockIdx.y) * kRowsPerPartial;
  int64_t r1 = min(rows, r0 + kRowsPerPartial);
  float acc = 0.f;
  for (int64_t r = r0; r < r1; ++r)
    acc = fmaf(toF(dy[r * dim + c]) * toF(x[r * dim + c]), rstd[r], acc);
  partial[int64_t(blockIdx.y) * dim + c] = acc;
}

__global__ void sumColumnsKernel(const float *partial, int64_t slabs,
                                 int64_t dim, bf16 *out) {
  int64_t c = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (c >= dim)
    return;
  float acc = 0.f;
  for (int64_t p = 0; p < slabs; ++p)
    acc += partial[p * dim + c];
  out[c] = toBf(acc);
}

int64_t slabsFor(int64_t rows) {
  return (rows + kRowsPerPartial - 1) / kRowsPerPartial;
}

} // namespace

cudaError_t rmsNormForward(const bf16 *x, const bf16 *weight, int64_t rows,
                           int64_t dim, float eps, bf16 *y, float *rstd,
                           cudaStream_t stream) {
  if (rows <= 0 || dim <= 0 || rows > INT32_MAX)
    return cudaErrorInvalidValue;
  rmsNormForwardKernel<<<unsigned(rows), kNormThreads, 0, stream>>>(
      x, weight, dim, eps, y, rstd);
  R1RT_LAUNCH_TRY();
  return cudaSuccess;
}

size_t rmsNormBackwardWorkspaceBytes(int64_t rows, int64_t dim) {
  return alignWorkspace(sizeof(float) * slabsFor(rows) * dim);
}

cudaError_t rmsNormBackward(const bf16 *x, const bf16 *weight,
                            const float *rstd, const bf16 *dy, int64_t rows,
                            int64_t dim, bf16 *dx, bf16 *dWeight, void *ws,
                            cudaStream_t stream) {
  if (rows <= 0 || dim <= 0 || rows > INT32_MAX || (dWeight && !ws))
    return cudaErrorInvalidValue;
  if (dx) {
    rmsNormDxKernel<<<unsigned(rows), kNormThreads, 0, stream>>>(
        x, weight, rstd, dy, dim, dx);
    R1RT_LAUNCH_TRY();
  }
  if (dWeight) {
    int64_t slabs = slabsFor(rows);
    if (slabs > 65535)
      return cudaErrorInvalidValue;
    float *partial = static_cast<float *>(ws);
    dim3 grid(ceilDiv(dim, 256), unsigned(slabs));
    rmsNormDwPartialKernel<<<grid, 256, 0, stream>>>(x, rstd, dy, rows, dim,
                                                     partial);
    R1RT_LAUNCH_TRY();
    sumColumnsKernel<<<ceilDiv(dim, 256), 256, 0, stream>>>(partial, slabs, dim,
                                                            dWeight);
    R1RT_LAUNCH_TRY();
  }
  return cudaSuccess;
}

} // namespace r1rt::cuda
