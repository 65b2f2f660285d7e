//===- KernelEmission.cpp - Writes the bundle's kernels/ -----------------===//

#include "KernelEmission.h"
#include "r1/Target/PlanWriter.h"

#include "r1/Conversion/Passes.h"
#include "r1/Dialect/R1/R1Ops.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
using namespace r1;
namespace json = llvm::json;

namespace {
constexpr int64_t kKernelAbi = 1;
constexpr llvm::StringLiteral kLibrary = "kernels/losses.so";
constexpr llvm::StringLiteral kPtxChip = "sm_90";

std::string join(StringRef dir, StringRef rel) {
  llvm::SmallString<256> p(dir);
  llvm::sys::path::append(p, rel);
  return std::string(p);
}

/// Runs r1-loss-to-kernels{target} on a clone of `module`, drops the
/// pipelines and runs the textual `lowering` on what remains.
FailureOr<OwningOpRef<ModuleOp>> lowerClone(ModuleOp module, StringRef target,
                                            StringRef lowering) {
  MLIRContext *ctx = module.getContext();
  OwningOpRef<ModuleOp> clone = module.clone();
  PassManager convert(ctx);
  convert.addPass(createLossToKernelsPass(LossToKernelsPassOptions{target.str()}));
  if (failed(convert.run(*clone)))
    return failure();
  for (auto p : llvm::make_early_inc_range(clone->getOps<PipelineOp>()))
    p.erase();
  PassManager lower(ctx);
  if (failed(parsePassPipeline(lowering, lower, llvm::errs())) ||
      failed(lower.run(*clone)))
    return failure();
  return std::move(clone);
}

/// Translates an LLVM-dialect module to a relocatable object for the host
/// (generic CPU, so that the bundle runs on any x86-64 machine).
FailureOr<std::string> emitObject(ModuleOp module) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::LLVMContext llvmCtx;
  std::unique_ptr<llvm::Module> ir =
      translateModuleToLLVMIR(module, llvmCtx, "r1c_loss_kernels");
  if (!ir)
    return module.emitError("cannot translate the loss kernels to LLVM IR");
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  std::string err;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, err);
  if (!target)
    return module.emitError() << "no LLVM target for '" << triple.str()
                              << "': " << err;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, "generic", "", llvm::TargetOptions(), llvm::Reloc::PIC_));
  ir->setTargetTriple(triple);
  ir->setDataLayout(tm->createDataLayout());
  if (llvm::Error e = makeOptimizingTransformer(2, 0, tm.get())(ir.get()))
    return module.emitError() << "optimizing the loss kernels failed: "
                              << llvm::toString(std::move(e));
  llvm::SmallString<0> object;
  llvm::raw_svector_ostream os(object);
  llvm::legacy::PassManager codegen;
  if (tm->addPassesToEmitFile(codegen, os, nullptr,
                              llvm::CodeGenFileType::ObjectFile))
    return module.emitError("the host target cannot emit object files");
  codegen.run(*ir);
  return std::string(object);
}

/// Links `object` into the shared object `out` with the C compiler driver
/// ($CC, else cc), through a temporary renamed into place. On failure
/// returns why, in a phrase.
std::optional<std::string> linkSharedObject(StringRef object, StringRef out) {
  std::string driver;
  if (const char *cc = std::getenv("CC"); cc && *cc)
    driver = cc;
  else
    driver = "cc";
  auto program = llvm::sys::findProgramByName(driver);
  if (!program)
    return "no C compiler driver '" + driver + "' on PATH to link it";
  std::string obj = (out + ".o.tmp").str(), tmp = (out + ".tmp").str(),
              log = (out + ".log.tmp").str();
  if (llvm::Error e = llvm::writeToOutput(obj, [&](llvm::raw_ostream &os) {
        os << object;
        return llvm::Error::success();
      }))
    return "cannot write '" + obj + "': " + llvm::toString(std::move(e));
  llvm::StringRef args[] = {*program, "-shared", "-o", tmp, obj, "-lm"};
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(log),
                                          StringRef(log)};
  std::string execError;
  int rc = llvm::sys::ExecuteAndWait(*program, args, std::nullopt, redirects,
                                     /*SecondsToWait=*/120, 0, &execError);
  std::optional<std::string> why;
  if (rc != 0) {
    std::string detail = execError;
    if (auto buf = llvm::MemoryBuffer::getFile(log))
      detail = (*buf)->getBuffer().split('\n').first.str();
    why = "'" + *program + " -shared' failed (exit " + std::to_string(rc) +
          "): " + detail;
  } else if (std::error_code ec = llvm::sys::fs::rename(tmp, out)) {
    why = "cannot rename '" + tmp + "': " + ec.message();
  }
  llvm::sys::fs::remove(obj);
  llvm::sys::fs::remove(log);
  llvm::sys::fs::remove(tmp);
  return why;
}

