//===- BpeMerge.cpp - Rank-ordered BPE merges of one pre-token ------------===//
//
// The pre-token's bytes become their byte-alphabet ids; a min-heap of
// (rank, position) then merges the lowest-ranked adjacent pair, leftmost
// first, and stale entries are skipped when popped (tokenizers'
// Word::merge_all without dropout). Results are cached per pre-token.
//
//===----------------------------------------------------------------------===//

#include "BpeModel.h"

#include <queue>

namespace r1fmt::bpe {
namespace {

constexpr size_t kCacheCapacity = 1 << 16;

struct Symbol {
  int32_t id;
  int32_t prev, next; ///< -1 at the ends.
  bool alive;
};

struct Candidate {
  uint32_t rank;
  int32_t pos;
  int32_t id;
  bool operator>(const Candidate &o) const {
    return rank != o.rank ? rank > o.rank : pos > o.pos;
  }
};

const MergeInfo *findMerge(const Model &model, int32_t left, int32_t right) {
  auto it =
      model.merges.find((uint64_t(uint32_t(left)) << 32) | uint32_t(right));
  return it == model.merges.end() ? nullptr : &it->second;
}

std::vector<int32_t> mergeWord(const Model &model, std::string_view piece) {
  if (model.ignoreMerges) {
    std::string mapped;
    for (char c : piece)
      mapped += byteLevelChars()[static_cast<unsigned char>(c)];
    auto it = model.vocab.find(mapped);
    if (it != model.vocab.end())
      return {int32_t(it->second)};
  }
  // Initial symbols: one per byte; a byte without a symbol becomes unk
  // (consecutive ones fused if fuse_unk) or, without unk, is dropped.
  std::vector<int32_t> initial;
  bool pendingUnk = false;
  for (char c : piece) {
    int32_t id = model.byteIds[static_cast<unsigned char>(c)];
    if (id >= 0) {
      if (pendingUnk)
        initial.push_back(model.unkId);
      pendingUnk = false;
      initial.push_back(id);
    } else if (model.unkId >= 0) {
      if (pendingUnk && !model.fuseUnk)
        initial.push_back(model.unkId);
      pendingUnk = true;
    }
  }
  if (pendingUnk)
    initial.push_back(model.unkId);
  size_t n = initial.size();
  std::vector<Symbol> symbols(n);
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
  for (size_t i = 0; i < n; ++i) {
    symbols[i] = {initial[i], int32_t(i) - 1, i + 1 < n ? int32_t(i + 1) : -1,
                  true};
    if (i > 0)
      if (const MergeInfo *m =
              findMerge(model, symbols[i - 1].id, symbols[i].id))
        heap.push({m->rank, int32_t(i - 1), m->id});
  }
  auto consider = [&](int32_t left) {
    if (left < 0 || symbols[left].next < 0)
      return;
    if (const MergeInfo *m =
            findMerge(model, symbols[left].id, symbols[symbols[left].next].id))
      heap.push({m->rank, left, m->id});
  };
  while (!heap.empty()) {
    Candidate top = heap.top();
    heap.pop();
    Symbol &left = symbols[top.pos];
    if (!left.alive || left.next < 0)
      continue;
    const MergeInfo *m = findMerge(model, left.id, symbols[left.next].id);
    if (!m || m->id != top.id) // stale: the pair has changed
      continue;
    Symbol &right = symbols[left.next];
    left.id = top.id;
    right.alive = false;
    left.next = right.next;
    if (right.next >= 0)
      symbols[right.next].prev = top.pos;
    consider(left.prev);
    consider(top.pos);
  }
  std::vector<int32_t> ids;
  for (const Symbol &s : symbols)
    if (s.alive)
      ids.push_back(s.id);
  return ids;
}

} // namespace

void mergePiece(const Model &model, std::string_view piece,
                std::vector<int64_t> &out) {
  std::string key(piece);
  {
    std::lock_guard<std::mutex> lock(model.cacheMutex);
    auto it = model.cache.find(key);
    if (it != model.cache.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<int32_t> ids = mergeWord(model, piece);
  out.insert(out.end(), ids.begin(), ids.end());
  std::lock_guard<std::mutex> lock(model.cacheMutex);
  if (model.cache.size() < kCacheCapacity)
    model.cache.emplace(std::move(key), std::move(ids));
}

} // namespace r1fmt::bpe
