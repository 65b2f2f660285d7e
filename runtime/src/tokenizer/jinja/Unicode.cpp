//===- Unicode.cpp - UTF-8 helpers with Python's str semantics ------------===//

#include "Unicode.h"

namespace r1jinja {

namespace {
/// Decodes the code point at `pos` and advances past it.
char32_t next(const std::string &s, size_t &pos) {
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = b(pos);
  int extra = c < 0x80         ? 0
              : (c >> 5) == 6  ? 1
              : (c >> 4) == 14 ? 2
              : (c >> 3) == 30 ? 3
                               : -1;
  if (extra < 0 || pos + extra >= s.size()) {
    ++pos;
    return 0xFFFD;
  }
  char32_t cp = extra == 0 ? c : c & (0x3F >> extra);
  for (int i = 1; i <= extra; ++i) {
    if ((b(pos + i) & 0xC0) != 0x80) {
      ++pos;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b(pos + i) & 0x3F);
  }
  pos += extra + 1;
  return cp;
}
} // namespace

std::u32string decodeUtf8(const std::string &s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t pos = 0; pos < s.size();)
    out.push_back(next(s, pos));
  return out;
}

void appendUtf8(std::string &out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::string encodeUtf8(const std::u32string &s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s)
    appendUtf8(out, c);
  return out;
}

size_t codePointCount(const std::string &s) {
  size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80;
  return n;
}

bool isPySpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 ||
         c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

size_t skipSpace(const std::string &s, size_t pos) {
  while (pos < s.size()) {
    size_t at = pos;
    if (!isPySpace(next(s, at)))
      break;
    pos = at;
  }
  return pos;
}

bool allSpace(const std::string &s, size_t pos) {
  return pos < s.size() && skipSpace(s, pos) == s.size();
}

std::string rstripSpace(const std::string &s) {
  size_t end = 0;
  for (size_t pos = 0; pos < s.size();) {
    if (!isPySpace(next(s, pos)))
      end = pos;
  }
  return s.substr(0, end);
}

} // namespace r1jinja
