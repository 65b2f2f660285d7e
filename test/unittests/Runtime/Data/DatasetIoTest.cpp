//===- DatasetIoTest.cpp - Tests of JSONL artifacts, user JSONL and mix ---===//

#include "r1rt/AtomicFile.h"
#include "r1rt/Error.h"
#include "r1rt/data/Jsonl.h"
#include "r1rt/data/Mix.h"
#include "r1rt/data/Record.h"
#include "r1rt/data/Tasks.h"
#include "r1rt/data/Utf8.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

namespace fs = std::filesystem;
using namespace r1rt::data;

namespace {

fs::path freshDir() {
  fs::path dir = fs::temp_directory_path() /
                 ("r1rt-data-" + std::to_string(std::random_device{}()));
  fs::create_directories(dir);
  return dir;
}

/// The message of the r1rt::Error `fn` throws ("" if none).
template <typename Fn> std::string errorOf(Fn fn) {
  try {
    fn();
  } catch (const r1rt::Error &e) {
    return e.what();
  }
  return "";
}

TEST(Records, RoundTripThroughAtomicJsonl) {
  fs::path dir = freshDir();
  KkOptions k;
  k.count = 200;
  std::vector<Record> records = generateKk(k);
  ArithOptions a;
  a.count = 200;
  a.style = ArithStyle::Cot;
  for (Record &r : generateArith(a))
    records.push_back(r);
  Record odd;
  odd.kind = "jsonl";
  odd.prompt = "naïve \"quoted\"\n\ttab 日本語 🙂";
  records.push_back(odd);
  std::string path = (dir / "ds.jsonl").string();
  writeRecords(path, records);
  EXPECT_EQ(readRecords(path), records);
  // One line per record.
  std::string text = r1rt::readFile(path);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'),
            static_cast<long>(records.size()));
  fs::remove_all(dir);
}

TEST(Records, CorruptArtifactNamesFileAndLine) {
  fs::path dir = freshDir();
  std::string path = (dir / "bad.jsonl").string();
  r1rt::writeFileAtomic(path, "{\"kind\":\"a\",\"prompt\":\"p\"}\n{\"kind\":"
                              "\"a\"}\n");
  std::string msg = errorOf([&] { readRecords(path); });
  EXPECT_NE(msg.find(path + ":2:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("prompt"), std::string::npos) << msg;
  r1rt::writeFileAtomic(path, "{\"kind\":\"a\",\"prompt\":\"p\"}\n[1,2\n");
  msg = errorOf([&] { readRecords(path); });
  EXPECT_NE(msg.find(":2: not valid JSON"), std::string::npos) << msg;
  fs::remove_all(dir);
}

TEST(Jsonl, MapsFieldsAndKeepsTheRestInMeta) {
  std::string text = "{\"q\":\"2+2?\",\"a\":\"<think>x</think>\",\"x\":4,"
                     "\"src\":\"web\"}\r\n\n   \n{\"q\":\"日本\",\"a\":\"b\","
                     "\"x\":\"1/2\"}";
  JsonlMapping m{"q", "a", "x"};
  auto records = parseJsonl(text, "mem.jsonl", m);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].kind, "jsonl");
  EXPECT_EQ(records[0].prompt, "2+2?");
  EXPECT_EQ(*records[0].response, "<think>x</think>");
  EXPECT_EQ(*records[0].answer, "4");
  EXPECT_EQ(records[0].meta["src"], "web");
  EXPECT_EQ(records[1].prompt, "日本");
  EXPECT_EQ(*records[1].answer, "1/2");
  JsonlMapping promptOnly{"q", "", ""};
  auto bare = parseJsonl(text, "mem.jsonl", promptOnly);
  EXPECT_FALSE(bare[0].response.has_value());
  EXPECT_FALSE(bare[0].answer.has_value());
  JsonlMapping textOnly{"", "", "", "a"};
  auto plain = parseJsonl(text, "mem.jsonl", textOnly);
  EXPECT_EQ(plain[0].prompt, "<think>x</think>");
  EXPECT_EQ(plain[0].meta["q"], "2+2?");
  JsonlMapping both{"q", "", "", "a"};
  EXPECT_NE(errorOf([&] {
              parseJsonl(text, "mem.jsonl", both);
            }).find("exactly one of prompt"),
            std::string::npos);
}