json::Array kernelArgs(LossOp loss, StringRef result) {
  json::Array args;
  for (Attribute p : loss.getParams())
    args.push_back(cast<StringAttr>(p).getValue());
  args.push_back("weight");
  for (Attribute p : loss.getGradParamsAttr())
    args.push_back(("grad." + cast<StringAttr>(p).getValue()).str());
  args.push_back(result);
  return args;
}
} // namespace

FailureOr<json::Object> r1::emitLossKernels(ModuleOp module,
                                            StringRef bundleDir) {
  SmallVector<LossOp> losses;
  module.walk([&](LossOp loss) { losses.push_back(loss); });
  json::Object kernels;
  if (losses.empty())
    return kernels;
  std::string dir = join(bundleDir, "kernels");
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return module.emitError() << "cannot create '" << dir
                              << "': " << ec.message();
  // PTX of losses an earlier compile into this bundle had.
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    StringRef name = llvm::sys::path::filename(it->path());
    if (name.starts_with("r1k_") && name.ends_with(".ptx"))
      llvm::sys::fs::remove(it->path());
  }
  MLIRContext *ctx = module.getContext();
  DialectRegistry registry;
  registerLossKernelDialects(registry);
  ctx->appendDialectRegistry(registry);

  // CPU: one shared object for all losses.
  auto cpu = lowerClone(module, "cpu", lossKernelCpuPipeline());
  if (failed(cpu))
    return failure();
  FailureOr<std::string> object = emitObject(**cpu);
  if (failed(object))
    return failure();
  std::optional<std::string> linkError =
      linkSharedObject(*object, join(bundleDir, kLibrary));
  if (linkError)
    emitWarning(module.getLoc())
        << "no CPU loss kernels (" << *linkError
        << "); r1run will interpret the losses";

  // GPU: PTX per loss. Failing here (an LLVM without NVPTX) loses only PTX.
  llvm::StringMap<std::string> ptx;
  std::string why;
  {
    ScopedDiagnosticHandler capture(ctx, [&](Diagnostic &d) {
      if (why.empty() && d.getSeverity() == DiagnosticSeverity::Error)
        why = d.str();
      return success();
    });
    std::string libdevice = findLibdevice();
    auto gpu =
        lowerClone(module, "gpu", lossKernelGpuPipeline(kPtxChip, libdevice));
    if (succeeded(gpu))
      (*gpu)->walk([&](gpu::BinaryOp bin) {
        for (Attribute a : bin.getObjects())
          if (auto obj = dyn_cast<gpu::ObjectAttr>(a))
            ptx[bin.getSymName()] = obj.getObject().getValue().str();
      });
    else if (why.empty())
      why = "lowering failed";
    // Without libdevice, math ops stay calls to undefined __nv_* functions,
    // which no driver can load.
    for (auto &entry : ptx)
      if (why.empty() && StringRef(entry.second).contains(".extern .func"))
        why = "its math calls CUDA's libdevice, which was not found; install "
              "the CUDA toolkit or set CUDA_HOME";
  }
  if (!why.empty()) {
    ptx.clear();
    emitWarning(module.getLoc()) << "no PTX loss kernels (" << why << ")";
  }

  for (LossOp loss : losses) {
    std::string name = lossKernelName(loss.getSymName());
    json::Object kernel{{"abi", kKernelAbi}};
    if (!linkError)
      kernel["cpu"] = json::Object{{"library", kLibrary},
                                   {"symbol", "_mlir_ciface_" + name},
                                   {"args", kernelArgs(loss, "loss")}};
    std::string entry = name + "_kernel";
    if (auto it = ptx.find(entry); it != ptx.end()) {
      std::string rel = "kernels/" + name + ".ptx";
      if (failed(writeFileAtomically(
              ctx, join(bundleDir, rel),
              [&](llvm::raw_ostream &os) { os << it->second; })))
        return failure();
      kernel["ptx"] = json::Object{{"file", rel},
                                   {"entry", entry},
                                   {"chip", kPtxChip},
                                   {"block", kLossKernelGpuBlock},
                                   {"args", kernelArgs(loss, "wloss")}};
    }
    kernels[loss.getSymName()] = std::move(kernel);
  }
  return kernels;
}
