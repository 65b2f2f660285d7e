//===- Lexer.cpp - Tokenizer for the .r1p language ------------------------===//
//
// Tracks line and column incrementally (never re-scanning a line), so that a
// megabyte-long line lexes in linear time. NUL bytes that are not the end of
// the buffer and bytes outside printable ASCII are errors outside strings.
//
//===----------------------------------------------------------------------===//

#include "Lexer.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

using namespace r1;

bool Token::isKeyword() const {
  switch (kind) {
#define TOK_KEYWORD(SPELLING) case kw_##SPELLING:
#include "TokenKinds.def"
    return true;
  default:
    return false;
  }
}

llvm::StringRef Token::describe(Kind kind) {
  switch (kind) {
  case eof:
    return "end of file";
  case error:
    return "an invalid token";
  case identifier:
    return "a name";
  case integer:
    return "an integer";
  case floating:
    return "a number";
  case string:
    return "a string";
#define TOK_PUNCTUATION(NAME, SPELLING)                                        \
  case NAME:                                                                   \
    return "'" SPELLING "'";
#define TOK_KEYWORD(SPELLING)                                                  \
  case kw_##SPELLING:                                                          \
    return "'" #SPELLING "'";
#include "TokenKinds.def"
  }
  return "a token";
}

static int hexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

std::string Token::getStringValue() const {
  assert(kind == string && "not a string token");
  llvm::StringRef body = spelling.drop_front().drop_back();
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 >= body.size()) {
      out.push_back(c);
      continue;
    }
    char e = body[++i];
    switch (e) {
    case 'n':
      out.push_back('\n');
      break;
    case 't':
      out.push_back('\t');
      break;
    case 'r':
      out.push_back('\r');
      break;
    case '0':
      out.push_back('\0');
      break;
    case 'x':
      // The lexer guarantees two hex digits.
      out.push_back(char(hexValue(body[i + 1]) * 16 + hexValue(body[i + 2])));
      i += 2;
      break;
    default: // '\\', '"', '\''
      out.push_back(e);
      break;
    }
  }
  return out;
}

Lexer::Lexer(const llvm::SourceMgr &sourceMgr, unsigned bufferId,
             mlir::MLIRContext *context)
    : context(context) {
  const llvm::MemoryBuffer *mb = sourceMgr.getMemoryBuffer(bufferId);
  bufferName = mlir::StringAttr::get(context, mb->getBufferIdentifier());
  buffer = mb->getBuffer();
  curPtr = buffer.begin();
  lineStart = curPtr;
}

mlir::Location Lexer::getLoc(unsigned l, unsigned c) const {
  return mlir::FileLineColLoc::get(bufferName, l, c);
}

mlir::Location Lexer::getLoc(const Token &tok) const {
  return getLoc(tok.getLine(), tok.getColumn());
}

Token Lexer::formToken(Token::Kind kind, const char *start) {
  return Token(kind, llvm::StringRef(start, curPtr - start), line,
               unsigned(start - lineStart) + 1);
}

Token Lexer::emitError(const char *loc, const llvm::Twine &message) {
  mlir::emitError(getLoc(line, unsigned(loc - lineStart) + 1), message);
  return Token(Token::error, llvm::StringRef(loc, 0), line,
               unsigned(loc - lineStart) + 1);
}

bool Lexer::skipBlockComment() {
  const char *start = curPtr - 2;
  unsigned startLine = line;
  const char *startLineStart = lineStart;
  while (curPtr != buffer.end()) {
    char c = *curPtr++;
    if (c == '\n')
      newline(curPtr);
    else if (c == '*' && curPtr != buffer.end() && *curPtr == '/') {
      ++curPtr;
      return true;
    }
  }
  mlir::emitError(getLoc(startLine, unsigned(start - startLineStart) + 1),
                  "unterminated block comment; close it with '*/'");
  return false;
}

