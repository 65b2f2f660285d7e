//===- DataOrder.h - Seeded per-epoch data order ----------------*- C++ -*-===//
//
// Every trainer draws its examples from a per-epoch permutation derived from
// (seed, epoch), so draw g depends only on (seed, g): a resumed run needs the
// step number, not a saved sampler state.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_TRAIN_DATAORDER_H
#define R1RT_TRAIN_DATAORDER_H

#include <cstdint>
#include <vector>

namespace r1rt {

/// The permutation of [0,n) used for `epoch` under `seed`.
std::vector<int64_t> epochOrder(int64_t n, uint64_t seed, int64_t epoch);

/// The data order as a stream: draw g (0, 1, ...) is example
/// epochOrder(n, seed, g / n)[g % n]. Keeps the current epoch's permutation.
class EpochSampler {
public:
  EpochSampler(int64_t n, uint64_t seed) : n(n), seed(seed) {}
  int64_t operator()(int64_t draw);

private:
  int64_t n;
  uint64_t seed;
  int64_t epoch = -1;
  std::vector<int64_t> order;
};

} // namespace r1rt

#endif // R1RT_TRAIN_DATAORDER_H
