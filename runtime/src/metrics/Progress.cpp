//===- Progress.cpp - Progress bar with rate and ETA ----------------------===//

#include "r1rt/metrics/Progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <unistd.h>

namespace r1rt {

namespace {
constexpr int kBarWidth = 24;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}
} // namespace

Progress::Progress(std::string label, int64_t total, std::string unit,
                   int64_t start, std::FILE *out)
    : label_(std::move(label)), unit_(std::move(unit)),
      total_(std::max<int64_t>(total, 0)), start_(start), done_(start),
      out_(out), tty_(out && ::isatty(fileno(out))), begin_(Clock::now()),
      lastDraw_(begin_ - std::chrono::seconds(1)) {}

Progress::~Progress() {
  if (!finished_ && tty_)
    std::fputc('\n', out_);
}

std::string Progress::formatDuration(double seconds) {
  if (!(seconds >= 0) || seconds > 1e7)
    return "?";
  auto s = static_cast<int64_t>(seconds + 0.5);
  if (s >= 3600)
    return fmt::format("{}h{:02}m", s / 3600, (s / 60) % 60);
  if (s >= 60)
    return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

std::string Progress::render(int64_t done, double elapsed,
                             const std::string &status) const {
  double frac = total_ > 0 ? std::clamp(double(done) / total_, 0.0, 1.0) : 1.0;
  int filled = static_cast<int>(frac * kBarWidth + 0.5);
  std::string bar(filled, '#');
  bar.append(kBarWidth - filled, '.');
  // The rate counts only the work done in this process (not resumed work).
  double rate = elapsed > 0 ? double(done - start_) / elapsed : 0.0;
  std::string eta = rate > 0 ? formatDuration((total_ - done) / rate) : "?";
  std::string line =
      fmt::format("{} [{}] {}/{} {:.2f} {}/s elapsed {} eta {}", label_, bar,
                  done, total_, rate, unit_, formatDuration(elapsed), eta);
  if (!status.empty())
    line += " | " + status;
  return line;
}

void Progress::update(int64_t done, const std::string &status) {
  done_ = done;
  if (!out_)
    return;
  if (tty_) {
    if (secondsSince(lastDraw_) < 0.1 && done < total_)
      return;
    lastDraw_ = Clock::now();
    std::fprintf(out_, "\r%s\x1b[K",
                 render(done, secondsSince(begin_), status).c_str());
    std::fflush(out_);
    return;
  }
  int decile = total_ > 0 ? static_cast<int>(10 * done / total_) : 10;
  if (decile > lastDecile_) {
    lastDecile_ = decile;
    std::fprintf(out_, "%s\n",
                 render(done, secondsSince(begin_), status).c_str());
    std::fflush(out_);
  }
}

void Progress::finish(const std::string &status) {
  if (finished_)
    return;
  finished_ = true;
  if (!out_)
    return;
  std::string line = render(done_, secondsSince(begin_), status);
  if (tty_)
    std::fprintf(out_, "\r%s\x1b[K\n", line.c_str());
  else if (lastDecile_ < 10)
    std::fprintf(out_, "%s\n", line.c_str());
  std::fflush(out_);
}

} // namespace r1rt
