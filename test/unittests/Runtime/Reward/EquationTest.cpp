//===- EquationTest.cpp - The safe countdown expression evaluator ---------===//

#include "r1rt/reward/Equation.h"

#include <gtest/gtest.h>

#include <chrono>
#include <numeric>
#include <random>

using namespace r1rt::reward;

namespace {

TEST(Equation, PrecedenceUnaryAndParentheses) {
  struct Case {
    const char *text;
    int64_t num, den;
  } cases[] = {{"1+2*3", 7, 1},     {"(1+2)*3", 9, 1},   {"10-4-3", 3, 1},
               {"100/10/5", 2, 1},  {"7/2", 7, 2},       {"-3+5", 2, 1},
               {"2*-3", -6, 1},     {"-(4-9)", 5, 1},    {"+ ( 6 ) / 4", 3, 2},
               {" 1 +\t2\n", 3, 1}, {"8/(3-1/3)", 3, 1}, {"0", 0, 1},
               {"6/4*2", 3, 1},     {"--2", 2, 1}};
  for (const Case &c : cases) {
    EquationResult r = evaluateEquation(c.text);
    ASSERT_TRUE(r.ok) << c.text << ": " << r.error;
    EXPECT_EQ(r.value.num, c.num) << c.text;
    EXPECT_EQ(r.value.den, c.den) << c.text;
  }
  EXPECT_EQ(evaluateEquation("(3+5)*7-34").literals,
            (std::vector<int64_t>{3, 5, 7, 34}));
}

TEST(Equation, RejectsEverythingElseWithoutCrashing) {
  for (const char *bad : {"",
                          "   ",
                          "1+",
                          "(1+2",
                          "1+2)",
                          "()",
                          "2**3",
                          "2^3",
                          "3=3",
                          "1.5+2",
                          "07+1",
                          "2x3",
                          "import os",
                          "__import__('os')",
                          "1 2",
                          "1//2",
                          "½",
                          "1/0",
                          "5/(3-3)",
                          "(2-2)/(1-1)",
                          "999999999999999999999",
                          "1000000*1000000*1000000",
                          "日本",
                          "1+\xFF"}) {
    EquationResult r = evaluateEquation(bad);
    EXPECT_FALSE(r.ok) << bad;
    EXPECT_FALSE(r.error.empty()) << bad;
  }
  EXPECT_EQ(evaluateEquation("5/(3-3)").error, "division by zero");
  EXPECT_EQ(evaluateEquation("1000000*1000000*1000000").error,
            "value too large");
}

TEST(Equation, DeepNestingAndMegabyteInputsAreBounded) {
  auto t0 = std::chrono::steady_clock::now();
  std::string deep = std::string(100000, '(') + "1" + std::string(100000, ')');
  EXPECT_FALSE(evaluateEquation(deep).ok);
  EXPECT_FALSE(evaluateEquation(std::string(100000, '-') + "1").ok);
  EquationLimits roomy;
  roomy.maxLength = 1 << 21;
  EXPECT_EQ(evaluateEquation(deep, roomy).error, "nested too deeply");
  std::string sum = "1";
  while (sum.size() < (1u << 20))
    sum += "+1";
  EXPECT_EQ(evaluateEquation(sum).error, "expression too long");
  EquationResult r = evaluateEquation(sum, roomy);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.value.num, static_cast<int64_t>(r.literals.size()));
  std::string nested60 = std::string(60, '(') + "2" + std::string(60, ')');
  EXPECT_TRUE(evaluateEquation(nested60).ok);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  EXPECT_LT(seconds, 20.0); // a hang guard, not a performance assertion
}

/// Random fully parenthesized trees checked against exact int128 rationals
/// computed by the test itself.
struct Exact {
  __int128 num, den;
};

Exact randomTree(std::mt19937 &rng, int depth, std::string &text) {
  if (depth == 0 || rng() % 3 == 0) {
    int64_t v = 1 + rng() % 12;
    text += std::to_string(v);
    return {v, 1};
  }
  std::string lhsText, rhsText;
  Exact a = randomTree(rng, depth - 1, lhsText);
  Exact b = randomTree(rng, depth - 1, rhsText);
  char op = "+-*/"[rng() % 4];
  if (op == '/' && b.num == 0)
    op = '+';
  text += "(" + lhsText + op + rhsText + ")";
  Exact r;
  switch (op) {
  case '+':
    r = {a.num * b.den + b.num * a.den, a.den * b.den};
    break;
  case '-':
    r = {a.num * b.den - b.num * a.den, a.den * b.den};
    break;
  case '*':
    r = {a.num * b.num, a.den * b.den};
    break;
  default:
    r = {a.num * b.den, a.den * b.num};
    break;
  }
  if (r.den < 0)
    r.num = -r.num, r.den = -r.den;
  __int128 g = std::gcd(static_cast<long long>(r.num < 0 ? -r.num : r.num),
                        static_cast<long long>(r.den));
  if (g > 1)
    r.num /= g, r.den /= g;
  return r;
}

TEST(Equation, RandomTreesMatchExactReference) {
  std::mt19937 rng(1234);
  int checked = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string text;
    Exact want = randomTree(rng, 3, text);
    EquationResult r = evaluateEquation(text);
    ASSERT_TRUE(r.ok) << text << ": " << r.error;
    EXPECT_EQ(static_cast<__int128>(r.value.num), want.num) << text;
    EXPECT_EQ(static_cast<__int128>(r.value.den), want.den) << text;
    ++checked;
  }
  EXPECT_EQ(checked, 5000);
}

TEST(Equation, CountdownVerdicts) {
  std::vector<int64_t> nums = {3, 5, 7, 34};
  EXPECT_EQ(checkCountdown("(3+5)*7-34", nums, 22), CountdownVerdict::Correct);
  EXPECT_EQ(checkCountdown("7*(5+3)-34", nums, 22), CountdownVerdict::Correct);
  EXPECT_EQ(checkCountdown("(3+5)*7+34", nums, 22),
            CountdownVerdict::WrongValue);
  EXPECT_EQ(checkCountdown("(3+5)*7-34+3-3", nums, 22),
            CountdownVerdict::WrongNumbers);
  EXPECT_EQ(checkCountdown("(3+5)*7", nums, 56),
            CountdownVerdict::WrongNumbers);
  EXPECT_EQ(checkCountdown("(3+5)*7-34=22", nums, 22),
            CountdownVerdict::Invalid);
  EXPECT_EQ(checkCountdown("3/(5-5)+7+34", {3, 5, 5, 7, 34}, 1),
            CountdownVerdict::Invalid);
  // Exact rationals: 1/3*3 is exactly 1, and 7/2 is never the integer 3.
  EXPECT_EQ(checkCountdown("1/3*3", {1, 3, 3}, 1), CountdownVerdict::Correct);
  EXPECT_EQ(checkCountdown("7/2", {7, 2}, 3), CountdownVerdict::WrongValue);
  // Duplicated given numbers must each be used.
  EXPECT_EQ(checkCountdown("4+4", {4, 4}, 8), CountdownVerdict::Correct);
  EXPECT_EQ(checkCountdown("4*2", {4, 4}, 8), CountdownVerdict::WrongNumbers);
}

} // namespace
