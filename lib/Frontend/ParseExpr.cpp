//===- ParseExpr.cpp - Recursive-descent parser for .r1p: expressions ----===//
//
// Expressions by precedence (or, and, not, comparison, additive,
// multiplicative, unary, primary), numbers and call arguments. Nesting is
// bounded in recursion (enter/NestingScope) and in tree depth (makeBinary).
//
//===----------------------------------------------------------------------===//

#include "ParserImpl.h"

using namespace r1;
using namespace r1::ast;
using namespace r1::detail;
using mlir::failure;
using mlir::FailureOr;
using mlir::LogicalResult;
using mlir::success;

/// args ::= '(' [arg (',' arg)*] ')'
/// arg ::= [word '='] expr | word '{' (word '=' expr)* '}'
/// A block argument (`lora { rank = 8 }`) is the argument named after it.
LogicalResult Parser::parseArgs(std::vector<Arg> &args, unsigned &depth) {
  consume(); // '('
  if (tok.is(Token::r_paren)) {
    consume();
    return success();
  }
  while (true) {
    mlir::Location at = loc();
    std::string name;
    if (tok.isWord()) {
      // Look ahead for `name =` or `name {` without consuming on a plain
      // expression.
      Token saved = tok;
      Lexer savedLexer = lexer;
      consume();
      if (tok.is(Token::error))
        return failure();
      if (tok.is(Token::equal)) {
        name = saved.getSpelling().str();
        consume();
      } else if (tok.is(Token::l_brace)) {
        name = saved.getSpelling().str();
        consume();
        std::vector<Arg> fields;
        if (failed(parseFields(fields, nullptr, "block '" + name + "'")))
          return failure();
        args.push_back(
            Arg{name, std::make_unique<BlockExpr>(at, name, std::move(fields)),
                at});
        depth = std::max(depth, 3u);
        if (tok.is(Token::comma)) {
          consume();
          continue;
        }
        return expect(Token::r_paren, "to close the argument list");
      } else {
        tok = saved;
        lexer = savedLexer;
      }
    }
    auto value = parseExpr();
    if (failed(value))
      return failure();
    depth = std::max(depth, value->depth + 1);
    args.push_back(Arg{name, std::move(value->expr), at});
    if (tok.is(Token::comma)) {
      consume();
      continue;
    }
    return expect(Token::r_paren, "to close the argument list");
  }
}

/// expr ::= or-expr
FailureOr<ParsedExpr> Parser::parseExpr() {
  if (failed(enter()))
    return failure();
  NestingScope scope(nesting);
  return parseOr();
}

FailureOr<ParsedExpr> Parser::makeBinary(mlir::Location at, BinaryExpr::Op op,
                                         ParsedExpr lhs, ParsedExpr rhs) {
  unsigned depth = std::max(lhs.depth, rhs.depth) + 1;
  if (depth > kMaxNestingDepth)
    return emitErrorAt(at, "expression nested too deeply (limit " +
                               llvm::Twine(kMaxNestingDepth) +
                               "); split it with 'let' or simplify it");
  return ParsedExpr{std::make_unique<BinaryExpr>(at, op, std::move(lhs.expr),
                                                 std::move(rhs.expr)),
                    depth};
}

/// or-expr ::= and-expr ('or' and-expr)*
FailureOr<ParsedExpr> Parser::parseOr() {
  auto lhs = parseAnd();
  while (succeeded(lhs) && tok.is(Token::kw_or)) {
    mlir::Location at = loc();
    consume();
    auto rhs = parseAnd();
    if (failed(rhs))
      return failure();
    lhs = makeBinary(at, BinaryExpr::Op::Or, std::move(*lhs), std::move(*rhs));
  }
  return lhs;
}

/// and-expr ::= not-expr ('and' not-expr)*
FailureOr<ParsedExpr> Parser::parseAnd() {
  auto lhs = parseNot();
  while (succeeded(lhs) && tok.is(Token::kw_and)) {
    mlir::Location at = loc();
    consume();
    auto rhs = parseNot();
    if (failed(rhs))
      return failure();
    lhs = makeBinary(at, BinaryExpr::Op::And, std::move(*lhs), std::move(*rhs));
  }
  return lhs;
}

