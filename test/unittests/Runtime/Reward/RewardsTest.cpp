//===- RewardsTest.cpp - Score tables of every reward, adversarial inputs -===//

#include "r1rt/Error.h"
#include "r1rt/reward/KnightsKnaves.h"
#include "r1rt/reward/Reward.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

using namespace r1rt::reward;
using r1rt::data::Record;

namespace {

Record withAnswer(const std::string &answer) {
  Record r;
  r.kind = "jsonl";
  r.prompt = "q";
  r.answer = answer;
  return r;
}

Record countdownRecord() {
  Record r;
  r.kind = "countdown";
  r.prompt = "countdown: make 22 with 3 5 7 34\n";
  r.answer = "(3+5)*7-34";
  r.meta = {{"numbers", {3, 5, 7, 34}}, {"target", 22}};
  return r;
}

Record kkRecord() {
  Record r;
  r.kind = "kk";
  r.prompt = "knight=truth knave=lie\nzoe: bob is a knave\nbob: zoe is a "
             "knave\n";
  r.answer = "zoe is a knight bob is a knave";
  r.meta = {{"names", {"zoe", "bob"}}, {"knights", {true, false}}};
  return r;
}

double score(const std::string &name, const std::string &completion,
             const Record &record,
             nlohmann::json args = nlohmann::json::object()) {
  return makeReward(name, args)->score(completion, record);
}

template <typename Fn> std::string errorOf(Fn fn) {
  try {
    fn();
  } catch (const r1rt::Error &e) {
    return e.what();
  }
  return "";
}

TEST(Registry, NamesArgumentsAndErrors) {
  EXPECT_EQ(rewardNames(), (std::vector<std::string>{
                               "answer_match", "countdown", "kk", "language",
                               "language_consistency", "length", "math_equiv",
                               "overlong", "tag_count", "think_format"}));
  for (const std::string &name : rewardNames()) {
    nlohmann::json args = nlohmann::json::object();
    if (name == "length")
      args = {{"target", 100}};
    if (name == "overlong")
      args = {{"max_len", 100}, {"buffer", 20}};
    auto reward = makeReward(name, args);
    EXPECT_EQ(reward->info().name, name);
    EXPECT_LT(reward->info().minScore, reward->info().maxScore);
  }
  EXPECT_NE(errorOf([] { makeReward("accuracy"); }).find("available: "),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              makeReward("answer_match", {{"tagg", "x"}});
            }).find("unknown argument 'tagg'; accepted: tag"),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              makeReward("answer_match", {{"tag", 3}});
            }).find("must be a string"),
            std::string::npos);
  EXPECT_NE(errorOf([] { makeReward("length"); }).find("target is required"),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              makeReward("overlong", {{"max_len", 2.5}});
            }).find("must be an integer >= 1"),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              makeReward("overlong", {{"max_len", 10}, {"buffer", 20}});
            }).find("must not exceed"),
            std::string::npos);
  EXPECT_NE(errorOf([] { makeReward("kk", {{"scheme", "x"}}); }), "");
}

TEST(AnswerMatch, ScoreTableAndAdversarialStrings) {
  Record r = withAnswer("42");
  EXPECT_EQ(score("answer_match", "<answer>42</answer>", r), 1.0);
  EXPECT_EQ(score("answer_match", "<answer> +42.000 </answer>", r), 1.0);
  EXPECT_EQ(score("answer_match", "<answer>84/2</answer>", r), 1.0);
  EXPECT_EQ(score("answer_match", "<answer>41</answer>", r), 0.0);
  EXPECT_EQ(score("answer_match", "42", r), 0.0);                  // no tag
  EXPECT_EQ(score("answer_match", "<answer></answer>", r), 0.0);   // empty
  EXPECT_EQ(score("answer_match", "<answer>42", r), 0.0);          // unclosed
  EXPECT_EQ(score("answer_match", "</answer>42<answer>", r), 0.0); // reversed
  // Repeated: the last complete pair counts (TinyZero / Logic-RL).
  EXPECT_EQ(score("answer_match", "<answer>1</answer><answer>42</answer>", r),
            1.0);
  EXPECT_EQ(score("answer_match", "<answer>42</answer><answer>1</answer>", r),
            0.0);
  // Nested: the shortest match from the first <answer> wins, like re's .*?.
  EXPECT_EQ(score("answer_match", "<answer><answer>42</answer></answer>", r),
            0.0);
  EXPECT_EQ(score("answer_match", "<answer>x</answer><answer>42</answer>z", r),
            1.0);
  // Other tags, unicode and strings.
  EXPECT_EQ(
      score("answer_match", "\\boxed{42} <box>42</box>", r, {{"tag", "box"}}),
      1.0);
  EXPECT_EQ(score("answer_match", "<answer>日本</answer>", withAnswer("日本")),
            1.0);
  EXPECT_EQ(score("answer_match", "<answer> Paris\n  France </answer>",
                  withAnswer("Paris France")),
            1.0);
  EXPECT_EQ(
      score("answer_match", "<answer>paris</answer>", withAnswer("Paris")),
      0.0);
  EXPECT_EQ(score("answer_match", "<answer>\xFF\xFE</answer>", withAnswer("x")),
            0.0);
  // 10,000-digit integers, exactly.
  std::string big(10000, '8');
  EXPECT_EQ(
      score("answer_match", "<answer>" + big + "</answer>", withAnswer(big)),
      1.0);
  std::string off = big;
  off[5000] = '7';
  EXPECT_EQ(
      score("answer_match", "<answer>" + off + "</answer>", withAnswer(big)),
      0.0);
  // A record without an answer is a dataset error, not a zero.
  Record none;
  none.kind = "jsonl";
  EXPECT_NE(errorOf([&] {
              score("answer_match", "<answer>1</answer>", none);
            }).find("has no answer"),
            std::string::npos);
}

