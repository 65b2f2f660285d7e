//===- Tokenizer.h - Character, byte and HF tokenizers ----------*- C++ -*-===//
//
// Each tokenizer names its own special ids (padId, bosId, eosId). In "chars"
// and "bytes" ids 0, 1, 2 are <pad>, <bos>, <eos>; "chars": each distinct
// Unicode code point of the alphabet, in first-occurrence order, gets the
// next id. "bytes": byte b is id 3 + b. Both round-trip losslessly. "hf": a
// byte-level BPE tokenizer.json (HfTokenizer, r1fmt::BpeTokenizer).
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_TOKENIZER_TOKENIZER_H
#define R1RT_TOKENIZER_TOKENIZER_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace r1rt {

/// Maps text to token ids and back.
class Tokenizer {
public:
  virtual ~Tokenizer() = default;

  /// Encodes UTF-8 text (no specials added). Throws r1rt::Error for text
  /// the tokenizer cannot represent.
  virtual std::vector<int64_t> encode(std::string_view text) const = 0;
  /// The text of one id ("" for specials unless `withSpecial`).
  virtual std::string tokenText(int64_t id, bool withSpecial = false) const = 0;
  /// Concatenated tokenText() of `ids`.
  std::string decode(const std::vector<int64_t> &ids,
                     bool withSpecial = false) const;
  virtual int64_t vocabSize() const = 0;
  /// Special ids: 0, 1, 2 for chars and bytes.
  virtual int64_t padId() const { return 0; }
  virtual int64_t bosId() const { return 1; }
  virtual int64_t eosId() const { return 2; }
  /// The Jinja chat template that came with the tokenizer; "" when none.
  virtual const std::string &chatTemplate() const;

  /// Builds a tokenizer from plan.json's "tokenizer" section: kind "chars"
  /// (alphabet), "bytes", or "hf" (path: a tokenizer.json, or a directory
  /// holding tokenizer.json and optionally tokenizer_config.json).
  static std::unique_ptr<Tokenizer> fromJson(const nlohmann::json &j);

protected:
  /// "<pad>", "<bos>", "<eos>".
  static const char *specialName(int64_t id);
};

/// The alphabet tokenizer of `chars("...")`.
class CharTokenizer : public Tokenizer {
public:
  /// `alphabet` is UTF-8; duplicates are ignored after their first use.
  explicit CharTokenizer(std::string_view alphabet);
  std::vector<int64_t> encode(std::string_view text) const override;
  std::string tokenText(int64_t id, bool withSpecial = false) const override;
  int64_t vocabSize() const override { return 3 + int64_t(chars.size()); }

private:
  std::vector<std::string> chars; ///< UTF-8 of id 3 + i.
  std::unordered_map<uint32_t, int64_t> ids;
};

/// Byte-level tokenizer: 3 specials + 256 bytes.
class ByteTokenizer : public Tokenizer {
public:
  std::vector<int64_t> encode(std::string_view text) const override;
  std::string tokenText(int64_t id, bool withSpecial = false) const override;
  int64_t vocabSize() const override { return 259; }
};

/// A Hugging Face byte-level BPE tokenizer (tokenizer.json).
class HfTokenizer : public Tokenizer {
public:
  /// Reads `tokenizerJson` (and `configJson`, a tokenizer_config.json, when
  /// not empty). Throws r1rt::Error naming the file.
  static std::unique_ptr<HfTokenizer> fromFile(const std::string &tokenizerJson,
                                               const std::string &configJson);
  /// The tokenizer of a GGUF file's metadata (tokenizer.ggml.*), as
  /// transformers' GGUF loader rebuilds it. Throws r1rt::Error naming it.
  static std::unique_ptr<HfTokenizer> fromGguf(const std::string &path);
  /// Wraps a parsed tokenizer.json (`origin` names it in errors).
  static std::unique_ptr<HfTokenizer>
  fromJson(const nlohmann::json &tokenizer, const std::string &origin,
           const nlohmann::json *config = nullptr);
  ~HfTokenizer() override;

  /// Added special tokens in the text ("<|im_start|>") become their ids.
  std::vector<int64_t> encode(std::string_view text) const override;
  /// The token's bytes; special added tokens only with `withSpecial`.
  std::string tokenText(int64_t id, bool withSpecial = false) const override;
  /// UTF-8 text of ids, with invalid sequences replaced by U+FFFD (as
  /// `tokenizers` decodes), unlike the byte-exact concatenation.
  std::string decodeText(const std::vector<int64_t> &ids,
                         bool skipSpecial = true) const;
  int64_t vocabSize() const override;
  /// tokenizer_config's pad_token; else eos; else 0.
  int64_t padId() const override;
  /// bos_token, or -1 when the tokenizer has none.
  int64_t bosId() const override;
  /// eos_token; -1 when the tokenizer has none.
  int64_t eosId() const override;
  /// Whether a bos token exists.
  bool hasBos() const;
  /// The id of a token string as tokenizer.json spells it.
  std::optional<int64_t> tokenId(std::string_view token) const;
  /// The tokenizer.json this was built from (for export).
  const nlohmann::json &json() const;
  /// The tokenizer_config.json given, or null.
  const nlohmann::json &config() const;
  /// fromFile of a `tokenizer.json`: its directory's
  /// (r1fmt::readHfChatTemplate); fromGguf: tokenizer.chat_template.
  const std::string &chatTemplate() const override;

private:
  HfTokenizer();
  void setChatTemplate(std::string text);
  struct Impl;
  std::unique_ptr<Impl> impl;
};

/// Renders `templateText` as transformers' apply_chat_template(messages,
/// tokenize=False) does: `messages` is a JSON array of {role, content};
/// bos_token/eos_token are `tokenizer`'s specials (when given). Throws
/// r1rt::Error when the template is empty or fails.
std::string renderChatTemplate(const std::string &templateText,
                               const Tokenizer *tokenizer,
                               const nlohmann::json &messages,
                               bool addGenerationPrompt);

/// Decodes one UTF-8 code point at `pos` (advanced past it). Throws
/// r1rt::Error naming the byte offset for malformed input.
uint32_t decodeUtf8(std::string_view s, size_t &pos);

} // namespace r1rt

#endif // R1RT_TOKENIZER_TOKENIZER_H