/// not-expr ::= 'not' not-expr | comparison
FailureOr<ParsedExpr> Parser::parseNot() {
  if (tok.isNot(Token::kw_not))
    return parseComparison();
  mlir::Location at = loc();
  consume();
  if (failed(enter()))
    return failure();
  NestingScope scope(nesting);
  auto operand = parseNot();
  if (failed(operand))
    return failure();
  return ParsedExpr{std::make_unique<UnaryExpr>(at, UnaryExpr::Op::Not,
                                                std::move(operand->expr)),
                    operand->depth + 1};
}

static std::optional<BinaryExpr::Op> comparisonOp(Token::Kind kind) {
  switch (kind) {
  case Token::less:
    return BinaryExpr::Op::Lt;
  case Token::less_equal:
    return BinaryExpr::Op::Le;
  case Token::greater:
    return BinaryExpr::Op::Gt;
  case Token::greater_equal:
    return BinaryExpr::Op::Ge;
  case Token::equal_equal:
    return BinaryExpr::Op::Eq;
  case Token::not_equal:
    return BinaryExpr::Op::Ne;
  default:
    return std::nullopt;
  }
}

/// comparison ::= additive [('<'|'<='|'>'|'>='|'=='|'!=') additive]
FailureOr<ParsedExpr> Parser::parseComparison() {
  auto lhs = parseAdditive();
  if (failed(lhs))
    return failure();
  auto op = comparisonOp(tok.getKind());
  if (!op)
    return lhs;
  mlir::Location at = loc();
  consume();
  auto rhs = parseAdditive();
  if (failed(rhs))
    return failure();
  if (comparisonOp(tok.getKind()))
    return emitError("comparisons cannot be chained; combine them with "
                     "'and'");
  return makeBinary(at, *op, std::move(*lhs), std::move(*rhs));
}

/// additive ::= multiplicative (('+'|'-') multiplicative)*
FailureOr<ParsedExpr> Parser::parseAdditive() {
  auto lhs = parseMultiplicative();
  while (succeeded(lhs) && (tok.is(Token::plus) || tok.is(Token::minus))) {
    auto op = tok.is(Token::plus) ? BinaryExpr::Op::Add : BinaryExpr::Op::Sub;
    mlir::Location at = loc();
    consume();
    auto rhs = parseMultiplicative();
    if (failed(rhs))
      return failure();
    lhs = makeBinary(at, op, std::move(*lhs), std::move(*rhs));
  }
  return lhs;
}

/// multiplicative ::= unary (('*'|'/') unary)*
FailureOr<ParsedExpr> Parser::parseMultiplicative() {
  auto lhs = parseUnary();
  while (succeeded(lhs) && (tok.is(Token::star) || tok.is(Token::slash))) {
    auto op = tok.is(Token::star) ? BinaryExpr::Op::Mul : BinaryExpr::Op::Div;
    mlir::Location at = loc();
    consume();
    auto rhs = parseUnary();
    if (failed(rhs))
      return failure();
    lhs = makeBinary(at, op, std::move(*lhs), std::move(*rhs));
  }
  return lhs;
}

/// unary ::= '-' unary | primary
FailureOr<ParsedExpr> Parser::parseUnary() {
  if (tok.isNot(Token::minus))
    return parsePrimary();
  mlir::Location at = loc();
  consume();
  if (failed(enter()))
    return failure();
  NestingScope scope(nesting);
  auto operand = parseUnary();
  if (failed(operand))
    return failure();
  return ParsedExpr{std::make_unique<UnaryExpr>(at, UnaryExpr::Op::Neg,
                                                std::move(operand->expr)),
                    operand->depth + 1};
}

