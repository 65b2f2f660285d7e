//===- Evaluator.h - Render a parsed template -------------------*- C++ -*-===//
//
// Walks the statement tree with jinja2's scoping: the context and top-level
// `set`s share the root frame, every `for` iteration gets a fresh frame (so
// a `set` inside a loop does not leak out; namespace() is how templates carry
// state across iterations), and a macro call runs over the root frame.
// Expression errors get the line and column of the failing node.
//
//===----------------------------------------------------------------------===//

#ifndef R1JINJA_EVALUATOR_H
#define R1JINJA_EVALUATOR_H

#include "Ast.h"

#include <string>

namespace r1jinja {

/// Renders `t` with the variables of `context` (a JSON object).
std::string renderTemplate(const Template &t,
                           const nlohmann::ordered_json &context);

} // namespace r1jinja

#endif // R1JINJA_EVALUATOR_H
