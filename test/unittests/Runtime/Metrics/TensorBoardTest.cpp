//===- TensorBoardTest.cpp - Event files vs TensorBoard's reader ----------===//

#include "r1rt/metrics/TensorBoard.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>

namespace fs = std::filesystem;

namespace {

TEST(Crc32c, KnownVectors) {
  EXPECT_EQ(r1rt::crc32c("123456789", 9), 0xE3069283u);
  EXPECT_EQ(r1rt::crc32c("", 0), 0u);
  std::string zeros(32, '\0');
  EXPECT_EQ(r1rt::crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);
}

// Oracle: TensorBoard's own EventAccumulator reads back what we wrote.
TEST(TensorBoardWriter, TensorBoardReadsOurScalars) {
  fs::path dir = fs::temp_directory_path() /
                 ("r1rt-tb-" + std::to_string(std::random_device{}()));
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> dist(-5, 5);
  std::map<std::string, std::map<int64_t, float>> expected;
  {
    r1rt::TensorBoardWriter tb(dir.string());
    for (int64_t step = 1; step <= 25; ++step) {
      std::map<std::string, double> vals = {{"train/reward", dist(rng)},
                                            {"train/kl", dist(rng) * 1e-3},
                                            {"eval/pass@1", dist(rng)}};
      tb.addScalars(step, vals);
      for (auto &[k, v] : vals)
        expected[k][step] = static_cast<float>(v);
    }
    tb.flush();
  }
  std::string out = (dir / "scalars.txt").string();
  std::string cmd = std::string(R1C_PYTHON) + " " + R1C_SOURCE_DIR +
                    "/test/oracles/tensorboard/read_events.py " + dir.string() +
                    " > " + out;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  FILE *f = std::fopen(out.c_str(), "r");
  ASSERT_NE(f, nullptr);
  char tag[128];
  long long step;
  double value;
  size_t seen = 0;
  while (std::fscanf(f, "%127s %lld %lf", tag, &step, &value) == 3) {
    ASSERT_TRUE(expected.count(tag)) << tag;
    ASSERT_TRUE(expected[tag].count(step)) << tag << " " << step;
    EXPECT_EQ(static_cast<float>(value), expected[tag][step]) << tag;
    ++seen;
  }
  std::fclose(f);
  EXPECT_EQ(seen, 3u * 25u);
  fs::remove_all(dir);
}

} // namespace
