//===- Countdown.cpp - task.countdown, solvable by construction -----------===//
//
// Random numbers are folded left to right with + - * / (a subtraction must
// stay positive, a division must be exact, intermediates stay <= 10000); the
// final value is the target, so the fold itself is a reference solution.
//
//===----------------------------------------------------------------------===//

#include "Random.h"
#include "TaskSupport.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace r1rt::data {

namespace {
constexpr int64_t kMaxIntermediate = 10000;
} // namespace

std::vector<Record> generateCountdown(const CountdownOptions &options) {
  checkRange("task.countdown", "numbers", options.numbers, 2, 6);
  checkRange("task.countdown", "values", options.values, 1, 1000);
  if (options.maxTarget < 1 || options.maxTarget > kMaxIntermediate)
    fail("task.countdown: max target {} is invalid; use 1..{}",
         options.maxTarget, kMaxIntermediate);
  Rng rng(options.seed ^ 0xC0DE'0000'0000'0002ull);
  std::vector<Record> out;
  out.reserve(options.count);
  size_t attempts = 0;
  while (out.size() < options.count) {
    if (++attempts > kAttemptsPerRecord * (options.count + 1))
      failTooSmall("task.countdown", out.size(), options.count);
    int k =
        static_cast<int>(rng.uniform(options.numbers.lo, options.numbers.hi));
    std::vector<int64_t> nums;
    for (int i = 0; i < k; ++i)
      nums.push_back(rng.uniform(options.values.lo, options.values.hi));
    int64_t acc = nums[0];
    std::string expr = std::to_string(acc);
    bool additiveTop = false; // expr's top-level operator is + or -
    std::vector<std::string> steps;
    for (int i = 1; i < k; ++i) {
      int64_t v = nums[i];
      std::string valid = "+";
      if (acc - v > 0)
        valid += '-';
      if (acc * v <= kMaxIntermediate)
        valid += '*';
      if (v > 1 && acc % v == 0)
        valid += '/';
      char op = valid[rng.uniform(0, static_cast<int64_t>(valid.size()) - 1)];
      int64_t next = op == '+'   ? acc + v
                     : op == '-' ? acc - v
                     : op == '*' ? acc * v
                                 : acc / v;
      steps.push_back(fmt::format("{}{}{}={}", acc, op, v, next));
      if ((op == '*' || op == '/') && additiveTop)
        expr = "(" + expr + ")";
      expr += op;
      expr += std::to_string(v);
      additiveTop = op == '+' || op == '-';
      acc = next;
    }
    if (acc < 1 || acc > options.maxTarget)
      continue;
    // Shown order is a fresh permutation, independent of the fold order.
    std::vector<int64_t> shown = nums;
    for (size_t i = shown.size(); i > 1; --i)
      std::swap(shown[i - 1],
                shown[rng.uniform(0, static_cast<int64_t>(i) - 1)]);
    std::vector<int64_t> sorted = nums;
    std::sort(sorted.begin(), sorted.end());
    if (!routesTo(fmt::format("{}:{}", fmt::join(sorted, ","), acc),
                  options.split))
      continue;
    Record record;
    record.kind = "countdown";
    record.prompt =
        fmt::format("countdown: make {} with {}\n", acc, fmt::join(shown, " "));
    record.answer = expr;
    record.response = fmt::format("<think>{}</think><answer>{}</answer>",
                                  fmt::join(steps, " "), expr);
    record.meta = {{"numbers", shown}, {"target", acc}};
    out.push_back(std::move(record));
  }
  return out;
}

} // namespace r1rt::data
