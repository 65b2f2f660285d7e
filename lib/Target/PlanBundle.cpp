//===- PlanBundle.cpp - Writes the X.r1plan bundle directory -------------===//
//
// plan.json (PlanJson.cpp), the loss kernels (KernelEmission.cpp), ir.mlir
// and source.r1p, each written atomically; plan.json last.
//
//===----------------------------------------------------------------------===//

#include "r1/Target/PlanWriter.h"
#include "KernelEmission.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace r1;
namespace json = llvm::json;

LogicalResult
r1::writeFileAtomically(MLIRContext *ctx, StringRef path,
                        llvm::function_ref<void(raw_ostream &)> fn) {
  llvm::Error err = llvm::writeToOutput(path, [&](raw_ostream &os) {
    fn(os);
    return llvm::Error::success();
  });
  if (err) {
    emitError(UnknownLoc::get(ctx))
        << "cannot write '" << path << "': " << llvm::toString(std::move(err))
        << "; check that the directory is writable";
    return failure();
  }
  return success();
}

LogicalResult r1::writePlanBundle(ModuleOp module, StringRef dir,
                                  StringRef sourceText, StringRef sourceDir) {
  MLIRContext *ctx = module.getContext();
  auto plan = buildPlanJson(module, sourceDir);
  if (failed(plan))
    return failure();
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return emitError(UnknownLoc::get(ctx))
           << "cannot create bundle directory '" << dir << "': " << ec.message()
           << "; choose another -o path";
  auto kernels = emitLossKernels(module, dir);
  if (failed(kernels))
    return failure();
  if (json::Object *losses = plan->getAsObject()->getObject("losses"))
    for (auto &[name, kernel] : *kernels)
      if (json::Object *loss = losses->getObject(name))
        (*loss)["kernel"] = std::move(kernel);
  auto in = [&](StringRef name) {
    llvm::SmallString<256> p(dir);
    llvm::sys::path::append(p, name);
    return std::string(p);
  };
  if (failed(writeFileAtomically(ctx, in("source.r1p"),
                             [&](raw_ostream &os) { os << sourceText; })) ||
      failed(writeFileAtomically(
          ctx, in("ir.mlir"),
          [&](raw_ostream &os) {
            module->print(os, OpPrintingFlags().enableDebugInfo(true, false));
          })) ||
      // plan.json last: its presence marks a complete bundle.
      failed(writeFileAtomically(ctx, in("plan.json"), [&](raw_ostream &os) {
        printPlanJson(*plan, os);
      })))
    return failure();
  return success();
}
