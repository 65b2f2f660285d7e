//===- LoweringPipelines.cpp - Upstream lowering of the loss kernels ------===//
//
// The loss kernels are lowered by upstream passes only: one-shot
// bufferization, linalg to loops, then the LLVM conversions (CPU), or
// linalg to parallel loops mapped to GPU blocks and threads, outlined and
// lowered to NVVM, and serialized to PTX by gpu-module-to-binary (GPU).
//
//===----------------------------------------------------------------------===//

#include "r1/Conversion/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <cstdlib>

using namespace mlir;

StringRef r1::lossKernelCpuPipeline() {
  return "cse,canonicalize,one-shot-bufferize,canonicalize,"
         "func.func(convert-linalg-to-loops),lower-affine,convert-scf-to-cf,"
         "convert-math-to-llvm,convert-arith-to-llvm,"
         "finalize-memref-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,"
         "reconcile-unrealized-casts";
}

std::string r1::lossKernelGpuPipeline(StringRef chip, StringRef libdevice) {
  std::string link = libdevice.empty() ? "" : (" l=" + libdevice).str();
  // Blocks of kLossKernelGpuBlock threads; the guard form keeps the thread
  // loop's bound constant, which convert-parallel-loops-to-gpu needs.
  return ("cse,canonicalize,one-shot-bufferize,canonicalize,"
          "func.func(convert-linalg-to-parallel-loops,"
          "scf-parallel-loop-tiling{parallel-loop-tile-sizes=" +
          Twine(kLossKernelGpuBlock) +
          " no-min-max-bounds=true},gpu-map-parallel-loops,"
          "convert-parallel-loops-to-gpu),canonicalize,"
          "gpu-launch-sink-index-computations,gpu-kernel-outlining,"
          "canonicalize,nvvm-attach-target{chip=" +
          chip + " O=3" + link +
          "},gpu.module(lower-affine,convert-scf-to-cf,"
          "convert-gpu-to-nvvm,reconcile-unrealized-casts),"
          "gpu-module-to-binary{format=isa}")
      .str();
}

std::string r1::findLibdevice() {
  SmallVector<std::string> roots;
  for (const char *var : {"CUDA_ROOT", "CUDA_HOME", "CUDA_PATH"})
    if (const char *v = std::getenv(var); v && *v)
      roots.push_back(v);
  if (auto ptxas = llvm::sys::findProgramByName("ptxas"))
    roots.push_back(
        llvm::sys::path::parent_path(llvm::sys::path::parent_path(*ptxas))
            .str());
  roots.push_back("/usr/local/cuda");
  SmallVector<std::string> candidates;
  for (const std::string &root : roots) {
    SmallString<256> p(root);
    llvm::sys::path::append(p, "nvvm", "libdevice", "libdevice.10.bc");
    candidates.push_back(std::string(p));
  }
  candidates.push_back("/usr/lib/nvidia-cuda-toolkit/libdevice/libdevice.10.bc");
  for (const std::string &c : candidates)
    if (llvm::sys::fs::is_regular_file(c))
      return c;
  return "";
}

namespace r1 {
#define GEN_PASS_REGISTRATION
#include "r1/Conversion/Passes.h.inc"
} // namespace r1

namespace {
/// Adds the passes of a textual pipeline to `pm`.
void addTextualPipeline(OpPassManager &pm, StringRef text) {
  // The pipelines are constants of this file; a parse error is a bug.
  if (failed(parsePassPipeline(text, pm, llvm::errs())))
    llvm::report_fatal_error("r1c: bad built-in kernel lowering pipeline");
}
} // namespace

void r1::registerR1ConversionPassesAndPipelines() {
  registerAllPasses();
  r1::registerLossToKernelsPass();
  PassPipelineRegistration<>(
      "r1-lower-loss-kernels-cpu",
      "Lower r1-loss-to-kernels{target=cpu} output to the LLVM dialect",
      [](OpPassManager &pm) { addTextualPipeline(pm, lossKernelCpuPipeline()); });
  PassPipelineRegistration<>(
      "r1-lower-loss-kernels-gpu",
      "Lower r1-loss-to-kernels{target=gpu} output to PTX for sm_90",
      [](OpPassManager &pm) {
        addTextualPipeline(pm, lossKernelGpuPipeline("sm_90", findLibdevice()));
      });
}

void r1::registerLossKernelDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
}