TEST(AnswerMatch, UntaggedLastNumber) {
  Record r = withAnswer("-42");
  const nlohmann::json last = {{"untagged", "last_number"}};
  for (const char *name : {"answer_match", "math_equiv"}) {
    SCOPED_TRACE(name);
    // The tag wins when present, even if a later number disagrees.
    EXPECT_EQ(score(name, "<answer>-42</answer> 7", r, last), 1.0);
    EXPECT_EQ(score(name, "<answer>7</answer> -42", r, last), 0.0);
    // Without the tag: the last number, sign and fraction included.
    EXPECT_EQ(score(name, "10 - 52 = -42.", r, last), 1.0);
    EXPECT_EQ(score(name, "so -42.0", r, last), 1.0);
    EXPECT_EQ(score(name, "-42 then 42", r, last), 0.0);
    EXPECT_EQ(score(name, "x-42y", r, last), 1.0);
    EXPECT_EQ(score(name, "no number here", r, last), 0.0);
    EXPECT_EQ(score(name, "", r, last), 0.0);
    // The default still needs the tag.
    EXPECT_EQ(score(name, "10 - 52 = -42", r), 0.0);
  }
  Record r2 = withAnswer("3.5");
  EXPECT_EQ(score("answer_match", "it is 7/2 = 3.5", r2, last), 1.0);
  EXPECT_EQ(score("answer_match", "it is .5", r2, last), 0.0);
  EXPECT_NE(errorOf([] {
              makeReward("answer_match", {{"untagged", "first"}});
            }).find("must be zero or last_number"),
            std::string::npos);
}

TEST(AnswerMatch, MegabyteCompletionsAreFast) {
  auto t0 = std::chrono::steady_clock::now();
  std::string junk(1 << 20, '<');
  std::string manyTags;
  while (manyTags.size() < (1u << 20))
    manyTags += "<answer>1</answer><think>";
  std::string digits(1 << 20, '9');
  Record r = withAnswer("42");
  for (const std::string *text : {&junk, &manyTags}) {
    for (const std::string &name : rewardNames()) {
      nlohmann::json args = nlohmann::json::object();
      if (name == "overlong")
        args = {{"max_len", 100}, {"buffer", 10}};
      if (name == "length")
        args = {{"target", 100}};
      Record rec = name == "countdown" ? countdownRecord()
                   : name == "kk"      ? kkRecord()
                                       : r;
      double s = makeReward(name, args)->score(*text, rec);
      EXPECT_TRUE(std::isfinite(s)) << name;
    }
  }
  EXPECT_EQ(score("answer_match", "<answer>" + digits + "</answer>",
                  withAnswer(digits)),
            1.0);
  EXPECT_EQ(score("answer_match", "<answer>" + digits + "</answer>",
                  countdownRecord()),
            0.0);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  EXPECT_LT(seconds, 20.0); // a hang guard, not a performance assertion
}