/// integer ::= [0-9]+   (must fit in 64 bits)
LogicalResult Parser::parseInteger(int64_t &value) {
  if (tok.isNot(Token::integer))
    return emitError("expected an integer, found " + describeCurrent());
  if (tok.getSpelling().getAsInteger(10, value))
    return emitError("integer '" + tok.getSpelling() +
                     "' is too large (64-bit limit)");
  consume();
  return success();
}

/// number ::= integer ['..' integer | (':' integer)+] | float
FailureOr<ParsedExpr> Parser::parseNumber() {
  mlir::Location at = loc();
  if (tok.is(Token::floating)) {
    double v;
    if (tok.getSpelling().getAsDouble(v) || !std::isfinite(v))
      return emitError("number '" + tok.getSpelling() + "' is out of range");
    consume();
    return ParsedExpr{std::make_unique<FloatExpr>(at, v), 1};
  }
  int64_t v;
  if (failed(parseInteger(v)))
    return failure();
  if (tok.is(Token::dotdot)) {
    consume();
    int64_t hi;
    if (failed(parseInteger(hi)))
      return failure();
    return ParsedExpr{std::make_unique<RangeExpr>(at, v, hi), 1};
  }
  if (tok.is(Token::colon)) {
    std::vector<int64_t> parts{v};
    while (tok.is(Token::colon)) {
      consume();
      int64_t p;
      if (failed(parseInteger(p)))
        return failure();
      parts.push_back(p);
    }
    return ParsedExpr{std::make_unique<RatioExpr>(at, std::move(parts)), 1};
  }
  return ParsedExpr{std::make_unique<IntExpr>(at, v), 1};
}

/// primary ::= number | string | 'true' | 'false' | '(' expr ')'
///           | '[' [expr (',' expr)*] ']' | dotted-name [args]
FailureOr<ParsedExpr> Parser::parsePrimary() {
  mlir::Location at = loc();
  switch (tok.getKind()) {
  case Token::l_square: {
    consume();
    std::vector<std::unique_ptr<Expr>> elements;
    unsigned depth = 1;
    while (tok.isNot(Token::r_square)) {
      auto element = parseExpr();
      if (failed(element))
        return failure();
      depth = std::max(depth, element->depth + 1);
      elements.push_back(std::move(element->expr));
      if (tok.isNot(Token::comma))
        break;
      consume();
    }
    if (failed(expect(Token::r_square, "to close the list")))
      return failure();
    return ParsedExpr{std::make_unique<ListExpr>(at, std::move(elements)),
                      depth};
  }
  case Token::integer:
  case Token::floating:
    return parseNumber();
  case Token::string: {
    std::string v = tok.getStringValue();
    consume();
    return ParsedExpr{std::make_unique<StringExpr>(at, std::move(v)), 1};
  }
  case Token::kw_true:
  case Token::kw_false: {
    bool v = tok.is(Token::kw_true);
    consume();
    return ParsedExpr{std::make_unique<BoolExpr>(at, v), 1};
  }
  case Token::l_paren: {
    consume();
    auto inner = parseExpr();
    if (failed(inner) ||
        failed(expect(Token::r_paren, "to close the parenthesis")))
      return failure();
    return inner;
  }
  case Token::identifier: {
    std::string name;
    if (failed(parseDottedName(name, at)))
      return failure();
    if (tok.isNot(Token::l_paren))
      return ParsedExpr{std::make_unique<NameExpr>(at, name), 1};
    if (failed(enter()))
      return failure();
    NestingScope scope(nesting);
    std::vector<Arg> args;
    unsigned depth = 1;
    if (failed(parseArgs(args, depth)))
      return failure();
    if (depth > kMaxNestingDepth)
      return emitErrorAt(at, "expression nested too deeply (limit " +
                                 llvm::Twine(kMaxNestingDepth) + ")");
    return ParsedExpr{std::make_unique<CallExpr>(at, name, std::move(args)),
                      depth};
  }
  default:
    if (tok.isKeyword())
      return emitError("'" + tok.getSpelling() +
                       "' is a keyword and cannot start an expression");
    return emitError("expected an expression, found " + describeCurrent());
  }
}
