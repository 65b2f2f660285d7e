//===- AnswerMatch.cpp - answer_match and countdown rewards ---------------===//
//
// answer_match is the task-aware accuracy reward: it takes the last
// <tag>…</tag> of the completion and checks it the way the record's task
// defines correctness (countdown: equation check; kk: every role; otherwise
// exact numeric equivalence, else whitespace-normalized string equality).
// With untagged = last_number, a completion without the tag is judged by its
// last number instead (for models that do not tag their answers yet; the
// countdown and kk checks still need the tag).
//
//===----------------------------------------------------------------------===//

#include "Support.h"
#include "r1rt/reward/Equation.h"
#include "r1rt/reward/ExactNumber.h"
#include "r1rt/reward/KnightsKnaves.h"

namespace r1rt::reward {

namespace {

/// Collapses runs of ASCII whitespace to one space and trims the ends.
std::string normalizeSpace(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : trimSpace(text)) {
    bool isSpace = c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
                   c == '\f' || c == '\v';
    if (isSpace) {
      space = true;
      continue;
    }
    if (space)
      out += ' ';
    space = false;
    out += c;
  }
  return out;
}

/// Where the answer rewards look (givenAnswer).
struct AnswerSource {
  std::string tag;
  bool lastNumberFallback = false;
  std::optional<std::string_view> find(std::string_view completion) const {
    return givenAnswer(completion, tag, lastNumberFallback);
  }
};

/// The countdown problem of a record, or an error naming the record kind.
void countdownProblem(const data::Record &record, const char *reward,
                      std::vector<int64_t> &numbers, int64_t &target) {
  try {
    numbers = record.meta.at("numbers").get<std::vector<int64_t>>();
    target = record.meta.at("target").get<int64_t>();
  } catch (const nlohmann::json::exception &) {
    fail("reward {}: record (kind '{}') lacks meta numbers/target; use a "
         "task.countdown dataset",
         reward, record.kind);
  }
}

class AnswerMatch : public Reward {
public:
  explicit AnswerMatch(AnswerSource source)
      : Reward({"answer_match",
                "1 if the last <" + source.tag +
                    "> answer is correct for the task",
                0.0, 1.0, true, true}),
        source(std::move(source)) {}

  double score(std::string_view completion,
               const data::Record &record) const override {
    // Countdown and kk read the tag only; other tasks may fall back to the
    // last number (source.find). One scan of the completion either way.
    if (record.kind == "countdown" || record.kind == "kk")
      return scoreTagged(lastTagContent(completion, source.tag), record);
    if (!record.answer)
      fail("reward answer_match: record (kind '{}') has no answer; map one "
           "with jsonl(..., answer = \"field\")",
           record.kind);
    std::optional<std::string_view> content = source.find(completion);
    if (!content)
      return 0.0;
    return answersEquivalent(*content, *record.answer) ? 1.0 : 0.0;
  }

  static bool answersEquivalent(std::string_view given,
                                std::string_view expected) {
    std::optional<ExactNumber> a = parseExactNumber(given);
    std::optional<ExactNumber> b = parseExactNumber(expected);
    if (a && b)
      return exactlyEqual(*a, *b);
    return normalizeSpace(given) == normalizeSpace(expected);
  }

private:
  /// The countdown equation check or the kk assignment, on the tag content.
  static double scoreTagged(std::optional<std::string_view> tagged,
                            const data::Record &record) {
    if (record.kind == "countdown") {
      std::vector<int64_t> numbers;
      int64_t target;
      countdownProblem(record, "answer_match", numbers, target);
      return tagged && checkCountdown(*tagged, numbers, target) ==
                           CountdownVerdict::Correct
                 ? 1.0
                 : 0.0;
    }
    std::vector<std::string> names; // kk
    std::vector<bool> knights;
    kkProblem(record, "answer_match", names, knights);
    if (!tagged)
      return 0.0;
    auto roles = parseKkAnswer(trimSpace(*tagged), names);
    return roles && *roles == knights ? 1.0 : 0.0;
  }

  AnswerSource source;
};

/// TinyZero's countdown compute_score: 0 without an <answer>, format_score
/// for an answer that is not a correct equation, 1 when correct.
class CountdownReward : public Reward {
public:
  CountdownReward(std::string tag, double formatScore)
      : Reward({"countdown",
                "TinyZero countdown: 1 correct equation, format_score for a "
                "wrong one, 0 without <" +
                    tag + ">",
                0.0, 1.0, formatScore == 0.0, true}),
        tag(std::move(tag)), formatScore(formatScore) {}

  double score(std::string_view completion,
               const data::Record &record) const override {
    std::vector<int64_t> numbers;
    int64_t target;
    countdownProblem(record, "countdown", numbers, target);
    std::optional<std::string_view> content = lastTagContent(completion, tag);
    if (!content)
      return 0.0;
    return checkCountdown(*content, numbers, target) ==
                   CountdownVerdict::Correct
               ? 1.0
               : formatScore;
  }

private:
  std::string tag;
  double formatScore;
};

/// math_equiv: exact numeric equivalence only (no task dispatch, no string
/// fallback): 1 if both the tagged answer and the record's answer are
/// numbers of the supported forms and denote the same rational.
class MathEquiv : public Reward {
public:
  explicit MathEquiv(AnswerSource source)
      : Reward({"math_equiv",
                "1 if the last <" + source.tag +
                    "> is numerically equal to the answer",
                0.0, 1.0, true, true}),
        source(std::move(source)) {}

  double score(std::string_view completion,
               const data::Record &record) const override {
    if (!record.answer)
      fail("reward math_equiv: record (kind '{}') has no answer; map one "
           "with jsonl(..., answer = \"field\")",
           record.kind);
    std::optional<std::string_view> content = source.find(completion);
    if (!content)
      return 0.0;
    std::optional<ExactNumber> a = parseExactNumber(*content);
    std::optional<ExactNumber> b = parseExactNumber(*record.answer);
    return a && b && exactlyEqual(*a, *b) ? 1.0 : 0.0;
  }

private:
  AnswerSource source;
};

/// Reads and checks the `tag` argument shared by the answer rewards.
std::string tagArgument(RewardArgs &args) {
  std::string tag = args.string("tag", "answer");
  if (tag.empty() || tag.find_first_of("<>/ ") != std::string::npos)
    args.invalid("tag '{}' must be a non-empty name without < > / or spaces",
                 tag);
  return tag;
}

} // namespace

/// `tag` and `untagged` of answer_match and math_equiv.
AnswerSource answerSource(RewardArgs &args) {
  AnswerSource source{tagArgument(args)};
  std::string untagged = args.string("untagged", "zero");
  if (untagged != "zero" && untagged != "last_number")
    args.invalid("untagged = '{}' must be zero or last_number", untagged);
  source.lastNumberFallback = untagged == "last_number";
  return source;
}

std::unique_ptr<Reward> makeAnswerMatch(RewardArgs &args) {
  return std::make_unique<AnswerMatch>(answerSource(args));
}

std::unique_ptr<Reward> makeMathEquiv(RewardArgs &args) {
  return std::make_unique<MathEquiv>(answerSource(args));
}

std::unique_ptr<Reward> makeCountdownReward(RewardArgs &args) {
  std::string tag = tagArgument(args);
  double formatScore = args.number("format_score", 0.1);
  if (!(formatScore >= 0.0 && formatScore < 1.0))
    args.invalid("format_score = {} must lie in [0, 1)", formatScore);
  return std::make_unique<CountdownReward>(tag, formatScore);
}

} // namespace r1rt::reward