TEST(Countdown, TinyZeroScoreTableAndAnswerMatchDispatch) {
  Record r = countdownRecord();
  EXPECT_EQ(
      score("countdown", "<think>..</think><answer>(3+5)*7-34</answer>", r),
      1.0);
  EXPECT_EQ(score("countdown", "<answer>34-(3+5)+7</answer>", r), 0.1);
  EXPECT_EQ(score("countdown", "<answer>(3+5)*7</answer>", r), 0.1);
  EXPECT_EQ(score("countdown", "<answer>3/(5-5)*7*34</answer>", r), 0.1);
  EXPECT_EQ(score("countdown", "<answer></answer>", r), 0.1);
  EXPECT_EQ(score("countdown", "(3+5)*7-34", r), 0.0);
  EXPECT_EQ(
      score("countdown", "<answer>1</answer>", r, {{"format_score", 0.0}}),
      0.0);
  EXPECT_EQ(score("countdown", "<eq>(3+5)*7-34</eq>", r, {{"tag", "eq"}}), 1.0);
  EXPECT_EQ(score("answer_match", "<answer>7*(3+5)-34</answer>", r), 1.0);
  EXPECT_EQ(score("answer_match", "<answer>22</answer>", r), 0.0);
  EXPECT_EQ(score("answer_match", "<answer>(3+5)*7-34=22</answer>", r), 0.0);
  Record noMeta = withAnswer("1");
  noMeta.kind = "countdown";
  EXPECT_NE(errorOf([&] { score("countdown", "<answer>1</answer>", noMeta); }),
            "");
}

TEST(Kk, LogicRlParserAndScores) {
  std::vector<std::string> names = {"zoe", "bob"};
  EXPECT_EQ(parseKkAnswer("zoe is a knight bob is a knave", names),
            (std::vector<bool>{true, false}));
  EXPECT_EQ(parseKkAnswer("(1) Zoe is a Knight\n(2) Bob   is a knave.", names),
            (std::vector<bool>{true, false}));
  EXPECT_FALSE(parseKkAnswer("zoe is a knight", names)); // missing bob
  EXPECT_FALSE(parseKkAnswer("zoe is a knight bob is a knave knave", names));
  EXPECT_FALSE(parseKkAnswer("zoey is a knight bob is a knave", names));
  EXPECT_FALSE(parseKkAnswer("zoe is a knights bob is a knave", names));
  EXPECT_FALSE(parseKkAnswer("", names));
  Record r = kkRecord();
  std::string right = "<think>t</think><answer>zoe is a knight bob is a "
                      "knave</answer>";
  std::string wrong = "<think>t</think><answer>zoe is a knave bob is a "
                      "knight</answer>";
  std::string noFormat = "<answer>zoe is a knight bob is a knave</answer>";
  EXPECT_EQ(score("kk", right, r), 1.0);
  EXPECT_EQ(score("kk", wrong, r), 0.0);
  EXPECT_EQ(score("kk", noFormat, r), 1.0);
  EXPECT_EQ(score("answer_match", right, r), 1.0);
  EXPECT_EQ(score("answer_match", wrong, r), 0.0);
  nlohmann::json logic = {{"scheme", "logic_rl"}};
  EXPECT_EQ(score("kk", right, r, logic), 3.0);
  EXPECT_EQ(score("kk", wrong, r, logic), -0.5);
  EXPECT_EQ(score("kk", noFormat, r, logic), -3.0);
  EXPECT_EQ(score("kk", "<think>t</think><answer>zoe</answer>", r, logic),
            -1.0);
  EXPECT_EQ(score("kk", "<sol>zoe is a knight bob is a knave</sol>", r,
                  {{"tag", "sol"}}),
            1.0);
}

TEST(ThinkFormat, TableIncludingNestedAndRepeatedTags) {
  Record r = withAnswer("1");
  struct Case {
    const char *text;
    double loose, strict;
  } cases[] = {
      {"<think>a</think><answer>1</answer>", 1, 1},
      {"  <think>\na\n</think>\n<answer>\n1\n</answer>\n", 1, 1},
      {"<think></think><answer></answer>", 1, 1},
      {"hi <think>a</think><answer>1</answer>", 1, 0},
      {"<think>a</think> so <answer>1</answer>", 1, 0},
      {"<think>a</think><answer>1</answer> bye", 1, 0},
      {"<think>a</think>", 0, 0},
      {"<answer>1</answer>", 0, 0},
      {"<answer>1</answer><think>a</think>", 0, 0},
      {"<think><think>a</think></think><answer>1</answer>", 0, 0},
      {"<think>a<answer>1</answer></think>", 0, 0},
      {"<think>a</think><answer>1</answer><answer>2</answer>", 0, 0},
      {"<think>a</think><answer>1</answer></think>", 0, 0},
      {"<think>a</answer><answer>1</think>", 0, 0},
      {"<THINK>a</THINK><ANSWER>1</ANSWER>", 0, 0},
      {"", 0, 0},
  };
  for (const Case &c : cases) {
    EXPECT_EQ(score("think_format", c.text, r), c.loose) << c.text;
    EXPECT_EQ(score("think_format", c.text, r, {{"strict", true}}), c.strict)
        << c.text;
  }
}

