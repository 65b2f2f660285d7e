//===- SemaArgs.cpp - Call arguments of .r1p: values, references ----------===//
//
// Maps each call's arguments onto its signature (positional, named,
// defaults), folds constant numbers, checks values against kinds and
// constraints, and checks references, reward sums and keep predicates.
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
// Constant folding
//===----------------------------------------------------------------------===//

namespace {
/// A folded numeric constant.
struct Number {
  double value;
  bool isInt;
};
} // namespace

/// Folds integer/float literals combined with + - * / and unary minus.
static std::optional<Number> fold(const Expr *e) {
  if (auto *i = llvm::dyn_cast<IntExpr>(e))
    return Number{double(i->getValue()), true};
  if (auto *f = llvm::dyn_cast<FloatExpr>(e))
    return Number{f->getValue(), false};
  if (auto *u = llvm::dyn_cast<UnaryExpr>(e)) {
    if (u->getOp() != UnaryExpr::Op::Neg)
      return std::nullopt;
    auto v = fold(u->getOperand());
    if (!v)
      return std::nullopt;
    return Number{-v->value, v->isInt};
  }
  auto *b = llvm::dyn_cast<BinaryExpr>(e);
  if (!b)
    return std::nullopt;
  auto l = fold(b->getLhs()), r = fold(b->getRhs());
  if (!l || !r)
    return std::nullopt;
  bool isInt = l->isInt && r->isInt;
  switch (b->getOp()) {
  case BinaryExpr::Op::Add:
    return Number{l->value + r->value, isInt};
  case BinaryExpr::Op::Sub:
    return Number{l->value - r->value, isInt};
  case BinaryExpr::Op::Mul:
    return Number{l->value * r->value, isInt};
  case BinaryExpr::Op::Div:
    if (r->value == 0)
      return std::nullopt;
    return Number{l->value / r->value, false};
  default:
    return std::nullopt;
  }
}

static std::string formatNumber(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.12g", v);
  return buf;
}

/// Checks `value` against `c`; returns the violated rule or "".
static llvm::StringRef violates(Constraint c, double value) {
  switch (c) {
  case Constraint::None:
    return "";
  case Constraint::Positive:
    return value > 0 ? "" : "must be positive";
  case Constraint::NonNegative:
    return value >= 0 ? "" : "must not be negative";
  case Constraint::UnitOpen:
    return value > 0 && value <= 1 ? "" : "must be in (0, 1]";
  case Constraint::Unit:
    return value >= 0 && value <= 1 ? "" : "must be in [0, 1]";
  }
  return "";
}

//===----------------------------------------------------------------------===//
// Arguments
//===----------------------------------------------------------------------===//

std::unique_ptr<Expr> Sema::makeDefault(const ParamSignature &param,
                                        mlir::Location loc) {
  llvm::StringRef text = param.defaultValue;
  switch (param.type) {
  case ParamType::Int: {
    int64_t v = 0;
    (void)text.getAsInteger(10, v);
    auto e = std::make_unique<IntExpr>(loc, v);
    e->setType(Expr::Type::Number);
    return e;
  }
  case ParamType::Float: {
    double v = 0;
    (void)text.getAsDouble(v);
    auto e = std::make_unique<FloatExpr>(loc, v);
    e->setType(Expr::Type::Number);
    return e;
  }
  case ParamType::Bool: {
    auto e = std::make_unique<BoolExpr>(loc, text == "true");
    e->setType(Expr::Type::Bool);
    return e;
  }
  case ParamType::String: {
    auto e = std::make_unique<StringExpr>(loc, text.str());
    e->setType(Expr::Type::String);
    return e;
  }
  case ParamType::Range: {
    auto [lo, hi] = text.split("..");
    int64_t l = 0, h = 0;
    (void)lo.getAsInteger(10, l);
    (void)hi.getAsInteger(10, h);
    auto e = std::make_unique<RangeExpr>(loc, l, h);
    e->setType(Expr::Type::Range);
    return e;
  }
  case ParamType::Balance: {
    // "bias(RATE)", as Params.def writes moe's default.
    double rate = 0;
    (void)text.drop_front(5).drop_back().getAsDouble(rate);
    auto rateExpr = std::make_unique<FloatExpr>(loc, rate);
    rateExpr->setType(Expr::Type::Number);
    std::vector<Arg> args;
    args.push_back(Arg{"rate", std::move(rateExpr), loc, true});
    auto e = std::make_unique<CallExpr>(loc, "bias", std::move(args));
    e->setType(Expr::Type::Symbol);
    return e;
  }
  case ParamType::Loss: {
    auto e = std::make_unique<NameExpr>(loc, text.str());
    auto it = declByName.find(text);
    if (it != declByName.end() && llvm::isa<LossDecl>(it->second) &&
        declIndex.lookup(it->second) < currentIndex) {
      e->resolveToDecl(it->second);
      e->setType(Expr::Type::Loss);
      used.insert(it->second);
    } else {
      error(loc, "the default loss '" + text +
                     "' is not available here; pass loss = NAME explicitly");
    }
    return e;
  }
  default: { // Symbol
    auto e = std::make_unique<NameExpr>(loc, text.str());
    e->resolveToSymbol();
    e->setType(Expr::Type::Symbol);
    return e;
  }
  }
}

