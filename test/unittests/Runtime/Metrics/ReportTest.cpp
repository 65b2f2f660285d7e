//===- ReportTest.cpp - Tests for the HTML run report ---------------------===//

#include "r1rt/metrics/Report.h"
#include "r1rt/Error.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// A fresh temporary directory, removed at the end of the test.
class Report : public ::testing::Test {
protected:
  fs::path root = fs::temp_directory_path() /
                  ("r1rt-report-" + std::to_string(std::random_device{}()));
  void SetUp() override { fs::create_directories(root); }
  void TearDown() override { fs::remove_all(root); }

  /// Writes `text` to root/stage/file and returns the stage directory.
  std::string write(const std::string &stage, const std::string &file,
                    const std::string &text) {
    fs::create_directories(root / stage);
    std::ofstream(root / stage / file) << text;
    return (root / stage).string();
  }
};

size_t count(const std::string &haystack, const std::string &needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size()))
    ++n;
  return n;
}

/// The "x,y" pairs of the polyline drawn for metric `key`.
std::vector<std::string> polyline(const std::string &html,
                                  const std::string &key) {
  size_t at = html.find("<polyline data-key=\"" + key + "\"");
  if (at == std::string::npos)
    return {};
  size_t begin = html.find("points=\"", at) + 8;
  std::istringstream in(html.substr(begin, html.find('"', begin) - begin));
  std::vector<std::string> points;
  for (std::string p; in >> p;)
    points.push_back(p);
  return points;
}

/// The text of the axis label with class `cls` in the first chart after `from`.
std::string axisLabel(const std::string &html, const std::string &cls,
                      size_t from = 0) {
  size_t at = html.find("class=\"" + cls + "\"", from);
  if (at == std::string::npos)
    return "<none>";
  size_t begin = html.find('>', at) + 1;
  return html.substr(begin, html.find('<', begin) - begin);
}

TEST_F(Report, GrpoStageChartsEachCurveAndSkipsBadValues) {
  std::string lines;
  for (int step = 1; step <= 5; ++step) {
    json rec = {{"step", step},        {"reward", 0.1 * step},
                {"accuracy", 0.2},     {"response_len", 100 + step},
                {"kl", 0.01 * step},   {"reward/accuracy", 0.1 * step},
                {"reward/format", 0.5}};
    if (step == 2)
      rec["reward"] = "n/a"; // non-numeric: skipped
    if (step == 3)
      rec.erase("kl"); // missing: skipped
    lines += rec.dump() + "\n";
  }
  // A NaN is logged as null (nlohmann::json writes it so): skipped.
  lines +=
      json{{"step", 6}, {"reward", 0.6}, {"kl", std::nan("")}}.dump() + "\n";
  std::string dir = write("grpo", "metrics.jsonl", lines);
  std::string html =
      r1rt::renderReport("r1_tiny", {{"rl", "grpo", "abc", dir}});

  // reward, accuracy, response length, KL, reward terms.
  EXPECT_EQ(count(html, "<svg"), 5u);
  EXPECT_EQ(polyline(html, "reward").size(), 5u);
  EXPECT_EQ(polyline(html, "kl").size(), 4u);
  EXPECT_EQ(polyline(html, "accuracy").size(), 5u);
  EXPECT_EQ(polyline(html, "reward/accuracy").size(), 5u);
  EXPECT_EQ(polyline(html, "reward/format").size(), 5u);
  EXPECT_EQ(axisLabel(html, "xmin"), "1");
  EXPECT_EQ(axisLabel(html, "xmax"), "6");
  EXPECT_EQ(axisLabel(html, "ymax"), "0.6");
  EXPECT_EQ(axisLabel(html, "ymin"), "0.1");
  EXPECT_EQ(html.find("nan"), std::string::npos);
  EXPECT_EQ(html.find("inf"), std::string::npos);
  EXPECT_NE(html.find("<title>r1run report: r1_tiny</title>"),
            std::string::npos);
}

