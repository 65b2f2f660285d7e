//===- Ast.h - Expression and statement trees of a template -----*- C++ -*-===//
//
// The parser builds these trees and the evaluator walks them. Each node keeps
// the line and column of its first token for error messages. One node type
// per family, with a kind tag, keeps the tree small and easy to walk.
//
//===----------------------------------------------------------------------===//

#ifndef R1JINJA_AST_H
#define R1JINJA_AST_H

#include "Value.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace r1jinja {

struct Loc {
  int line = 0, col = 0;
};

enum class ExprKind {
  Literal,  ///< value
  Name,     ///< name
  ListLit,  ///< args (tuple when `tuple`)
  DictLit,  ///< args: key, value, key, value, ...
  GetAttr,  ///< args[0].name
  GetItem,  ///< args[0][args[1]]
  Slice,    ///< args[0][args[1]:args[2]:args[3]], missing parts are null
  Call,     ///< args[0](args[1..], kwargs)
  Filter,   ///< args[0] | name(args[1..], kwargs)
  Test,     ///< args[0] is [not] name(args[1..])
  Unary,    ///< op args[0]: "-", "+", "not"
  Binary,   ///< args[0] op args[1]: + - * / // % ** ~ and or
  Compare,  ///< args[0] ops[0] args[1] ops[1] args[2] ...
  CondExpr, ///< args[1] if args[0] else args[2] (args[2] may be null)
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  ExprKind kind;
  Loc loc;
  Value value;      ///< Literal
  std::string name; ///< Name, GetAttr, Filter, Test, Unary/Binary op
  std::vector<ExprPtr> args;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  std::vector<std::string> ops; ///< Compare
  bool negated = false;         ///< Test: `is not`
  bool tuple = false;           ///< ListLit
};

enum class StmtKind {
  Text,     ///< text
  Print,    ///< {{ expr }}
  If,       ///< branches: (cond, body)...; a null cond is the else branch
  For,      ///< for targets in expr [if filter]: body [else elseBody]
  Set,      ///< set targets = expr; `attr` set: targets[0].attr = expr
  SetBlock, ///< set targets[0] %}body{% endset
  Macro,    ///< macro name(params) body
  Break,
  Continue,
  Generation, ///< transformers' {% generation %}: renders its body
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

struct Stmt {
  StmtKind kind;
  Loc loc;
  std::string text;                 ///< Text; Macro name; Set attribute
  ExprPtr expr;                     ///< Print, For iterable, Set value
  ExprPtr filter;                   ///< For `if` filter
  std::vector<std::string> targets; ///< For, Set, SetBlock
  std::vector<std::pair<ExprPtr, Body>> branches; ///< If
  Body body, elseBody; ///< For, SetBlock, Macro, Generation
  std::vector<std::pair<std::string, ExprPtr>>
      params; ///< Macro (default may be null)
};

/// A parsed template: the top-level statements.
struct Template {
  Body body;
};

} // namespace r1jinja

#endif // R1JINJA_AST_H