LogicalResult Sema::normalize(std::vector<Arg> &args, const Signature &sig,
                              mlir::Location callLoc, llvm::StringRef what) {
  std::vector<const ParamSignature *> positional;
  for (const ParamSignature &p : sig.params)
    if (p.positional)
      positional.push_back(&p);

  // slots[i]: the arguments bound to sig.params[i] (several if variadic).
  std::vector<std::vector<Arg>> slots(sig.params.size());
  auto indexOf = [&](const ParamSignature *p) { return p - sig.params.data(); };
  bool ok = true, seenNamed = false;
  size_t nextPositional = 0;
  for (Arg &arg : args) {
    if (arg.name.empty()) {
      if (seenNamed) {
        error(arg.loc, "positional argument after a named argument in " + what +
                           "; name it or move it first");
        ok = false;
        continue;
      }
      if (nextPositional >= positional.size()) {
        if (!positional.empty() && positional.back()->variadic) {
          slots[indexOf(positional.back())].push_back(std::move(arg));
          continue;
        }
        std::string names;
        for (const ParamSignature *p : positional)
          names += (names.empty() ? "" : ", ") + std::string(p->name);
        error(arg.loc,
              "too many positional arguments to " + what +
                  (positional.empty()
                       ? "; it takes none"
                       : "; it takes " + llvm::Twine(positional.size()) + " (" +
                             names + ")"));
        ok = false;
        continue;
      }
      const ParamSignature *p = positional[nextPositional];
      if (!p->variadic)
        ++nextPositional;
      arg.name = p->name;
      slots[indexOf(p)].push_back(std::move(arg));
      continue;
    }
    seenNamed = true;
    const ParamSignature *p = sig.find(arg.name);
    if (llvm::isa<BlockExpr>(arg.value.get()) &&
        (!p || p->type != ParamType::Block)) {
      std::vector<llvm::StringRef> blocks;
      for (const ParamSignature &q : sig.params)
        if (q.type == ParamType::Block)
          blocks.push_back(q.name);
      error(arg.loc,
            "unknown block '" + arg.name + "' in " + what +
                (blocks.empty() ? "; it takes no block arguments"
                                : "; it takes " + llvm::join(blocks, ", ") +
                                      didYouMean(arg.name, blocks)));
      ok = false;
      continue;
    }
    if (!p) {
      std::vector<llvm::StringRef> names;
      for (const ParamSignature &q : sig.params)
        names.push_back(q.name);
      error(arg.loc, "unknown argument '" + arg.name + "' to " + what +
                         didYouMean(arg.name, names));
      ok = false;
      continue;
    }
    auto &slot = slots[indexOf(p)];
    if (!slot.empty()) {
      error(arg.loc,
            "argument '" + arg.name + "' of " + what + " is given twice")
              .attachNote(slot.front().loc)
          << "first given here";
      ok = false;
      continue;
    }
    slot.push_back(std::move(arg));
  }

  std::vector<Arg> result;
  for (size_t i = 0; i < sig.params.size(); ++i) {
    const ParamSignature &p = sig.params[i];
    if (slots[i].empty()) {
      if (p.required && ok) { // after a binding error, do not cascade
        error(callLoc, "missing required argument '" + llvm::Twine(p.name) +
                           "' of " + what + " (" + describe(p.type) + ": " +
                           p.doc + ")");
        ok = false;
      } else if (p.defaultValue) {
        result.push_back(Arg{p.name, makeDefault(p, callLoc), callLoc, true});
      }
      continue;
    }
    for (Arg &arg : slots[i]) {
      if (failed(checkValue(arg, p, what)))
        ok = false;
      result.push_back(std::move(arg));
    }
  }
  args = std::move(result);
  return success(ok);
}

