//===- Compile.cpp - r1c compile and --emit=mlir -------------------------===//

#include "CompileCommands.h"
#include "CompileSupport.h"

#include "r1/Target/PlanWriter.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace r1;
using namespace r1::driver;

namespace {
std::string inputPath, outputPath = "-";
} // namespace

void driver::setBundlePaths(StringRef input, StringRef output) {
  inputPath = input.str();
  outputPath = output.str();
}

bool driver::writesOwnOutput(CommandFn fn) { return fn == &runCompile; }

LogicalResult driver::runCompile(llvm::SourceMgr &sourceMgr,
                                 MLIRContext &context, llvm::raw_ostream &) {
  auto module = compileModule(sourceMgr, context, /*optimize=*/true);
  if (failed(module))
    return failure();
  std::string dir = outputPath;
  if (dir.empty() || dir == "-")
    dir = (llvm::sys::path::stem(inputPath) + ".r1plan").str();
  llvm::SmallString<256> sourceDir(llvm::sys::path::parent_path(inputPath));
  if (sourceDir.empty())
    sourceDir = ".";
  llvm::sys::fs::make_absolute(sourceDir);
  llvm::sys::path::remove_dots(sourceDir, /*remove_dot_dot=*/true);
  StringRef source =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID())->getBuffer();
  return writePlanBundle(**module, dir, source, sourceDir);
}

LogicalResult driver::runEmitMlir(llvm::SourceMgr &sourceMgr,
                                  MLIRContext &context, llvm::raw_ostream &os) {
  auto module = compileModule(sourceMgr, context, /*optimize=*/true);
  if (failed(module))
    return failure();
  (*module)->print(os);
  return success();
}

LogicalResult driver::runEmitRawMlir(llvm::SourceMgr &sourceMgr,
                                     MLIRContext &context,
                                     llvm::raw_ostream &os) {
  auto module = compileModule(sourceMgr, context, /*optimize=*/false);
  if (failed(module))
    return failure();
  (*module)->print(os);
  return success();
}
