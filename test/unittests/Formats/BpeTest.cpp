//===- BpeTest.cpp - BpeTokenizer: refusals, bytes, special ids -----------===//

#include "r1fmt/Bpe.h"

#include <gtest/gtest.h>

using namespace r1fmt;
using nlohmann::json;

namespace {

/// GPT-2's byte alphabet, as the vocabulary of a minimal byte-level BPE.
std::vector<std::string> byteChars() {
  std::vector<std::string> chars;
  int next = 256;
  for (int b = 0; b < 256; ++b) {
    bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) ||
                     (b >= 0xAE && b <= 0xFF);
    int cp = printable ? b : next++;
    std::string s;
    if (cp < 0x80) {
      s += char(cp);
    } else {
      s += char(0xC0 | (cp >> 6));
      s += char(0x80 | (cp & 0x3F));
    }
    chars.push_back(s);
  }
  return chars;
}

/// A valid tokenizer.json: the 256 byte symbols, "he", "hel", "Ġw" and two
/// added tokens.
json tinySpec() {
  json vocab = json::object();
  std::vector<std::string> chars = byteChars();
  for (int b = 0; b < 256; ++b)
    vocab[chars[b]] = b;
  vocab["he"] = 256;
  vocab["hel"] = 257;
  vocab["Ġw"] = 258;
  return {{"version", "1.0"},
          {"added_tokens",
           {{{"id", 259},
             {"content", "<|eot|>"},
             {"special", true},
             {"normalized", false}},
            {{"id", 260},
             {"content", "<pad>"},
             {"special", true},
             {"normalized", false}}}},
          {"normalizer", nullptr},
          {"pre_tokenizer",
           {{"type", "ByteLevel"},
            {"add_prefix_space", false},
            {"use_regex", true}}},
          {"post_processor", nullptr},
          {"decoder", {{"type", "ByteLevel"}}},
          {"model",
           {{"type", "BPE"},
            {"vocab", vocab},
            {"merges", {"h e", json::array({"he", "l"}), "Ġ w"}}}}};
}

/// The error of loading `spec`; fails the test if it loads.
std::string loadError(const json &spec) {
  auto tok = BpeTokenizer::fromTokenizerJson(spec, "t.json");
  EXPECT_FALSE(tok) << "loaded: " << spec.dump().substr(0, 200);
  std::string e = tok ? "" : tok.error();
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  EXPECT_EQ(e.rfind("t.json: ", 0), 0u) << e;
  return e;
}

#define EXPECT_HAS(haystack, needle)                                           \
  EXPECT_NE((haystack).find(needle), std::string::npos) << (haystack)

TEST(BpeTest, TinySpecEncodesMergesAndAddedTokens) {
  auto tok = BpeTokenizer::fromTokenizerJson(tinySpec());
  ASSERT_TRUE(tok) << tok.error();
  EXPECT_EQ(tok->vocabSize(), 261);
  // "hel" merges h+e then he+l; " w" merges to Ġw; the added token is whole.
  EXPECT_EQ(tok->encode("hello w<|eot|>"),
            (std::vector<int64_t>{257, 'l', 'o', 258, 259}));
  EXPECT_EQ(tok->encode("<|eot|>", /*parseSpecial=*/false),
            (std::vector<int64_t>{'<', '|', 'e', 'o', 't', '|', '>'}));
  EXPECT_EQ(*tok->decode({257, 258, 259}), "hel w<|eot|>");
  EXPECT_EQ(*tok->decode({257, 258, 259}, /*skipSpecial=*/true), "hel w");
  EXPECT_EQ(tok->tokenId("Ġw"), 258);
  EXPECT_EQ(tok->tokenId("<pad>"), 260);
  EXPECT_FALSE(tok->tokenId("nope"));
  EXPECT_EQ(*tok->tokenText(258), " w");
  EXPECT_TRUE(tok->encode("").empty());
}