LogicalResult Sema::checkValue(Arg &arg, const ParamSignature &param,
                               llvm::StringRef what) {
  Expr *value = arg.value.get();
  std::string argDesc = ("'" + arg.name + "' of " + what).str();
  auto mismatch = [&]() {
    error(value->getLoc(), argDesc + " expects " + describe(param.type));
    return failure();
  };
  switch (param.type) {
  case ParamType::Int:
  case ParamType::Float: {
    auto n = fold(value);
    if (!n)
      return mismatch();
    if (param.type == ParamType::Int && !n->isInt) {
      error(value->getLoc(),
            argDesc + " expects an integer, got " + formatNumber(n->value));
      return failure();
    }
    if (param.type == ParamType::Int && std::fabs(n->value) > 9.0e18) {
      error(value->getLoc(), argDesc + " is out of range");
      return failure();
    }
    llvm::StringRef rule = violates(param.constraint, n->value);
    if (!rule.empty()) {
      error(value->getLoc(),
            argDesc + " " + rule + ", got " + formatNumber(n->value));
      return failure();
    }
    mlir::Location loc = value->getLoc();
    if (param.type == ParamType::Int)
      arg.value = std::make_unique<IntExpr>(loc, int64_t(n->value));
    else
      arg.value = std::make_unique<FloatExpr>(loc, n->value);
    arg.value->setType(Expr::Type::Number);
    return success();
  }
  case ParamType::Bool:
    if (!llvm::isa<BoolExpr>(value))
      return mismatch();
    value->setType(Expr::Type::Bool);
    return success();
  case ParamType::String:
    if (!llvm::isa<StringExpr>(value))
      return mismatch();
    value->setType(Expr::Type::String);
    return success();
  case ParamType::Symbol: {
    auto *name = llvm::dyn_cast<NameExpr>(value);
    llvm::SmallVector<llvm::StringRef> choices;
    llvm::StringRef(param.choices).split(choices, '|');
    std::string list = llvm::join(choices, ", ");
    if (!name) {
      error(value->getLoc(), argDesc + " expects one of " + list);
      return failure();
    }
    if (!llvm::is_contained(choices, name->getName())) {
      error(value->getLoc(), "invalid value '" + name->getName() + "' for " +
                                 argDesc + "; expected one of " + list +
                                 didYouMean(name->getName(), choices));
      return failure();
    }
    name->resolveToSymbol();
    name->setType(Expr::Type::Symbol);
    return success();
  }
  case ParamType::Range: {
    auto *range = llvm::dyn_cast<RangeExpr>(value);
    if (!range) {
      if (auto n = fold(value); n && n->isInt) {
        // A single integer N means N..N.
        arg.value = std::make_unique<RangeExpr>(
            value->getLoc(), int64_t(n->value), int64_t(n->value));
        range = llvm::cast<RangeExpr>(arg.value.get());
      } else {
        return mismatch();
      }
    }
    if (range->getLo() > range->getHi()) {
      error(range->getLoc(), "empty range " + llvm::Twine(range->getLo()) +
                                 ".." + llvm::Twine(range->getHi()) + " for " +
                                 argDesc + "; write lo..hi");
      return failure();
    }
    llvm::StringRef rule = violates(param.constraint, double(range->getLo()));
    if (!rule.empty()) {
      error(range->getLoc(), "the range of " + argDesc + " " + rule);
      return failure();
    }
    range->setType(Expr::Type::Range);
    return success();
  }
  case ParamType::Ratio: {
    auto *ratio = llvm::dyn_cast<RatioExpr>(value);
    if (!ratio)
      return mismatch();
    for (int64_t p : ratio->getParts())
      if (p <= 0) {
        error(ratio->getLoc(),
              "every part of the ratio for " + argDesc + " must be positive");
        return failure();
      }
    ratio->setType(Expr::Type::Ratio);
    return success();
  }
  case ParamType::Reward:
    if (failed(checkRewardExpr(*value)))
      return failure();
    return success();
  case ParamType::Predicate:
    if (failed(checkPredicate(*value)))
      return failure();
    return success();
  case ParamType::Balance: {
    if (auto *name = llvm::dyn_cast<NameExpr>(value)) {
      if (name->getName() != "none") {
        error(value->getLoc(), argDesc + " expects bias(rate) or none" +
                                   didYouMean(name->getName(), {"none"}));
        return failure();
      }
      name->resolveToSymbol();
      name->setType(Expr::Type::Symbol);
      return success();
    }
    auto *call = llvm::dyn_cast<CallExpr>(value);
    if (!call || call->getCallee() != "bias")
      return mismatch();
    call->setType(Expr::Type::Symbol);
    return normalize(call->getArgsMutable(), getBiasSignature(), call->getLoc(),
                     "bias");
  }
  case ParamType::Words:
    return checkWords(*value, param, argDesc);
  case ParamType::Block: {
    auto *block = llvm::dyn_cast<BlockExpr>(value);
    const Signature *fields = lookupBlockArg(param.name);
    if (!block || !fields) {
      error(value->getLoc(), argDesc + " is a block; write " + param.name +
                                 " { field = value ... }");
      return failure();
    }
    return normalize(
        block->getFieldsMutable(), *fields, block->getLoc(),
        ("the " + llvm::Twine(param.name) + " block of " + what).str());
  }
  case ParamType::ModelOrCkpt:
  case ParamType::Checkpoint:
  case ParamType::Dataset:
  case ParamType::Loss:
    return checkRef(arg, param, argDesc);
  }
  return success();
}

