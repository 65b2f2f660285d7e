//===- Registry.cpp - Reward lookup by name, tag extraction ---------------===//

#include "Support.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace r1rt::reward {

namespace {
using Factory = std::unique_ptr<Reward> (*)(RewardArgs &);

const std::map<std::string, Factory> &registry() {
  static const std::map<std::string, Factory> table = {
      {"answer_match", makeAnswerMatch},
      {"countdown", makeCountdownReward},
      {"kk", makeKkReward},
      {"think_format", makeThinkFormat},
      {"tag_count", makeTagCount},
      {"length", makeLengthPenalty},
      {"overlong", makeOverlongPenalty},
      {"language", makeLanguageConsistency},
      {"language_consistency", makeLanguageConsistency},
      {"math_equiv", makeMathEquiv},
  };
  return table;
}
} // namespace

std::unique_ptr<Reward> makeReward(const std::string &name,
                                   const nlohmann::json &args) {
  auto it = registry().find(name);
  if (it == registry().end())
    fail("unknown reward '{}'; available: {}", name,
         fmt::join(rewardNames(), ", "));
  RewardArgs reader(name, args);
  std::unique_ptr<Reward> reward = it->second(reader);
  reader.finish();
  reward->rename(name);
  return reward;
}

std::vector<std::string> rewardNames() {
  std::vector<std::string> names;
  for (auto &[name, factory] : registry())
    names.push_back(name);
  return names;
}

std::optional<std::string_view> lastTagContent(std::string_view text,
                                               std::string_view tag) {
  std::string open = "<" + std::string(tag) + ">";
  std::string close = "</" + std::string(tag) + ">";
  std::optional<std::string_view> last;
  size_t pos = 0;
  while (true) {
    size_t start = text.find(open, pos);
    if (start == std::string_view::npos)
      break;
    size_t body = start + open.size();
    size_t end = text.find(close, body);
    if (end == std::string_view::npos)
      break;
    last = text.substr(body, end - body);
    pos = end + close.size();
  }
  return last;
}

std::string_view trimSpace(std::string_view text) {
  const char *space = " \t\n\r\f\v";
  size_t b = text.find_first_not_of(space);
  if (b == std::string_view::npos)
    return {};
  size_t e = text.find_last_not_of(space);
  return text.substr(b, e - b + 1);
}

std::optional<std::string_view> lastNumber(std::string_view text) {
  size_t end = text.size();
  while (end > 0 && !std::isdigit(static_cast<unsigned char>(text[end - 1])))
    --end;
  if (end == 0)
    return std::nullopt;
  size_t begin = end;
  auto digitAt = [&](size_t i) {
    return std::isdigit(static_cast<unsigned char>(text[i]));
  };
  while (begin > 0 && digitAt(begin - 1))
    --begin;
  if (begin >= 2 && text[begin - 1] == '.' && digitAt(begin - 2)) {
    --begin;
    while (begin > 0 && digitAt(begin - 1))
      --begin;
  }
  if (begin > 0 && text[begin - 1] == '-')
    --begin;
  return text.substr(begin, end - begin);
}


std::optional<std::string_view> givenAnswer(std::string_view text,
                                            std::string_view tag,
                                            bool lastNumberFallback) {
  std::optional<std::string_view> content = lastTagContent(text, tag);
  if (!content && lastNumberFallback)
    return lastNumber(text);
  return content;
}

} // namespace r1rt::reward
