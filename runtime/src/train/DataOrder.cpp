//===- DataOrder.cpp - Seeded per-epoch data order ------------------------===//

#include "r1rt/train/DataOrder.h"

#include <numeric>
#include <random>

namespace r1rt {

std::vector<int64_t> epochOrder(int64_t n, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + uint64_t(epoch) + 1);
  for (int64_t i = n - 1; i > 0; --i)
    std::swap(order[i], order[rng() % uint64_t(i + 1)]);
  return order;
}

int64_t EpochSampler::operator()(int64_t draw) {
  if (draw / n != epoch) {
    epoch = draw / n;
    order = epochOrder(n, seed, epoch);
  }
  return order[draw % n];
}

} // namespace r1rt
