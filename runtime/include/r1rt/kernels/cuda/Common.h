//===- Common.h - Types of the raw CUDA kernel API --------------*- C++ -*-===//
//
// Shared types of the raw CUDA kernel interface (no LibTorch here).
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_KERNELS_CUDA_COMMON_H
#define R1RT_KERNELS_CUDA_COMMON_H

#include <cstddef>
#include <cstdint>
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_runtime_api.h>

namespace r1rt::cuda {

/// Storage type of every bf16 tensor the kernels read or write.
using bf16 = __nv_bfloat16;

/// Error code used when a cuBLAS call inside a kernel driver fails; the
/// driver returns it as a cudaError_t so that callers check one kind of code.
constexpr cudaError_t kCublasFailure = cudaErrorUnknown;

/// Rounds \p bytes up to a 256-byte boundary (workspace carving).
inline size_t alignWorkspace(size_t bytes) {
  return (bytes + 255) & ~size_t(255);
}

} // namespace r1rt::cuda

#endif
