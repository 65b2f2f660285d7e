//===- LanguageConsistency.cpp - language_consistency reward --------------===//
//
// DeepSeek-R1's language-consistency reward: the fraction of the reasoning
// (think + answer contents) written in the target script. Script-neutral
// characters (digits, ASCII punctuation and symbols, whitespace, general and
// CJK punctuation) count for neither side. With an explicit alphabet, every
// non-whitespace code point counts and must belong to it.
//
//===----------------------------------------------------------------------===//

#include "Support.h"
#include "r1rt/data/Utf8.h"

#include <algorithm>

namespace r1rt::reward {

namespace {

enum class Script { Latin, Ascii, Cyrillic, Greek, Cjk, Arabic };

bool inRange(char32_t c, char32_t lo, char32_t hi) {
  return c >= lo && c <= hi;
}

bool isAsciiLetter(char32_t c) {
  return inRange(c, 'a', 'z') || inRange(c, 'A', 'Z');
}

bool isNeutral(char32_t c) {
  if (c < 0x80)
    return !isAsciiLetter(c);
  return inRange(c, 0x80, 0xBF) || c == 0xD7 || c == 0xF7 ||
         inRange(c, 0x2000, 0x206F) || inRange(c, 0x3000, 0x303F) ||
         inRange(c, 0xFF00, 0xFF20) || inRange(c, 0xFE30, 0xFE4F);
}

bool inScript(char32_t c, Script s) {
  switch (s) {
  case Script::Ascii:
    return isAsciiLetter(c);
  case Script::Latin:
    return isAsciiLetter(c) || inRange(c, 0xC0, 0x24F) ||
           inRange(c, 0x1E00, 0x1EFF);
  case Script::Cyrillic:
    return inRange(c, 0x400, 0x52F);
  case Script::Greek:
    return inRange(c, 0x370, 0x3FF) || inRange(c, 0x1F00, 0x1FFF);
  case Script::Cjk:
    return inRange(c, 0x4E00, 0x9FFF) || inRange(c, 0x3400, 0x4DBF) ||
           inRange(c, 0x3040, 0x30FF) || inRange(c, 0xF900, 0xFAFF);
  case Script::Arabic:
    return inRange(c, 0x600, 0x6FF) || inRange(c, 0x750, 0x77F);
  }
  return false;
}

bool isSpace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v' || c == 0xA0 || c == 0x3000;
}

class LanguageConsistency : public Reward {
public:
  LanguageConsistency(Script script, std::u32string alphabet)
      : Reward({"language_consistency",
                "fraction of think/answer text in the target script", 0.0, 1.0,
                false, false}),
        script(script), alphabet(std::move(alphabet)) {}

  double score(std::string_view completion,
               const data::Record &) const override {
    std::string text;
    auto think = lastTagContent(completion, "think");
    auto answer = lastTagContent(completion, "answer");
    if (think || answer) {
      text = std::string(think.value_or("")) + " " +
             std::string(answer.value_or(""));
    } else {
      text = std::string(completion);
    }
    size_t inside = 0, counted = 0, visible = 0;
    for (char32_t c : data::decodeUtf8(text)) {
      if (isSpace(c))
        continue;
      ++visible;
      if (!alphabet.empty()) {
        ++counted;
        inside += alphabet.find(c) != std::u32string::npos;
      } else if (!isNeutral(c)) {
        ++counted;
        inside += inScript(c, script);
      }
    }
    if (visible == 0)
      return 0.0; // nothing written: no credit
    if (counted == 0)
      return 1.0; // only digits/punctuation: consistent with any language
    return static_cast<double>(inside) / static_cast<double>(counted);
  }

private:
  Script script;
  std::u32string alphabet;
};

} // namespace

std::unique_ptr<Reward> makeLanguageConsistency(RewardArgs &args) {
  std::string alphabet = args.string("alphabet", "");
  std::string name = args.string("script", "latin");
  if (!alphabet.empty() && args.has("script"))
    args.invalid("give either script or alphabet, not both");
  static const std::pair<const char *, Script> kScripts[] = {
      {"latin", Script::Latin},       {"ascii", Script::Ascii},
      {"cyrillic", Script::Cyrillic}, {"greek", Script::Greek},
      {"cjk", Script::Cjk},           {"arabic", Script::Arabic}};
  auto it = std::find_if(std::begin(kScripts), std::end(kScripts),
                         [&](auto &p) { return name == p.first; });
  if (it == std::end(kScripts))
    args.invalid("script '{}' is unknown; use latin, ascii, cyrillic, greek, "
                 "cjk or arabic",
                 name);
  if (data::findInvalidUtf8(alphabet))
    args.invalid("alphabet is not valid UTF-8");
  std::vector<char32_t> cps = data::decodeUtf8(alphabet);
  return std::make_unique<LanguageConsistency>(
      it->second, std::u32string(cps.begin(), cps.end()));
}

} // namespace r1rt::reward
