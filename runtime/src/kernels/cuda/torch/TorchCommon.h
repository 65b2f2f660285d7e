//===- TorchCommon.h - Helpers of the LibTorch bindings ---------*- C++ -*-===//
//
// Helpers for the LibTorch bindings: pointer casts, streams, error checks.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_KERNELS_CUDA_TORCH_TORCHCOMMON_H
#define R1RT_KERNELS_CUDA_TORCH_TORCHCOMMON_H

#include "r1rt/kernels/cuda/Common.h"

#include <ATen/cuda/CUDAContext.h>
#include <torch/autograd.h>
#include <torch/types.h>

namespace r1rt::cuda::binding {

/// bf16 device pointer of a contiguous bf16 CUDA tensor.
inline bf16 *bfPtr(const torch::Tensor &t) {
  return reinterpret_cast<bf16 *>(t.data_ptr<at::BFloat16>());
}

/// Null for an undefined tensor, else its fp32 pointer.
inline float *fOpt(const torch::Tensor &t) {
  return t.defined() ? t.data_ptr<float>() : nullptr;
}

inline cudaStream_t stream() { return at::cuda::getCurrentCUDAStream(); }

/// Raw workspace of \p bytes on \p like's device.
inline torch::Tensor workspace(size_t bytes, const torch::Tensor &like) {
  return torch::empty({int64_t(std::max<size_t>(bytes, 1))},
                      like.options().dtype(torch::kUInt8));
}

/// Throws (the LibTorch boundary) when a kernel reports an error.
inline void check(cudaError_t err, const char *what) {
  TORCH_CHECK(err == cudaSuccess, "r1rt CUDA kernel ", what,
              " failed: ", cudaGetErrorString(err),
              " (check shapes and dtypes against docs/kernels.md)");
}

/// Checks that \p t is a CUDA tensor of \p dtype; returns it contiguous.
inline torch::Tensor prep(const torch::Tensor &t, torch::ScalarType dtype,
                          const char *name) {
  TORCH_CHECK(t.is_cuda(), "r1rt CUDA op: ", name, " must be a CUDA tensor");
  TORCH_CHECK(t.scalar_type() == dtype, "r1rt CUDA op: ", name, " must be ",
              dtype, ", got ", t.scalar_type());
  return t.contiguous();
}

} // namespace r1rt::cuda::binding

#endif
