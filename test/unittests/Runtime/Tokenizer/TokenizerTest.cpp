//===- TokenizerTest.cpp - chars and bytes tokenizers ---------------------===//

#include "r1rt/tokenizer/Tokenizer.h"
#include "r1rt/Error.h"

#include <gtest/gtest.h>

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
