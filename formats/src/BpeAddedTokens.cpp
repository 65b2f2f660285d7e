//===- BpeAddedTokens.cpp - Cut added tokens out of the text --------------===//
//
// tokenizers matches added tokens with a leftmost-longest Aho-Corasick scan
// and then applies each token's flags: single_word rejects a match touching
// a word character (Rust regex \w), lstrip/rstrip widen it over White_Space.
// A rejected or skipped match still consumes its text, as in tokenizers.
//
//===----------------------------------------------------------------------===//

#include "BpeModel.h"

#include <algorithm>

namespace r1fmt::bpe {
namespace {

bool isWhiteSpace(uint32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/// Rust regex's \w: Alphabetic, marks, decimal digits, connector
/// punctuation and the joiners.
bool isWordChar(std::string_view ch) {
  static const std::shared_ptr<const Regex> word = [] {
    auto r = Regex::compile(
        "^[\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\x{200C}\\x{200D}]");
    return r ? *r : nullptr;
  }();
  return word && word->search(ch);
}

/// The last char of `s` (a lone byte if it is not well-formed UTF-8).
std::string_view lastChar(std::string_view s) {
  size_t start = s.size() - 1;
  while (start > 0 && s.size() - start < 4 &&
         (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80)
    --start;
  size_t pos = start;
  nextCodePoint(s, pos);
  return pos == s.size() ? s.substr(start) : s.substr(s.size() - 1);
}

std::string_view firstChar(std::string_view s) {
  size_t pos = 0;
  nextCodePoint(s, pos);
  return s.substr(0, pos);
}

/// Start of the White_Space run that ends `s`.
size_t trailingSpaceStart(std::string_view s) {
  size_t end = s.size();
  while (end > 0) {
    std::string_view c = lastChar(s.substr(0, end));
    size_t pos = 0;
    if (!isWhiteSpace(nextCodePoint(c, pos)))
      break;
    end -= c.size();
  }
  return end;
}

/// Length of the White_Space run that starts `s`.
size_t leadingSpaceLength(std::string_view s) {
  size_t pos = 0;
  while (pos < s.size()) {
    size_t next = pos;
    if (!isWhiteSpace(nextCodePoint(s, next)))
      break;
    pos = next;
  }
  return pos;
}

} // namespace

AddedSet buildAddedSet(const Model &model, bool normalized) {
  AddedSet set;
  set.patterns.resize(model.added.size());
  // tokenizers' pattern order: special tokens first, then the others.
  std::vector<int> order;
  for (int pass = 0; pass < 2; ++pass)
    for (size_t i = 0; i < model.added.size(); ++i)
      if (model.added[i].special == (pass == 0))
        order.push_back(int(i));
  for (int i : order) {
    const BpeAddedToken &t = model.added[i];
    if (t.normalized != normalized || t.content.empty())
      continue;
    set.patterns[i] =
        normalized && model.nfc ? normalizeNfc(t.content) : t.content;
    if (set.patterns[i].empty())
      continue;
    set.byFirstByte[static_cast<unsigned char>(set.patterns[i][0])].push_back(
        i);
    set.empty = false;
  }
  for (auto &bucket : set.byFirstByte)
    std::stable_sort(bucket.begin(), bucket.end(), [&](int a, int b) {
      return set.patterns[a].size() > set.patterns[b].size();
    });
  return set;
}

void splitAdded(const Model &model, const AddedSet &set, std::string_view text,
                bool parseSpecial, std::vector<Segment> &out) {
  size_t startOffset = 0;
  for (size_t pos = 0; !set.empty && pos < text.size();) {
    int hit = -1;
    for (int i : set.byFirstByte[static_cast<unsigned char>(text[pos])])
      if (text.substr(pos, set.patterns[i].size()) == set.patterns[i]) {
        hit = i;
        break;
      }
    if (hit < 0) {
      ++pos;
      continue;
    }
    size_t start = pos, stop = pos + set.patterns[hit].size();
    pos = stop;
    const BpeAddedToken &token = model.added[hit];
    if (!parseSpecial && token.special)
      continue;
    if (token.singleWord) {
      bool startSpace =
          start == 0 || !isWordChar(lastChar(text.substr(0, start)));
      bool stopSpace =
          stop == text.size() || !isWordChar(firstChar(text.substr(stop)));
      if (!startSpace || !stopSpace)
        continue;
    }
    if (token.lstrip)
      start = std::max(trailingSpaceStart(text.substr(0, start)), startOffset);
    if (token.rstrip)
      stop += leadingSpaceLength(text.substr(stop));
    if (startOffset < start)
      out.push_back({text.substr(startOffset, start - startOffset)});
    out.push_back({text.substr(start, stop - start), token.id});
    startOffset = stop;
  }
  if (startOffset < text.size())
    out.push_back({text.substr(startOffset)});
}

} // namespace r1fmt::bpe
