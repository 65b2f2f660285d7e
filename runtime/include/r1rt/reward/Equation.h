//===- Equation.h - Safe exact countdown equation evaluation ----*- C++ -*-===//
//
// A recursive-descent parser over + - * / ( ) and non-negative integer
// literals, evaluated in exact rational arithmetic with 64-bit bounds. It
// never evaluates code, never recurses past a fixed depth and never reads
// past a fixed length.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_REWARD_EQUATION_H
#define R1RT_REWARD_EQUATION_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace r1rt::reward {

/// An exact rational with a positive denominator, in lowest terms.
struct Rational {
  int64_t num = 0;
  int64_t den = 1;
};

/// The outcome of evaluating an arithmetic expression.
struct EquationResult {
  bool ok = false;               ///< parsed and evaluated within limits
  std::string error;             ///< why not, when !ok
  Rational value;                ///< the exact value, when ok
  std::vector<int64_t> literals; ///< integer literals in source order
};

/// Limits of evaluateEquation.
struct EquationLimits {
  size_t maxLength = 4096; ///< longer input is rejected unread
  int maxDepth = 64;       ///< nesting of parentheses/unary signs
  int64_t maxMagnitude = 1'000'000'000'000LL; ///< |num|, den, literals
};

/// Parses and evaluates `text` (grammar: expr := term (('+'|'-') term)*;
/// term := unary (('*'|'/') unary)*; unary := ('+'|'-') unary | '(' expr ')'
/// | D+ ; whitespace between tokens). Literals with a leading zero ("07"),
/// decimals, '=', '**', '^', letters and any other character are errors, as
/// are division by zero and values beyond maxMagnitude.
EquationResult evaluateEquation(std::string_view text,
                                const EquationLimits &limits = {});

/// The verdict of the countdown check.
enum class CountdownVerdict {
  Correct,      ///< valid, numbers used exactly once, equals target
  WrongValue,   ///< valid, numbers used exactly once, other value
  WrongNumbers, ///< valid, but the literals are not the given multiset
  Invalid       ///< does not parse or evaluate (incl. div by zero, huge)
};

/// Checks `expression` against a countdown problem.
CountdownVerdict checkCountdown(std::string_view expression,
                                const std::vector<int64_t> &numbers,
                                int64_t target);

} // namespace r1rt::reward

#endif // R1RT_REWARD_EQUATION_H
