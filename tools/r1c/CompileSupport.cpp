//===- CompileSupport.cpp - Shared front half of the compile commands ----===//

#include "CompileSupport.h"
#include "CompileCommands.h"

#include "r1/Frontend/Frontend.h"
#include "r1/MLIRGen/MLIRGen.h"
#include "r1/Dialect/R1/Passes.h"
#include "r1/Dialect/R1/R1Dialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;
using namespace r1;

void driver::registerCompilerDialects(DialectRegistry &registry) {
  registry.insert<R1Dialect, arith::ArithDialect, math::MathDialect>();
}

void driver::registerCompilerCLOptions() {
  registerPassManagerCLOptions();
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
}

FailureOr<OwningOpRef<ModuleOp>>
driver::compileModule(llvm::SourceMgr &sourceMgr, MLIRContext &context,
                      bool optimize) {
  // Remarks and errors point at the source; never dump the whole IR.
  context.printOpOnDiagnostic(false);
  FrontendOptions options;
  options.digestFiles = true; // artifact keys cover external files' contents
  auto ast = parsePipeline(sourceMgr, &context, options);
  if (failed(ast))
    return failure();
  OwningOpRef<ModuleOp> module = mlirGen(context, **ast);
  if (!module || failed(verify(*module)))
    return failure();
  if (!optimize)
    return module;
  PassManager pm(&context, ModuleOp::getOperationName());
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  buildCompilePipeline(pm, CompilePipelineOptions());
  if (failed(pm.run(*module)))
    return failure();
  return module;
}
