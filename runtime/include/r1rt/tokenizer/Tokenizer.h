//===- Tokenizer.h - Character and byte tokenizers -------------*- C++ -*-===//
//
// Ids 0, 1, 2 are <pad>, <bos>, <eos> in every tokenizer. "chars": each
// distinct Unicode code point of the alphabet, in first-occurrence order, gets
// the next id. "bytes": byte b is id 3 + b. Both round-trip losslessly.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_TOKENIZER_TOKENIZER_H
#define R1RT_TOKENIZER_TOKENIZER_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace r1rt {

/// Maps text to token ids and back.
class Tokenizer {
public:
  static constexpr int64_t kPad = 0, kBos = 1, kEos = 2;
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
  int64_t padId() const { return kPad; }
  int64_t bosId() const { return kBos; }
  int64_t eosId() const { return kEos; }

  /// Builds a tokenizer from plan.json's "tokenizer" section.
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

/// Decodes one UTF-8 code point at `pos` (advanced past it). Throws
/// r1rt::Error naming the byte offset for malformed input.
uint32_t decodeUtf8(std::string_view s, size_t &pos);

} // namespace r1rt

#endif // R1RT_TOKENIZER_TOKENIZER_H
