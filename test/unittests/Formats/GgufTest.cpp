//===- GgufTest.cpp - GGUF reader against gguf-py's writer and quants -----===//
//
// test/oracles/gguf/gguf_oracle.py writes random GGUF files with gguf-py's
// GGUFWriter (metadata of every value type, tensors of every type we
// dequantize at several shapes) and the values gguf.quants.dequantize gives
// for them. We read the files and compare bit for bit. Bad inputs are made
// here from a good file: cut, with a bad magic or version, an unknown tensor
// type, an offset past the end or off the alignment.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include "r1fmt/Gguf.h"
#include "r1fmt/GgufDequant.h"
#include "r1fmt/GgufHf.h"
#include "r1fmt/JsonFile.h"

#include <algorithm>
#include <cmath>
#include <random>

using namespace r1fmt;
using namespace r1fmt::test;
using nlohmann::json;

namespace {

class GgufSynthTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    dir = new std::filesystem::path(tempDir("r1fmt-gguf-synth"));
    log = (*dir / "log.txt").string();
    status = runOracle("synth " + dir->string() + " 20240611", log);
    if (status == 0) {
      auto j = readJsonFile((*dir / "synth.json").string());
      if (j)
        expected = new json(*j);
    }
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir);
    delete dir;
    delete expected;
  }
  void SetUp() override {
    ASSERT_EQ(status, 0) << readText(log);
    ASSERT_NE(expected, nullptr);
  }
  static std::string path(const std::string &name) {
    return (*dir / name).string();
  }

  static std::filesystem::path *dir;
  static std::string log;
  static int status;
  static json *expected;
};

std::filesystem::path *GgufSynthTest::dir;
std::string GgufSynthTest::log;
int GgufSynthTest::status;
json *GgufSynthTest::expected;

/// Compares one metadata value with the oracle's {type, value}.
void expectValue(const GgufValue &v, const json &want, const std::string &key) {
  std::string type = want["type"];
  if (type == "array") {
    ASSERT_TRUE(v.isArray()) << key;
    EXPECT_EQ(ggufTypeName(v.elemType()), want["elem"].get<std::string>())
        << key;
    const auto &items = *v.asArray();
    ASSERT_EQ(items.size(), want["value"].size()) << key;
    for (size_t i = 0; i < items.size(); ++i)
      expectValue(items[i],
                  {{"type", want["elem"]}, {"value", want["value"][i]}},
                  key + "[" + std::to_string(i) + "]");
    return;
  }
  EXPECT_EQ(v.typeName(), type) << key;
  const json &val = want["value"];
  if (type == "string")
    EXPECT_EQ(*v.asString(), val.get<std::string>()) << key;
  else if (type == "bool")
    EXPECT_EQ(*v.asBool(), val.get<bool>()) << key;
  else if (type == "float32" || type == "float64")
    EXPECT_EQ(*v.asFloat(), val.get<double>()) << key; // exact
  else if (val.is_number_unsigned())
    EXPECT_EQ(*v.asUint(), val.get<uint64_t>()) << key;
  else
    EXPECT_EQ(*v.asInt(), val.get<int64_t>()) << key;
}

TEST_F(GgufSynthTest, MetadataOfEveryType) {
  for (const char *stem : {"synth", "synth_align64"}) {
    const json &e = (*expected)[stem];
    auto f = openGguf(e["path"]);
    ASSERT_TRUE(f) << f.error();
    EXPECT_EQ(f->version(), 3u);
    EXPECT_EQ(f->alignment(), e["alignment"].get<uint64_t>());
    EXPECT_EQ(*f->getString("general.architecture"), "llama");
    for (auto &[key, want] : e["metadata"].items()) {
      const GgufValue *v = f->find(key);
      ASSERT_NE(v, nullptr) << key;
      expectValue(*v, want, key);
    }
  }
}