LogicalResult Sema::checkWords(Expr &value, const ParamSignature &param,
                               llvm::StringRef argDesc) {
  llvm::SmallVector<llvm::StringRef> choices;
  llvm::StringRef(param.choices).split(choices, '|');
  std::string list = llvm::join(choices, ", ");
  auto *words = llvm::dyn_cast<ListExpr>(&value);
  if (!words) {
    error(value.getLoc(), argDesc + " expects a list of words like [" +
                              choices.front() + ", " + choices.back() + "]");
    return failure();
  }
  if (words->getElements().empty()) {
    error(value.getLoc(), argDesc + " must list at least one of " + list);
    return failure();
  }
  bool ok = true;
  llvm::StringMap<mlir::Location> seen;
  for (const auto &element : words->getElements()) {
    auto *name = llvm::dyn_cast<NameExpr>(element.get());
    if (!name) {
      error(element->getLoc(),
            argDesc + " lists words; expected one of " + list);
      ok = false;
      continue;
    }
    if (!llvm::is_contained(choices, name->getName())) {
      error(name->getLoc(), "invalid value '" + name->getName() + "' in " +
                                argDesc + "; expected one of " + list +
                                didYouMean(name->getName(), choices));
      ok = false;
      continue;
    }
    auto [it, inserted] = seen.try_emplace(name->getName(), name->getLoc());
    if (!inserted) {
      error(name->getLoc(),
            "'" + name->getName() + "' is listed twice in " + argDesc)
              .attachNote(it->second)
          << "first listed here";
      ok = false;
      continue;
    }
    name->resolveToSymbol();
    name->setType(Expr::Type::Symbol);
  }
  if (ok)
    value.setType(Expr::Type::Symbol);
  return mlir::success(ok);
}