TEST_F(Report, LongSeriesIsDownsampledKeepingFirstAndLastStep) {
  std::string lines;
  for (int step = 1; step <= 5000; ++step)
    lines +=
        json{{"step", step}, {"loss", 10.0 / step}, {"lr", 1e-3}}.dump() + "\n";
  std::string dir = write("sft", "metrics.jsonl", lines);
  std::string html = r1rt::renderReport("p", {{"cold", "sft", "k", dir}});

  EXPECT_EQ(count(html, "<svg"), 1u); // loss only
  std::vector<std::string> points = polyline(html, "loss");
  EXPECT_GE(points.size(), 300u);
  EXPECT_LE(points.size(), 400u);
  // The first and last points sit on the plot's left and right edges.
  EXPECT_EQ(points.front(), "58.0,10.0");
  EXPECT_EQ(points.back(), "348.0,146.0");
  EXPECT_EQ(axisLabel(html, "xmin"), "1");
  EXPECT_EQ(axisLabel(html, "xmax"), "5000");
  EXPECT_EQ(axisLabel(html, "ymax"), "10");
  EXPECT_EQ(axisLabel(html, "ymin"), "0.002");
}

TEST_F(Report, SinglePointAndConstantSeriesAreDrawnMidAxis) {
  std::string one = write("one", "metrics.jsonl",
                          R"({"step": 7, "loss": 2.5})"
                          "\n");
  std::string flat = write("flat", "metrics.jsonl",
                           R"({"step": 1, "loss": 1.0})"
                           "\n"
                           R"({"step": 2, "loss": 1.0})"
                           "\n"
                           R"({"step": 3, "loss": 1.0})"
                           "\n");
  std::string html = r1rt::renderReport(
      "p", {{"one", "pretrain", "k", one}, {"flat", "sft", "k", flat}});

  EXPECT_EQ(count(html, "<svg"), 2u);
  size_t second = html.find("<svg", html.find("<svg") + 1);
  // One point: centred on both axes, with a dot so that it is visible.
  std::vector<std::string> p1 = polyline(html, "loss");
  ASSERT_EQ(p1.size(), 1u);
  EXPECT_EQ(p1[0], "203.0,78.0");
  EXPECT_EQ(count(html, "<circle"), 1u);
  EXPECT_EQ(axisLabel(html, "xmin"), "7");
  EXPECT_EQ(axisLabel(html, "xmax"), "7");
  // Constant: a flat line at mid-height, labelled with the value.
  std::vector<std::string> p2 = polyline(html.substr(second), "loss");
  ASSERT_EQ(p2.size(), 3u);
  for (const std::string &p : p2)
    EXPECT_EQ(p.substr(p.find(',')), ",78.0");
  EXPECT_EQ(axisLabel(html, "ymin", second), "1");
  EXPECT_EQ(axisLabel(html, "ymax", second), "1");
  EXPECT_EQ(html.find("nan"), std::string::npos);
}

TEST_F(Report, CorruptMetricsAndNamesAreEscapedNotThrown) {
  std::string dir = write("bad", "metrics.jsonl",
                          R"({"step": 1, "loss": 1})"
                          "\n<script>oops</script>\n");
  std::string html;
  ASSERT_NO_THROW(html = r1rt::renderReport(
                      "a<b", {{"bad<&>", "sft", "k", dir},
                              {"missing", "sft", "k", dir + "/nope"}}));
  EXPECT_NE(html.find("metrics.jsonl:2: metrics line is not a JSON object"),
            std::string::npos);
  EXPECT_NE(html.find("class=\"error\""), std::string::npos);
  EXPECT_EQ(count(html, "<svg"), 0u);
  EXPECT_NE(html.find("bad&lt;&amp;&gt;"), std::string::npos);
  EXPECT_EQ(html.find("bad<&>"), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("r1run report: a&lt;b"), std::string::npos);
}

