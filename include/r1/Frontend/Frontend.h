//===- Frontend.h - Entry point of the .r1p front end -----------*- C++ -*-===//
//
// Lexer + parser + built-in prelude + Sema in one call. Diagnostics go
// through the MLIRContext's diagnostic engine (mlir::emitError with
// FileLineColLoc locations), so any installed handler (SourceMgr printer,
// verifier, a test's capture) sees them.
//
//===----------------------------------------------------------------------===//

#ifndef R1_FRONTEND_FRONTEND_H
#define R1_FRONTEND_FRONTEND_H

#include "r1/Frontend/AST.h"
#include "r1/Frontend/FrontendOptions.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>

namespace r1 {

/// Parses the main buffer of `sourceMgr` as a pipeline, then resolves and
/// checks it. Returns the annotated AST, or failure after emitting at least
/// one error through `context`. The prelude is added to `sourceMgr` as a
/// buffer named `<prelude>`; the returned AST may refer to `sourceMgr` only
/// through locations.
mlir::FailureOr<std::unique_ptr<ast::Pipeline>>
parsePipeline(llvm::SourceMgr &sourceMgr, mlir::MLIRContext *context,
              const FrontendOptions &options = {});

/// The `.r1p` text of the built-in loss prelude.
llvm::StringRef getPreludeSource();

} // namespace r1

#endif // R1_FRONTEND_FRONTEND_H
