//===- Random.h - Portable deterministic RNG and stable hashing -*- C++ -*-===//
//
// std:: distributions differ between standard libraries, so generators use
// this fixed algorithm (SplitMix64 + rejection sampling) to stay identical
// everywhere for a given seed.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_SRC_DATA_RANDOM_H
#define R1RT_SRC_DATA_RANDOM_H

#include <cstdint>
#include <string_view>

namespace r1rt::data {

/// SplitMix64: a tiny, well-mixed 64-bit generator.
class Rng {
public:
  explicit Rng(uint64_t seed) : state(seed) {}

  /// The next raw 64-bit value.
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  /// Uniform integer in [lo, hi] (inclusive), unbiased.
  int64_t uniform(int64_t lo, int64_t hi) {
    uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    if (span == 0)
      return static_cast<int64_t>(next());
    uint64_t limit = UINT64_MAX - UINT64_MAX % span;
    uint64_t x;
    do
      x = next();
    while (x >= limit);
    return lo + static_cast<int64_t>(x % span);
  }

  /// True with probability num/den.
  bool chance(int num, int den) { return uniform(0, den - 1) < num; }

private:
  uint64_t state;
};

/// FNV-1a 64-bit hash followed by a SplitMix finalizer: stable across
/// platforms and runs, used to route problems to splits.
inline uint64_t stableHash(std::string_view text) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001B3ull;
  }
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
  return h ^ (h >> 31);
}

} // namespace r1rt::data

#endif // R1RT_SRC_DATA_RANDOM_H
