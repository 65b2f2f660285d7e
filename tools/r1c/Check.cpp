//===- Check.cpp - `r1c check` and `r1c --emit=ast` -----------------------===//

#include "Commands.h"

#include "r1/Frontend/Frontend.h"

using namespace r1;

mlir::LogicalResult driver::runCheck(llvm::SourceMgr &sourceMgr,
                                     mlir::MLIRContext &context,
                                     llvm::raw_ostream &os) {
  return mlir::success(succeeded(parsePipeline(sourceMgr, &context)));
}

mlir::LogicalResult driver::runEmitAst(llvm::SourceMgr &sourceMgr,
                                       mlir::MLIRContext &context,
                                       llvm::raw_ostream &os) {
  auto pipeline = parsePipeline(sourceMgr, &context);
  if (failed(pipeline))
    return mlir::failure();
  ast::dump(**pipeline, os);
  return mlir::success();
}
