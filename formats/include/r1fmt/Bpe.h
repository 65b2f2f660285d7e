//===- Bpe.h - Byte-level BPE tokenizer from tokenizer.json -----*- C++ -*-===//
//
// A Hugging Face `tokenizer.json` with a byte-level BPE model (GPT-2,
// SmolLM2, Qwen2.5, Llama-3, DeepSeek) encoded and decoded exactly as the
// `tokenizers` package does:
//   added tokens are cut out of the raw text first and never split; the
//   rest is normalized (none or NFC), pre-tokenized (Split, Digits,
//   ByteLevel), mapped to GPT-2's byte alphabet and merged by rank.
// Anything else (WordPiece, Unigram, byte_fallback, other normalizers or
// pre-tokenizers) is refused at load with a one-line error.
//
// Encoding works on bytes: invalid UTF-8 never matches a split pattern, so
// stray bytes become pieces of their own and still map to byte tokens;
// concatenating tokenText() of the ids gives the input back byte for byte.
// decode() then replaces invalid UTF-8 with U+FFFD, as `tokenizers` does.
//
//===----------------------------------------------------------------------===//

#ifndef R1FMT_BPE_H
#define R1FMT_BPE_H

#include "r1fmt/Expected.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace r1fmt {

/// One entry of tokenizer.json's "added_tokens".
struct BpeAddedToken {
  int64_t id = 0;
  std::string content;
  bool special = false;    ///< Skipped by decode(skipSpecial = true).
  bool singleWord = false; ///< Matches only between non-word characters.
  bool lstrip = false;     ///< Swallows the whitespace on its left.
  bool rstrip = false;     ///< Swallows the whitespace on its right.
  bool normalized = false; ///< Matched in the normalized text.
};

namespace bpe {
struct Model;
}

class BpeTokenizer {
public:
  /// Builds the tokenizer from a parsed tokenizer.json. `origin` names the
  /// file in errors. `config`, a tokenizer_config.json, may name
  /// bos_token / eos_token / pad_token; without it bos and eos come from a
  /// TemplateProcessing post-processor, if any.
  static Expected<BpeTokenizer>
  fromTokenizerJson(const nlohmann::json &tokenizer,
                    const std::string &origin = "tokenizer.json",
                    const nlohmann::json *config = nullptr);
  /// Reads tokenizer.json at `path` (and tokenizer_config.json at
  /// `configPath` when not empty).
  static Expected<BpeTokenizer> fromFile(const std::string &path,
                                         const std::string &configPath = "");

  /// Ids of `text`, without post-processor specials. With `parseSpecial`
  /// false, added tokens marked special are encoded as plain text.
  std::vector<int64_t> encode(std::string_view text,
                              bool parseSpecial = true) const;
  /// UTF-8 text of `ids` (invalid sequences become U+FFFD). Errors name an
  /// id that is not in the vocabulary.
  Expected<std::string> decode(const std::vector<int64_t> &ids,
                               bool skipSpecial = false) const;
  /// The bytes one id stands for (GPT-2 byte alphabet undone).
  Expected<std::string> tokenText(int64_t id) const;
  /// The id of a vocabulary or added-token string as tokenizer.json spells
  /// it ("Ġthe", "<|im_end|>").
  std::optional<int64_t> tokenId(std::string_view token) const;
  /// One more than the largest id.
  int64_t vocabSize() const;
  const std::vector<BpeAddedToken> &addedTokens() const;
  std::optional<int64_t> bosId() const;
  std::optional<int64_t> eosId() const;
  std::optional<int64_t> padId() const;

private:
  explicit BpeTokenizer(std::shared_ptr<bpe::Model> model);
  std::shared_ptr<bpe::Model> model_;
};

} // namespace r1fmt

#endif // R1FMT_BPE_H