TEST_F(Report, EvalTableJoinsEveryEvalStage) {
  std::string a = write("eval1", "eval.json",
                        json{{"metrics", {"pass@1", "cons@8", "greedy"}},
                             {"rows",
                              {{{"model", "cold"},
                                {"pass@1", 0.31},
                                {"cons@8", 0.4},
                                {"greedy", 0.35},
                                {"n", 200}},
                               {{"model", "rl"},
                                {"pass@1", 0.5},
                                {"cons@8", 0.625},
                                {"greedy", 0.5},
                                {"n", 200}}}}}
                            .dump());
  std::string b = write("eval2", "eval.json",
                        json{{"metrics", {"pass@1", "maj@4"}},
                             {"rows",
                              {{{"model", "distill<7b>"},
                                {"pass@1", 0.12345},
                                {"maj@4", 1},
                                {"n", 50}}}}}
                            .dump());
  std::string c = write("eval3", "eval.json", R"({"rows": 3})");
  std::string html = r1rt::renderReport("p", {{"eval1", "eval", "k", a},
                                              {"eval2", "eval", "k", b},
                                              {"eval3", "eval", "k", c}});

  for (const char *cell :
       {"<th>pass@1</th><th>cons@8</th><th>greedy</th><th>maj@4</th>"
        "<th>n</th>",
        "<td>eval1</td><td>cold</td><td class=\"num\">0.310</td>"
        "<td class=\"num\">0.400</td><td class=\"num\">0.350</td>"
        "<td class=\"num\">&ndash;</td><td class=\"num\">200</td>",
        "<td>rl</td><td class=\"num\">0.500</td><td class=\"num\">0.625</td>",
        "<td>distill&lt;7b&gt;</td><td class=\"num\">0.123</td>"
        "<td class=\"num\">&ndash;</td><td class=\"num\">&ndash;</td>"
        "<td class=\"num\">1.000</td><td class=\"num\">50</td>"})
    EXPECT_NE(html.find(cell), std::string::npos) << cell;
  EXPECT_NE(html.find("eval.json: expected an object with"), std::string::npos);
}

TEST_F(Report, StageTableShowsStatusTimeAndKeyPrefix) {
  std::string html = r1rt::renderReport(
      "p", {{"cold", "sft", "0123456789abcdef", "", "ran", 125},
            {"rl", "grpo", "fedcba9876543210", "", "", 0}});
  EXPECT_NE(html.find("<tr><td>cold</td><td>sft</td><td>ran</td>"
                      "<td class=\"num\">2m05s</td>"
                      "<td><code>01234567</code></td></tr>"),
            std::string::npos);
  EXPECT_NE(html.find("<tr><td>rl</td><td>grpo</td><td>&ndash;</td>"
                      "<td class=\"num\">&ndash;</td>"
                      "<td><code>fedcba98</code></td></tr>"),
            std::string::npos);
  EXPECT_EQ(html.find("89abcdef"), std::string::npos);
}

TEST_F(Report, WriteReportIsAtomicAndFailsOnAMissingDirectory) {
  std::string dir = write("sft", "metrics.jsonl",
                          R"({"step": 1, "loss": 1})"
                          "\n");
  std::vector<r1rt::ReportStage> stages = {{"sft", "sft", "k", dir}};
  fs::create_directories(root / "out");
  std::string path = (root / "out" / "report.html").string();
  r1rt::writeReport(path, "p", stages);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), r1rt::renderReport("p", stages));
  size_t files = 0;
  for (const auto &entry : fs::directory_iterator(root / "out")) {
    EXPECT_EQ(entry.path().filename(), "report.html");
    ++files;
  }
  EXPECT_EQ(files, 1u);

  try {
    r1rt::writeReport((root / "no" / "such" / "r.html").string(), "p", stages);
    FAIL() << "expected an error";
  } catch (const r1rt::Error &e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("r.html"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

} // namespace
