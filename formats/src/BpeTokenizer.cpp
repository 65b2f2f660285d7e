//===- BpeTokenizer.cpp - Encode and decode with a bpe::Model -------------===//
//
// encode follows tokenizers' encode_single_sequence: added tokens of the
// raw text, then per remaining piece the normalizer, the normalized added
// tokens, the pre-tokenizer and the merges. decode joins each id's bytes
// (ByteLevel decoder) and repairs invalid UTF-8.
//
//===----------------------------------------------------------------------===//

#include "BpeModel.h"
#include "r1fmt/JsonFile.h"

#include <fmt/format.h>

namespace r1fmt {

using namespace bpe;

BpeTokenizer::BpeTokenizer(std::shared_ptr<Model> model)
    : model_(std::move(model)) {}

Expected<BpeTokenizer>
BpeTokenizer::fromTokenizerJson(const nlohmann::json &tokenizer,
                                const std::string &origin,
                                const nlohmann::json *config) {
  Expected<std::shared_ptr<Model>> model =
      parseModel(tokenizer, origin, config);
  if (!model)
    return Error{model.error()};
  return BpeTokenizer(std::move(*model));
}

Expected<BpeTokenizer> BpeTokenizer::fromFile(const std::string &path,
                                              const std::string &configPath) {
  Expected<nlohmann::json> j = readJsonFile(path);
  if (!j)
    return Error{j.error()};
  if (configPath.empty())
    return fromTokenizerJson(*j, path);
  Expected<nlohmann::json> config = readJsonFile(configPath);
  if (!config)
    return Error{config.error()};
  return fromTokenizerJson(*j, path, &*config);
}

std::vector<int64_t> BpeTokenizer::encode(std::string_view text,
                                          bool parseSpecial) const {
  const Model &m = *model_;
  std::vector<int64_t> ids;
  std::vector<Segment> raw, normalized;
  std::vector<std::string> pieces;
  splitAdded(m, m.rawSet, text, parseSpecial, raw);
  for (const Segment &r : raw) {
    if (r.id >= 0) {
      ids.push_back(r.id);
      continue;
    }
    std::string norm = m.nfc ? normalizeNfc(r.text) : std::string(r.text);
    normalized.clear();
    splitAdded(m, m.normalizedSet, norm, parseSpecial, normalized);
    for (const Segment &n : normalized) {
      if (n.id >= 0) {
        ids.push_back(n.id);
        continue;
      }
      pieces.clear();
      preTokenize(m.steps, n.text, pieces);
      for (const std::string &piece : pieces)
        mergePiece(m, piece, ids);
    }
  }
  return ids;
}

Expected<std::string> BpeTokenizer::tokenText(int64_t id) const {
  const Model &m = *model_;
  if (id < 0 || id >= int64_t(m.known.size()) || !m.known[id])
    return Error{fmt::format("{}: token id {} is not in the vocabulary "
                             "(size {})",
                             m.origin, id, m.known.size())};
  return m.idBytes[id];
}

Expected<std::string> BpeTokenizer::decode(const std::vector<int64_t> &ids,
                                           bool skipSpecial) const {
  const Model &m = *model_;
  std::string bytes;
  for (int64_t id : ids) {
    Expected<std::string> text = tokenText(id);
    if (!text)
      return text;
    if (!(skipSpecial && m.special[id]))
      bytes += *text;
  }
  return utf8Lossy(bytes);
}

std::optional<int64_t> BpeTokenizer::tokenId(std::string_view token) const {
  std::string key(token);
  auto a = model_->addedIds.find(key);
  if (a != model_->addedIds.end())
    return a->second;
  auto v = model_->vocab.find(key);
  if (v != model_->vocab.end())
    return v->second;
  return std::nullopt;
}

int64_t BpeTokenizer::vocabSize() const {
  return int64_t(model_->known.size());
}

const std::vector<BpeAddedToken> &BpeTokenizer::addedTokens() const {
  return model_->added;
}

std::optional<int64_t> BpeTokenizer::bosId() const { return model_->bos; }
std::optional<int64_t> BpeTokenizer::eosId() const { return model_->eos; }
std::optional<int64_t> BpeTokenizer::padId() const { return model_->pad; }

} // namespace r1fmt
