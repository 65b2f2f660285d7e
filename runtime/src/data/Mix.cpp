//===- Mix.cpp - Deterministic ratio interleave of datasets ---------------===//

#include "r1rt/data/Mix.h"
#include "r1rt/Error.h"

#include <fmt/ranges.h>

namespace r1rt::data {

std::vector<Record> mix(const std::vector<std::vector<Record>> &inputs,
                        const std::vector<unsigned> &weights) {
  if (inputs.size() < 2)
    fail("mix: got {} input(s); mix needs two or more datasets", inputs.size());
  std::vector<unsigned> w = weights;
  if (w.empty())
    w.assign(inputs.size(), 1);
  if (w.size() != inputs.size())
    fail("mix: ratio {} has {} parts for {} inputs; give one weight per "
         "input, e.g. ratio = 3:1",
         fmt::join(w, ":"), w.size(), inputs.size());
  for (unsigned x : w)
    if (x == 0)
      fail("mix: ratio {} is invalid; every weight must be >= 1 (e.g. ratio "
           "= 3:1)",
           fmt::join(w, ":"));
  size_t total = 0;
  for (const auto &input : inputs)
    total += input.size();
  std::vector<Record> out;
  out.reserve(total);
  std::vector<size_t> taken(inputs.size(), 0);
  while (out.size() < total) {
    // Pick the input whose next record is due first: minimal (taken+1)/w,
    // compared exactly as (taken_i+1)*w_j < (taken_j+1)*w_i.
    size_t best = inputs.size();
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (taken[i] == inputs[i].size())
        continue;
      if (best == inputs.size() ||
          static_cast<unsigned long long>(taken[i] + 1) * w[best] <
              static_cast<unsigned long long>(taken[best] + 1) * w[i])
        best = i;
    }
    out.push_back(inputs[best][taken[best]++]);
  }
  return out;
}

std::vector<Record> mix(const std::vector<Record> &a,
                        const std::vector<Record> &b, unsigned wa,
                        unsigned wb) {
  return mix({a, b}, {wa, wb});
}

} // namespace r1rt::data
