//===- LossKernel.h - Compiled loss kernels from a plan bundle --*- C++ -*-===//
//
// `r1c compile` writes each loss as one fused forward + backward + reduction
// kernel in the bundle's kernels/losses.so (docs/kernels.md): MLIR's C
// interface, one memref descriptor per argument. This loads it with dlopen
// and wraps it in an autograd function.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_KERNELS_CPU_LOSSKERNEL_H
#define R1RT_KERNELS_CPU_LOSSKERNEL_H

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace r1rt::cpu {

/// MLIR's descriptor of a 1-D f32 memref (`memref<?xf32>`).
struct MemRef1DF32 {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t size;
  int64_t stride;
};

/// MLIR's descriptor of a 0-d f64 memref (`memref<f64>`).
struct MemRef0DF64 {
  double *allocated;
  double *aligned;
  int64_t offset;
};

/// One loss kernel: `void sym(MemRef1DF32 *param..., MemRef1DF32 *weight,
/// MemRef1DF32 *grad..., MemRef0DF64 *loss)`, which sets *loss to
/// Σ_n w_n·ℓ_n and grad_k[n] to w_n·∂ℓ_n/∂param_{k} (0 where w_n = 0).
class LossKernel {
public:
  /// Opens `library` and resolves `symbol` for a loss of `numParams`
  /// parameters and `numGrads` gradients. Throws a one-line r1rt::Error
  /// when the library or the symbol cannot be loaded.
  static std::shared_ptr<const LossKernel>
  open(const std::string &library, const std::string &symbol, int numParams,
       int numGrads);

  ~LossKernel();
  LossKernel(const LossKernel &) = delete;
  LossKernel &operator=(const LossKernel &) = delete;

  /// Runs the kernel on `params` [P,N] and `weight` [N] (f32, contiguous)
  /// and returns the loss; `grads` receives [G,N] f32.
  double run(const torch::Tensor &params, const torch::Tensor &weight,
             torch::Tensor &grads) const;

  int numParams() const { return numParams_; }
  int numGrads() const { return numGrads_; }

private:
  LossKernel() = default;
  void *handle_ = nullptr;
  void *fn_ = nullptr;
  int numParams_ = 0, numGrads_ = 0;
  std::string symbol_;
};

/// The loss Σ_n w_n·ℓ(params[:, n]) as a 0-d tensor of params' dtype,
/// differentiable w.r.t. `params` [P,N] (rows `gradRows[k]` get the
/// kernel's k-th gradient, the others none). `weight` [N] is detached.
torch::Tensor applyLossKernel(const LossKernel &kernel,
                              const torch::Tensor &params,
                              const torch::Tensor &weight,
                              const std::vector<int64_t> &gradRows);

} // namespace r1rt::cpu

#endif // R1RT_KERNELS_CPU_LOSSKERNEL_H
