//===- BpePreTokenizer.cpp - Split, Digits and ByteLevel ------------------===//
//
// Each step splits every piece the previous one made, as tokenizers'
// PreTokenizedString::split does: the matches and the gaps between them
// cover the piece, the behavior decides which are merged or dropped, and
// empty pieces vanish. ByteLevel may first prepend a space, then splits
// with GPT-2's regex; the byte mapping itself happens in mergePiece.
//
//===----------------------------------------------------------------------===//

#include "BpeModel.h"

namespace r1fmt::bpe {
namespace {

struct Part {
  size_t start, end;
  bool flag; ///< A match before the behavior; "remove" after it.
};

/// tokenizers' NormalizedString::split, on byte offsets.
std::vector<Part> applyBehavior(const std::vector<Part> &parts, Behavior b) {
  std::vector<Part> out;
  bool previous = false;
  switch (b) {
  case Behavior::Isolated:
    for (const Part &p : parts)
      out.push_back({p.start, p.end, false});
    return out;
  case Behavior::Removed:
    return parts;
  case Behavior::Contiguous:
    for (const Part &p : parts) {
      if (p.flag == previous && !out.empty())
        out.back().end = p.end;
      else
        out.push_back({p.start, p.end, false});
      previous = p.flag;
    }
    return out;
  case Behavior::MergedWithPrevious:
    for (const Part &p : parts) {
      if (p.flag && !previous && !out.empty())
        out.back().end = p.end;
      else
        out.push_back({p.start, p.end, false});
      previous = p.flag;
    }
    return out;
  case Behavior::MergedWithNext:
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
      if (it->flag && !previous && !out.empty())
        out.back().start = it->start;
      else
        out.push_back({it->start, it->end, false});
      previous = it->flag;
    }
    return std::vector<Part>(out.rbegin(), out.rend());
  }
  return out;
}

void splitPiece(const PreStep &step, std::string_view text,
                std::vector<std::string> &out) {
  std::vector<Span> matches;
  step.regex->findAll(text, matches);
  std::vector<Part> parts;
  size_t prev = 0;
  for (const Span &m : matches) {
    if (prev != m.first)
      parts.push_back({prev, m.first, step.invert});
    parts.push_back({m.first, m.second, !step.invert});
    prev = m.second;
  }
  if (prev != text.size())
    parts.push_back({prev, text.size(), step.invert});
  for (const Part &p : applyBehavior(parts, step.behavior))
    if (!p.flag && p.end > p.start)
      out.emplace_back(text.substr(p.start, p.end - p.start));
}

} // namespace

void preTokenize(const std::vector<PreStep> &steps, std::string_view text,
                 std::vector<std::string> &out) {
  std::vector<std::string> pieces{std::string(text)}, next;
  for (const PreStep &step : steps) {
    next.clear();
    for (std::string &piece : pieces) {
      if (step.byteLevel && step.addPrefixSpace && piece[0] != ' ')
        piece.insert(piece.begin(), ' ');
      if (step.regex)
        splitPiece(step, piece, next);
      else
        next.push_back(std::move(piece));
    }
    pieces.swap(next);
  }
  for (std::string &piece : pieces)
    out.push_back(std::move(piece));
}

} // namespace r1fmt::bpe
