//===- MLIRGen.h - The checked .r1p AST to the r1 dialect -------*- C++ -*-===//

#ifndef R1_FRONTEND_MLIRGEN_H
#define R1_FRONTEND_MLIRGEN_H

#include "r1/Frontend/AST.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace r1 {

/// Builds a module holding one `r1.pipeline` from a pipeline that Sema
/// accepted. Every op carries the FileLineColLoc of the source it comes
/// from. Built-in losses that no stage uses are left out. Returns null after
/// emitting an error if the AST holds something the dialect cannot express.
mlir::OwningOpRef<mlir::ModuleOp> mlirGen(mlir::MLIRContext &context,
                                          const ast::Pipeline &pipeline);

} // namespace r1

#endif // R1_FRONTEND_MLIRGEN_H
