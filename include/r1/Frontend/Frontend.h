//===- Frontend.h - Entry point of the .r1p front end ------------*- C++
//-*-===//
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

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>

namespace r1 {

/// Options of the front end.
struct FrontendOptions {
  /// Include the built-in loss prelude (grpo, dr_grpo, dapo, gspo).
  bool prelude = true;
  /// Check that files named by the pipeline (jsonl, hf tokenizer) exist,
  /// relative to the pipeline's directory; a missing one is a warning.
  bool checkFiles = true;
  /// Hash the contents of every external file (jsonl, tokenizer, model
  /// weights) for the artifact keys; compiling does, `r1c check` does not.
  bool digestFiles = false;
};

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
