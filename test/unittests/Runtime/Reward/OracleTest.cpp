//===- OracleTest.cpp - Rewards vs reasoning-gym and math-verify (.venv) --===//
//
// Python scripts in test/oracles/rewards/ run code nobody here wrote and write
// its verdicts to a temporary JSONL file; these tests compute ours and fail on
// any disagreement outside the documented exclusions (docs/rewards.md).
//
//===----------------------------------------------------------------------===//

#include "r1rt/AtomicFile.h"
#include "r1rt/data/Record.h"
#include "r1rt/data/Tasks.h"
#include "r1rt/reward/Equation.h"
#include "r1rt/reward/Reward.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

namespace fs = std::filesystem;
using namespace r1rt;

namespace {

fs::path freshDir() {
  fs::path dir = fs::temp_directory_path() /
                 ("r1rt-oracle-" + std::to_string(std::random_device{}()));
  fs::create_directories(dir);
  return dir;
}

/// Runs an oracle script with the .venv python; true on exit status 0.
bool runOracle(const std::string &script, const std::string &args) {
  std::string cmd = std::string(R1C_PYTHON) + " " + R1C_SOURCE_DIR +
                    "/test/oracles/rewards/" + script + " " + args;
  return std::system(cmd.c_str()) == 0;
}

std::vector<nlohmann::json> readLines(const fs::path &path) {
  std::vector<nlohmann::json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    out.push_back(nlohmann::json::parse(line));
  return out;
}

TEST(RewardOracle, CountdownAgreesWithReasoningGym) {
  fs::path dir = freshDir();
  data::CountdownOptions options;
  options.count = 70;
  options.seed = 77;
  data::writeRecords((dir / "problems.jsonl").string(),
                     data::generateCountdown(options));
  ASSERT_TRUE(runOracle("countdown_oracle.py",
                        (dir / "problems.jsonl").string() + " " +
                            (dir / "cases.jsonl").string() + " 5"));
  auto cases = readLines(dir / "cases.jsonl");
  ASSERT_GT(cases.size(), 2000u);
  auto accuracy = reward::makeReward("answer_match");
  auto countdown = reward::makeReward("countdown");
  size_t compared = 0, correct = 0, disagreements = 0;
  std::map<std::string, size_t> excluded;
  for (const auto &c : cases) {
    data::Record record;
    record.kind = "countdown";
    record.meta = {{"numbers", c["numbers"]}, {"target", c["target"]}};
    std::string completion = "<think>x</think><answer>" +
                             c["answer"].get<std::string>() + "</answer>";
    bool ours = accuracy->score(completion, record) == 1.0;
    EXPECT_EQ(ours, countdown->score(completion, record) == 1.0);
    if (!c["exclude"].is_null()) {
      ++excluded[c["exclude"].get<std::string>()];
      continue;
    }
    ++compared;
    correct += ours;
    if (ours != c["rg_correct"].get<bool>()) {
      ++disagreements;
      ADD_FAILURE() << "verdicts differ on " << c.dump() << ": ours " << ours;
    }
  }
  size_t totalExcluded = 0;
  for (auto &[reason, n] : excluded) {
    std::cout << "[ oracle ] excluded " << reason << ": " << n << "\n";
    totalExcluded += n;
  }
  std::cout << "[ oracle ] countdown: " << compared << " cases compared ("
            << correct << " correct), " << disagreements << " disagreements\n";
  EXPECT_EQ(disagreements, 0u);
  EXPECT_LT(totalExcluded * 20, cases.size()); // exclusions stay under 5%
  EXPECT_GT(correct, 350u);                    // both verdicts exercised
  EXPECT_GT(compared - correct, 1000u);
  fs::remove_all(dir);
}

TEST(RewardOracle, AnswerMatchAgreesWithMathVerify) {
  fs::path dir = freshDir();
  ASSERT_TRUE(runOracle("math_verify_oracle.py",
                        (dir / "cases.jsonl").string() + " 11 800"));
  auto cases = readLines(dir / "cases.jsonl");
  ASSERT_EQ(cases.size(), 800u);
  auto accuracy = reward::makeReward("answer_match");
  size_t compared = 0, equal = 0, disagreements = 0;
  std::map<std::string, size_t> excluded;
  for (const auto &c : cases) {
    data::Record record;
    record.kind = "jsonl";
    record.answer = c["gold"].get<std::string>();
    bool ours =
        accuracy->score("<answer>" + c["pred"].get<std::string>() + "</answer>",
                        record) == 1.0;
    if (!c["exclude"].is_null()) {
      ++excluded[c["exclude"].get<std::string>()];
      continue;
    }
    ++compared;
    equal += ours;
    if (ours != c["mv"].get<bool>()) {
      ++disagreements;
      ADD_FAILURE() << "verdicts differ on " << c.dump() << ": ours " << ours;
    }
  }
  size_t totalExcluded = 0;
  for (auto &[reason, n] : excluded) {
    std::cout << "[ oracle ] excluded " << reason << ": " << n << "\n";
    totalExcluded += n;
  }
  std::cout << "[ oracle ] math-verify: " << compared << " cases compared ("
            << equal << " equal), " << disagreements << " disagreements\n";
  EXPECT_EQ(disagreements, 0u);
  EXPECT_LT(totalExcluded * 10, cases.size()); // exclusions stay under 10%
  EXPECT_GT(equal, 250u);
  EXPECT_GT(compared - equal, 250u);
  fs::remove_all(dir);
}

} // namespace