std::string r1::describeRef(const Decl *decl) {
  if (auto *stage = llvm::dyn_cast<StageDecl>(decl)) {
    const StageSignature *sig = lookupStage(stage->getCall()->getCallee());
    if (sig && sig->result == Expr::Type::Dataset)
      return std::string("a ") + sig->sig.name +
             " stage, which produces a dataset";
    if (sig && sig->result == Expr::Type::Unknown)
      return std::string("an ") + sig->sig.name +
             " stage, which produces nothing";
    return "a stage, which produces a checkpoint";
  }
  std::string kind = describe(decl->getKind()).str();
  return "a " + kind;
}

bool r1::isPretrained(const Decl *decl) {
  auto *model = llvm::dyn_cast_or_null<ModelDecl>(decl);
  return model && model->getSourceCall();
}

void r1::noteTrainFirst(mlir::InFlightDiagnostic &diag, const NameExpr &name) {
  diag.attachNote(name.getLoc())
      << "'" << name.getName()
      << "' has random weights; train it first: pretrain(" << name.getName()
      << ", DATA), or declare a pretrained model with hf(...) or gguf(...)";
}

LogicalResult Sema::checkRef(Arg &arg, const ParamSignature &param,
                             llvm::StringRef argDesc) {
  Expr *value = arg.value.get();
  if (param.type == ParamType::Dataset) {
    if (auto *call = llvm::dyn_cast<CallExpr>(value)) {
      if (call->getCallee() != "mix") {
        error(call->getLoc(), argDesc +
                                  " expects a dataset name or an "
                                  "inline mix(...); declare '" +
                                  call->getCallee() +
                                  "(...)' as a dataset first");
        return failure();
      }
      unsigned caps = CapNone;
      if (failed(checkDatasetCall(*call, caps, "mix")))
        return failure();
    }
  }
  auto *name = llvm::dyn_cast<NameExpr>(value);
  if (!name && !llvm::isa<CallExpr>(value)) {
    error(value->getLoc(),
          argDesc + " expects " + describe(param.type) + ", written as a name");
    return failure();
  }
  if (name && !resolve(*name))
    return failure();
  Expr::Type type = value->getType();
  const Decl *decl = name ? name->getDecl() : nullptr;
  bool ok = false;
  switch (param.type) {
  case ParamType::ModelOrCkpt:
    ok = type == Expr::Type::Model || type == Expr::Type::Checkpoint;
    break;
  case ParamType::Checkpoint:
    ok = type == Expr::Type::Checkpoint || isPretrained(decl);
    break;
  case ParamType::Dataset:
    ok = type == Expr::Type::Dataset;
    break;
  case ParamType::Loss:
    ok = type == Expr::Type::Loss;
    break;
  default:
    break;
  }
  if (!ok) {
    auto diag =
        error(value->getLoc(), argDesc + " expects " + describe(param.type) +
                                   ", but '" + (name ? name->getName() : "") +
                                   "' is " + (decl ? describeRef(decl) : ""));
    if (decl)
      diag.attachNote(decl->getLoc())
          << "'" << name->getName() << "' is defined here";
    if (type == Expr::Type::Model && param.type == ParamType::Checkpoint)
      noteTrainFirst(diag, *name);
    return failure();
  }
  if (param.type == ParamType::Dataset && param.needCaps) {
    unsigned caps = capsOf(value);
    if ((caps & param.needCaps) != param.needCaps) {
      llvm::StringRef need =
          param.needCaps == CapPairs  ? "prompt/response pairs"
          : param.needCaps == CapText ? "text"
                                      : "prompts with verifiable answers";
      auto diag = error(value->getLoc(),
                        argDesc + " needs a dataset of " + need + ", but '" +
                            (name ? name->getName() : "mix(...)") +
                            "' does not provide them");
      if (decl)
        diag.attachNote(decl->getLoc())
            << "'" << name->getName() << "' is defined here";
      return failure();
    }
  }
  return success();
}

/// Is this a numeric constant expression?
static bool isConst(const Expr &e) { return fold(&e).has_value(); }

