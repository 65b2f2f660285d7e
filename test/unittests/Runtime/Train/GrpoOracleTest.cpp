//===- GrpoOracleTest.cpp - GRPO math vs TRL's own code on the same data --===//
//
// Writes one random batch as JSON, runs test/oracles/grpo/trl_grpo_oracle.py
// (TRL's GRPOTrainer advantage block and _compute_loss, float64 on CPU) from
// the .venv, and compares advantages, the policy loss with and without k3 KL,
// each reduction (TRL loss types grpo/bnpo/dapo/dr_grpo, and GSPO via
// importance_sampling_level="sequence"), d loss/d logp and the KL and clip
// metrics with the runtime's own results.
//
//===----------------------------------------------------------------------===//

#include "GrpoTestUtil.h"

#include "r1rt/AtomicFile.h"
#include "r1rt/train/Advantages.h"
#include "PolicyLoss.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>

using namespace r1rt::train;
using nlohmann::json;
using r1rt::test::GrpoBatch;
using r1rt::test::toTensor;
using r1rt::test::toVector;

namespace fs = std::filesystem;

namespace {

json rows(const std::vector<double> &v, int64_t B, int64_t T) {
  json out = json::array();
  for (int64_t i = 0; i < B; ++i)
    out.push_back(
        std::vector<double>(v.begin() + i * T, v.begin() + (i + 1) * T));
  return out;
}

std::vector<double> flat(const json &rowsJson) {
  std::vector<double> out;
  for (const json &row : rowsJson)
    for (const json &x : row)
      out.push_back(x.get<double>());
  return out;
}

struct OracleCase {
  std::string name, scale, lossType, level;
  double beta, clipLow, clipHigh;
};

TEST(GrpoOracle, MatchesTrlOnTheSameTensors) {
  const int64_t groupSize = 6, groups = 3, T = 19, maxLen = T + 4;
  GrpoBatch b =
      r1rt::test::randomBatch(groups, groupSize, T, 2024, /*emptyRow=*/true);
  const int64_t B = b.batch();

  std::vector<OracleCase> cases;
  for (std::string scale : {"group", "none"})
    for (auto [lossType, level] :
         {std::pair<std::string, std::string>{"grpo", "token"},
          {"bnpo", "token"},
          {"dapo", "token"},
          {"dr_grpo", "token"},
          {"grpo", "sequence"}})
      for (double beta : {0.0, 0.04})
        for (auto [lo, hi] : {std::pair{0.2, 0.2}, {0.2, 0.28}})
          cases.push_back({fmt::format("{}-{}-{}-b{}-{}/{}", scale, lossType,
                                       level, beta, lo, hi),
                           scale, lossType, level, beta, lo, hi});

  json in = {{"group_size", groupSize},
             {"rewards", b.rewards},
             {"logp", rows(b.logp, B, T)},
             {"old_logp", rows(b.oldLogp, B, T)},
             {"ref_logp", rows(b.refLogp, B, T)},
             {"mask", rows(b.mask, B, T)},
             {"cases", json::array()}};
  for (const OracleCase &c : cases)
    in["cases"].push_back({{"name", c.name},
                           {"scale_rewards", c.scale},
                           {"loss_type", c.lossType},
                           {"importance_sampling_level", c.level},
                           {"beta", c.beta},
                           {"epsilon_low", c.clipLow},
                           {"epsilon_high", c.clipHigh},
                           {"max_completion_length", maxLen}});

  fs::path dir = fs::temp_directory_path() /
                 ("r1rt-grpo-oracle-" + std::to_string(std::random_device{}()));
  fs::create_directories(dir);
  std::string inPath = (dir / "in.json").string();
  std::string outPath = (dir / "out.json").string();
  r1rt::writeFileAtomic(inPath, in.dump());
  std::string cmd =
      fmt::format("'{}' '{}/test/oracles/grpo/trl_grpo_oracle.py' '{}' '{}'",
                  R1C_PYTHON, R1C_SOURCE_DIR, inPath, outPath);
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "oracle failed: " << cmd;
  json out = json::parse(r1rt::readFile(outPath));
  fs::remove_all(dir);
  RecordProperty("trl_version", out["trl_version"].get<std::string>());

  auto opts = torch::kFloat64;
  torch::Tensor mask = toTensor(b.mask, B, T, opts);
  torch::Tensor oldLogp = toTensor(b.oldLogp, B, T, opts);
  torch::Tensor refLogp = toTensor(b.refLogp, B, T, opts);
  torch::Tensor rewards = toTensor(b.rewards, B, 0, opts);

  // Tolerances: TRL's nanstd computes its n/(n-1) correction from integer
  // counts, which true division turns into float32 (6/5 -> 1.2000000477), so
  // group-std advantages agree to ~2e-8 relative, not to float64 rounding.
  // Everything else is float64 on both sides.
  auto tolerance = [](const std::string &scale) {
    return scale == "group" ? 1e-7 : 1e-12;
  };

  // Advantages: GRPO group std and Dr. GRPO unscaled.
  for (std::string scale : {"group", "none"}) {
    std::vector<double> ours = toVector(
        groupAdvantages(rewards, groupSize, parseAdvantageScale(scale)));
    std::vector<double> trl =
        out["advantages"][scale].get<std::vector<double>>();
    ASSERT_EQ(ours.size(), trl.size());
    for (size_t i = 0; i < ours.size(); ++i)
      EXPECT_NEAR(ours[i], trl[i], tolerance(scale) * (1 + std::abs(trl[i])))
          << scale << " i=" << i;
  }

  int compared = 0;
  for (const OracleCase &c : cases) {
    SCOPED_TRACE(c.name);
    const json &want = out["cases"][c.name];
    PolicyLossConfig config;
    config.clipLow = c.clipLow;
    config.clipHigh = c.clipHigh;
    config.klBeta = c.beta;
    config.sequenceRatio = c.level == "sequence";
    if (c.lossType == "grpo")
      config.reduction = {ReductionKind::SeqMean, 0};
    else if (c.lossType == "dr_grpo")
      config.reduction = {ReductionKind::SeqSumNorm, maxLen};
    else // bnpo, dapo: Σ / Σmask over the batch
      config.reduction = {ReductionKind::TokenMean, 0};
    torch::Tensor adv = broadcastOverTokens(
        groupAdvantages(rewards, groupSize, parseAdvantageScale(c.scale)),
        mask);
    torch::Tensor logp = toTensor(b.logp, B, T, opts).requires_grad_(true);
    PolicyLossOutput got =
        policyLoss({logp, oldLogp, refLogp, adv, mask}, config);
    got.loss.backward();

    double loss = want["loss"].get<double>();
    ASSERT_GT(std::abs(loss), 1e-8);
    double tol = tolerance(c.scale);
    EXPECT_NEAR(got.loss.item<double>(), loss, tol * (1 + std::abs(loss)));
    std::vector<double> grad = flat(want["grad"]);
    std::vector<double> ourGrad = toVector(logp.grad());
    double scale = 0;
    for (double g : grad)
      scale = std::max(scale, std::abs(g));
    ASSERT_GT(scale, 0.0);
    for (size_t k = 0; k < grad.size(); ++k)
      ASSERT_NEAR(ourGrad[k], grad[k], tol * scale) << "k=" << k;
    if (c.beta != 0.0)
      EXPECT_NEAR(got.meanKl.item<double>(), want["kl"].get<double>(), 1e-12);
    // TRL counts sequences, not tokens, for sequence-level clip metrics.
    if (c.level == "token")
      EXPECT_NEAR(got.clipFraction.item<double>(),
                  want["clip_region"].get<double>(), 1e-6);
    ++compared;
  }
  EXPECT_EQ(compared, 40);
}

} // namespace
