//===- Parser.h - Recursive-descent parser for .r1p -------------*- C++ -*-===//
//
// Internal to the front end: parseBuffer, the entry point of the parser
// (ParserImpl.h, Parser.cpp, ParseExpr.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef R1_FRONTEND_PARSER_H
#define R1_FRONTEND_PARSER_H

#include "r1/Frontend/AST.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <vector>

namespace r1 {

/// What one buffer parses to: top-level losses, then (for a pipeline file)
/// the pipeline whose decls are in source order.
struct ParsedFile {
  std::vector<std::unique_ptr<ast::LossDecl>> losses;
  std::unique_ptr<ast::Pipeline> pipeline;
};

/// Parses buffer `bufferId`. A library file (`isLibrary`, the prelude) holds
/// only `loss` definitions; a pipeline file holds optional top-level losses
/// followed by exactly one `pipeline`. Stops at the first syntax error, which
/// is reported through `context`.
mlir::FailureOr<ParsedFile> parseBuffer(const llvm::SourceMgr &sourceMgr,
                                        unsigned bufferId,
                                        mlir::MLIRContext *context,
                                        bool isLibrary);

/// The deepest expression nesting the parser accepts.
constexpr unsigned kMaxNestingDepth = 200;

} // namespace r1

#endif // R1_FRONTEND_PARSER_H
