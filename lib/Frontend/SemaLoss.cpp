//===- SemaLoss.cpp - Checks of .r1p loss declarations -------------------===//
//
// `loss name(params) = expr reduce R`: the expression language of losses
// (operators, functions and their arity, parameters) and which loss
// parameters the expression reads.
//
//===----------------------------------------------------------------------===//

#include "Sema.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"

using namespace r1;
using namespace r1::ast;
using mlir::failure;
using mlir::LogicalResult;
using mlir::success;

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

namespace {
/// Loss-body checker: names are parameters or earlier lets.
struct LossChecker {
  LossDecl &loss;
  std::function<mlir::InFlightDiagnostic(mlir::Location, const llvm::Twine &)>
      error;
  llvm::StringMap<int> params;
  llvm::StringMap<const LetStmt *> lets;
  llvm::DenseSet<const LetStmt *> usedLets;
  llvm::SmallVector<bool> usedParams;
  const llvm::StringMap<const Decl *> &pipelineNames;

  LogicalResult check(Expr &e);
};
} // namespace

/// Arity of each loss-body function.
static int lossFunctionArity(llvm::StringRef name) {
  return llvm::StringSwitch<int>(name)
      .Cases({"exp", "log", "abs"}, 1)
      .Cases({"min", "max"}, 2)
      .Cases({"clamp", "where"}, 3)
      .Default(-1);
}

LogicalResult LossChecker::check(Expr &e) {
  switch (e.getKind()) {
  case Expr::Kind::Int:
  case Expr::Kind::Float:
    e.setType(Expr::Type::Number);
    return success();
  case Expr::Kind::Bool:
  case Expr::Kind::String:
  case Expr::Kind::Range:
  case Expr::Kind::Ratio:
  case Expr::Kind::List:
  case Expr::Kind::Block:
    error(e.getLoc(), "only numbers, parameters and lets may appear in a "
                      "loss body; it computes one number per token");
    return failure();
  case Expr::Kind::Name: {
    auto &n = llvm::cast<NameExpr>(e);
    if (auto it = lets.find(n.getName()); it != lets.end()) {
      n.resolveToLet(it->second);
      usedLets.insert(it->second);
      n.setType(it->second->getValue()->getType());
      return success();
    }
    if (auto it = params.find(n.getName()); it != params.end()) {
      n.resolveToParam(it->second);
      usedParams[it->second] = true;
      n.setType(Expr::Type::Number);
      return success();
    }
    if (auto it = pipelineNames.find(n.getName());
        it != pipelineNames.end() && !llvm::isa<LossDecl>(it->second)) {
      error(n.getLoc(), "loss '" + loss.getName() + "' cannot use " +
                            describe(it->second->getKind()) + " '" +
                            n.getName() +
                            "'; a loss body sees only its parameters and "
                            "lets");
      return failure();
    }
    std::vector<llvm::StringRef> names;
    for (auto &p : params)
      names.push_back(p.getKey());
    for (auto &l : lets)
      names.push_back(l.getKey());
    llvm::sort(names);
    error(n.getLoc(), "use of undefined name '" + n.getName() + "' in loss '" +
                          loss.getName() + "'" +
                          didYouMean(n.getName(), names));
    return failure();
  }
  case Expr::Kind::Unary: {
    auto &u = llvm::cast<UnaryExpr>(e);
    if (failed(check(*u.getOperand())))
      return failure();
    e.setType(u.getOp() == UnaryExpr::Op::Not ? Expr::Type::Bool
                                              : Expr::Type::Number);
    return success();
  }
  case Expr::Kind::Binary: {
    auto &b = llvm::cast<BinaryExpr>(e);
    if (failed(check(*b.getLhs())) || failed(check(*b.getRhs())))
      return failure();
    bool arith =
        b.getOp() == BinaryExpr::Op::Add || b.getOp() == BinaryExpr::Op::Sub ||
        b.getOp() == BinaryExpr::Op::Mul || b.getOp() == BinaryExpr::Op::Div;
    e.setType(arith ? Expr::Type::Number : Expr::Type::Bool);
    return success();
  }
  case Expr::Kind::Call: {
    auto &c = llvm::cast<CallExpr>(e);
    int arity = lossFunctionArity(c.getCallee());
    if (arity < 0) {
      error(c.getLoc(),
            "unknown function '" + c.getCallee() +
                "' in a loss; available: exp, log, abs, min, "
                "max, clamp, where" +
                didYouMean(c.getCallee(), {"exp", "log", "abs", "min", "max",
                                           "clamp", "where"}));
      return failure();
    }
    if (int(c.getArgs().size()) != arity) {
      error(c.getLoc(), "'" + c.getCallee() + "' takes " + llvm::Twine(arity) +
                            " argument" + (arity == 1 ? "" : "s") + ", got " +
                            llvm::Twine(c.getArgs().size()));
      return failure();
    }
    for (Arg &a : c.getArgsMutable()) {
      if (!a.name.empty()) {
        error(a.loc, "loss functions take positional arguments only; "
                     "remove '" +
                         a.name + " ='");
        return failure();
      }
      if (failed(check(*a.value)))
        return failure();
    }
    e.setType(Expr::Type::Number);
    return success();
  }
  }
  return failure();
}

