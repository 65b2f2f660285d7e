//===- Frontend.cpp - Lexer + parser + prelude + Sema in one call ---------===//

#include "r1/Frontend/Frontend.h"
#include "Parser.h"
#include "Sema.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace r1;
using namespace r1::ast;

mlir::FailureOr<std::unique_ptr<Pipeline>>
r1::parsePipeline(llvm::SourceMgr &sourceMgr, mlir::MLIRContext *context,
                  const FrontendOptions &options) {
  unsigned mainId = sourceMgr.getMainFileID();
  auto parsed = parseBuffer(sourceMgr, mainId, context, /*isLibrary=*/false);
  if (failed(parsed))
    return mlir::failure();
  std::unique_ptr<Pipeline> pipeline = std::move(parsed->pipeline);
  auto &decls = pipeline->getDeclsMutable();

  // User losses written before `pipeline` come first, then the pipeline's.
  std::vector<std::unique_ptr<Decl>> ordered;
  for (auto &loss : parsed->losses)
    ordered.push_back(std::move(loss));

  if (options.prelude) {
    unsigned preludeId = sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBuffer(getPreludeSource(), "<prelude>"),
        llvm::SMLoc());
    auto prelude = parseBuffer(sourceMgr, preludeId, context, true);
    if (failed(prelude))
      return mlir::failure();
    llvm::StringSet<> userNames;
    for (auto &d : ordered)
      userNames.insert(d->getName());
    for (auto &d : decls)
      if (!llvm::isa<SettingDecl, EvalDecl, TokenizerDecl>(*d))
        userNames.insert(d->getName());
    std::vector<std::unique_ptr<Decl>> builtins;
    for (auto &loss : prelude->losses) {
      if (userNames.contains(loss->getName()))
        continue; // shadowed by the user
      loss->setBuiltin(true);
      builtins.push_back(std::move(loss));
    }
    ordered.insert(ordered.begin(), std::make_move_iterator(builtins.begin()),
                   std::make_move_iterator(builtins.end()));
  }
  for (auto &d : decls)
    ordered.push_back(std::move(d));
  decls = std::move(ordered);

  llvm::StringRef mainName =
      sourceMgr.getMemoryBuffer(mainId)->getBufferIdentifier();
  // --split-input-file names each chunk "within split at FILE:LINE offset ";
  // paths stay relative to FILE.
  if (mainName.consume_front("within split at "))
    mainName = mainName.rsplit(':').first;
  std::string baseDir = llvm::sys::path::parent_path(mainName).str();
  Sema sema(context, options, baseDir);
  if (failed(sema.run(*pipeline)))
    return mlir::failure();
  return pipeline;
}
