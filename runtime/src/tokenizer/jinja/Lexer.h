//===- Lexer.h - Jinja2 tokens, transformers' whitespace --------*- C++ -*-===//
//
// Splits a template into data and tag tokens the way jinja2's lexer does with
// trim_blocks=True and lstrip_blocks=True: `{%-`/`-%}` strip whitespace, a
// block or comment tag eats one following newline, a block or comment tag
// alone on its line loses the indentation before it, comments vanish, and
// one trailing newline of the source is dropped. Tokens carry line and
// column (1-based, bytes) for error messages.
//
//===----------------------------------------------------------------------===//

#ifndef R1JINJA_LEXER_H
#define R1JINJA_LEXER_H

#include <string>
#include <vector>

namespace r1jinja {

enum class Tok {
  Data,       ///< template text, already whitespace-controlled
  VarBegin,   ///< {{
  VarEnd,     ///< }}
  BlockBegin, ///< {%
  BlockEnd,   ///< %}
  Name,
  String, ///< text holds the unescaped value
  Int,
  Float,
  Op, ///< text holds the operator: + - * / // ** % ~ ( ) [ ] { } . , : | = ==
      ///< != < <= > >=
  Eof,
};

struct Token {
  Tok kind;
  std::string text;
  int line = 0, col = 0;
};

/// Tokenizes `source`; throws TemplateError for an unterminated tag, comment
/// or string, or a character that cannot start a token.
std::vector<Token> lex(const std::string &source);

} // namespace r1jinja

#endif // R1JINJA_LEXER_H
