//===- TasksTest.cpp - Tests of task.arith, task.countdown and task.kk ----===//

#include "r1rt/data/Tasks.h"
#include "r1rt/Error.h"
#include "r1rt/reward/Equation.h"
#include "r1rt/reward/Reward.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

using namespace r1rt::data;
using r1rt::reward::checkCountdown;
using r1rt::reward::CountdownVerdict;
using r1rt::reward::evaluateEquation;

namespace {

/// Asserts every character of every text of `records` is in `alphabet`.
void expectAlphabet(const std::vector<Record> &records,
                    std::string_view alphabet) {
  for (const Record &r : records)
    for (const std::string *text :
         {&r.prompt, r.response ? &*r.response : nullptr,
          r.answer ? &*r.answer : nullptr}) {
      if (!text)
        continue;
      size_t bad = text->find_first_not_of(alphabet);
      ASSERT_EQ(bad, std::string::npos)
          << "char '" << (*text)[bad] << "' in " << *text;
    }
}

/// Value of an integer expression via the countdown evaluator (a parser
/// independent of the generator's own step-by-step reduction).
int64_t valueOf(std::string_view expression) {
  auto r = evaluateEquation(expression);
  EXPECT_TRUE(r.ok) << expression << ": " << r.error;
  EXPECT_EQ(r.value.den, 1);
  return r.value.num;
}

TEST(Arith, PlainIsCorrectDeterministicAndInAlphabet) {
  ArithOptions o;
  o.count = 3000;
  o.digits = {1, 3};
  o.seed = 11;
  auto a = generateArith(o), b = generateArith(o);
  ASSERT_EQ(a.size(), 3000u);
  EXPECT_EQ(a, b);
  o.seed = 12;
  EXPECT_NE(a, generateArith(o));
  expectAlphabet(a, kArithPlainAlphabet);
  for (const Record &r : a) {
    ASSERT_EQ(r.prompt.back(), '=');
    EXPECT_EQ(std::to_string(valueOf(r.prompt.substr(0, r.prompt.size() - 1))),
              *r.answer);
    EXPECT_EQ(*r.response, *r.answer);
    EXPECT_LE(r.prompt.size() + r.response->size(), 40u);
  }
}

TEST(Arith, QuestionStyleAsksTheSameProblemsInWords) {
  ArithOptions o;
  o.count = 500;
  o.digits = {1, 2};
  o.seed = 21;
  auto plain = generateArith(o);
  o.style = ArithStyle::Question;
  auto asked = generateArith(o);
  ASSERT_EQ(asked.size(), plain.size());
  std::regex question(R"(What is (\(?\d+( [-+*] \(?\d+\)?)+)\?)");
  for (size_t i = 0; i < asked.size(); ++i) {
    const Record &r = asked[i];
    std::smatch m;
    ASSERT_TRUE(std::regex_match(r.prompt, m, question)) << r.prompt;
    std::string compact;
    for (char c : m[1].str())
      if (c != ' ')
        compact += c;
    // The same problem, in the same split, as plain style draws.
    EXPECT_EQ(compact + "=", plain[i].prompt);
    EXPECT_EQ(std::to_string(valueOf(compact)), *r.answer);
    EXPECT_EQ(*r.response, *r.answer);
  }
}

TEST(Arith, CotStepsAreEachCorrectAndWellFormed) {
  ArithOptions o;
  o.count = 3000;
  o.digits = {1, 3};
  o.style = ArithStyle::Cot;
  o.seed = 5;
  auto records = generateArith(o);
  expectAlphabet(records, kArithCotAlphabet);
  auto format = r1rt::reward::makeReward("think_format", {{"strict", true}});
  auto accuracy = r1rt::reward::makeReward("answer_match");
  std::regex step(R"((-?\d+)([-+*])(\d+|-\d+)=(-?\d+))");
  for (const Record &r : records) {
    ASSERT_EQ(r.prompt.substr(r.prompt.size() - 2), "=\n");
    EXPECT_EQ(std::to_string(valueOf(r.prompt.substr(0, r.prompt.size() - 2))),
              *r.answer);
    EXPECT_EQ(format->score(*r.response, r), 1.0) << *r.response;
    EXPECT_EQ(accuracy->score(*r.response, r), 1.0) << *r.response;
    EXPECT_LE(r.prompt.size(), 120u);
    EXPECT_LE(r.response->size(), 120u);
    std::string think =
        std::string(*r1rt::reward::lastTagContent(*r.response, "think"));
    std::istringstream steps(think);
    std::string s;
    int n = 0;
    while (steps >> s) {
      std::smatch m;
      ASSERT_TRUE(std::regex_match(s, m, step)) << s;
      int64_t x = std::stoll(m[1]), y = std::stoll(m[3]), z = std::stoll(m[4]);
      char op = m[2].str()[0];
      EXPECT_EQ(op == '+' ? x + y : op == '-' ? x - y : x * y, z) << s;
      ++n;
    }
    EXPECT_GE(n, 1);
  }
}

TEST(Arith, TermsAndOpsBoundTheExpressions) {
  ArithOptions o;
  o.count = 2000;
  o.digits = {1, 1};
  o.terms = {3, 4};
  o.ops = "+-";
  o.seed = 3;
  std::set<size_t> operandCounts;
  std::set<char> seen;
  for (const Record &r : generateArith(o)) {
    std::string expr = r.prompt.substr(0, r.prompt.size() - 1);
    EXPECT_EQ(expr.find('*'), std::string::npos) << expr;
    size_t operators = 0;
    for (char c : expr)
      if (c == '+' || c == '-')
        ++operators, seen.insert(c);
    operandCounts.insert(operators + 1);
    EXPECT_EQ(std::to_string(valueOf(expr)), *r.answer);
  }
  EXPECT_EQ(operandCounts, (std::set<size_t>{3, 4}));
  EXPECT_EQ(seen, (std::set<char>{'+', '-'}));
  for (const char *bad : {"", "+/", "++", "+-*-"}) {
    o.ops = bad;
    EXPECT_THROW(generateArith(o), r1rt::Error) << bad;
  }
}

TEST(Split, TrainAndTestAreDisjointForEveryTask) {
  ArithOptions a;
  a.count = 4000;
  a.digits = {1, 2};
  a.seed = 3;
  std::set<std::string> train;
  for (auto &r : generateArith(a))
    train.insert(r.prompt);
  a.split = Split::Test;
  a.count = 800;
  size_t seen = 0;
  for (auto &r : generateArith(a)) {
    EXPECT_EQ(train.count(r.prompt), 0u) << r.prompt;
    ++seen;
  }
  EXPECT_EQ(seen, 800u);

  CountdownOptions c;
  c.count = 3000;
  c.seed = 3;
  auto key = [](const Record &r) {
    auto nums = r.meta["numbers"].get<std::vector<int64_t>>();
    std::sort(nums.begin(), nums.end());
    return nlohmann::json({nums, r.meta["target"]}).dump();
  };
  std::set<std::string> ctrain;
  for (auto &r : generateCountdown(c))
    ctrain.insert(key(r));
  c.split = Split::Test;
  c.count = 600;
  for (auto &r : generateCountdown(c))
    EXPECT_EQ(ctrain.count(key(r)), 0u) << r.prompt;

  KkOptions k;
  k.count = 2000;
  k.seed = 3;
  std::set<std::string> ktrain;
  for (auto &r : generateKk(k))
    ktrain.insert(r.prompt);
  k.split = Split::Test;
  k.count = 400;
  for (auto &r : generateKk(k))
    EXPECT_EQ(ktrain.count(r.prompt), 0u) << r.prompt;
}

TEST(Countdown, SolvableByConstructionAndInAlphabet) {
  CountdownOptions o;
  o.count = 3000;
  o.numbers = {3, 4};
  o.seed = 9;
  auto records = generateCountdown(o);
  EXPECT_EQ(records, generateCountdown(o));
  expectAlphabet(records, kPuzzleAlphabet);
  auto accuracy = r1rt::reward::makeReward("answer_match");
  std::set<int64_t> targets;
  for (const Record &r : records) {
    auto nums = r.meta["numbers"].get<std::vector<int64_t>>();
    int64_t target = r.meta["target"].get<int64_t>();
    targets.insert(target);
    EXPECT_GE(nums.size(), 3u);
    EXPECT_LE(nums.size(), 4u);
    for (int64_t n : nums) {
      EXPECT_GE(n, o.values.lo);
      EXPECT_LE(n, o.values.hi);
      EXPECT_NE(r.prompt.find(" " + std::to_string(n)), std::string::npos);
    }
    EXPECT_GE(target, 1);
    EXPECT_LE(target, o.maxTarget);
    EXPECT_EQ(checkCountdown(*r.answer, nums, target),
              CountdownVerdict::Correct)
        << r.prompt << " " << *r.answer;
    EXPECT_EQ(accuracy->score(*r.response, r), 1.0) << *r.response;
    EXPECT_LE(r.prompt.size(), 120u);
    EXPECT_LE(r.response->size(), 120u);
  }
  EXPECT_GT(targets.size(), 100u); // not degenerate
}

/// Independent Knights & Knaves solver working from the prompt text only.
int countSolutions(const std::string &prompt, std::vector<bool> &solution) {
  std::istringstream in(prompt);
  std::string line;
  std::getline(in, line); // rules line
  std::vector<std::string> names, claims;
  while (std::getline(in, line)) {
    size_t colon = line.find(": ");
    names.push_back(line.substr(0, colon));
    claims.push_back(line.substr(colon + 2));
  }
  size_t n = names.size();
  auto atom = [&](const std::string &text, const std::vector<bool> &k) {
    static const std::regex re(R"((\w+) is a (knight|knave))");
    std::smatch m;
    EXPECT_TRUE(std::regex_match(text, m, re)) << text;
    size_t who =
        std::find(names.begin(), names.end(), m[1].str()) - names.begin();
    EXPECT_LT(who, n);
    return k[who] == (m[2] == "knight");
  };
  int count = 0;
  for (unsigned mask = 0; mask < (1u << n); ++mask) {
    std::vector<bool> k(n);
    for (size_t i = 0; i < n; ++i)
      k[i] = (mask >> i) & 1;
    bool ok = true;
    for (size_t i = 0; i < n; ++i) {
      const std::string &c = claims[i];
      bool truth;
      if (size_t p = c.find(" and "); p != std::string::npos)
        truth = atom(c.substr(0, p), k) && atom(c.substr(p + 5), k);
      else if (size_t q = c.find(" or "); q != std::string::npos)
        truth = atom(c.substr(0, q), k) || atom(c.substr(q + 4), k);
      else
        truth = atom(c, k);
      ok = ok && truth == k[i];
    }
    if (ok && ++count == 1)
      solution = k;
  }
  return count;
}

TEST(Kk, UniqueSolutionMatchesRecordAndIsInAlphabet) {
  KkOptions o;
  o.count = 1500;
  o.people = {2, 4};
  o.seed = 21;
  auto records = generateKk(o);
  EXPECT_EQ(records, generateKk(o));
  expectAlphabet(records, kPuzzleAlphabet);
  auto accuracy = r1rt::reward::makeReward("answer_match");
  auto kk = r1rt::reward::makeReward("kk");
  size_t knights = 0, people = 0;
  for (const Record &r : records) {
    std::vector<bool> solution;
    ASSERT_EQ(countSolutions(r.prompt, solution), 1) << r.prompt;
    auto stored = r.meta["knights"].get<std::vector<bool>>();
    EXPECT_EQ(solution, stored) << r.prompt;
    for (size_t i = 0; i < stored.size(); ++i)
      EXPECT_EQ(kkStatementHolds(r.meta["statements"][i], stored), stored[i]);
    EXPECT_EQ(accuracy->score(*r.response, r), 1.0);
    EXPECT_EQ(kk->score(*r.response, r), 1.0);
    EXPECT_LE(r.prompt.size(), 120u);
    EXPECT_LE(r.response->size(), 120u);
    knights += std::count(stored.begin(), stored.end(), true);
    people += stored.size();
  }
  // Both roles occur in quantity: the generator is not degenerate.
  EXPECT_GT(knights, people / 5);
  EXPECT_LT(knights, people * 4 / 5);
}

TEST(Tasks, InvalidOptionsFailWithOneLine) {
  ArithOptions a;
  a.digits = {3, 1};
  try {
    generateArith(a);
    FAIL();
  } catch (const r1rt::Error &e) {
    EXPECT_NE(std::string(e.what()).find("digits = 3..1"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  }
  CountdownOptions c;
  c.values = {0, 5};
  EXPECT_THROW(generateCountdown(c), r1rt::Error);
  KkOptions k;
  k.people = {1, 9};
  EXPECT_THROW(generateKk(k), r1rt::Error);
  EXPECT_THROW(parseSplit("valid"), r1rt::Error);
  EXPECT_THROW(parseArithStyle("fancy"), r1rt::Error);
  // A space too small for the requested split reports it instead of looping.
  CountdownOptions tiny;
  tiny.count = 50;
  tiny.numbers = {2, 2};
  tiny.values = {1, 1};
  // Its only problems are 1+1=2 and 1*1=1; ask for a split neither routes to.
  bool testHasOne =
      routesTo("1,1:2", Split::Test) || routesTo("1,1:1", Split::Test);
  bool trainHasOne =
      routesTo("1,1:2", Split::Train) || routesTo("1,1:1", Split::Train);
  ASSERT_FALSE(testHasOne && trainHasOne);
  tiny.split = testHasOne ? Split::Train : Split::Test;
  EXPECT_THROW(generateCountdown(tiny), r1rt::Error);
}

} // namespace