Token Lexer::lexToken() {
  while (true) {
    const char *tokStart = curPtr;
    if (curPtr == buffer.end())
      return formToken(Token::eof, tokStart);
    char c = *curPtr++;
    switch (c) {
    case ' ':
    case '\t':
    case '\r':
      continue;
    case '\n':
      newline(curPtr);
      continue;
    case '{':
      return formToken(Token::l_brace, tokStart);
    case '}':
      return formToken(Token::r_brace, tokStart);
    case '(':
      return formToken(Token::l_paren, tokStart);
    case ')':
      return formToken(Token::r_paren, tokStart);
    case '[':
      return formToken(Token::l_square, tokStart);
    case ']':
      return formToken(Token::r_square, tokStart);
    case ',':
      return formToken(Token::comma, tokStart);
    case ':':
      return formToken(Token::colon, tokStart);
    case '@':
      return formToken(Token::at, tokStart);
    case '+':
      return formToken(Token::plus, tokStart);
    case '-':
      return formToken(Token::minus, tokStart);
    case '*':
      return formToken(Token::star, tokStart);
    case '.':
      if (curPtr != buffer.end() && *curPtr == '.') {
        ++curPtr;
        return formToken(Token::dotdot, tokStart);
      }
      return formToken(Token::period, tokStart);
    case '=':
      if (curPtr != buffer.end() && *curPtr == '=') {
        ++curPtr;
        return formToken(Token::equal_equal, tokStart);
      }
      return formToken(Token::equal, tokStart);
    case '<':
      if (curPtr != buffer.end() && *curPtr == '=') {
        ++curPtr;
        return formToken(Token::less_equal, tokStart);
      }
      return formToken(Token::less, tokStart);
    case '>':
      if (curPtr != buffer.end() && *curPtr == '=') {
        ++curPtr;
        return formToken(Token::greater_equal, tokStart);
      }
      return formToken(Token::greater, tokStart);
    case '!':
      if (curPtr != buffer.end() && *curPtr == '=') {
        ++curPtr;
        return formToken(Token::not_equal, tokStart);
      }
      return emitError(tokStart, "unexpected '!'; use 'not' for negation "
                                 "or '!=' for inequality");
    case '/':
      if (curPtr != buffer.end() && *curPtr == '/') {
        while (curPtr != buffer.end() && *curPtr != '\n')
          ++curPtr;
        continue;
      }
      if (curPtr != buffer.end() && *curPtr == '*') {
        ++curPtr;
        if (!skipBlockComment())
          return Token(Token::error, llvm::StringRef(tokStart, 0), line, 1);
        continue;
      }
      return formToken(Token::slash, tokStart);
    case '"':
      return lexString(tokStart);
    default:
      if (llvm::isAlpha(c) || c == '_')
        return lexIdentifierOrKeyword(tokStart);
      if (llvm::isDigit(c))
        return lexNumber(tokStart);
      if (c == '\0')
        return emitError(tokStart, "invalid NUL byte in source; remove it");
      if ((unsigned char)c >= 0x80)
        return emitError(tokStart, "non-ASCII byte outside a string or "
                                   "comment; only strings may hold UTF-8");
      return emitError(tokStart, llvm::Twine("unexpected character '") +
                                     llvm::Twine(c) + "'");
    }
  }
}

Token Lexer::lexIdentifierOrKeyword(const char *start) {
  while (curPtr != buffer.end() && (llvm::isAlnum(*curPtr) || *curPtr == '_'))
    ++curPtr;
  llvm::StringRef spelling(start, curPtr - start);
  Token::Kind kind = llvm::StringSwitch<Token::Kind>(spelling)
#define TOK_KEYWORD(SPELLING) .Case(#SPELLING, Token::kw_##SPELLING)
#include "TokenKinds.def"
                         .Default(Token::identifier);
  return formToken(kind, start);
}

Token Lexer::lexNumber(const char *start) {
  auto atDigit = [&](const char *p) {
    return p < buffer.end() && llvm::isDigit(*p);
  };
  while (atDigit(curPtr))
    ++curPtr;
  bool isFloat = false;
  // A fraction needs a digit after '.', so `1..3` stays integer, dotdot.
  if (curPtr < buffer.end() && *curPtr == '.' && atDigit(curPtr + 1)) {
    isFloat = true;
    ++curPtr;
    while (atDigit(curPtr))
      ++curPtr;
  }
  if (curPtr < buffer.end() && (*curPtr == 'e' || *curPtr == 'E')) {
    const char *p = curPtr + 1;
    if (p < buffer.end() && (*p == '+' || *p == '-'))
      ++p;
    if (!atDigit(p))
      return emitError(curPtr, "malformed exponent; write e.g. 3e-3");
    isFloat = true;
    curPtr = p;
    while (atDigit(curPtr))
      ++curPtr;
  }
  if (curPtr < buffer.end() && (llvm::isAlpha(*curPtr) || *curPtr == '_'))
    return emitError(curPtr, "invalid character in number; separate the "
                             "number from the name with a space");
  return formToken(isFloat ? Token::floating : Token::integer, start);
}

Token Lexer::lexString(const char *start) {
  while (true) {
    if (curPtr == buffer.end() || *curPtr == '\n')
      return emitError(start, "unterminated string; close it with '\"' on "
                              "the same line (use \\n for a newline)");
    char c = *curPtr++;
    if (c == '"')
      return formToken(Token::string, start);
    if (c == '\0')
      return emitError(curPtr - 1, "invalid NUL byte in string; write \\0");
    if (c != '\\')
      continue;
    if (curPtr == buffer.end())
      continue; // reported as unterminated on the next iteration
    char e = *curPtr++;
    switch (e) {
    case 'n':
    case 't':
    case 'r':
    case '0':
    case '\\':
    case '"':
    case '\'':
      break;
    case 'x':
      if (curPtr + 1 < buffer.end() && hexValue(curPtr[0]) >= 0 &&
          hexValue(curPtr[1]) >= 0) {
        curPtr += 2;
        break;
      }
      return emitError(curPtr - 2, "\\x needs two hex digits, e.g. \\x41");
    default:
      return emitError(curPtr - 2, "unknown escape sequence; use \\n \\t "
                                   "\\r \\0 \\\\ \\\" \\' or \\xHH");
    }
  }
}
