//===- ParserImpl.h - The .r1p parser class -------------------*- C++ -*-===//
//
// Internal to the front end: the recursive-descent parser shared by
// Parser.cpp (files and declarations) and ParseExpr.cpp (expressions and
// call arguments). Use parseBuffer (Parser.h) from outside.
//
//===----------------------------------------------------------------------===//

#ifndef R1_FRONTEND_PARSERIMPL_H
#define R1_FRONTEND_PARSERIMPL_H

#include "Lexer.h"
#include "Parser.h"

#include "mlir/IR/Diagnostics.h"

namespace r1::detail {

/// An expression together with the depth of its tree.
struct ParsedExpr {
  std::unique_ptr<ast::Expr> expr;
  unsigned depth = 1;
};

class Parser {
public:
  Parser(const llvm::SourceMgr &sourceMgr, unsigned bufferId,
         mlir::MLIRContext *context)
      : lexer(sourceMgr, bufferId, context) {
    tok = lexer.lexToken();
  }

  mlir::FailureOr<ParsedFile> parseFile(bool isLibrary);

private:
  //===--- Token helpers --------------------------------------------------===//
  mlir::Location loc() const { return lexer.getLoc(tok); }
  void consume() { tok = lexer.lexToken(); }
  /// Reports `message` at the current token (unless it is a lexer error,
  /// which was already reported).
  mlir::LogicalResult emitError(const llvm::Twine &message) {
    if (tok.is(Token::error))
      return mlir::failure();
    mlir::emitError(loc(), message);
    return mlir::failure();
  }
  mlir::LogicalResult emitErrorAt(mlir::Location at,
                                  const llvm::Twine &message) {
    if (tok.is(Token::error))
      return mlir::failure();
    mlir::emitError(at, message);
    return mlir::failure();
  }
  /// Consumes a token of `kind` or reports "expected X <context>".
  mlir::LogicalResult expect(Token::Kind kind, const llvm::Twine &context) {
    if (tok.is(kind)) {
      consume();
      return mlir::success();
    }
    return emitError("expected " + Token::describe(kind) + " " + context +
                     ", found " + describeCurrent());
  }
  std::string describeCurrent() const {
    if (tok.is(Token::identifier) || tok.is(Token::integer) ||
        tok.is(Token::floating))
      return ("'" + tok.getSpelling() + "'").str();
    return Token::describe(tok.getKind()).str();
  }
  /// Parses a name (identifier) into `name`/`at`.
  mlir::LogicalResult parseName(std::string &name, mlir::Location &at,
                          const llvm::Twine &context) {
    if (tok.isNot(Token::identifier)) {
      if (tok.isKeyword())
        return emitError("'" + tok.getSpelling() +
                         "' is a keyword and cannot be used as a name " +
                         context);
      return emitError("expected a name " + context + ", found " +
                       describeCurrent());
    }
    name = tok.getSpelling().str();
    at = loc();
    consume();
    return mlir::success();
  }

  //===--- Declarations ---------------------------------------------------===//
  mlir::FailureOr<std::unique_ptr<ast::Pipeline>> parsePipeline();
  mlir::LogicalResult parseItem(ast::Pipeline &pipeline);
  mlir::FailureOr<std::unique_ptr<ast::LossDecl>> parseLoss();
  mlir::FailureOr<std::unique_ptr<ast::Decl>> parseModel();
  mlir::LogicalResult parseFields(std::vector<ast::Field> &fields,
                            std::vector<ast::SubBlock> *blocks,
                            llvm::StringRef context);
  mlir::FailureOr<std::unique_ptr<ast::Decl>> parseEval();
  mlir::FailureOr<std::unique_ptr<ast::CallExpr>>
  parseCallDecl(llvm::StringRef what);

  //===--- Expressions ----------------------------------------------------===//
  mlir::FailureOr<ParsedExpr> parseExpr();
  mlir::FailureOr<ParsedExpr> parseOr();
  mlir::FailureOr<ParsedExpr> parseAnd();
  mlir::FailureOr<ParsedExpr> parseNot();
  mlir::FailureOr<ParsedExpr> parseComparison();
  mlir::FailureOr<ParsedExpr> parseAdditive();
  mlir::FailureOr<ParsedExpr> parseMultiplicative();
  mlir::FailureOr<ParsedExpr> parseUnary();
  mlir::FailureOr<ParsedExpr> parsePrimary();
  mlir::FailureOr<ParsedExpr> parseNumber();
  mlir::LogicalResult parseArgs(std::vector<ast::Arg> &args, unsigned &depth);
  mlir::LogicalResult parseDottedName(std::string &name, mlir::Location &at);
  mlir::LogicalResult parseInteger(int64_t &value);
  /// Combines two operands; fails when the tree gets too deep.
  mlir::FailureOr<ParsedExpr> makeBinary(mlir::Location at,
                                         ast::BinaryExpr::Op op,
                                         ParsedExpr lhs, ParsedExpr rhs);
  /// Guards recursion depth; fails with a diagnostic past the limit.
  mlir::LogicalResult enter() {
    if (++nesting > kMaxNestingDepth)
      return emitError("expression nested too deeply (limit " +
                       llvm::Twine(kMaxNestingDepth) +
                       "); split it with 'let' or simplify it");
    return mlir::success();
  }

  Lexer lexer;
  Token tok;
  unsigned nesting = 0;
};

/// RAII exit for Parser::enter.
struct NestingScope {
  explicit NestingScope(unsigned &n) : n(n) {}
  ~NestingScope() { --n; }
  unsigned &n;
};

} // namespace r1::detail

#endif // R1_FRONTEND_PARSERIMPL_H
