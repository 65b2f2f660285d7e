//===- Format.cpp - think_format and tag_count rewards --------------------===//

#include "Support.h"

namespace r1rt::reward {

namespace {

size_t countOf(std::string_view text, std::string_view needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string_view::npos;
       pos = text.find(needle, pos + needle.size()))
    ++n;
  return n;
}

bool onlySpace(std::string_view text) { return trimSpace(text).empty(); }

/// 1 when the completion is <think>…</think><answer>…</answer> (Logic-RL's
/// validate_response_structure; `strict` also forbids text around the
/// blocks), else 0.
class ThinkFormat : public Reward {
public:
  explicit ThinkFormat(bool strict)
      : Reward({"think_format",
                strict ? "1 if exactly <think>..</think><answer>..</answer> "
                         "with nothing around"
                       : "1 if <think></think><answer></answer> each occur "
                         "once, in order",
                0.0, 1.0, true, false}),
        strict(strict) {}

  double score(std::string_view completion,
               const data::Record &) const override {
    return validThinkAnswerStructure(completion, strict) ? 1.0 : 0.0;
  }

private:
  bool strict;
};

/// open-r1's tag_count_reward: 0.25 per tag occurring exactly once.
class TagCount : public Reward {
public:
  explicit TagCount(bool newlines)
      : Reward({"tag_count",
                "0.25 per think/answer tag that occurs exactly once", 0.0, 1.0,
                false, false}),
        newlines(newlines) {}

  double score(std::string_view completion,
               const data::Record &) const override {
    static constexpr std::string_view kPlain[] = {"<think>", "</think>",
                                                  "<answer>", "</answer>"};
    // open-r1 counts these exact strings (its prompts put tags on lines).
    static constexpr std::string_view kNewlines[] = {
        "<think>\n", "\n</think>\n", "\n<answer>\n", "\n</answer>"};
    double total = 0.0;
    for (int k = 0; k < 4; ++k)
      if (countOf(completion, newlines ? kNewlines[k] : kPlain[k]) == 1)
        total += 0.25;
    return total;
  }

private:
  bool newlines;
};

} // namespace

bool validThinkAnswerStructure(std::string_view text, bool strict) {
  static constexpr std::string_view kTags[] = {"<think>", "</think>",
                                               "<answer>", "</answer>"};
  size_t pos[4];
  for (int k = 0; k < 4; ++k) {
    if (countOf(text, kTags[k]) != 1)
      return false;
    pos[k] = text.find(kTags[k]);
  }
  if (!(pos[0] < pos[1] && pos[1] < pos[2] && pos[2] < pos[3]))
    return false;
  if (!strict)
    return true;
  size_t afterThink = pos[1] + kTags[1].size();
  size_t afterAnswer = pos[3] + kTags[3].size();
  return onlySpace(text.substr(0, pos[0])) &&
         onlySpace(text.substr(afterThink, pos[2] - afterThink)) &&
         onlySpace(text.substr(afterAnswer));
}

std::unique_ptr<Reward> makeThinkFormat(RewardArgs &args) {
  return std::make_unique<ThinkFormat>(args.boolean("strict", false));
}

std::unique_ptr<Reward> makeTagCount(RewardArgs &args) {
  return std::make_unique<TagCount>(args.boolean("newlines", false));
}

} // namespace r1rt::reward
