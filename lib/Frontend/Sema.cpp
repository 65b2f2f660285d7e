//===- Sema.cpp - The Sema driver, diagnostics and name resolution -------===//
//
// Sema::run checks a pipeline in two passes (symbol table, then each
// declaration in order). Arguments are checked in SemaArgs.cpp, declarations
// in SemaDecls.cpp, SemaModels.cpp, SemaLoss.cpp and SemaSources.cpp.
//
//===----------------------------------------------------------------------===//

#include "Sema.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdio>

using namespace r1;
using namespace r1::ast;
using mlir::failure;
using mlir::LogicalResult;
using mlir::success;

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

LogicalResult Sema::run(Pipeline &pipeline) {
  auto &decls = pipeline.getDeclsMutable();
  // Pass 1: the symbol table, duplicates, the tokenizer.
  llvm::StringMap<const Decl *> settings;
  for (unsigned i = 0; i < decls.size(); ++i) {
    Decl *d = decls[i].get();
    declIndex[d] = i;
    if (auto *tok = llvm::dyn_cast<TokenizerDecl>(d)) {
      if (tokenizer) {
        error(d->getLoc(), "the pipeline already has a tokenizer; keep one")
                .attachNote(tokenizer->getLoc())
            << "first tokenizer is here";
        continue;
      }
      tokenizer = tok;
      continue;
    }
    if (llvm::isa<EvalDecl>(d))
      continue;
    if (auto *m = llvm::dyn_cast<ModelDecl>(d); m && m->getSourceCall() &&
                                                !firstSourced)
      firstSourced = m;
    auto &table = llvm::isa<SettingDecl>(d) ? settings : declByName;
    auto [it, inserted] = table.try_emplace(d->getName(), d);
    if (!inserted) {
      error(d->getLoc(), "redefinition of '" + d->getName() + "'")
              .attachNote(it->second->getLoc())
          << "previous definition of '" << d->getName() << "' is here";
    }
  }
  if (tokenizer && firstSourced)
    error(tokenizer->getLoc(),
          "model '" + firstSourced->getName() + "' brings its own tokenizer (" +
              firstSourced->getArchName() +
              "(...)); remove this tokenizer declaration")
            .attachNote(firstSourced->getLoc())
        << "model '" << firstSourced->getName() << "' is declared here";
  else if (tokenizer)
    checkTokenizer(const_cast<TokenizerDecl &>(*tokenizer));
  else if (!firstSourced)
    error(pipeline.getLoc(), "pipeline '" + pipeline.getName() +
                                 "' has no tokenizer; add e.g. tokenizer = "
                                 "chars(\"0123456789+-=\")");

  // Pass 2: each declaration in order.
  bool anyStage = false;
  for (unsigned i = 0; i < decls.size(); ++i) {
    Decl *d = decls[i].get();
    current = d;
    currentIndex = i;
    switch (d->getKind()) {
    case Decl::Kind::Setting:
      checkSetting(pipeline, llvm::cast<SettingDecl>(*d));
      break;
    case Decl::Kind::Tokenizer:
      break;
    case Decl::Kind::Model:
      checkModel(llvm::cast<ModelDecl>(*d));
      break;
    case Decl::Kind::Dataset:
      checkDataset(llvm::cast<DatasetDecl>(*d));
      break;
    case Decl::Kind::Reward:
      checkReward(llvm::cast<RewardDecl>(*d));
      break;
    case Decl::Kind::Loss:
      checkLoss(llvm::cast<LossDecl>(*d));
      break;
    case Decl::Kind::Stage:
      anyStage = true;
      checkStage(llvm::cast<StageDecl>(*d));
      break;
    case Decl::Kind::Eval:
      checkEval(llvm::cast<EvalDecl>(*d));
      break;
    }
  }
  current = nullptr;

  if (!hadError)
    checkSharedTokenizer(pipeline);
  if (!hadError)
    checkChatDatasets(pipeline);
  if (!hadError) {
    for (auto &[loc, message] : missingFiles)
      warning(loc, message);
    if (!anyStage)
      warning(pipeline.getLoc(), "pipeline '" + pipeline.getName() +
                                     "' defines no stages; it does nothing");
    for (auto &d : decls) {
      bool unusedKind =
          llvm::isa<ModelDecl, DatasetDecl, RewardDecl>(*d) ||
          (llvm::isa<LossDecl>(*d) && !llvm::cast<LossDecl>(*d).isBuiltin());
      if (unusedKind && !used.contains(d.get()))
        warning(d->getLoc(), describe(d->getKind()) + " '" + d->getName() +
                                 "' is never used");
    }
  }
  return mlir::success(!hadError);
}

