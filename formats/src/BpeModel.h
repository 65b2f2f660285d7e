//===- BpeModel.h - The loaded state of a BpeTokenizer ---------*- C++ -*-===//
//
// Private to r1formats: what BpeSpec.cpp builds from tokenizer.json and what
// the encode stages (added tokens, normalizer, pre-tokenizer, merges) and
// the decoder read. Everything but the merge cache is immutable after load.
//
//===----------------------------------------------------------------------===//

#ifndef R1FMT_SRC_BPEMODEL_H
#define R1FMT_SRC_BPEMODEL_H

#include "BpeRegex.h"
#include "r1fmt/Bpe.h"

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace r1fmt::bpe {

/// What Split does with the pieces that match (tokenizers'
/// SplitDelimiterBehavior).
enum class Behavior {
  Removed,
  Isolated,
  MergedWithPrevious,
  MergedWithNext,
  Contiguous
};

/// One pre-tokenizer of the sequence. Digits is a Split on \p{N}.
struct PreStep {
  bool byteLevel = false;             ///< ByteLevel (always the last step).
  std::shared_ptr<const Regex> regex; ///< Split pattern, or GPT-2's regex.
  Behavior behavior = Behavior::Isolated;
  bool invert = false;
  bool addPrefixSpace = false; ///< ByteLevel only.
};

/// Added tokens matched in one pass (raw or normalized text): candidates by
/// first byte, longest first, so that the scan is leftmost-longest.
struct AddedSet {
  std::array<std::vector<int>, 256> byFirstByte; ///< Indices in Model::added.
  std::vector<std::string> patterns; ///< Text matched, per Model::added index.
  bool empty = true;
};

/// A piece of text, or an added token's id.
struct Segment {
  std::string_view text;
  int64_t id = -1;
};

struct MergeInfo {
  uint32_t rank;
  int32_t id;
};

struct Model {
  std::string origin; ///< File name for messages.
  // The BPE model.
  std::unordered_map<std::string, int64_t> vocab;
  std::unordered_map<uint64_t, MergeInfo> merges; ///< (left << 32 | right).
  bool ignoreMerges = false;
  /// Id of each byte's alphabet char; -1 when the vocabulary lacks it (the
  /// byte then becomes unk, or is dropped as tokenizers does).
  std::array<int32_t, 256> byteIds{};
  int32_t unkId = -1;
  bool fuseUnk = false;
  // Ids: vocabulary form, bytes, whether special; `known` marks used ids.
  std::vector<std::string> idToken;
  std::vector<std::string> idBytes;
  std::vector<char> known, special;
  // Added tokens.
  std::vector<BpeAddedToken> added;
  std::unordered_map<std::string, int64_t> addedIds;
  AddedSet rawSet, normalizedSet;
  // Normalizer and pre-tokenizer.
  bool nfc = false;
  std::vector<PreStep> steps;
  std::optional<int64_t> bos, eos, pad;
  // Per-piece results, shared by copies of the tokenizer.
  mutable std::mutex cacheMutex;
  mutable std::unordered_map<std::string, std::vector<int32_t>> cache;
};

/// Parses tokenizer.json (and optionally tokenizer_config.json).
Expected<std::shared_ptr<Model>> parseModel(const nlohmann::json &tokenizer,
                                            const std::string &origin,
                                            const nlohmann::json *config);

/// Builds the leftmost-longest matcher over `model.added` entries whose
/// `normalized` flag equals `normalized`; `patterns[i]` is their text.
AddedSet buildAddedSet(const Model &model, bool normalized);
/// Cuts `text` at the added tokens of `set` (tokenizers' find_matches):
/// appends text segments (never empty) and token segments in order.
void splitAdded(const Model &model, const AddedSet &set, std::string_view text,
                bool parseSpecial, std::vector<Segment> &out);

/// NFC of `text`; invalid UTF-8 bytes pass through unchanged.
std::string normalizeNfc(std::string_view text);

/// Runs the pre-tokenizer steps on `text`; appends non-empty raw-byte pieces.
void preTokenize(const std::vector<PreStep> &steps, std::string_view text,
                 std::vector<std::string> &out);

/// Appends the BPE ids of one pre-token given as raw bytes.
void mergePiece(const Model &model, std::string_view piece,
                std::vector<int64_t> &out);

/// GPT-2's byte alphabet: the UTF-8 of the char that stands for byte `b`.
const std::array<std::string, 256> &byteLevelChars();
/// The ByteLevel decoder on one token: its bytes if every char is in the
/// byte alphabet, else its own UTF-8.
std::string byteLevelDecode(std::string_view token);
/// Rust's String::from_utf8_lossy: each maximal invalid subpart -> U+FFFD.
std::string utf8Lossy(std::string_view bytes);
/// Decodes the code point at `pos` and advances; invalid bytes give
/// 0xFFFFFFFF and advance by one.
uint32_t nextCodePoint(std::string_view s, size_t &pos);

} // namespace r1fmt::bpe

#endif // R1FMT_SRC_BPEMODEL_H
