//===- Equation.cpp - Safe exact evaluation of countdown equations --------===//

#include "r1rt/reward/Equation.h"

#include <algorithm>
#include <numeric>

namespace r1rt::reward {

namespace {

using i128 = __int128;

/// Recursive-descent evaluator; every method returns false on error with
/// `error` set, so no exception and no unbounded recursion.
class Evaluator {
public:
  Evaluator(std::string_view text, const EquationLimits &limits,
            EquationResult &result)
      : s(text), limits(limits), result(result) {}

  bool run() {
    Rational v;
    if (!expr(v, 0))
      return false;
    skipSpace();
    if (i != s.size())
      return error("unexpected character");
    result.value = v;
    return true;
  }

private:
  std::string_view s;
  size_t i = 0;
  const EquationLimits &limits;
  EquationResult &result;

  bool error(const char *message) {
    if (result.error.empty())
      result.error = message;
    return false;
  }
  void skipSpace() {
    while (i < s.size() &&
           (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
      ++i;
  }
  bool peek(char c) {
    skipSpace();
    return i < s.size() && s[i] == c;
  }

  bool make(i128 num, i128 den, Rational &out) {
    if (den == 0)
      return error("division by zero");
    if (den < 0)
      num = -num, den = -den;
    i128 a = num < 0 ? -num : num, b = den;
    while (b != 0) {
      i128 t = a % b;
      a = b;
      b = t;
    }
    if (a > 1)
      num /= a, den /= a;
    i128 mag = num < 0 ? -num : num;
    if (mag > limits.maxMagnitude || den > limits.maxMagnitude)
      return error("value too large");
    out.num = static_cast<int64_t>(num);
    out.den = static_cast<int64_t>(den);
    return true;
  }

  /// expr ::= term (('+' | '-') term)*
  bool expr(Rational &out, int depth) {
    if (!term(out, depth))
      return false;
    while (peek('+') || peek('-')) {
      char op = s[i++];
      Rational rhs;
      if (!term(rhs, depth))
        return false;
      i128 num = static_cast<i128>(out.num) * rhs.den +
                 (op == '+' ? 1 : -1) * static_cast<i128>(rhs.num) * out.den;
      if (!make(num, static_cast<i128>(out.den) * rhs.den, out))
        return false;
    }
    return true;
  }

  /// term ::= unary (('*' | '/') unary)*
  bool term(Rational &out, int depth) {
    if (!unary(out, depth))
      return false;
    while (peek('*') || peek('/')) {
      char op = s[i++];
      Rational rhs;
      if (!unary(rhs, depth))
        return false;
      bool ok = op == '*' ? make(static_cast<i128>(out.num) * rhs.num,
                                 static_cast<i128>(out.den) * rhs.den, out)
                          : make(static_cast<i128>(out.num) * rhs.den,
                                 static_cast<i128>(out.den) * rhs.num, out);
      if (!ok)
        return false;
    }
    return true;
  }

  /// unary ::= ('+' | '-') unary | '(' expr ')' | digit+
  bool unary(Rational &out, int depth) {
    if (depth >= limits.maxDepth)
      return error("nested too deeply");
    skipSpace();
    if (i >= s.size())
      return error("unexpected end");
    char c = s[i];
    if (c == '+' || c == '-') {
      ++i;
      if (!unary(out, depth + 1))
        return false;
      if (c == '-')
        out.num = -out.num;
      return true;
    }
    if (c == '(') {
      ++i;
      if (!expr(out, depth + 1))
        return false;
      if (!peek(')'))
        return error("missing ')'");
      ++i;
      return true;
    }
    if (c < '0' || c > '9')
      return error("expected a number");
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9')
      ++i;
    std::string_view digits = s.substr(start, i - start);
    if (digits.size() > 1 && digits[0] == '0')
      return error("number with a leading zero");
    if (digits.size() > 18)
      return error("value too large");
    int64_t v = 0;
    for (char d : digits)
      v = v * 10 + (d - '0');
    if (v > limits.maxMagnitude)
      return error("value too large");
    if (i < s.size() && s[i] == '.')
      return error("decimal numbers are not allowed");
    result.literals.push_back(v);
    out = Rational{v, 1};
    return true;
  }
};

} // namespace

EquationResult evaluateEquation(std::string_view text,
                                const EquationLimits &limits) {
  EquationResult result;
  if (text.size() > limits.maxLength) {
    result.error = "expression too long";
    return result;
  }
  result.ok = Evaluator(text, limits, result).run();
  return result;
}

CountdownVerdict checkCountdown(std::string_view expression,
                                const std::vector<int64_t> &numbers,
                                int64_t target) {
  EquationResult r = evaluateEquation(expression);
  if (!r.ok)
    return CountdownVerdict::Invalid;
  std::vector<int64_t> used = r.literals, given = numbers;
  std::sort(used.begin(), used.end());
  std::sort(given.begin(), given.end());
  if (used != given)
    return CountdownVerdict::WrongNumbers;
  return r.value.den == 1 && r.value.num == target
             ? CountdownVerdict::Correct
             : CountdownVerdict::WrongValue;
}

} // namespace r1rt::reward
