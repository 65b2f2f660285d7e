//===- Commands.h - Subcommands of the r1c driver ---------------*- C++ -*-===//
//
// Each r1c subcommand (and each --emit kind) is one function in its own .cpp
// file, registered in the tables of r1c.cpp. A command runs on one input
// buffer that is already the main file of `sourceMgr`; it reports problems
// through `context` (mlir::emitError) and writes its output to `os`.
//
//===----------------------------------------------------------------------===//

#ifndef R1C_TOOLS_R1C_COMMANDS_H
#define R1C_TOOLS_R1C_COMMANDS_H

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

namespace r1::driver {

/// Runs one command on the main buffer of `sourceMgr`.
using CommandFn = mlir::LogicalResult (*)(llvm::SourceMgr &sourceMgr,
                                          mlir::MLIRContext &context,
                                          llvm::raw_ostream &os);

/// A named subcommand (`r1c check FILE`) or emit kind (`--emit=ast`).
struct Command {
  const char *name;
  const char *help;
  CommandFn run;
};

/// `r1c check FILE`: parse and check; no output.
mlir::LogicalResult runCheck(llvm::SourceMgr &sourceMgr,
                             mlir::MLIRContext &context, llvm::raw_ostream &os);

/// `r1c FILE --emit=ast`: print the checked AST.
mlir::LogicalResult runEmitAst(llvm::SourceMgr &sourceMgr,
                               mlir::MLIRContext &context,
                               llvm::raw_ostream &os);

} // namespace r1::driver

#endif // R1C_TOOLS_R1C_COMMANDS_H
