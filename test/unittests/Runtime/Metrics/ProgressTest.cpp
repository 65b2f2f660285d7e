//===- ProgressTest.cpp - Tests for the progress bar ----------------------===//

#include "r1rt/metrics/Progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace {

TEST(Progress, FormatsDurations) {
  EXPECT_EQ(r1rt::Progress::formatDuration(0), "0s");
  EXPECT_EQ(r1rt::Progress::formatDuration(59.4), "59s");
  EXPECT_EQ(r1rt::Progress::formatDuration(187), "3m07s");
  EXPECT_EQ(r1rt::Progress::formatDuration(3720), "1h02m");
  EXPECT_EQ(r1rt::Progress::formatDuration(-1), "?");
}

TEST(Progress, RendersRateAndEta) {
  r1rt::Progress p("grpo", 200, "step", /*start=*/0, /*out=*/nullptr);
  // 50 of 200 steps in 25 s: 2 step/s, 75 s to go.
  std::string line = p.render(50, 25.0, "reward 0.41");
  EXPECT_NE(line.find("grpo ["), std::string::npos) << line;
  EXPECT_NE(line.find("50/200"), std::string::npos) << line;
  EXPECT_NE(line.find("2.00 step/s"), std::string::npos) << line;
  EXPECT_NE(line.find("eta 1m15s"), std::string::npos) << line;
  EXPECT_NE(line.find("| reward 0.41"), std::string::npos) << line;
  EXPECT_NE(line.find("######......"), std::string::npos) << line;
}

TEST(Progress, RateCountsOnlyThisRunAfterResume) {
  r1rt::Progress p("sft", 100, "step", /*start=*/60, nullptr);
  // Resumed at 60; 20 more steps in 10 s: 2 step/s, 20 s left.
  std::string line = p.render(80, 10.0, "");
  EXPECT_NE(line.find("2.00 step/s"), std::string::npos) << line;
  EXPECT_NE(line.find("eta 10s"), std::string::npos) << line;
}

TEST(Progress, PlainOutputPrintsEachDecileOnce) {
  std::FILE *f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    r1rt::Progress p("eval", 1000, "sample", 0, f);
    for (int i = 1; i <= 1000; ++i)
      p.update(i);
    p.finish();
  }
  std::rewind(f);
  int lines = 0;
  for (int c; (c = std::fgetc(f)) != EOF;)
    lines += c == '\n';
  std::fclose(f);
  // Deciles 0..10 each print exactly once (11 lines); finish() adds none.
  EXPECT_EQ(lines, 11);
}

} // namespace