TEST(TagCount, QuarterPerTagOccurringOnce) {
  Record r = withAnswer("1");
  EXPECT_EQ(score("tag_count", "<think>a</think><answer>1</answer>", r), 1.0);
  EXPECT_EQ(score("tag_count", "<think>a</think>", r), 0.5);
  EXPECT_EQ(score("tag_count", "<think><think>a</think><answer>1</answer>", r),
            0.75);
  EXPECT_EQ(score("tag_count", "nothing", r), 0.0);
  EXPECT_EQ(score("tag_count", "</answer><answer></think><think>", r), 1.0);
  nlohmann::json nl = {{"newlines", true}};
  EXPECT_EQ(
      score("tag_count", "<think>\na\n</think>\n<answer>\n1\n</answer>", r, nl),
      1.0);
  EXPECT_EQ(score("tag_count", "<think>a</think><answer>1</answer>", r, nl),
            0.0);
  EXPECT_EQ(score("tag_count", "<think>\na</think><answer>1\n</answer>", r, nl),
            0.5);
}

TEST(LengthPenalties, TargetAndDapoOverlong) {
  Record r = withAnswer("1");
  nlohmann::json len = {{"target", 100}};
  nlohmann::json over = {{"max_len", 100}, {"buffer", 20}};
  nlohmann::json hard = {{"max_len", 100}};
  for (int n : {0, 1, 37, 79, 80, 81, 90, 99, 100, 101, 250}) {
    std::string text(n, 'x');
    EXPECT_DOUBLE_EQ(score("length", text, r, len), -std::abs(n - 100) / 100.0)
        << n;
    double want = n <= 80 ? 0.0 : n <= 100 ? (80.0 - n) / 20.0 : -1.0;
    EXPECT_DOUBLE_EQ(score("overlong", text, r, over), want) << n;
    EXPECT_DOUBLE_EQ(score("overlong", text, r, hard), n <= 100 ? 0.0 : -1.0)
        << n;
  }
  // Lengths count code points, not bytes.
  std::string cjk;
  for (int i = 0; i < 90; ++i)
    cjk += "日";
  EXPECT_DOUBLE_EQ(score("overlong", cjk, r, over), -0.5);
  EXPECT_DOUBLE_EQ(score("length", cjk, r, len), -0.1);
}

TEST(MathEquiv, NumbersOnly) {
  EXPECT_EQ(score("math_equiv", "<answer>0.5</answer>", withAnswer("1/2")),
            1.0);
  EXPECT_EQ(score("math_equiv", "<answer>0.5</answer>", withAnswer("2/3")),
            0.0);
  // No string fallback, unlike answer_match.
  EXPECT_EQ(score("math_equiv", "<answer>paris</answer>", withAnswer("paris")),
            0.0);
  EXPECT_EQ(
      score("answer_match", "<answer>paris</answer>", withAnswer("paris")),
      1.0);
  auto alias = makeReward("language");
  EXPECT_EQ(alias->info().name, "language");
}

TEST(LanguageConsistency, FractionInTargetScript) {
  Record r = withAnswer("1");
  EXPECT_EQ(score("language_consistency",
                  "<think>add the numbers</think><answer>42</answer>", r),
            1.0);
  // 5 latin letters and 5 Han characters (digits and tags are neutral).
  EXPECT_DOUBLE_EQ(score("language_consistency",
                         "<think>hello 你好世界啊 12</think><answer>3</answer>",
                         r),
                   0.5);
  EXPECT_DOUBLE_EQ(score("language_consistency",
                         "<think>hello 你好世界啊</think>", r,
                         {{"script", "cjk"}}),
                   0.5);
  EXPECT_EQ(score("language_consistency", "<think>12+3=15</think>", r), 1.0);
  EXPECT_EQ(
      score("language_consistency", "<think> </think><answer></answer>", r),
      0.0);
  EXPECT_EQ(score("language_consistency", "", r), 0.0);
  EXPECT_EQ(score("language_consistency", "plain text, no tags", r), 1.0);
  EXPECT_DOUBLE_EQ(score("language_consistency", "<think>привет hi</think>", r,
                         {{"script", "cyrillic"}}),
                   6.0 / 8.0);
  // An explicit alphabet counts every visible character.
  EXPECT_DOUBLE_EQ(score("language_consistency", "<answer>ab+c!</answer>", r,
                         {{"alphabet", "abc+"}}),
                   0.8);
  EXPECT_NE(errorOf([] {
              makeReward("language_consistency", {{"script", "klingon"}});
            }),
            "");
}

} // namespace