TEST_F(GgufSynthTest, TypedGetters) {
  auto f = openGguf(path("synth.gguf"));
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(*f->getUint("t.uint64"), 9223372036854788153ull);
  EXPECT_EQ(*f->getInt("t.int8"), -100);
  EXPECT_EQ(*f->getUint("t.uint8"), 200u);
  EXPECT_EQ(*f->getFloat("t.float32"), double(3.14159265f));
  EXPECT_EQ(*f->getFloat("t.uint16"), 60000.0); // integers convert
  EXPECT_TRUE(*f->getBool("t.bool_true"));
  EXPECT_EQ(*f->getStringArray("t.arr_string"),
            (std::vector<std::string>{"a", "", "b c",
                                      "\xc3\xbc"
                                      "ber"}));
  EXPECT_EQ(*f->getIntArray("t.arr_int32"),
            (std::vector<int64_t>{-5, 0, 7, 2147483647}));
  EXPECT_EQ((*f->getArray("t.arr_float64"))->size(), 2u);

  auto wrong = f->getString("t.uint32");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error(),
            path("synth.gguf") +
                ": metadata 't.uint32' is uint32, expected string");
  EXPECT_FALSE(f->getUint("t.int8")); // negative
  EXPECT_FALSE(f->getStringArray("t.arr_int32"));
  EXPECT_NE(f->getIntArray("t.arr_string").error().find("array[string]"),
            std::string::npos);
  auto missing = f->getUint("no.such.key");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("'no.such.key' is missing"),
            std::string::npos);
}

TEST_F(GgufSynthTest, DequantizeMatchesGgufPy) {
  size_t values = 0, tensors = 0;
  for (const char *stem : {"synth", "synth_align64"}) {
    const json &e = (*expected)[stem];
    auto f = openGguf(e["path"]);
    ASSERT_TRUE(f) << f.error();
    // Every tensor of the oracle, plus q2k and patch_me.
    EXPECT_EQ(f->tensors().size(), e["tensors"].size() + 2);
    for (const json &t : e["tensors"]) {
      std::string name = t["name"];
      const GgufTensorInfo *info = f->tensor(name);
      ASSERT_NE(info, nullptr) << name;
      EXPECT_EQ(info->shape(), t["shape"].get<std::vector<int64_t>>()) << name;
      EXPECT_EQ(ggmlTypeTraits(uint32_t(info->type))->name,
                t["type"].get<std::string>());
      EXPECT_EQ(info->offset % f->alignment(), 0u);
      std::vector<float> want = readFloats(path(t["file"]));
      auto got = dequantize(*f, *info);
      ASSERT_TRUE(got) << got.error();
      ASSERT_EQ(got->size(), want.size()) << name;
      EXPECT_EQ(bitMismatches(got->data(), want.data(), want.size()), 0u)
          << name;
      // A row range gives the same values as the whole.
      uint64_t rows = info->numRows(), cols = info->rowElems();
      if (rows >= 3) {
        std::vector<float> mid((rows - 2) * cols);
        auto n = dequantizeRows(*f, *info, 1, rows - 2, mid.data());
        ASSERT_TRUE(n) << n.error();
        EXPECT_EQ(*n, mid.size());
        EXPECT_EQ(bitMismatches(mid.data(), want.data() + cols, mid.size()), 0u)
            << name << " rows";
      }
      values += want.size();
      ++tensors;
    }
  }
  EXPECT_GT(tensors, 40u);
  EXPECT_GT(values, 100000u);
}

TEST_F(GgufSynthTest, DequantizeErrors) {
  auto f = openGguf(path("synth.gguf"));
  ASSERT_TRUE(f) << f.error();
  const GgufTensorInfo *q2k = f->tensor("q2k.weight");
  ASSERT_NE(q2k, nullptr);
  EXPECT_EQ(q2k->nbytes, 168u);
  auto r = dequantize(*f, *q2k);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("tensor 'q2k.weight' has ggml type Q2_K"),
            std::string::npos)
      << r.error();
  const GgufTensorInfo *t = f->tensor("q8_0.1.weight");
  std::vector<float> buf(64 * 3);
  auto rows = dequantizeRows(*f, *t, 2, 2, buf.data());
  ASSERT_FALSE(rows);
  EXPECT_NE(rows.error().find("rows [2, 4) are outside its 3 rows"),
            std::string::npos)
      << rows.error();
  EXPECT_EQ(f->tensor("nope"), nullptr);
}