LogicalResult Sema::checkRewardExpr(Expr &expr) {
  auto bad = [&](const llvm::Twine &why) {
    error(expr.getLoc(), "rewards must be a weighted sum of rewards such as "
                         "'accuracy + 0.1 * format'; " +
                             why);
    return failure();
  };
  if (auto *name = llvm::dyn_cast<NameExpr>(&expr)) {
    const Decl *decl = resolve(*name);
    if (!decl)
      return failure();
    if (!llvm::isa<RewardDecl>(decl)) {
      auto diag =
          error(expr.getLoc(), "'" + name->getName() + "' is " +
                                   describeRef(decl) + ", not a reward");
      diag.attachNote(decl->getLoc())
          << "'" << name->getName() << "' is defined here";
      return failure();
    }
    expr.setType(Expr::Type::Reward);
    return success();
  }
  if (auto *u = llvm::dyn_cast<UnaryExpr>(&expr)) {
    if (u->getOp() != UnaryExpr::Op::Neg)
      return bad("'not' makes a condition, not a reward");
    if (failed(checkRewardExpr(*u->getOperand())))
      return failure();
    expr.setType(Expr::Type::Reward);
    return success();
  }
  auto *b = llvm::dyn_cast<BinaryExpr>(&expr);
  if (!b)
    return isConst(expr) ? bad("a constant alone is not a reward")
                         : bad("this is not a reward");
  switch (b->getOp()) {
  case BinaryExpr::Op::Add:
  case BinaryExpr::Op::Sub:
    if (failed(checkRewardExpr(*b->getLhs())) ||
        failed(checkRewardExpr(*b->getRhs())))
      return failure();
    break;
  case BinaryExpr::Op::Mul:
    if (isConst(*b->getLhs())) {
      if (failed(checkRewardExpr(*b->getRhs())))
        return failure();
    } else if (isConst(*b->getRhs())) {
      if (failed(checkRewardExpr(*b->getLhs())))
        return failure();
    } else {
      return bad("a product needs a constant weight on one side");
    }
    break;
  case BinaryExpr::Op::Div: {
    auto d = fold(b->getRhs());
    if (!d || d->value == 0)
      return bad("divide only by a nonzero constant");
    if (failed(checkRewardExpr(*b->getLhs())))
      return failure();
    break;
  }
  default:
    return bad("'" + spell(b->getOp()) +
               "' makes a condition; use it in "
               "'keep', not in 'rewards'");
  }
  expr.setType(Expr::Type::Reward);
  return success();
}

LogicalResult Sema::checkPredicate(Expr &expr) {
  if (auto *u = llvm::dyn_cast<UnaryExpr>(&expr);
      u && u->getOp() == UnaryExpr::Op::Not) {
    if (failed(checkPredicate(*u->getOperand())))
      return failure();
    expr.setType(Expr::Type::Predicate);
    return success();
  }
  auto *b = llvm::dyn_cast<BinaryExpr>(&expr);
  if (!b) {
    error(expr.getLoc(), "expected a condition on rewards such as "
                         "'accuracy == 1 and format == 1'");
    return failure();
  }
  switch (b->getOp()) {
  case BinaryExpr::Op::And:
  case BinaryExpr::Op::Or:
    if (failed(checkPredicate(*b->getLhs())) ||
        failed(checkPredicate(*b->getRhs())))
      return failure();
    break;
  case BinaryExpr::Op::Lt:
  case BinaryExpr::Op::Le:
  case BinaryExpr::Op::Gt:
  case BinaryExpr::Op::Ge:
  case BinaryExpr::Op::Eq:
  case BinaryExpr::Op::Ne: {
    Expr *reward = b->getLhs(), *bound = b->getRhs();
    if (isConst(*reward))
      std::swap(reward, bound);
    if (!isConst(*bound)) {
      error(b->getLoc(), "a comparison in a condition needs a constant on "
                         "one side, e.g. 'accuracy >= 0.5'");
      return failure();
    }
    if (failed(checkRewardExpr(*reward)))
      return failure();
    bound->setType(Expr::Type::Number);
    break;
  }
  default:
    error(b->getLoc(), "expected a condition on rewards such as "
                       "'accuracy == 1 and format == 1'");
    return failure();
  }
  expr.setType(Expr::Type::Predicate);
  return success();
}
