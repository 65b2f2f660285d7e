//===- Lexer.h - Tokenizer for the .r1p language ----------------*- C++ -*-===//
//
// Internal to the front end. Turns one buffer into tokens (TokenKinds.def)
// with their locations; a malformed token is reported once and becomes
// Token::error.
//
//===----------------------------------------------------------------------===//

#ifndef R1_FRONTEND_LEXER_H
#define R1_FRONTEND_LEXER_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"

#include <string>

namespace r1 {

/// One token: its kind, its spelling in the buffer and its position.
class Token {
public:
  /// Every token kind, from TokenKinds.def.
  enum Kind {
#define TOK_MARKER(NAME) NAME,
#define TOK_IDENTIFIER(NAME) NAME,
#define TOK_LITERAL(NAME) NAME,
#define TOK_PUNCTUATION(NAME, SPELLING) NAME,
#define TOK_KEYWORD(SPELLING) kw_##SPELLING,
#include "TokenKinds.def"
  };

  Token() = default;
  Token(Kind kind, llvm::StringRef spelling, unsigned line, unsigned col)
      : kind(kind), spelling(spelling), line(line), col(col) {}

  Kind getKind() const { return kind; }
  bool is(Kind k) const { return kind == k; }
  bool isNot(Kind k) const { return kind != k; }
  /// True for any keyword.
  bool isKeyword() const;
  /// True for identifiers and keywords (usable as a field/argument name).
  bool isWord() const { return kind == identifier || isKeyword(); }
  llvm::StringRef getSpelling() const { return spelling; }
  llvm::SMLoc getLoc() const {
    return llvm::SMLoc::getFromPointer(spelling.data());
  }
  unsigned getLine() const { return line; }
  unsigned getColumn() const { return col; }

  /// The decoded value of a string token (escapes resolved).
  std::string getStringValue() const;

  /// A printable description of a token kind for messages ("'{'", "a name").
  static llvm::StringRef describe(Kind kind);

private:
  Kind kind = eof;
  llvm::StringRef spelling;
  unsigned line = 1, col = 1;
};

/// Splits one SourceMgr buffer into tokens. Lexical errors are reported
/// through mlir::emitError and produce a Token::error.
class Lexer {
public:
  Lexer(const llvm::SourceMgr &sourceMgr, unsigned bufferId,
        mlir::MLIRContext *context);

  /// Lexes and returns the next token.
  Token lexToken();

  /// The location of a token, as a FileLineColLoc.
  mlir::Location getLoc(const Token &tok) const;
  /// A location `line:col` in this buffer.
  mlir::Location getLoc(unsigned line, unsigned col) const;

private:
  Token formToken(Token::Kind kind, const char *start);
  Token emitError(const char *loc, const llvm::Twine &message);
  Token lexIdentifierOrKeyword(const char *start);
  Token lexNumber(const char *start);
  Token lexString(const char *start);
  /// Skips a `/* */` comment; false (after an error) if unterminated.
  bool skipBlockComment();
  /// Records that a newline ends at `afterNewline`.
  void newline(const char *afterNewline) {
    ++line;
    lineStart = afterNewline;
  }

  mlir::MLIRContext *context;
  mlir::StringAttr bufferName;
  llvm::StringRef buffer;
  const char *curPtr;
  unsigned line = 1;
  const char *lineStart;
};

} // namespace r1

#endif // R1_FRONTEND_LEXER_H
