//===- KnightsKnaves.cpp - kk reward: Logic-RL's answer parser and scores -===//

#include "r1rt/reward/KnightsKnaves.h"
#include "Support.h"

#include <cctype>

namespace r1rt::reward {

namespace {

bool isWordByte(unsigned char c) {
  return std::isalnum(c) || c == '_' || c >= 0x80;
}
bool isSpaceByte(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}
std::string asciiLower(std::string_view text) {
  std::string out(text);
  for (char &c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
size_t countOccurrences(std::string_view text, std::string_view word) {
  size_t n = 0;
  for (size_t pos = text.find(word); pos != std::string_view::npos;
       pos = text.find(word, pos + word.size()))
    ++n;
  return n;
}

/// Matches `\s+word` at `pos` (case already folded); advances `pos`.
bool spacedWord(std::string_view t, size_t &pos, std::string_view word) {
  size_t k = pos;
  while (k < t.size() && isSpaceByte(t[k]))
    ++k;
  if (k == pos || t.substr(k, word.size()) != word)
    return false;
  pos = k + word.size();
  return true;
}

/// First match of \bname\b\s+is\s+a\s+\b(knight|knave)\b in `t`.
std::optional<bool> findRole(std::string_view t, std::string_view name) {
  for (size_t at = t.find(name); at != std::string_view::npos;
       at = t.find(name, at + 1)) {
    size_t end = at + name.size();
    if ((at > 0 && isWordByte(t[at - 1])) ||
        (end < t.size() && isWordByte(t[end])))
      continue;
    size_t pos = end;
    if (!spacedWord(t, pos, "is") || !spacedWord(t, pos, "a"))
      continue;
    size_t k = pos;
    while (k < t.size() && isSpaceByte(t[k]))
      ++k;
    if (k == pos)
      continue;
    for (std::string_view role : {"knight", "knave"}) {
      size_t roleEnd = k + role.size();
      if (t.substr(k, role.size()) == role &&
          (roleEnd == t.size() || !isWordByte(t[roleEnd])))
        return role == "knight";
    }
  }
  return std::nullopt;
}

/// task.kk accuracy: binary, or Logic-RL's format + answer score.
class KkReward : public Reward {
public:
  KkReward(std::string tag, bool logicRl)
      : Reward({"kk",
                logicRl ? "Knights & Knaves, Logic-RL scores (format +-1, "
                          "answer +2/-1.5/-2)"
                        : "Knights & Knaves: 1 if every role is right",
                logicRl ? -3.0 : 0.0, logicRl ? 3.0 : 1.0, !logicRl, true}),
        tag(std::move(tag)), logicRl(logicRl) {}

  double score(std::string_view completion,
               const data::Record &record) const override {
    std::vector<std::string> names;
    std::vector<bool> knights;
    kkProblem(record, "kk", names, knights);
    std::optional<std::string_view> answer = lastTagContent(completion, tag);
    std::optional<std::vector<bool>> parsed;
    if (answer)
      parsed = parseKkAnswer(trimSpace(*answer), names);
    bool correct = parsed && *parsed == knights;
    if (!logicRl)
      return correct ? 1.0 : 0.0;
    bool format = validThinkAnswerStructure(completion, /*strict=*/false);
    double formatScore = format ? 1.0 : -1.0;
    double answerScore = -2.0;
    if (format && answer && !trimSpace(*answer).empty() && parsed)
      answerScore = correct ? 2.0 : -1.5;
    return formatScore + answerScore;
  }

private:
  std::string tag;
  bool logicRl;
};

} // namespace

void kkProblem(const data::Record &record, const char *reward,
               std::vector<std::string> &names, std::vector<bool> &knights) {
  try {
    names = record.meta.at("names").get<std::vector<std::string>>();
    knights = record.meta.at("knights").get<std::vector<bool>>();
  } catch (const nlohmann::json::exception &) {
    fail("reward {}: record (kind '{}') lacks meta names/knights; use a "
         "task.kk dataset",
         reward, record.kind);
  }
}

std::optional<std::vector<bool>>
parseKkAnswer(std::string_view answer, const std::vector<std::string> &names) {
  std::string t = asciiLower(answer);
  if (countOccurrences(t, "knight") + countOccurrences(t, "knave") !=
      names.size())
    return std::nullopt;
  std::vector<bool> roles;
  for (const std::string &name : names) {
    std::optional<bool> role = findRole(t, asciiLower(name));
    if (!role)
      return std::nullopt;
    roles.push_back(*role);
  }
  return roles;
}

std::unique_ptr<Reward> makeKkReward(RewardArgs &args) {
  std::string tag = args.string("tag", "answer");
  if (tag.empty() || tag.find_first_of("<>/ ") != std::string::npos)
    args.invalid("tag '{}' must be a non-empty name without < > / or spaces",
                 tag);
  std::string scheme = args.string("scheme", "binary");
  if (scheme != "binary" && scheme != "logic_rl")
    args.invalid("scheme '{}' is unknown; use scheme = \"binary\" or "
                 "\"logic_rl\"",
                 scheme);
  return std::make_unique<KkReward>(tag, scheme == "logic_rl");
}

} // namespace r1rt::reward
