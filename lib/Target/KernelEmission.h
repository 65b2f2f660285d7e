//===- KernelEmission.h - Loss kernels of a plan bundle -------*- C++ -*-===//
//
// Lowers every loss of a compiled pipeline with r1-loss-to-kernels and the
// upstream pipelines, and writes the bundle's kernels/: one CPU shared
// object holding all losses (C ABI: docs/kernels.md) and one PTX file per
// loss for sm_90.
//
//===----------------------------------------------------------------------===//

#ifndef R1_TARGET_KERNELEMISSION_H
#define R1_TARGET_KERNELEMISSION_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/JSON.h"

namespace r1 {

/// Writes `bundleDir`/kernels/ for the losses of `module` (after
/// r1-compile-pipeline) and returns plan.json's "kernel" entry per loss
/// name. A part that cannot be built on this machine (no C compiler driver
/// to link the shared object, no NVPTX backend) is left out with a warning
/// saying what the runtime does instead; the runtime then interprets the
/// loss. Fails only on errors in the loss IR or an unwritable bundle.
mlir::FailureOr<llvm::json::Object> emitLossKernels(mlir::ModuleOp module,
                                                    llvm::StringRef bundleDir);

} // namespace r1

#endif // R1_TARGET_KERNELEMISSION_H
