//===- Parser.h - Jinja2 statements and expressions to a tree ---*- C++ -*-===//
//
// A recursive-descent parser with jinja2's grammar and precedence. Anything
// outside the supported subset (include, extends, block, import, call, raw,
// unknown filters and tests, *args) is refused here, before rendering, with
// "chat template line L col C: unsupported construct 'X'".
//
//===----------------------------------------------------------------------===//

#ifndef R1JINJA_PARSER_H
#define R1JINJA_PARSER_H

#include "Ast.h"
#include "Lexer.h"

namespace r1jinja {

/// Parses the tokens of lex(); throws TemplateError.
Template parseTemplate(std::vector<Token> tokens);

} // namespace r1jinja

#endif // R1JINJA_PARSER_H
