//===- BpeRegex.cpp - PCRE2 regexes with Oniguruma's meaning --------------===//

#include "BpeRegex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace r1fmt::bpe {
namespace {

/// Unicode White_Space, which is what Oniguruma's \s means in UTF-8 mode.
constexpr const char *kWhiteSpace =
    "\\x{09}-\\x{0D}\\x{20}\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}"
    "\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}";

bool isHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F');
}

/// Per-thread match state: one ovector pair and a JIT stack that grows to
/// 1 MiB, so long inputs never hit the 32 KiB default.
struct MatchState {
  pcre2_match_data *data = pcre2_match_data_create(1, nullptr);
  pcre2_jit_stack *stack =
      pcre2_jit_stack_create(32 * 1024, 1024 * 1024, nullptr);
  pcre2_match_context *context = pcre2_match_context_create(nullptr);
  MatchState() { pcre2_jit_stack_assign(context, nullptr, stack); }
  ~MatchState() {
    pcre2_match_context_free(context);
    pcre2_jit_stack_free(stack);
    pcre2_match_data_free(data);
  }
};

MatchState &matchState() {
  thread_local MatchState state;
  return state;
}

/// Length of the UTF-8 sequence starting at text[pos], 1 for a stray byte.
size_t charLength(std::string_view text, size_t pos) {
  unsigned char c = static_cast<unsigned char>(text[pos]);
  size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  if (c >= 0x80 && c < 0xC0)
    n = 1;
  return std::min(n, text.size() - pos);
}

} // namespace

Expected<std::string> translatePattern(const std::string &p) {
  std::string out;
  bool inClass = false;
  for (size_t i = 0; i < p.size();) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      char n = p[i + 1];
      if (n == 's') {
        out += inClass ? std::string(kWhiteSpace)
                       : fmt::format("[{}]", kWhiteSpace);
      } else if (n == 'S') {
        if (inClass)
          return Error{"\\S inside a character class is not supported"};
        out += fmt::format("[^{}]", kWhiteSpace);
      } else if (n == 'u' && i + 6 <= p.size() && isHex(p[i + 2]) &&
                 isHex(p[i + 3]) && isHex(p[i + 4]) && isHex(p[i + 5])) {
        out += fmt::format("\\x{{{}}}", p.substr(i + 2, 4));
        i += 6;
        continue;
      } else if (n == 'h' || n == 'H') {
        return Error{fmt::format("escape \\{} (Oniguruma hex digit) is not "
                                 "supported",
                                 n)};
      } else {
        out += c;
        out += n;
      }
      i += 2;
      continue;
    }
    if (c == '[') {
      if (inClass) {
        if (i + 1 < p.size() && p[i + 1] == ':') {
          size_t end = p.find(":]", i + 2);
          if (end == std::string::npos)
            return Error{"unterminated POSIX class"};
          out += p.substr(i, end + 2 - i);
          i = end + 2;
          continue;
        }
        return Error{"nested character classes are not supported"};
      }
      inClass = true;
      out += c;
      ++i;
      if (i < p.size() && p[i] == '^')
        out += p[i++];
      if (i < p.size() && p[i] == ']') // a leading ] is literal
        out += p[i++];
      continue;
    }
    if (c == ']' && inClass)
      inClass = false;
    out += c;
    ++i;
  }
  return out;
}

Expected<std::shared_ptr<const Regex>> Regex::compile(const std::string &src) {
  Expected<std::string> pattern = translatePattern(src);
  if (!pattern)
    return Error{fmt::format("bad regex: {}", pattern.error())};
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code *re = pcre2_compile(
      reinterpret_cast<PCRE2_SPTR>(pattern->data()), pattern->size(),
      PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &code, &offset, nullptr);
  if (!re) {
    PCRE2_UCHAR buffer[256];
    pcre2_get_error_message(code, buffer, sizeof(buffer));
    return Error{fmt::format("bad regex at offset {}: {}", offset,
                             reinterpret_cast<const char *>(buffer))};
  }
  std::shared_ptr<Regex> r(new Regex());
  r->code_ = re;
  r->jit_ = pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0;
  return std::shared_ptr<const Regex>(std::move(r));
}

Expected<std::shared_ptr<const Regex>>
Regex::literal(const std::string &literal) {
  std::string pattern;
  for (char c : literal) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x80 && !std::isalnum(u))
      pattern += '\\';
    pattern += c;
  }
  return compile(pattern);
}

Regex::~Regex() { pcre2_code_free(static_cast<pcre2_code *>(code_)); }

void Regex::findAll(std::string_view text, std::vector<Span> &out) const {
  auto *re = static_cast<pcre2_code *>(code_);
  MatchState &state = matchState();
  const auto *subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  size_t start = 0;
  bool havePrev = false;
  size_t prevEnd = 0;
  while (start <= text.size()) {
    int rc = pcre2_match(re, subject, text.size(), start, 0, state.data,
                         state.context);
    if (rc < 0 && rc != PCRE2_ERROR_NOMATCH && jit_) // JIT limits: retry
      rc = pcre2_match(re, subject, text.size(), start, PCRE2_NO_JIT,
                       state.data, state.context);
    if (rc < 0)
      return;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(state.data);
    size_t s = ov[0], e = ov[1];
    if (s == e && havePrev && prevEnd == e) {
      if (start >= text.size())
        return;
      start += charLength(text, start);
      continue;
    }
    out.emplace_back(s, e);
    havePrev = true;
    prevEnd = e;
    start = e;
  }
}

bool Regex::search(std::string_view text) const {
  MatchState &state = matchState();
  int rc = pcre2_match(static_cast<pcre2_code *>(code_),
                       reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(),
                       0, 0, state.data, state.context);
  return rc >= 0;
}

} // namespace r1fmt::bpe
