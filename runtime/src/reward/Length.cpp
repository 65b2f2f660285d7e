//===- Length.cpp - length and overlong (DAPO) penalties ------------------===//
//
// Lengths are Unicode code points of the completion (equal to tokens for the
// chars tokenizer).
//
//===----------------------------------------------------------------------===//

#include "Support.h"
#include "r1rt/data/Utf8.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace r1rt::reward {

namespace {

/// -|len - target| / target: 0 at the target length, -1 at 0 or 2*target,
/// lower beyond (docs/language.md's `length(target)`).
class LengthPenalty : public Reward {
public:
  explicit LengthPenalty(double target)
      : Reward({"length", "-|len - target| / target",
                -std::numeric_limits<double>::infinity(), 0.0, false, false}),
        target(target) {}

  double score(std::string_view completion,
               const data::Record &) const override {
    double len = static_cast<double>(data::countCodePoints(completion));
    return -std::abs(len - target) / target;
  }

private:
  double target;
};

/// DAPO's soft overlong punishment (Yu et al. 2025, eq. 13): 0 up to
/// max_len - buffer, then linear down to -1 at max_len, -1 beyond.
class OverlongPenalty : public Reward {
public:
  OverlongPenalty(double maxLen, double buffer)
      : Reward({"overlong", "DAPO soft overlong punishment", -1.0, 0.0, false,
                false}),
        maxLen(maxLen), buffer(buffer) {}

  double score(std::string_view completion,
               const data::Record &) const override {
    double len = static_cast<double>(data::countCodePoints(completion));
    double expected = maxLen - buffer;
    if (len <= expected)
      return 0.0;
    if (len <= maxLen) // only reachable when buffer > 0
      return (expected - len) / buffer;
    return -1.0;
  }

private:
  double maxLen, buffer;
};

double integerArg(RewardArgs &args, const char *key, bool required,
                  double min) {
  if (required && !args.has(key))
    args.invalid("argument {} is required, e.g. {} = 256", key, key);
  double v = args.number(key, 0.0);
  if (!(v >= min) || std::floor(v) != v)
    args.invalid("{} = {} must be an integer >= {}", key, v, min);
  return v;
}

} // namespace

std::unique_ptr<Reward> makeLengthPenalty(RewardArgs &args) {
  return std::make_unique<LengthPenalty>(integerArg(args, "target", true, 1));
}

std::unique_ptr<Reward> makeOverlongPenalty(RewardArgs &args) {
  double maxLen = integerArg(args, "max_len", true, 1);
  double buffer = integerArg(args, "buffer", false, 0);
  if (buffer > maxLen)
    args.invalid("buffer = {} must not exceed max_len = {}", buffer, maxLen);
  return std::make_unique<OverlongPenalty>(maxLen, buffer);
}

} // namespace r1rt::reward
