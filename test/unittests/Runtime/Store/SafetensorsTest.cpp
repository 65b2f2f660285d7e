//===- SafetensorsTest.cpp - Safetensors format, round trips, oracle ------===//

#include "r1rt/store/Safetensors.h"
#include "r1rt/AtomicFile.h"
#include "r1rt/Error.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

using namespace r1rt;

namespace {

std::string le64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i)
    s[i] = char((v >> (8 * i)) & 0xff);
  return s;
}

/// The values the Python oracle (test/oracles/hf/safetensors_check.py)
/// expects, per dtype name.
std::map<std::string, torch::Tensor> oracleTensors() {
  std::map<std::string, torch::Tensor> out;
  torch::Tensor base = torch::arange(12, torch::kFloat64);
  std::vector<std::pair<std::string, torch::ScalarType>> types = {
      {"F64", torch::kFloat64}, {"F32", torch::kFloat32},
      {"F16", torch::kFloat16}, {"BF16", torch::kBFloat16},
      {"I64", torch::kInt64},   {"I32", torch::kInt32},
      {"U8", torch::kUInt8},    {"BOOL", torch::kBool}};
  for (auto [name, t] : types) {
    torch::Tensor v;
    if (t == torch::kBool)
      v = base.to(torch::kInt64).remainder(3) == 0;
    else if (torch::isFloatingType(t))
      v = base * 0.75 - 3.0;
    else if (t == torch::kUInt8)
      v = base * 20;
    else
      v = base * 1000003 - 5;
    out[name] = v.to(t).reshape({3, 4});
  }
  out["scalar"] = torch::tensor(3.25f);
  out["empty"] = torch::zeros({0, 5});
  return out;
}