/// Parameters the runtime supplies to a loss, per token.
static const llvm::StringRef kLossParams[] = {"logp", "old_logp", "ref_logp",
                                              "adv", "seq_logratio"};

/// Collects the parameters `e` depends on, through lets.
static void collectParams(const Expr *e, llvm::SmallVectorImpl<bool> &deps) {
  if (auto *n = llvm::dyn_cast<NameExpr>(e)) {
    if (n->getTarget() == NameExpr::Target::LossParam)
      deps[n->getParamIndex()] = true;
    else if (n->getTarget() == NameExpr::Target::Let)
      collectParams(n->getLet()->getValue(), deps);
  } else if (auto *u = llvm::dyn_cast<UnaryExpr>(e)) {
    collectParams(u->getOperand(), deps);
  } else if (auto *b = llvm::dyn_cast<BinaryExpr>(e)) {
    collectParams(b->getLhs(), deps);
    collectParams(b->getRhs(), deps);
  } else if (auto *c = llvm::dyn_cast<CallExpr>(e)) {
    for (const Arg &a : c->getArgs())
      collectParams(a.value.get(), deps);
  }
}

void Sema::checkLoss(LossDecl &decl) {
  LossChecker checker{
      decl,
      [this](mlir::Location l, const llvm::Twine &m) { return error(l, m); },
      {},
      {},
      {},
      {},
      declByName};
  bool ok = true;
  for (auto [i, p] : llvm::enumerate(decl.getParams())) {
    if (!llvm::is_contained(kLossParams, p.name)) {
      error(p.loc, "unknown loss parameter '" + p.name +
                       "'; the runtime supplies logp, old_logp, ref_logp, "
                       "adv and seq_logratio" +
                       didYouMean(p.name, kLossParams));
      ok = false;
      continue;
    }
    auto [it, inserted] = checker.params.try_emplace(p.name, int(i));
    if (!inserted) {
      error(p.loc, "duplicate loss parameter '" + p.name + "'")
              .attachNote(decl.getParams()[it->second].loc)
          << "first declared here";
      ok = false;
    }
  }
  checker.usedParams.assign(decl.getParams().size(), false);
  if (!ok)
    return;
  for (const auto &let : decl.getLets()) {
    if (auto it = checker.params.find(let->getName());
        it != checker.params.end()) {
      error(let->getLoc(), "let '" + let->getName() +
                               "' shadows a loss parameter; pick another "
                               "name")
              .attachNote(decl.getParams()[it->second].loc)
          << "parameter declared here";
      return;
    }
    if (auto it = checker.lets.find(let->getName()); it != checker.lets.end()) {
      error(let->getLoc(), "redefinition of let '" + let->getName() + "'")
              .attachNote(it->second->getLoc())
          << "previous definition is here";
      return;
    }
    if (failed(checker.check(*const_cast<LetStmt &>(*let).getValue())))
      return;
    checker.lets.try_emplace(let->getName(), let.get());
  }
  if (failed(checker.check(*decl.getResult())))
    return;
  llvm::SmallVector<bool> deps(decl.getParams().size(), false);
  collectParams(decl.getResult(), deps);
  bool differentiable = false;
  for (auto [i, p] : llvm::enumerate(decl.getParams()))
    if (deps[i] && (p.name == "logp" || p.name == "seq_logratio"))
      differentiable = true;
  if (!differentiable) {
    error(decl.getLoc(), "loss '" + decl.getName() +
                             "' does not depend on logp or seq_logratio, so "
                             "it has no gradient");
    return;
  }
  for (const auto &let : decl.getLets())
    if (!checker.usedLets.contains(let.get()))
      warning(let->getLoc(), "let '" + let->getName() + "' is never used");
  for (auto [i, p] : llvm::enumerate(decl.getParams()))
    if (!checker.usedParams[i])
      warning(p.loc, "loss parameter '" + p.name + "' is never used");
}
