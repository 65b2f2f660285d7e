//===- AST.cpp - Helpers of the .r1p AST ----------------------------------===//

#include "r1/Frontend/AST.h"

using namespace r1::ast;

llvm::StringRef r1::ast::spell(BinaryExpr::Op op) {
  switch (op) {
  case BinaryExpr::Op::Add:
    return "+";
  case BinaryExpr::Op::Sub:
    return "-";
  case BinaryExpr::Op::Mul:
    return "*";
  case BinaryExpr::Op::Div:
    return "/";
  case BinaryExpr::Op::Lt:
    return "<";
  case BinaryExpr::Op::Le:
    return "<=";
  case BinaryExpr::Op::Gt:
    return ">";
  case BinaryExpr::Op::Ge:
    return ">=";
  case BinaryExpr::Op::Eq:
    return "==";
  case BinaryExpr::Op::Ne:
    return "!=";
  case BinaryExpr::Op::And:
    return "and";
  case BinaryExpr::Op::Or:
    return "or";
  }
  return "?";
}

llvm::StringRef r1::ast::spell(UnaryExpr::Op op) {
  return op == UnaryExpr::Op::Neg ? "-" : "not";
}

llvm::StringRef r1::ast::spell(LossDecl::Reduce reduce) {
  switch (reduce) {
  case LossDecl::Reduce::TokenMean:
    return "token_mean";
  case LossDecl::Reduce::SeqMean:
    return "seq_mean";
  case LossDecl::Reduce::SeqSumNorm:
    return "seq_sum_norm";
  }
  return "?";
}

llvm::StringRef r1::ast::describe(Decl::Kind kind) {
  switch (kind) {
  case Decl::Kind::Setting:
    return "setting";
  case Decl::Kind::Tokenizer:
    return "tokenizer";
  case Decl::Kind::Model:
    return "model";
  case Decl::Kind::Dataset:
    return "dataset";
  case Decl::Kind::Reward:
    return "reward";
  case Decl::Kind::Loss:
    return "loss";
  case Decl::Kind::Stage:
    return "stage";
  case Decl::Kind::Eval:
    return "eval";
  }
  return "declaration";
}

const Arg *CallExpr::findArg(llvm::StringRef n) const {
  for (const Arg &a : args)
    if (a.name == n)
      return &a;
  return nullptr;
}

const Expr *CallExpr::getArgValue(llvm::StringRef n) const {
  const Arg *a = findArg(n);
  return a ? a->value.get() : nullptr;
}

const Expr *BlockExpr::getFieldValue(llvm::StringRef n) const {
  for (const Arg &a : fields)
    if (a.name == n)
      return a.value.get();
  return nullptr;
}

const Decl *Pipeline::lookup(llvm::StringRef n) const {
  for (const auto &d : decls)
    if (!llvm::isa<SettingDecl, EvalDecl, TokenizerDecl>(d.get()) &&
        d->getName() == n)
      return d.get();
  return nullptr;
}

const TokenizerDecl *Pipeline::getTokenizer() const {
  for (const auto &d : decls)
    if (auto *t = llvm::dyn_cast<TokenizerDecl>(d.get()))
      return t;
  return nullptr;
}

const Expr *Pipeline::getSetting(llvm::StringRef n) const {
  for (const auto &d : decls)
    if (auto *s = llvm::dyn_cast<SettingDecl>(d.get()))
      if (s->getName() == n)
        return s->getValue();
  return nullptr;
}
