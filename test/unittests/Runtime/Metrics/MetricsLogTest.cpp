//===- MetricsLogTest.cpp - Tests for the per-step metrics log ------------===//

#include "r1rt/metrics/MetricsLog.h"
#include "r1rt/Error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string tempPath() {
  return (fs::temp_directory_path() /
          ("r1rt-metrics-" + std::to_string(std::random_device{}())) /
          "metrics.jsonl")
      .string();
}

TEST(MetricsLog, ResumeDropsStepsPastTheCheckpointAndTornLines) {
  std::string path = tempPath();
  {
    r1rt::MetricsLog log(path, -1);
    for (int step = 1; step <= 7; ++step)
      log.append({{"step", step}, {"reward", 0.1 * step}});
    log.sync();
  }
  // Simulate SIGKILL in the middle of writing step 8.
  {
    std::ofstream f(path, std::ios::app);
    f << "{\"step\": 8, \"rew";
  }
  {
    r1rt::MetricsLog log(path, /*resumeStep=*/5);
    auto recs = r1rt::MetricsLog::read(path);
    ASSERT_EQ(recs.size(), 5u);
    EXPECT_EQ(recs.back()["step"], 5);
    log.append({{"step", 6}, {"reward", 0.6}});
    log.sync();
  }
  auto recs = r1rt::MetricsLog::read(path);
  ASSERT_EQ(recs.size(), 6u);
  for (size_t i = 0; i < recs.size(); ++i)
    EXPECT_EQ(recs[i]["step"], static_cast<int>(i + 1));
  // A fresh start (-1) empties the file.
  { r1rt::MetricsLog log(path, -1); }
  EXPECT_TRUE(r1rt::MetricsLog::read(path).empty());
  fs::remove_all(fs::path(path).parent_path());
}

TEST(MetricsLog, RejectsRecordsWithoutStepAndReportsBadLines) {
  std::string path = tempPath();
  r1rt::MetricsLog log(path, -1);
  EXPECT_THROW(log.append({{"reward", 1}}), r1rt::Error);
  EXPECT_THROW(log.append({{"step", "3"}}), r1rt::Error);
  log.append({{"step", 1}});
  log.sync();
  {
    std::ofstream f(path, std::ios::app);
    f << "not json\n";
  }
  try {
    r1rt::MetricsLog::read(path);
    FAIL() << "expected an error";
  } catch (const r1rt::Error &e) {
    EXPECT_NE(std::string(e.what()).find(path + ":2:"), std::string::npos)
        << e.what();
  }
  fs::remove_all(fs::path(path).parent_path());
}

} // namespace
