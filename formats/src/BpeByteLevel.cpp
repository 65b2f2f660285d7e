//===- BpeByteLevel.cpp - GPT-2 byte alphabet, ByteLevel decoder ----------===//
//
// GPT-2 maps every byte to a printable char: the printable Latin-1 bytes
// ('!'..'~', 0xA1..0xAC, 0xAE..0xFF) to themselves and the other 68 bytes,
// in order, to U+0100 onwards. Decoding undoes that per token and then
// replaces invalid UTF-8 the way Rust's from_utf8_lossy does.
//
//===----------------------------------------------------------------------===//

#include "BpeModel.h"

#include <unordered_map>

namespace r1fmt::bpe {
namespace {

std::string utf8(uint32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += char(cp);
  } else if (cp < 0x800) {
    s += char(0xC0 | (cp >> 6));
    s += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += char(0xE0 | (cp >> 12));
    s += char(0x80 | ((cp >> 6) & 0x3F));
    s += char(0x80 | (cp & 0x3F));
  } else {
    s += char(0xF0 | (cp >> 18));
    s += char(0x80 | ((cp >> 12) & 0x3F));
    s += char(0x80 | ((cp >> 6) & 0x3F));
    s += char(0x80 | (cp & 0x3F));
  }
  return s;
}

std::array<uint32_t, 256> makeByteCodePoints() {
  std::array<uint32_t, 256> cps{};
  uint32_t next = 256;
  for (uint32_t b = 0; b < 256; ++b) {
    bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) ||
                     (b >= 0xAE && b <= 0xFF);
    cps[b] = printable ? b : next++;
  }
  return cps;
}

const std::unordered_map<uint32_t, unsigned char> &codePointBytes() {
  static const std::unordered_map<uint32_t, unsigned char> map = [] {
    std::unordered_map<uint32_t, unsigned char> m;
    std::array<uint32_t, 256> cps = makeByteCodePoints();
    for (unsigned b = 0; b < 256; ++b)
      m[cps[b]] = static_cast<unsigned char>(b);
    return m;
  }();
  return map;
}

/// Length of the well-formed UTF-8 prefix at s[pos] (Unicode table 3-7):
/// the whole char when `complete`, else its longest valid beginning (>= 0).
size_t wellFormed(std::string_view s, size_t pos, bool &complete) {
  auto at = [&](size_t i) -> int {
    return pos + i < s.size() ? static_cast<unsigned char>(s[pos + i]) : -1;
  };
  int b0 = at(0);
  complete = true;
  if (b0 < 0x80)
    return 1;
  int need;
  int lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    if (b0 == 0xE0)
      lo = 0xA0;
    if (b0 == 0xED)
      hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    if (b0 == 0xF0)
      lo = 0x90;
    if (b0 == 0xF4)
      hi = 0x8F;
  } else {
    complete = false;
    return 0;
  }
  for (int i = 1; i <= need; ++i) {
    int b = at(i);
    int l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xBF;
    if (b < l || b > h) {
      complete = false;
      return i;
    }
  }
  return need + 1;
}

} // namespace

const std::array<std::string, 256> &byteLevelChars() {
  static const std::array<std::string, 256> chars = [] {
    std::array<std::string, 256> c;
    std::array<uint32_t, 256> cps = makeByteCodePoints();
    for (unsigned b = 0; b < 256; ++b)
      c[b] = utf8(cps[b]);
    return c;
  }();
  return chars;
}

uint32_t nextCodePoint(std::string_view s, size_t &pos) {
  bool complete;
  size_t n = wellFormed(s, pos, complete);
  if (!complete) {
    ++pos;
    return 0xFFFFFFFF;
  }
  auto b = [&](size_t i) {
    return uint32_t(static_cast<unsigned char>(s[pos + i]));
  };
  uint32_t cp =
      n == 1   ? b(0)
      : n == 2 ? ((b(0) & 0x1F) << 6) | (b(1) & 0x3F)
      : n == 3 ? ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F)
               : ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) |
                     ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  pos += n;
  return cp;
}

std::string byteLevelDecode(std::string_view token) {
  const auto &map = codePointBytes();
  std::string out;
  for (size_t pos = 0; pos < token.size();) {
    uint32_t cp = nextCodePoint(token, pos);
    auto it = map.find(cp);
    if (it == map.end())
      return std::string(token);
    out += static_cast<char>(it->second);
  }
  return out;
}

std::string utf8Lossy(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (size_t pos = 0; pos < bytes.size();) {
    bool complete;
    size_t n = wellFormed(bytes, pos, complete);
    if (complete) {
      out.append(bytes.substr(pos, n));
      pos += n;
    } else {
      out += "\xEF\xBF\xBD";
      pos += n == 0 ? 1 : n;
    }
  }
  return out;
}

} // namespace r1fmt::bpe
