//===- BenchTiming.h - Wall-clock helpers of the benchmarks -----*- C++ -*-===//

#ifndef R1C_BENCH_BENCHTIMING_H
#define R1C_BENCH_BENCHTIMING_H

#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

namespace r1bench {

/// Wall-clock seconds of one call of `f`.
inline double seconds(const std::function<void()> &f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

/// The median of `v` (the upper one for an even count).
inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

} // namespace r1bench

#endif // R1C_BENCH_BENCHTIMING_H