TEST(Jsonl, BadLinesFailWithFileLineAndReason) {
  JsonlMapping m{"q", "a", ""};
  std::string good = "{\"q\":\"x\",\"a\":\"y\"}\n";
  struct Case {
    std::string line, expect;
  } cases[] = {
      {"{\"q\":\"x\",\"a\":\"y\"", "not valid JSON"},
      {"[1,2]", "must be a JSON object, not array"},
      {"{\"a\":\"y\"}", "missing field \"q\" (mapped as prompt)"},
      {"{\"q\":\"x\"}", "missing field \"a\" (mapped as response)"},
      {"{\"q\":[1],\"a\":\"y\"}", "must be a string or a number, not array"},
      {"{\"q\":\"\xC3\x28\",\"a\":\"y\"}", "ill-formed UTF-8 at byte 7"},
      {"{\"q\":\"\xED\xA0\x80\",\"a\":\"y\"}", "ill-formed UTF-8"},
  };
  for (const Case &c : cases) {
    std::string msg =
        errorOf([&] { parseJsonl(good + "\n" + c.line + "\n", "f.jsonl", m); });
    EXPECT_NE(msg.find("f.jsonl:3: "), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.expect), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
  EXPECT_NE(errorOf([] { loadJsonl("/nonexistent/x.jsonl", {}); }), "");
}

TEST(Utf8, ValidatesAndDecodes) {
  EXPECT_FALSE(findInvalidUtf8("plain ascii").has_value());
  EXPECT_FALSE(findInvalidUtf8("日本語 🙂 é").has_value());
  EXPECT_EQ(findInvalidUtf8("ab\xC0\xAF"), 2u);       // overlong '/'
  EXPECT_EQ(findInvalidUtf8("\xF4\x90\x80\x80"), 0u); // > U+10FFFF
  EXPECT_EQ(findInvalidUtf8("x\xE6\x97"), 1u);        // truncated
  EXPECT_EQ(countCodePoints("日本語🙂"), 4u);
  EXPECT_EQ(countCodePoints("a\xFF"
                            "b"),
            3u);
  for (char32_t cp : {U'a', U'é', U'日', U'🙂'}) {
    auto decoded = decodeUtf8(encodeUtf8(cp));
    ASSERT_EQ(decoded.size(), 1u);
    EXPECT_EQ(decoded[0], cp);
  }
}

Record named(const std::string &kind, int i) {
  Record r;
  r.kind = kind;
  r.prompt = std::to_string(i);
  return r;
}

TEST(Mix, InterleavesByRatioKeepingOrderAndEveryRecord) {
  for (auto [wa, wb, na, nb] : {std::tuple{3u, 1u, 300, 100},
                                {1u, 1u, 50, 80},
                                {5u, 2u, 37, 200},
                                {1u, 4u, 10, 10}}) {
    std::vector<Record> a, b;
    for (int i = 0; i < na; ++i)
      a.push_back(named("a", i));
    for (int i = 0; i < nb; ++i)
      b.push_back(named("b", i));
    auto out = mix(a, b, wa, wb);
    ASSERT_EQ(out.size(), a.size() + b.size());
    int ia = 0, ib = 0;
    for (size_t k = 0; k < out.size(); ++k) {
      if (out[k].kind == "a")
        EXPECT_EQ(out[k].prompt, std::to_string(ia++));
      else
        EXPECT_EQ(out[k].prompt, std::to_string(ib++));
      // While both sides last, every prefix is within one record of the
      // exact ratio.
      if (ia < na && ib < nb) {
        double wantA = static_cast<double>(k + 1) * wa / (wa + wb);
        EXPECT_LE(std::abs(ia - wantA), 1.0) << k;
      }
    }
    EXPECT_EQ(ia, na);
    EXPECT_EQ(ib, nb);
  }
  std::vector<Record> a = {named("a", 0), named("a", 1), named("a", 2),
                           named("a", 3)};
  std::vector<Record> b = {named("b", 0), named("b", 1)};
  std::string pattern;
  for (auto &r : mix(a, b, 3, 1))
    pattern += r.kind;
  EXPECT_EQ(pattern, "aaabab");
  EXPECT_NE(errorOf([&] { mix(a, b, 0, 1); }).find("ratio 0:1"),
            std::string::npos);
  EXPECT_NE(errorOf([&] { mix({a}, {}); }).find("two or more"),
            std::string::npos);
  EXPECT_NE(errorOf([&] {
              mix({a, b}, {1, 2, 3});
            }).find("3 parts for 2"),
            std::string::npos);
}

TEST(Mix, ThreeInputsFollowTheirWeights) {
  std::vector<std::vector<Record>> inputs(3);
  std::vector<int> sizes = {60, 40, 100};
  std::vector<unsigned> weights = {3, 2, 1};
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < sizes[i]; ++k)
      inputs[i].push_back(named(std::string(1, 'a' + i), k));
  auto out = mix(inputs, weights);
  ASSERT_EQ(out.size(), 200u);
  std::vector<int> taken(3, 0);
  for (size_t k = 0; k < out.size(); ++k) {
    int i = out[k].kind[0] - 'a';
    EXPECT_EQ(out[k].prompt, std::to_string(taken[i]++));
    if (k + 1 == 120) { // all three still running: 60:40:20 exactly
      EXPECT_EQ(taken, (std::vector<int>{60, 40, 20}));
    }
  }
  EXPECT_EQ(taken, sizes);
  // Equal weights by default.
  std::string pattern;
  for (auto &r : mix({inputs[0], inputs[1]}, {}))
    pattern += r.kind;
  EXPECT_EQ(pattern.substr(0, 6), "ababab");
}

} // namespace
