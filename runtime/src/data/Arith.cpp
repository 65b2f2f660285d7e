//===- Arith.cpp - task.arith: integer arithmetic, plain or worked --------===//
//
// An expression has 2..4 operands joined by operators drawn from `ops`
// (a nonempty subset of "+-*"), optionally with one
// parenthesized pair. Plain style: prompt "12+7*3=", response "33". Cot style:
// prompt "12+7*3=\n", response "<think>7*3=21 12+21=33</think><answer>33
// </answer>" (steps: the parenthesized pair, then * left to right, then + and
// - left to right). Question style: prompt "What is 12 + 7 * 3?", response
// "33". The style changes only the text: the same seed draws the same
// problems into the same split.
//
//===----------------------------------------------------------------------===//

#include "Random.h"
#include "TaskSupport.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace r1rt::data {

ArithStyle parseArithStyle(std::string_view text) {
  if (text == "plain")
    return ArithStyle::Plain;
  if (text == "cot")
    return ArithStyle::Cot;
  if (text == "question")
    return ArithStyle::Question;
  fail("task.arith: unknown style '{}'; use style = plain, cot or question",
       text);
}

namespace {

/// An expression as a flat operand/operator list; `paren` is the index of the
/// first operand of a parenthesized pair, or -1.
struct Expr {
  std::vector<int64_t> values;
  std::vector<char> ops;
  int paren = -1;
};

std::string render(const Expr &e) {
  std::string out;
  for (size_t i = 0; i < e.values.size(); ++i) {
    if (i > 0)
      out += e.ops[i - 1];
    if (static_cast<int>(i) == e.paren)
      out += '(';
    out += std::to_string(e.values[i]);
    if (static_cast<int>(i) == e.paren + 1 && e.paren >= 0)
      out += ')';
  }
  return out;
}

/// "12+7*3" as "12 + 7 * 3" (operands are non-negative, so every sign is
/// an operator).
std::string spaced(const std::string &compact) {
  std::string out;
  for (char c : compact)
    if (c == '+' || c == '-' || c == '*')
      out += fmt::format(" {} ", c);
    else
      out += c;
  return out;
}

int64_t apply(int64_t a, char op, int64_t b) {
  return op == '+' ? a + b : op == '-' ? a - b : a * b;
}

/// Reduces `e` step by step, appending "a op b=c" strings to `steps`.
int64_t evaluate(Expr e, std::vector<std::string> &steps) {
  auto reduceAt = [&](size_t i) {
    int64_t c = apply(e.values[i], e.ops[i], e.values[i + 1]);
    steps.push_back(
        fmt::format("{}{}{}={}", e.values[i], e.ops[i], e.values[i + 1], c));
    e.values[i] = c;
    e.values.erase(e.values.begin() + i + 1);
    e.ops.erase(e.ops.begin() + i);
  };
  if (e.paren >= 0)
    reduceAt(static_cast<size_t>(e.paren));
  for (size_t i = 0; i < e.ops.size();) {
    if (e.ops[i] == '*')
      reduceAt(i);
    else
      ++i;
  }
  while (!e.ops.empty())
    reduceAt(0);
  return e.values[0];
}

int64_t randomOperand(Rng &rng, IntRange digits) {
  int d = static_cast<int>(rng.uniform(digits.lo, digits.hi));
  int64_t lo = 1;
  for (int k = 1; k < d; ++k)
    lo *= 10;
  return rng.uniform(d == 1 ? 0 : lo, lo * 10 - 1);
}

} // namespace

std::vector<Record> generateArith(const ArithOptions &options) {
  checkRange("task.arith", "digits", options.digits, 1, 6);
  checkRange("task.arith", "terms", options.terms, 2, 4);
  const std::string &ops = options.ops;
  bool opsValid = !ops.empty() && ops.size() <= 3;
  for (size_t i = 0; i < ops.size() && opsValid; ++i)
    opsValid = std::string_view("+-*").find(ops[i]) != std::string_view::npos &&
               ops.find(ops[i]) == i;
  if (!opsValid)
    fail("task.arith: ops = \"{}\" must be a nonempty set of distinct "
         "operators from \"+-*\"",
         ops);
  if (options.digits.hi * options.terms.hi > 18)
    fail("task.arith: digits.hi * terms.hi = {} would overflow 64-bit "
         "results; keep it <= 18",
         options.digits.hi * options.terms.hi);
  Rng rng(options.seed ^ 0xA217'0000'0000'0001ull);
  std::vector<Record> out;
  out.reserve(options.count);
  size_t attempts = 0;
  while (out.size() < options.count) {
    if (++attempts > kAttemptsPerRecord * (options.count + 1))
      failTooSmall("task.arith", out.size(), options.count);
    Expr e;
    int terms =
        static_cast<int>(rng.uniform(options.terms.lo, options.terms.hi));
    for (int i = 0; i < terms; ++i) {
      e.values.push_back(randomOperand(rng, options.digits));
      if (i > 0)
        e.ops.push_back(ops[rng.uniform(0, static_cast<int64_t>(ops.size()) - 1)]);
    }
    if (terms >= 3 && rng.chance(1, 3))
      e.paren = static_cast<int>(rng.uniform(0, terms - 2));
    std::string text = render(e);
    if (!routesTo(text, options.split))
      continue;
    std::vector<std::string> steps;
    std::string value = std::to_string(evaluate(e, steps));
    Record record;
    record.kind = "arith";
    record.answer = value;
    if (options.style == ArithStyle::Plain) {
      record.prompt = text + "=";
      record.response = value;
    } else if (options.style == ArithStyle::Question) {
      record.prompt = "What is " + spaced(text) + "?";
      record.response = value;
    } else {
      record.prompt = text + "=\n";
      record.response = fmt::format("<think>{}</think><answer>{}</answer>",
                                    fmt::join(steps, " "), value);
    }
    out.push_back(std::move(record));
  }
  return out;
}

} // namespace r1rt::data
