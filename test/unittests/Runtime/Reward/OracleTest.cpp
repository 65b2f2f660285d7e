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
#include <iostream>
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

/// Counts our verdicts against the oracle's, outside documented exclusions.
struct Tally {
  size_t compared = 0, positive = 0, disagreements = 0, totalExcluded = 0;
  std::map<std::string, size_t> excluded;

  /// Records one case; `theirs` is the oracle's verdict.
  void add(const nlohmann::json &c, bool ours, bool theirs) {
    if (!c["exclude"].is_null()) {
      ++excluded[c["exclude"].get<std::string>()];
      ++totalExcluded;
      return;
    }
    ++compared;
    positive += ours;
    if (ours != theirs) {
      ++disagreements;
      ADD_FAILURE() << "verdicts differ on " << c.dump() << ": ours " << ours;
    }
  }
  void print(const char *oracle, const char *positiveWord) const {
    for (auto &[reason, n] : excluded)
      std::cout << "[ oracle ] excluded " << reason << ": " << n << "\n";
    std::cout << "[ oracle ] " << oracle << ": " << compared
              << " cases compared (" << positive << " " << positiveWord << "), "
              << disagreements << " disagreements\n";
  }
};

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
  Tally tally;
  for (const auto &c : cases) {
    data::Record record;
    record.kind = "countdown";
    record.meta = {{"numbers", c["numbers"]}, {"target", c["target"]}};
    std::string completion = "<think>x</think><answer>" +
                             c["answer"].get<std::string>() + "</answer>";
    bool ours = accuracy->score(completion, record) == 1.0;
    EXPECT_EQ(ours, countdown->score(completion, record) == 1.0);
    tally.add(c, ours, c["rg_correct"].get<bool>());
  }
  tally.print("countdown", "correct");
  EXPECT_EQ(tally.disagreements, 0u);
  EXPECT_LT(tally.totalExcluded * 20, cases.size()); // exclusions under 5%
  EXPECT_GT(tally.positive, 350u);                   // both verdicts exercised
  EXPECT_GT(tally.compared - tally.positive, 1000u);
  fs::remove_all(dir);
}

TEST(RewardOracle, AnswerMatchAgreesWithMathVerify) {
  fs::path dir = freshDir();
  ASSERT_TRUE(runOracle("math_verify_oracle.py",
                        (dir / "cases.jsonl").string() + " 11 800"));
  auto cases = readLines(dir / "cases.jsonl");
  ASSERT_EQ(cases.size(), 800u);
  auto accuracy = reward::makeReward("answer_match");
  Tally tally;
  for (const auto &c : cases) {
    data::Record record;
    record.kind = "jsonl";
    record.answer = c["gold"].get<std::string>();
    bool ours =
        accuracy->score("<answer>" + c["pred"].get<std::string>() + "</answer>",
                        record) == 1.0;
    tally.add(c, ours, c["mv"].get<bool>());
  }
  tally.print("math-verify", "equal");
  EXPECT_EQ(tally.disagreements, 0u);
  EXPECT_LT(tally.totalExcluded * 10, cases.size()); // exclusions under 10%
  EXPECT_GT(tally.positive, 250u);
  EXPECT_GT(tally.compared - tally.positive, 250u);
  fs::remove_all(dir);
}

} // namespace
