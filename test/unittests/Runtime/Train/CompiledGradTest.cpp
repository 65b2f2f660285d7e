//===- CompiledGradTest.cpp - The compiler's loss backward vs autograd ----===//
//
// r1c's own backward trees (plan.json "grad" of Inputs/losses.r1p, compiled
// at build time) evaluated by LossProgram::compiledGrad equal autograd through
// LossProgram::loss, for every loss and reduction, in float64 and float32, on
// random batches in which some log-ratios hit the constants of the loss (clip
// bounds, the ±20 clamp, min/max/abs ties) exactly.
//
//===----------------------------------------------------------------------===//

#include "GrpoTestUtil.h"

#include "r1rt/Error.h"
#include "r1rt/train/Advantages.h"
#include "r1rt/train/LossInterpreter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

using namespace r1rt::train;
using nlohmann::json;
using r1rt::test::GrpoBatch;
using r1rt::test::randomBatch;

namespace {

/// plan.json's "losses", as r1c wrote them.
const json &compiledLosses() {
  static const json losses =
      r1rt::test::readJsonFile(R1C_LOSSES_PLAN).at("losses");
  return losses;
}

void collectConstants(const json &expr, std::vector<double> &out) {
  if (expr.value("op", "") == "const")
    out.push_back(expr["value"].get<double>());
  for (const json &arg : expr.value("args", json::array()))
    collectConstants(arg, out);
}

/// A constant that is a ratio bound the test must hit exactly.
bool ratioLike(double c) { return c >= 0.7 && c <= 1.5; }

/// An x of `dtype` with torch::exp(x) == c (in `dtype`) exactly, or NaN if
/// none: the middle of the run of such x, so that a 1-ulp difference between
/// exp kernels (scalar here, vectorized in a batch) still lands on c.
double exactLog(double c, torch::Dtype dtype) {
  auto round = [&](double x) {
    return torch::scalar_tensor(x, dtype).item<double>();
  };
  auto expOf = [&](double x) {
    return torch::exp(torch::scalar_tensor(x, dtype)).item<double>();
  };
  double target = round(c);
  // The smallest x with exp(x) >= target (> target when `past`).
  auto edge = [&](bool past) {
    double lo = round(std::log(target) - 0.01);
    double hi = round(std::log(target) + 0.01);
    for (;;) {
      double mid = round(lo + (hi - lo) / 2);
      if (mid == lo || mid == hi)
        return hi;
      double e = expOf(mid);
      if (past ? e > target : e >= target)
        hi = mid;
      else
        lo = mid;
    }
  };
  double first = edge(false), end = edge(true);
  double mid = round(first + (end - first) / 2);
  if (expOf(mid) == target)
    return mid;
  return expOf(first) == target ? first : NAN;
}

/// Log-ratios that hit `constants` exactly, ratio bounds first: x with
/// exp(x) == c, then ±c itself (the ±20 clamp, 0 for max/abs ties), then 25
/// (past the clamp).
std::vector<double> tieLogRatios(const std::vector<double> &constants,
                                 torch::Dtype dtype) {
  std::vector<double> ratio, rest;
  for (double c : constants) {
    double x = c > 0 ? exactLog(c, dtype) : NAN;
    if (!std::isnan(x))
      (ratioLike(c) ? ratio : rest).push_back(x);
    rest.push_back(c);
    rest.push_back(-c);
  }
  rest.push_back(25.0);
  ratio.insert(ratio.end(), rest.begin(), rest.end());
  return ratio;
}

/// A random batch in `dtype` (row 1 empty, group 0 with A = 0) where every
/// other row from the last down to group 1 has 1 or 2 response tokens all
/// at one tie log-ratio (so that seq_logratio is exactly it), and each tie
/// log-ratio is also put on two random response tokens of the other rows
/// past group 0 (old_logp = 0, logp = x).
LossInputs makeInputs(int64_t groups, int64_t groupSize, int64_t T,
                      uint64_t seed, torch::Dtype dtype,
                      const std::vector<double> &ties) {
  GrpoBatch b = randomBatch(groups, groupSize, T, seed, /*emptyRow=*/true);
  int64_t B = b.batch();
  std::mt19937_64 rng(seed);
  std::vector<bool> tieRow(B, false);
  for (size_t k = 0; k < ties.size(); ++k) {
    int64_t i = B - 1 - 2 * static_cast<int64_t>(k), len = 1 + k % 2;
    if (i < groupSize)
      break;
    tieRow[i] = true;
    for (int64_t t = 0; t < T; ++t) {
      b.mask[i * T + t] = t < len ? 1.0 : 0.0;
      b.logp[i * T + t] = ties[k];
      b.oldLogp[i * T + t] = 0.0;
    }
  }
  std::vector<int64_t> rows; // the other rows with response tokens
  for (int64_t i = groupSize; i < B; ++i)
    if (!tieRow[i] && b.mask[i * T] != 0)
      rows.push_back(i);
  for (double x : ties)
    for (int rep = 0; rep < 2; ++rep) {
      int64_t i = rows[rng() % rows.size()], len = 0;
      while (len < T && b.mask[i * T + len] != 0)
        ++len;
      int64_t k = i * T + static_cast<int64_t>(rng() % len);
      b.logp[k] = x;
      b.oldLogp[k] = 0.0;
    }
  return r1rt::test::toLossInputs(b, dtype);
}

/// Response tokens with A != 0 where exp(clamp(logRatio, -20, 20)) == c.
int64_t exactHits(const torch::Tensor &logRatio, const LossInputs &in,
                  double c) {
  torch::Tensor ratio = torch::exp(torch::clamp(logRatio, -20.0, 20.0));
  return ((ratio == torch::scalar_tensor(c, ratio.options())) & (in.mask != 0) &
          (in.adv != 0))
      .sum()
      .item<int64_t>();
}

/// Checks compiledGrad against autograd for every compiled loss, reduction
/// and size: |compiled − autograd| <= rtol · (|autograd| + dloss) per token
/// (dloss: the token's reduction weight, the scale of the terms it sums).
void checkAgainstAutograd(torch::Dtype dtype, double rtol) {
  ASSERT_FALSE(compiledLosses().empty());
  double worst = 0;
  uint64_t seed = 1000;
  for (const auto &[name, compiled] : compiledLosses().items()) {
    std::vector<double> constants;
    collectConstants(compiled.at("body"), constants);
    std::vector<double> ties = tieLogRatios(constants, dtype);
    const json &params = compiled.at("params");
    bool perSequence =
        std::find(params.begin(), params.end(), "seq_logratio") != params.end();
    for (auto [groups, groupSize, T] :
         {std::tuple{2, 8, 5}, {3, 8, 40}, {2, 16, 97}}) {
      LossInputs in = makeInputs(groups, groupSize, T, ++seed, dtype, ties);
      // The ties happen in this batch, under the runtime's own ops.
      for (double c : constants) {
        if (!ratioLike(c))
          continue;
        SCOPED_TRACE(name + ": ratio bound " + std::to_string(c));
        ASSERT_GT(exactHits(in.logp - in.oldLogp, in, c), 0);
        if (perSequence)
          ASSERT_GT(
              exactHits(sequenceMeanBroadcast(in.logp - in.oldLogp, in.mask),
                        in, c),
              0);
      }
      for (const json &reduce : r1rt::test::reductionSpecs()) {
        SCOPED_TRACE(name + " " + reduce.dump() + " T=" + std::to_string(T));
        json spec = compiled;
        spec["reduce"] = reduce;
        LossProgram program = LossProgram::fromJson(name, spec);
        ASSERT_TRUE(program.hasGrad());
        LossInputs tracked = in;
        tracked.logp = in.logp.clone().requires_grad_(true);
        program.loss(tracked).backward();
        torch::Tensor want = tracked.logp.grad();
        torch::Tensor got = program.compiledGrad(in);
        ASSERT_EQ(got.scalar_type(), dtype);
        ASSERT_TRUE(got.sizes().equals(want.sizes()));
        ASSERT_GT(want.abs().max().item<double>(), 0.0);
        torch::Tensor dloss =
            reductionWeights(in.mask, program.reduction(), dtype);
        torch::Tensor err = (got - want).abs() / (want.abs() + dloss);
        // 0/0 on padding and empty rows, where both are exactly 0.
        err = torch::where((got == want), torch::zeros_like(err), err);
        double maxErr = err.max().item<double>();
        worst = std::max(worst, maxErr);
        EXPECT_LE(maxErr, rtol);
      }
    }
  }
  std::cout << "[   INFO   ] " << torch::toString(dtype)
            << ": max |compiled - autograd| / (|autograd| + dloss) = " << worst
            << "\n";
}

TEST(CompiledGrad, PlanCarriesTheBackwardOfEveryLoss) {
  for (const char *name :
       {"grpo", "dr_grpo", "dapo", "gspo", "mixed", "per_seq"}) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(compiledLosses().contains(name));
    const json &spec = compiledLosses()[name];
    ASSERT_TRUE(spec.contains("grad"));
    EXPECT_TRUE(LossProgram::fromJson(name, spec).hasGrad());
  }
  EXPECT_TRUE(compiledLosses()["gspo"]["grad"].contains("seq_logratio"));
  EXPECT_TRUE(compiledLosses()["mixed"]["grad"].contains("seq_logratio"));
  EXPECT_TRUE(compiledLosses()["mixed"]["grad"].contains("logp"));
}

