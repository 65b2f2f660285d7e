//===- CompileCommands.h - r1c compile, explain and --emit=mlir -*- C++ -*-===//
//
// The commands of r1c that go past the front end: lower to the r1 dialect,
// run r1-compile-pipeline, then print the IR, explain the costs, or write
// the plan bundle.
//
//===----------------------------------------------------------------------===//

#ifndef R1C_TOOLS_R1C_COMPILECOMMANDS_H
#define R1C_TOOLS_R1C_COMPILECOMMANDS_H

#include "Commands.h"

#include "mlir/IR/DialectRegistry.h"

namespace r1::driver {

/// Registers the dialects the compile commands build IR in.
void registerCompilerDialects(mlir::DialectRegistry &registry);

/// Registers the MLIR command-line options the compile commands honour
/// (--mlir-print-ir-after-all, --mlir-print-debuginfo, ...).
void registerCompilerCLOptions();

/// Tells the compile command the input file and the -o value ("-" when not
/// given: the bundle goes next to the working directory as NAME.r1plan).
void setBundlePaths(llvm::StringRef inputPath, llvm::StringRef outputPath);

/// True for commands that write their own files rather than to -o.
bool writesOwnOutput(CommandFn fn);

/// `r1c compile FILE -o X.r1plan`: writes the plan bundle.
mlir::LogicalResult runCompile(llvm::SourceMgr &sourceMgr,
                               mlir::MLIRContext &context,
                               llvm::raw_ostream &os);

/// `r1c explain FILE`: the stage DAG and cost tables.
mlir::LogicalResult runExplain(llvm::SourceMgr &sourceMgr,
                               mlir::MLIRContext &context,
                               llvm::raw_ostream &os);

/// `r1c FILE --emit=mlir`: the r1 IR after r1-compile-pipeline.
mlir::LogicalResult runEmitMlir(llvm::SourceMgr &sourceMgr,
                                mlir::MLIRContext &context,
                                llvm::raw_ostream &os);

/// `r1c FILE --emit=mlir-raw`: the r1 IR straight from MLIRGen.
mlir::LogicalResult runEmitRawMlir(llvm::SourceMgr &sourceMgr,
                                   mlir::MLIRContext &context,
                                   llvm::raw_ostream &os);

} // namespace r1::driver

#endif // R1C_TOOLS_R1C_COMPILECOMMANDS_H