TEST(BpeTest, InvalidUtf8IsEncodedAsBytes) {
  auto tok = BpeTokenizer::fromTokenizerJson(tinySpec());
  ASSERT_TRUE(tok) << tok.error();
  for (std::string s : {std::string("\xff"), std::string("a\xc3"),
                        std::string("he\xed\xa0\x80llo \xf0\x9f\x98 w"),
                        std::string("\x80\x80<|eot|>\xfe")}) {
    std::vector<int64_t> ids = tok->encode(s);
    std::string bytes;
    for (int64_t id : ids)
      bytes += *tok->tokenText(id);
    EXPECT_EQ(bytes, s);
  }
  // decode() repairs like Rust's from_utf8_lossy: one U+FFFD per maximal
  // invalid subpart (a truncated sequence is one, a surrogate is three).
  EXPECT_EQ(*tok->decode(tok->encode("a\xf0\x9f\x98")), "a\xEF\xBF\xBD");
  EXPECT_EQ(*tok->decode(tok->encode("\xed\xa0\x80")),
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

// Like tokenizers: a byte whose symbol is not in the vocabulary (SmolLM2
// lacks 21) becomes unk_token, fused when fuse_unk, or is dropped.
TEST(BpeTest, BytesWithoutSymbolBecomeUnkOrVanish) {
  json spec = tinySpec();
  spec["model"]["vocab"].erase("Ā"); // byte 0x00
  spec["model"]["vocab"].erase("ā"); // byte 0x01
  auto tok = BpeTokenizer::fromTokenizerJson(spec);
  ASSERT_TRUE(tok) << tok.error();
  EXPECT_EQ(tok->encode(std::string("a\0\1\0b", 5)),
            (std::vector<int64_t>{'a', 'b'}));
  spec["model"]["unk_token"] = "he";
  tok = BpeTokenizer::fromTokenizerJson(spec);
  ASSERT_TRUE(tok) << tok.error();
  EXPECT_EQ(tok->encode(std::string("a\0\1b", 4)),
            (std::vector<int64_t>{'a', 256, 256, 'b'}));
  spec["model"]["fuse_unk"] = true;
  tok = BpeTokenizer::fromTokenizerJson(spec);
  ASSERT_TRUE(tok) << tok.error();
  EXPECT_EQ(tok->encode(std::string("a\0\1b\0", 5)),
            (std::vector<int64_t>{'a', 256, 'b', 256}));
}

TEST(BpeTest, DecodeRejectsUnknownIds) {
  auto tok = BpeTokenizer::fromTokenizerJson(tinySpec());
  ASSERT_TRUE(tok) << tok.error();
  auto text = tok->decode({1, 261});
  ASSERT_FALSE(text);
  EXPECT_HAS(text.error(), "token id 261 is not in the vocabulary");
  EXPECT_FALSE(tok->tokenText(-1));
}

TEST(BpeTest, SpecialIdsFromTemplateAndConfig) {
  json spec = tinySpec();
  spec["post_processor"] = {
      {"type", "TemplateProcessing"},
      {"single",
       {{{"SpecialToken", {{"id", "<pad>"}, {"type_id", 0}}}},
        {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
        {{"SpecialToken", {{"id", "<|eot|>"}, {"type_id", 0}}}}}}};
  auto tok = BpeTokenizer::fromTokenizerJson(spec);
  ASSERT_TRUE(tok) << tok.error();
  EXPECT_EQ(tok->bosId(), 260);
  EXPECT_EQ(tok->eosId(), 259);
  EXPECT_FALSE(tok->padId());
  json config = {{"bos_token", "<|eot|>"},
                 {"eos_token", {{"content", "<pad>"}}},
                 {"pad_token", "<pad>"}};
  tok = BpeTokenizer::fromTokenizerJson(spec, "t.json", &config);
  ASSERT_TRUE(tok) << tok.error();
  EXPECT_EQ(tok->bosId(), 259);
  EXPECT_EQ(tok->eosId(), 260);
  EXPECT_EQ(tok->padId(), 260);
  config["pad_token"] = "<nope>";
  tok = BpeTokenizer::fromTokenizerJson(spec, "t.json", &config);
  ASSERT_FALSE(tok);
  EXPECT_HAS(tok.error(), "pad_token '<nope>' is not a token");
  EXPECT_EQ(tinySpec()["added_tokens"].size(), 2u);
}

TEST(BpeTest, RefusesOtherModels) {
  json spec = tinySpec();
  spec["model"]["type"] = "WordPiece";
  EXPECT_HAS(loadError(spec), "unsupported model type 'WordPiece'");
  spec["model"]["type"] = "Unigram";
  EXPECT_HAS(loadError(spec), "unsupported model type 'Unigram'");
  spec = tinySpec();
  spec["model"]["byte_fallback"] = true;
  EXPECT_HAS(loadError(spec), "byte_fallback");
  spec = tinySpec();
  spec["model"]["dropout"] = 0.1;
  EXPECT_HAS(loadError(spec), "dropout");
  spec = tinySpec();
  spec["model"]["continuing_subword_prefix"] = "##";
  EXPECT_HAS(loadError(spec), "continuing_subword_prefix");
}

TEST(BpeTest, RefusesOtherPipelines) {
  json spec = tinySpec();
  spec["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", "_"}};
  EXPECT_HAS(loadError(spec), "unsupported pre_tokenizer type 'Metaspace'");
  spec["pre_tokenizer"] = {
      {"type", "Sequence"},
      {"pretokenizers", {{{"type", "Whitespace"}}, {{"type", "ByteLevel"}}}}};
  EXPECT_HAS(loadError(spec), "unsupported pre_tokenizer type 'Whitespace'");
  spec["pre_tokenizer"] = {{"type", "Digits"}, {"individual_digits", true}};
  EXPECT_HAS(loadError(spec), "must end with ByteLevel");
  spec["pre_tokenizer"] = nullptr;
  EXPECT_HAS(loadError(spec), "no pre_tokenizer");
  spec = tinySpec();
  spec["normalizer"] = {{"type", "NFKC"}};
  EXPECT_HAS(loadError(spec), "unsupported normalizer type 'NFKC'");
  spec["normalizer"] = {
      {"type", "Sequence"},
      {"normalizers", {{{"type", "NFC"}}, {{"type", "Lowercase"}}}}};
  EXPECT_HAS(loadError(spec), "unsupported normalizer type 'Lowercase'");
  spec = tinySpec();
  spec["decoder"] = {{"type", "WordPiece"}};
  EXPECT_HAS(loadError(spec), "unsupported decoder type 'WordPiece'");
  spec = tinySpec();
  spec["pre_tokenizer"] = {{"type", "Sequence"},
                           {"pretokenizers",
                            {{{"type", "Split"},
                              {"pattern", {{"Regex", "(a"}}},
                              {"behavior", "Isolated"}},
                             {{"type", "ByteLevel"}}}}};
  EXPECT_HAS(loadError(spec), "Split pattern: bad regex");
  spec["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = "a";
  spec["pre_tokenizer"]["pretokenizers"][0]["behavior"] = "Sideways";
  EXPECT_HAS(loadError(spec), "Split behavior 'Sideways' is unknown");
}

TEST(BpeTest, RefusesBrokenVocabularies) {
  json spec = tinySpec();
  spec["model"]["merges"].push_back("x qq");
  EXPECT_HAS(loadError(spec), "model.merges[3] uses 'qq', which is not in "
                              "model.vocab");
  spec = tinySpec();
  spec["model"]["merges"].push_back(json::array({"a", "b"}));
  EXPECT_HAS(loadError(spec), "model.merges[3] makes 'ab'");
  spec = tinySpec();
  spec["model"]["merges"].push_back("nospace");
  EXPECT_HAS(loadError(spec), "is not \"left right\"");
  spec = tinySpec();
  spec["model"]["unk_token"] = "<unk>";
  EXPECT_HAS(loadError(spec), "unk_token is not a token");
  spec = tinySpec();
  spec["model"]["vocab"]["dup"] = 3;
  EXPECT_HAS(loadError(spec), "gives id 3 to both");
  spec = tinySpec();
  spec["added_tokens"][0]["id"] = 5;
  EXPECT_HAS(loadError(spec), "takes id 5 of vocab token");
  spec = tinySpec();
  spec["added_tokens"][1]["content"] = "<|eot|>";
  EXPECT_HAS(loadError(spec), "listed twice");
  spec = tinySpec();
  spec.erase("model");
  EXPECT_HAS(loadError(spec), "\"model\" is missing");
  EXPECT_HAS(loadError(json::array()), "not a tokenizer.json object");
}

TEST(BpeTest, MalformedFileNamesPathAndOffset) {
  std::string path = ::testing::TempDir() + "bpe-malformed.json";
  FILE *f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("{\"model\": {\"type\": \"BPE\",", f);
  std::fclose(f);
  auto tok = BpeTokenizer::fromFile(path);
  ASSERT_FALSE(tok);
  EXPECT_HAS(tok.error(), path + ": malformed JSON at byte");
  EXPECT_EQ(tok.error().find('\n'), std::string::npos);
  tok = BpeTokenizer::fromFile(path + ".absent");
  ASSERT_FALSE(tok);
  EXPECT_HAS(tok.error(), "cannot open");
}

} // namespace