TEST(CompiledGrad, MatchesAutogradInFloat64) {
  checkAgainstAutograd(torch::kFloat64, 1e-12);
}

TEST(CompiledGrad, MatchesAutogradInFloat32) {
  checkAgainstAutograd(torch::kFloat32, 1e-5);
}

TEST(CompiledGrad, MalformedCompiledTreeGivesAOneLineError) {
  json spec = compiledLosses().at("grpo");
  spec["grad"]["logp"]["args"][1]["op"] = "sqrt";
  try {
    LossProgram::fromJson("grpo", spec);
    FAIL() << "accepted a grad tree with op 'sqrt'";
  } catch (const r1rt::Error &e) {
    std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    EXPECT_THAT(msg, ::testing::HasSubstr(
                         "loss 'grpo': node grad.logp.args[1]: unknown op "
                         "'sqrt'"));
  }
}

TEST(CompiledGrad, AbsentGradIsAClearError) {
  json spec = compiledLosses().at("dapo");
  spec.erase("grad");
  LossProgram program = LossProgram::fromJson("dapo", spec);
  EXPECT_FALSE(program.hasGrad());
  torch::Tensor x = torch::randn({2, 3});
  try {
    program.compiledGrad({x, x, {}, x, torch::ones_like(x)});
    FAIL();
  } catch (const r1rt::Error &e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("no \"grad\""));
  }
}

} // namespace
