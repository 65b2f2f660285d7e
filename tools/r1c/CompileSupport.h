//===- CompileSupport.h - Front half of the compile commands ----*- C++ -*-===//
//
// .r1p -> checked AST -> r1 dialect -> r1-compile-pipeline, shared by
// `r1c compile`, `r1c explain` and `--emit=mlir`.
//
//===----------------------------------------------------------------------===//
#ifndef R1C_TOOLS_R1C_COMPILESUPPORT_H
#define R1C_TOOLS_R1C_COMPILESUPPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"

namespace r1::driver {

/// Parses and checks the main buffer, lowers it to the r1 dialect, verifies
/// it and, when `optimize`, runs r1-compile-pipeline (honouring the MLIR
/// pass-manager command-line options such as --mlir-print-ir-after-all).
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
compileModule(llvm::SourceMgr &sourceMgr, mlir::MLIRContext &context,
              bool optimize);

} // namespace r1::driver

#endif // R1C_TOOLS_R1C_COMPILESUPPORT_H
