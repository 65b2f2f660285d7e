//===- GrpoTestUtil.h - Random GRPO batches for the train tests -*- C++ -*-===//
//
// A GRPO batch in plain double vectors (for the float64 loop references) and
// its conversion to LibTorch tensors. Shared by the train unit tests.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_TEST_TRAIN_GRPOTESTUTIL_H
#define R1RT_TEST_TRAIN_GRPOTESTUTIL_H

#include "r1rt/train/Advantages.h"
#include "r1rt/train/LossInterpreter.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>
#include <random>
#include <vector>

namespace r1rt::test {

/// A batch of `groups` groups of `groupSize` sequences of padded length T.
struct GrpoBatch {
  int64_t groups = 0, groupSize = 0, T = 0;
  std::vector<double> rewards;                ///< [B]
  std::vector<double> logp, oldLogp, refLogp; ///< [B*T], row-major
  std::vector<double> mask;                   ///< [B*T], 0 or 1

  int64_t batch() const { return groups * groupSize; }
};

/// Fresh random batch: ragged right-padded masks (row 1 empty when
/// `emptyRow`), log-probs near old_logp so both clip sides are hit, rewards
/// on a coarse grid so that some groups (group 0 always) have zero variance.
inline GrpoBatch randomBatch(int64_t groups, int64_t groupSize, int64_t T,
                             uint64_t seed, bool emptyRow = false) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  GrpoBatch b;
  b.groups = groups;
  b.groupSize = groupSize;
  b.T = T;
  int64_t B = b.batch();
  const double grid[] = {0.0, 0.1, 1.0, 1.1};
  for (int64_t i = 0; i < B; ++i)
    b.rewards.push_back(i < groupSize ? 0.5 : grid[rng() % 4]);
  b.logp.resize(B * T);
  b.oldLogp.resize(B * T);
  b.refLogp.resize(B * T);
  b.mask.assign(B * T, 0.0);
  for (int64_t i = 0; i < B; ++i) {
    int64_t len = 1 + static_cast<int64_t>(rng() % T);
    if (emptyRow && i == 1)
      len = 0;
    for (int64_t t = 0; t < T; ++t) {
      int64_t k = i * T + t;
      b.oldLogp[k] = -0.05 - 3.0 * uni(rng);
      b.logp[k] = b.oldLogp[k] + 0.3 * normal(rng);
      b.refLogp[k] = b.oldLogp[k] + 0.25 * normal(rng);
      b.mask[k] = t < len ? 1.0 : 0.0;
    }
  }
  return b;
}

/// The JSON document at `path` (e.g. a plan.json compiled at build time).
inline nlohmann::json readJsonFile(const std::string &path) {
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("cannot read " + path);
  return nlohmann::json::parse(in);
}

/// A [rows, cols] tensor of `dtype` holding `v`.
inline torch::Tensor toTensor(const std::vector<double> &v, int64_t rows,
                              int64_t cols,
                              torch::Dtype dtype = torch::kFloat64) {
  std::vector<int64_t> shape = {rows};
  if (cols > 0)
    shape.push_back(cols);
  return torch::tensor(v, torch::kFloat64).reshape(shape).to(dtype);
}

/// Every reduction, as plan.json "reduce" objects (seq_sum_norm with and
/// without max_len).
inline const std::vector<nlohmann::json> &reductionSpecs() {
  static const std::vector<nlohmann::json> all = {
      {{"kind", "token_mean"}},
      {{"kind", "seq_mean"}},
      {{"kind", "seq_sum_norm"}},
      {{"kind", "seq_sum_norm"}, {"max_len", 48}}};
  return all;
}

/// The loss inputs of `b` in `dtype`: group-std advantages broadcast over
/// the response tokens.
inline r1rt::train::LossInputs toLossInputs(const GrpoBatch &b,
                                            torch::Dtype dtype) {
  using namespace r1rt::train;
  int64_t B = b.batch();
  LossInputs in;
  in.mask = toTensor(b.mask, B, b.T, dtype);
  in.logp = toTensor(b.logp, B, b.T, dtype);
  in.oldLogp = toTensor(b.oldLogp, B, b.T, dtype);
  in.refLogp = toTensor(b.refLogp, B, b.T, dtype);
  in.adv = broadcastOverTokens(groupAdvantages(toTensor(b.rewards, B, 0, dtype),
                                               b.groupSize,
                                               AdvantageScale::GroupStd),
                               in.mask);
  return in;
}

/// Copies a tensor to a double vector (row-major).
inline std::vector<double> toVector(const torch::Tensor &t) {
  torch::Tensor c = t.detach().to(torch::kFloat64).contiguous().cpu();
  return std::vector<double>(c.data_ptr<double>(),
                             c.data_ptr<double>() + c.numel());
}

} // namespace r1rt::test

#endif // R1RT_TEST_TRAIN_GRPOTESTUTIL_H