TEST(GgufHalf, SpecialValues) {
  EXPECT_EQ(halfToFloat(0x3C00), 1.0f);
  EXPECT_EQ(halfToFloat(0xC000), -2.0f);
  EXPECT_EQ(halfToFloat(0x7BFF), 65504.0f);
  EXPECT_EQ(halfToFloat(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(halfToFloat(0x83FF), -std::ldexp(1023.0f, -24));
  EXPECT_TRUE(std::isinf(halfToFloat(0xFC00)) && halfToFloat(0xFC00) < 0);
  EXPECT_TRUE(std::isnan(halfToFloat(0x7E00)));
  EXPECT_TRUE(std::signbit(halfToFloat(0x8000)));
  EXPECT_EQ(bf16ToFloat(0x3F80), 1.0f);
  EXPECT_EQ(bf16ToFloat(0xC040), -3.0f);
}

//===----------------------------------------------------------------------===//
// Config and tokenizer errors
//===----------------------------------------------------------------------===//

TEST_F(GgufSynthTest, HfMappingErrors) {
  auto f = openGguf(path("other_arch.gguf"));
  ASSERT_TRUE(f) << f.error();
  auto c = hfConfigFromGguf(*f);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error(), path("other_arch.gguf") +
                           ": architecture 'falcon' has no config mapping "
                           "(supported: llama, mistral, qwen2, qwen3)");
  auto t = tokenizerJsonFromGguf(*f);
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().find("tokenizer.ggml.model is 'llama'"),
            std::string::npos)
      << t.error();
  EXPECT_FALSE(chatTemplateFromGguf(*f));

  // A llama file without the llama.* shape keys.
  auto s = openGguf(path("synth.gguf"));
  ASSERT_TRUE(s) << s.error();
  auto sc = hfConfigFromGguf(*s);
  ASSERT_FALSE(sc);
  EXPECT_NE(sc.error().find("'llama.embedding_length' is missing"),
            std::string::npos)
      << sc.error();
  auto st = tokenizerJsonFromGguf(*s);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().find("'tokenizer.ggml.model' is missing"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// Bad input
//===----------------------------------------------------------------------===//

/// Offset of tensor `name`'s info entry fields after its name string.
size_t afterName(const std::vector<uint8_t> &b, const std::string &name) {
  auto it = std::search(b.begin(), b.end(), name.begin(), name.end());
  EXPECT_NE(it, b.end()) << name;
  return size_t(it - b.begin()) + name.size();
}

class GgufBadInputTest : public GgufSynthTest {
protected:
  /// Writes `bytes` to a file and opens it; the error it gives (must fail).
  std::string errorOf(const std::vector<uint8_t> &bytes,
                      const std::string &name = "bad.gguf") {
    std::string p = path(name);
    writeBytes(p, bytes);
    auto f = openGguf(p);
    EXPECT_FALSE(f) << name << " opened";
    if (f)
      return "";
    EXPECT_EQ(f.error().find('\n'), std::string::npos) << f.error();
    EXPECT_EQ(f.error().rfind(p + ": ", 0), 0u) << f.error();
    return f.error();
  }
  std::vector<uint8_t> good() { return readBytes(path("synth.gguf")); }
  /// patch_me.weight's data offset in the good file.
  uint64_t patchOffset() {
    auto f = openGguf(path("synth.gguf"));
    EXPECT_TRUE(f);
    return f ? f->tensor("patch_me.weight")->offset : 0;
  }
};

TEST_F(GgufBadInputTest, BadMagicAndVersion) {
  auto b = good();
  b[0] = 'X';
  EXPECT_NE(errorOf(b).find("not a GGUF file (bad magic"), std::string::npos);
  b = good();
  b[4] = 4;
  EXPECT_NE(errorOf(b).find("unsupported GGUF version 4"), std::string::npos);
  b = good();
  b[4] = 0;
  b[7] = 3; // a big-endian 3
  EXPECT_NE(errorOf(b).find("unsupported GGUF version 50331648"),
            std::string::npos);
  EXPECT_NE(errorOf({}).find("bad magic"), std::string::npos);
  auto missing = openGguf(path("does-not-exist.gguf"));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("cannot open"), std::string::npos);
}

TEST_F(GgufBadInputTest, TruncatedDataNamesTensorAndFile) {
  auto b = good();
  b.resize(b.size() - 1); // patch_me.weight, the last tensor, loses a byte
  std::string e = errorOf(b, "cut.gguf");
  EXPECT_EQ(e, path("cut.gguf") +
                   ": tensor 'patch_me.weight' (64 bytes at data offset " +
                   std::to_string(patchOffset()) +
                   ") ends past the end of the file (" +
                   std::to_string(b.size()) +
                   " bytes): the file is truncated or the offset is wrong")
      << e;
}

TEST_F(GgufBadInputTest, EveryCutFails) {
  auto full = good();
  auto f = openGguf(path("synth.gguf"));
  ASSERT_TRUE(f);
  // Cuts in the header, the metadata, the tensor infos and the data.
  int tried = 0;
  for (size_t n = 0; n < full.size(); n += (n < f->dataOffset() ? 3 : 997)) {
    std::vector<uint8_t> b(full.begin(), full.begin() + long(n));
    std::string e = errorOf(b);
    EXPECT_FALSE(e.empty()) << "cut at " << n;
    if (n >= 24 && n < f->dataOffset() - 32)
      EXPECT_NE(e.find("truncated"), std::string::npos) << e;
    ++tried;
  }
  EXPECT_GT(tried, 300);
}

TEST_F(GgufBadInputTest, UnknownTensorType) {
  auto b = good();
  size_t p = afterName(b, "patch_me.weight");
  ASSERT_EQ(b[p], 2); // n_dims
  size_t typePos = p + 4 + 2 * 8;
  ASSERT_EQ(b[typePos], 0); // F32
  b[typePos] = 99;
  EXPECT_EQ(errorOf(b, "type.gguf"),
            path("type.gguf") +
                ": tensor 'patch_me.weight' has unknown ggml type 99");
  b[typePos] = 4; // Q4_2, removed from ggml
  EXPECT_NE(errorOf(b).find("unknown ggml type 4"), std::string::npos);
}

TEST_F(GgufBadInputTest, TensorOffsetPastEndOrMisaligned) {
  auto b = good();
  size_t offPos = afterName(b, "patch_me.weight") + 4 + 2 * 8 + 4;
  uint64_t off = uint64_t(1) << 40;
  std::memcpy(&b[offPos], &off, 8);
  std::string e = errorOf(b);
  EXPECT_NE(e.find("tensor 'patch_me.weight' (64 bytes at data offset "
                   "1099511627776) ends past the end of the file"),
            std::string::npos)
      << e;
  off = ~uint64_t(0) & ~uint64_t(31); // wraps around when added
  std::memcpy(&b[offPos], &off, 8);
  EXPECT_NE(errorOf(b).find("ends past the end"), std::string::npos);
  off = patchOffset() + 4;
  std::memcpy(&b[offPos], &off, 8);
  EXPECT_NE(errorOf(b).find("offset " + std::to_string(off) +
                            " is not a multiple of the alignment 32"),
            std::string::npos);
}

TEST_F(GgufBadInputTest, HugeCountsAndDims) {
  auto b = good();
  // tensor_count (bytes 8..15) and kv_count (16..23) far beyond the file.
  uint64_t huge = uint64_t(1) << 60;
  std::memcpy(&b[16], &huge, 8);
  EXPECT_NE(errorOf(b).find("metadata entries"), std::string::npos);
  b = good();
  std::memcpy(&b[8], &huge, 8);
  EXPECT_NE(errorOf(b).find("tensors, more than"), std::string::npos);
  b = good();
  size_t p = afterName(b, "patch_me.weight");
  b[p] = 5; // n_dims
  EXPECT_NE(errorOf(b).find("has 5 dimensions"), std::string::npos);
  b = good();
  uint64_t dim = uint64_t(1) << 62; // 2^62 * 2 elements overflow bytes
  std::memcpy(&b[p + 4], &dim, 8);
  EXPECT_NE(errorOf(b).find("patch_me.weight"), std::string::npos);
}

TEST_F(GgufBadInputTest, RandomCorruptionNeverCrashes) {
  auto full = good();
  auto f = openGguf(path("synth.gguf"));
  ASSERT_TRUE(f);
  std::mt19937 rng(5);
  std::uniform_int_distribution<size_t> pos(0, f->dataOffset() - 1);
  int failed = 0;
  for (int i = 0; i < 300; ++i) {
    auto b = full;
    for (int k = 0; k < 3; ++k)
      b[pos(rng)] ^= uint8_t(1u << (rng() % 8));
    std::string p = path("fuzz.gguf");
    writeBytes(p, b);
    auto g = openGguf(p);
    if (!g) {
      ++failed;
      EXPECT_EQ(g.error().find('\n'), std::string::npos) << g.error();
      continue;
    }
    // Whatever opened can be read without leaving the mapping.
    for (const GgufTensorInfo &t : g->tensors())
      if (canDequantize(t.type))
        EXPECT_TRUE(dequantize(*g, t)) << t.name;
  }
  EXPECT_GT(failed, 10);
}

//===----------------------------------------------------------------------===//
// Names and the Q/K permutation
//===----------------------------------------------------------------------===//

TEST(GgufNames, Mapping) {
  EXPECT_EQ(*hfTensorName("blk.12.attn_q.weight"),
            "model.layers.12.self_attn.q_proj.weight");
  EXPECT_EQ(*hfTensorName("blk.0.attn_k.bias"),
            "model.layers.0.self_attn.k_proj.bias");
  EXPECT_EQ(*hfTensorName("blk.3.ffn_norm.weight"),
            "model.layers.3.post_attention_layernorm.weight");
  EXPECT_EQ(*hfTensorName("token_embd.weight"), "model.embed_tokens.weight");
  EXPECT_EQ(*hfTensorName("output.weight"), "lm_head.weight");
  EXPECT_EQ(*hfTensorName("output_norm.weight"), "model.norm.weight");
  for (const char *bad :
       {"blk.x.attn_q.weight", "blk..attn_q.weight", "blk.1.attn_qkv.weight",
        "blk.1.attn_q", "rope_freqs.weight", "", "output"})
    EXPECT_FALSE(hfTensorName(bad)) << bad;
}

/// llama.cpp's converter permutation (convert_hf_to_gguf.py
/// LlamaModel.permute): w.reshape(n_head, 2, rows / n_head / 2,
/// cols).swapaxes(1, 2).
std::vector<float> llamaCppPermute(const std::vector<float> &w, int64_t rows,
                                   int64_t cols, int64_t heads) {
  std::vector<float> out(w.size());
  int64_t half = rows / heads / 2;
  for (int64_t h = 0; h < heads; ++h)
    for (int64_t j = 0; j < 2; ++j)
      for (int64_t i = 0; i < half; ++i)
        for (int64_t c = 0; c < cols; ++c)
          out[((h * half + i) * 2 + j) * cols + c] =
              w[((h * 2 + j) * half + i) * cols + c];
  return out;
}

TEST(GgufNames, UnpermuteInvertsLlamaCppPermute) {
  std::mt19937 rng(3);
  std::normal_distribution<float> nd;
  for (auto [rows, cols, heads] :
       {std::tuple<int64_t, int64_t, int64_t>{8, 3, 2},
        {64, 5, 4},
        {192, 7, 3},
        {2, 1, 1}}) {
    std::vector<float> hf(size_t(rows * cols));
    for (float &x : hf)
      x = nd(rng);
    std::vector<float> g = llamaCppPermute(hf, rows, cols, heads);
    if (rows > 2)
      EXPECT_NE(g, hf);
    unpermuteQK(g.data(), rows, cols, heads);
    EXPECT_EQ(g, hf) << rows << "x" << cols << " heads " << heads;
  }
}

} // namespace
