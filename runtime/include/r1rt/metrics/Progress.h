//===- Progress.h - Progress bar with rate and ETA --------------*- C++ -*-===//
//
// On a terminal the bar redraws in place at most 10 times a second; when
// stderr is not a terminal (CI logs) it prints a plain line every 10%.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_METRICS_PROGRESS_H
#define R1RT_METRICS_PROGRESS_H

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace r1rt {

/// A progress bar for `total` units of work (steps, samples, ...).
class Progress {
public:
  Progress(std::string label, int64_t total, std::string unit = "it",
           int64_t start = 0, std::FILE *out = stderr);
  ~Progress();

  /// Sets the number of completed units and an optional status suffix
  /// (e.g. "reward 0.41").
  void update(int64_t done, const std::string &status = "");
  /// Prints the final state and a newline.
  void finish(const std::string &status = "");

  /// Formats seconds as "1h02m", "3m07s" or "12s".
  static std::string formatDuration(double seconds);
  /// The line that would be printed for the given state (no I/O; tested).
  std::string render(int64_t done, double elapsedSeconds,
                     const std::string &status) const;

private:
  std::string label_, unit_;
  int64_t total_, start_, done_;
  std::FILE *out_;
  bool tty_, finished_ = false;
  int lastDecile_ = -1;
  std::chrono::steady_clock::time_point begin_, lastDraw_;
};

} // namespace r1rt

#endif // R1RT_METRICS_PROGRESS_H