std::string errorOf(const std::string &bytes) {
  try {
    parseSafetensors(bytes, "x.safetensors");
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

class SafetensorsTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("r1rt-st-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::filesystem::path dir;
};

} // namespace

TEST_F(SafetensorsTest, ByteExactAgainstHandBuiltFile) {
  // Built by hand from the spec: LE u64 header size, JSON header (padded
  // with spaces to 8-byte alignment of the data), then the raw LE data.
  std::string json =
      R"({"__metadata__":{"format":"pt"},"a":{"data_offsets":[0,8],"dtype":"F32","shape":[2]},)"
      R"("b":{"data_offsets":[8,24],"dtype":"I64","shape":[1,2]},)"
      R"("c":{"data_offsets":[24,26],"dtype":"BF16","shape":[]}})";
  while ((8 + json.size()) % 8)
    json += ' ';
  std::string data;
  data += std::string("\x00\x00\x80\x3f", 4);   // 1.0f
  data += std::string("\x00\x00\x20\xc0", 4);   // -2.5f
  data += std::string("\x07\0\0\0\0\0\0\0", 8); // 7
  data += std::string(8, '\xff');               // -1
  data += std::string("\xc0\x3f", 2);           // bf16 1.5
  std::string expect = le64(json.size()) + json + data;

  std::map<std::string, torch::Tensor> t = {
      {"a", torch::tensor({1.0f, -2.5f})},
      {"b", torch::tensor({int64_t(7), int64_t(-1)}).view({1, 2})},
      {"c", torch::tensor(1.5).to(torch::kBFloat16)}};
  std::string got = serializeSafetensors(t, {{"format", "pt"}});
  EXPECT_EQ(got, expect);

  std::string path = (dir / "hand.safetensors").string();
  saveSafetensors(path, t, {{"format", "pt"}});
  EXPECT_EQ(readFile(path), expect);
  SafetensorsFile f = parseSafetensors(expect, "hand");
  ASSERT_EQ(f.tensors.size(), 3u);
  EXPECT_EQ(f.tensors[0].first, "a");
  EXPECT_EQ(f.metadata.at("format"), "pt");
  for (const auto &[name, v] : t)
    EXPECT_TRUE(torch::equal(f.at(name), v)) << name;
}

TEST_F(SafetensorsTest, EveryDtypeRoundTrips) {
  torch::manual_seed(3);
  std::map<std::string, torch::Tensor> t;
  for (auto dt :
       {torch::kFloat32, torch::kBFloat16, torch::kFloat16, torch::kFloat64})
    for (int64_t n : {1, 7, 300})
      t[std::string(c10::toString(dt)) + std::to_string(n)] =
          torch::randn({n, 3}).to(dt);
  t["i64"] = torch::randint(-(int64_t(1) << 40), int64_t(1) << 40, {5, 2},
                            torch::kInt64);
  t["nonContiguous"] = torch::randn({4, 6}).t();
  std::string path = (dir / "all.safetensors").string();
  saveSafetensors(path, t);
  SafetensorsFile f = loadSafetensors(path);
  ASSERT_EQ(f.tensors.size(), t.size());
  for (const auto &[name, v] : t) {
    EXPECT_EQ(f.at(name).scalar_type(), v.scalar_type()) << name;
    EXPECT_TRUE(torch::equal(f.at(name), v)) << name;
  }
}

TEST_F(SafetensorsTest, RejectsTruncatedCorruptAndMisdescribedFiles) {
  std::string good = serializeSafetensors(
      {{"w", torch::randn({4, 4})}, {"z", torch::randn({3})}});
  auto has = [](const std::string &msg, const std::string &part) {
    return msg.find(part) != std::string::npos &&
           msg.find('\n') == std::string::npos;
  };
  EXPECT_TRUE(has(errorOf(good.substr(0, 5)), "truncated"));
  EXPECT_TRUE(has(errorOf(good.substr(0, good.size() - 4)), "tensor 'z'"))
      << errorOf(good.substr(0, good.size() - 4));
  EXPECT_TRUE(has(errorOf(le64(1000) + "{}"), "header says 1000 bytes"));
  EXPECT_TRUE(has(errorOf(le64(4) + "{no}"), "corrupt safetensors header"));
  EXPECT_TRUE(has(errorOf(good + "xx"), "trailing bytes"));
  auto withHeader = [](const std::string &json, size_t dataBytes) {
    return le64(json.size()) + json + std::string(dataBytes, '\x01');
  };
  EXPECT_TRUE(
      has(errorOf(withHeader(
              R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8)),
          "tensor 'w': shape [3] of F32 needs 12 bytes"));
  EXPECT_TRUE(
      has(errorOf(withHeader(
              R"({"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}})", 8)),
          "tensor 'w': unsupported dtype"));
  EXPECT_TRUE(
      has(errorOf(withHeader(
              R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
              R"("v":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
              12)),
          "overlap"));
  EXPECT_TRUE(has(
      errorOf(withHeader(
          R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12)),
      "hole"));
  EXPECT_TRUE(
      has(errorOf(withHeader(R"({"w":{"dtype":"F32","shape":[2]}})", 8)),
          "tensor 'w': entry needs"));
  EXPECT_THROW(loadSafetensors((dir / "missing.safetensors").string()), Error);
}

TEST_F(SafetensorsTest, PythonSafetensorsOracle) {
  std::string ours = (dir / "ours.safetensors").string();
  std::string theirs = (dir / "theirs.safetensors").string();
  saveSafetensors(ours, oracleTensors(), {{"writer", "r1rt"}});
  std::string cmd = std::string(R1C_PYTHON) + " " + R1C_SOURCE_DIR +
                    "/test/oracles/hf/safetensors_check.py " + ours + " " +
                    theirs + " > " + (dir / "log").string() + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << readFile((dir / "log").string());
  SafetensorsFile f = loadSafetensors(theirs);
  EXPECT_EQ(f.metadata.at("writer"), "python");
  auto want = oracleTensors();
  ASSERT_EQ(f.tensors.size(), want.size());
  for (const auto &[name, v] : want) {
    EXPECT_EQ(f.at(name).scalar_type(), v.scalar_type()) << name;
    EXPECT_EQ(f.at(name).sizes(), v.sizes()) << name;
    EXPECT_TRUE(torch::equal(f.at(name), v)) << name;
  }
}
