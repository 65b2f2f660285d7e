//===- Passes.h - Conversions out of the r1 dialect -----------*- C++ -*-===//
//
// r1-loss-to-kernels and the upstream pipelines that lower its kernels to
// LLVM (a CPU shared object) and to NVVM/PTX (docs/kernels.md).
//
//===----------------------------------------------------------------------===//

#ifndef R1_CONVERSION_PASSES_H
#define R1_CONVERSION_PASSES_H

#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

#include <string>

namespace r1 {

#define GEN_PASS_DECL
#include "r1/Conversion/Passes.h.inc"

/// The name of the kernel function r1-loss-to-kernels writes for a loss.
std::string lossKernelName(llvm::StringRef lossName);

/// The upstream pipeline that lowers r1-loss-to-kernels{target=cpu} output
/// to the LLVM dialect (textual pass pipeline, for docs and r1c-opt).
llvm::StringRef lossKernelCpuPipeline();

/// Threads per block of the GPU loss kernels (the parallel-loop tile).
constexpr int64_t kLossKernelGpuBlock = 256;

/// The upstream pipeline that lowers r1-loss-to-kernels{target=gpu} output
/// to a `gpu.binary` holding PTX for `chip` (e.g. sm_90). `libdevice` (the
/// CUDA toolkit's libdevice.10.bc, empty if none) is linked so that math
/// ops become inline PTX rather than calls to undefined `__nv_*` functions.
std::string lossKernelGpuPipeline(llvm::StringRef chip,
                                  llvm::StringRef libdevice);

/// The CUDA toolkit's libdevice bitcode, or "" when none is found: under
/// $CUDA_ROOT, $CUDA_HOME, $CUDA_PATH, the toolkit of the `ptxas` on PATH,
/// /usr/local/cuda, then Debian's /usr/lib/nvidia-cuda-toolkit.
std::string findLibdevice();

/// Registers r1-loss-to-kernels, the upstream passes the two lowering
/// pipelines use, and the pipelines `r1-lower-loss-kernels-cpu` and
/// `r1-lower-loss-kernels-gpu` (sm_90, findLibdevice()).
void registerR1ConversionPassesAndPipelines();

/// Adds to `registry` every dialect, interface and LLVM IR translation the
/// kernel lowering needs.
void registerLossKernelDialects(mlir::DialectRegistry &registry);

} // namespace r1

#endif // R1_CONVERSION_PASSES_H