//===----------------------------------------------------------------------===//
// Diagnostics
//===----------------------------------------------------------------------===//

mlir::InFlightDiagnostic Sema::error(mlir::Location loc,
                                     const llvm::Twine &msg) {
  hadError = true;
  return mlir::emitError(loc, msg);
}

void Sema::warning(mlir::Location loc, const llvm::Twine &msg) {
  mlir::emitWarning(loc, msg);
}

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

Expr::Type Sema::typeOf(const Decl *decl) {
  switch (decl->getKind()) {
  case Decl::Kind::Model:
    return Expr::Type::Model;
  case Decl::Kind::Dataset:
    return Expr::Type::Dataset;
  case Decl::Kind::Reward:
    return Expr::Type::Reward;
  case Decl::Kind::Loss:
    return Expr::Type::Loss;
  case Decl::Kind::Stage: {
    auto *stage = llvm::cast<StageDecl>(decl);
    const StageSignature *sig = lookupStage(stage->getCall()->getCallee());
    return sig ? sig->result : Expr::Type::Unknown;
  }
  default:
    return Expr::Type::Unknown;
  }
}

const Decl *Sema::resolve(NameExpr &name) {
  auto it = declByName.find(name.getName());
  if (it == declByName.end()) {
    std::vector<llvm::StringRef> names;
    for (auto &entry : declByName)
      names.push_back(entry.getKey());
    llvm::sort(names);
    error(name.getLoc(), "use of undefined name '" + name.getName() + "'" +
                             didYouMean(name.getName(), names));
    return nullptr;
  }
  const Decl *decl = it->second;
  if (decl == current) {
    error(name.getLoc(), describe(decl->getKind()) + " '" + name.getName() +
                             "' uses itself; refer to an earlier " +
                             describe(decl->getKind()));
    return nullptr;
  }
  if (declIndex.lookup(decl) > currentIndex) {
    auto diag = error(name.getLoc(),
                      current && llvm::isa<StageDecl>(current) &&
                              llvm::isa<StageDecl>(decl)
                          ? "stage '" + current->getName() + "' uses stage '" +
                                name.getName() +
                                "', which is defined later; stages may only "
                                "use earlier stages"
                          : "'" + name.getName() +
                                "' is used before its definition; move the " +
                                describe(decl->getKind()) + " up");
    diag.attachNote(decl->getLoc())
        << "'" << name.getName() << "' is defined here";
    return nullptr;
  }
  used.insert(decl);
  name.resolveToDecl(decl);
  name.setType(typeOf(decl));
  return decl;
}

unsigned Sema::capsOf(const Expr *expr) const {
  if (auto *call = llvm::dyn_cast<CallExpr>(expr)) {
    if (call->getType() != Expr::Type::Dataset)
      return CapNone;
    unsigned caps = CapText | CapPairs | CapVerifiable;
    for (const Arg &a : call->getArgs())
      if (a.name == "inputs")
        caps &= capsOf(a.value.get());
    return caps;
  }
  auto *name = llvm::dyn_cast<NameExpr>(expr);
  if (!name || !name->getDecl())
    return CapNone;
  if (auto *ds = llvm::dyn_cast<DatasetDecl>(name->getDecl()))
    return ds->caps;
  if (llvm::isa<StageDecl>(name->getDecl()))
    return CapText | CapPairs | CapVerifiable; // reject_sample traces
  return CapNone;
}
