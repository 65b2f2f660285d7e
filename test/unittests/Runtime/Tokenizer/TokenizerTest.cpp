//===- TokenizerTest.cpp - chars, bytes and HF tokenizers -----------------===//

#include "r1rt/tokenizer/Tokenizer.h"
#include "r1rt/Error.h"

#include <gtest/gtest.h>

#include "r1fmt/Gguf.h"
#include "r1fmt/GgufHf.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

using namespace r1rt;

TEST(CharTokenizerTest, IdLayoutFollowsFirstOccurrence) {
  CharTokenizer t("ba\ncab\xc3\xa9"); // b a \n c é (duplicates ignored)
  EXPECT_EQ(t.vocabSize(), 3 + 5);
  EXPECT_EQ(t.encode("abc\n\xc3\xa9"), (std::vector<int64_t>{4, 3, 6, 5, 7}));
  EXPECT_EQ(t.tokenText(7), "\xc3\xa9");
  EXPECT_EQ(t.tokenText(t.eosId()), "");
  EXPECT_EQ(t.tokenText(t.eosId(), true), "<eos>");
  EXPECT_EQ(t.decode({1, 4, 3, 2}, true), "<bos>ab<eos>");
  EXPECT_EQ(t.decode({1, 4, 3, 2}), "ab");
}

TEST(CharTokenizerTest, RoundTripIsLossless) {
  const std::string alphabet =
      "0123456789+-*/=() <>abcdefghijklmnopqrstuvwxyz:?\n";
  CharTokenizer t(alphabet);
  EXPECT_EQ(t.vocabSize(), 3 + int64_t(alphabet.size()));
  std::mt19937 rng(5);
  for (int len : {0, 1, 17, 300}) {
    std::string s;
    for (int i = 0; i < len; ++i)
      s += alphabet[rng() % alphabet.size()];
    EXPECT_EQ(t.decode(t.encode(s)), s);
  }
}

TEST(CharTokenizerTest, UnknownCharacterNamesItAndItsPosition) {
  CharTokenizer t("abc \xc3\xa9");
  try {
    t.encode("ab \xc3\xa9 aXc");
    FAIL();
  } catch (const Error &e) {
    std::string m = e.what();
    EXPECT_NE(m.find("character 'X' (U+0058) at position 6"), std::string::npos)
        << m;
    EXPECT_EQ(m.find('\n'), std::string::npos);
  }
  try {
    t.encode("a\n");
    FAIL();
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("'\\n' (U+000A) at position 1"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(t.encode("a\xc3"), Error); // truncated UTF-8
  EXPECT_THROW(t.encode("\xff"), Error);
  EXPECT_THROW(t.tokenText(99), Error);
}

TEST(ByteTokenizerTest, EveryByteRoundTrips) {
  ByteTokenizer t;
  EXPECT_EQ(t.vocabSize(), 259);
  std::string all;
  for (int b = 0; b < 256; ++b)
    all += char(b);
  auto ids = t.encode(all);
  for (int b = 0; b < 256; ++b)
    EXPECT_EQ(ids[b], 3 + b);
  EXPECT_EQ(t.decode(ids), all);
  EXPECT_EQ(t.decode({1, 3 + 'h', 3 + 'i', 2}, true), "<bos>hi<eos>");
}

TEST(TokenizerTest, FromPlanJson) {
  auto chars = Tokenizer::fromJson(nlohmann::json::parse(
      R"({"kind":"chars","alphabet":"xyz","vocab_size":6})"));
  EXPECT_EQ(chars->encode("zyx"), (std::vector<int64_t>{5, 4, 3}));
  auto bytes =
      Tokenizer::fromJson(nlohmann::json::parse(R"({"kind":"bytes"})"));
  EXPECT_EQ(bytes->vocabSize(), 259);
  EXPECT_THROW(Tokenizer::fromJson(nlohmann::json::parse(
                   R"({"kind":"chars","alphabet":"xyz","vocab_size":7})")),
               Error);
  EXPECT_THROW(Tokenizer::fromJson(nlohmann::json::parse(R"({"kind":"bpe"})")),
               Error);
}

namespace {
/// SmolLM2's tokenizer.json (rebuilt from its GGUF) in a temp directory,
/// with a tokenizer_config.json naming the special tokens.
std::filesystem::path smolTokenizerDir() {
  auto f = r1fmt::openGguf(R1C_SMOLLM2_GGUF);
  EXPECT_TRUE(f) << f.error();
  auto tj = r1fmt::tokenizerJsonFromGguf(*f);
  EXPECT_TRUE(tj) << tj.error();
  auto dir = std::filesystem::temp_directory_path() /
             ("r1rt-hftok-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "tokenizer.json") << tj->dump();
  std::ofstream(dir / "tokenizer_config.json")
      << R"({"bos_token": "<|im_start|>", "eos_token": "<|im_end|>"})";
  return dir;
}
} // namespace

TEST(HfTokenizerTest, FromPlanJsonUsesItsOwnSpecialIds) {
  if (std::string(R1C_SMOLLM2_GGUF).empty())
    GTEST_SKIP() << "SmolLM2-135M-Instruct.Q4_1.gguf not installed";
  auto dir = smolTokenizerDir();
  auto tok = Tokenizer::fromJson({{"kind", "hf"}, {"path", dir.string()}});
  EXPECT_EQ(tok->vocabSize(), 49152);
  EXPECT_EQ(tok->bosId(), 1);
  EXPECT_EQ(tok->eosId(), 2);
  EXPECT_EQ(tok->padId(), 2); // no pad token: eos
  std::string text = "<|im_start|>user\nWhat is 17 + 25?<|im_end|>";
  std::vector<int64_t> ids = tok->encode(text);
  EXPECT_EQ(ids.front(), 1);
  EXPECT_EQ(ids.back(), 2);
  EXPECT_EQ(tok->decode(ids, true), text);
  EXPECT_EQ(tok->decode(ids), "user\nWhat is 17 + 25?");
  // A tokenizer.json path works too, and without a config eos is unknown.
  auto bare = Tokenizer::fromJson(
      {{"kind", "hf"}, {"path", (dir / "tokenizer.json").string()}});
  EXPECT_EQ(bare->encode(text), ids);
  std::filesystem::remove_all(dir);
}

TEST(HfTokenizerTest, BadInputs) {
  auto err = [](const nlohmann::json &j) {
    try {
      Tokenizer::fromJson(j);
    } catch (const Error &e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_NE(err({{"kind", "hf"}}).find("needs a string 'path'"),
            std::string::npos);
  EXPECT_NE(err({{"kind", "hf"}, {"path", "/nonexistent/tokenizer.json"}})
                .find("/nonexistent/tokenizer.json"),
            std::string::npos);
  auto dir = std::filesystem::temp_directory_path() /
             ("r1rt-hftok-bad-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "tokenizer.json")
      << R"({"model": {"type": "WordPiece", "vocab": {}}})";
  std::string e = err({{"kind", "hf"}, {"path", dir.string()}});
  EXPECT_NE(e.find((dir / "tokenizer.json").string()), std::string::npos)
      << e;
  EXPECT_EQ(e.find('\n'), std::string::npos);
  std::filesystem::remove_all(dir);
}
