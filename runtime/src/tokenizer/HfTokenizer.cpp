//===- HfTokenizer.cpp - tokenizer.json through r1fmt::BpeTokenizer -------===//

#include "r1rt/Error.h"
#include "r1rt/tokenizer/Tokenizer.h"

#include "r1fmt/Bpe.h"
#include "r1fmt/JsonFile.h"
#include "r1fmt/ModelSource.h"

#include <filesystem>
#include <unordered_set>

namespace r1rt {

struct HfTokenizer::Impl {
  std::optional<r1fmt::BpeTokenizer> bpe;
  nlohmann::json tokenizerJson, configJson;
  std::unordered_set<int64_t> special;
  std::string chatTemplate;
};

HfTokenizer::HfTokenizer() : impl(std::make_unique<Impl>()) {}
HfTokenizer::~HfTokenizer() = default;

std::unique_ptr<HfTokenizer>
HfTokenizer::fromJson(const nlohmann::json &tokenizer,
                      const std::string &origin,
                      const nlohmann::json *config) {
  auto bpe = r1fmt::BpeTokenizer::fromTokenizerJson(tokenizer, origin, config);
  if (!bpe)
    fail("{}", bpe.error());
  std::unique_ptr<HfTokenizer> t(new HfTokenizer());
  t->impl->bpe = std::move(*bpe);
  t->impl->tokenizerJson = tokenizer;
  if (config)
    t->impl->configJson = *config;
  for (const r1fmt::BpeAddedToken &a : t->impl->bpe->addedTokens())
    if (a.special)
      t->impl->special.insert(a.id);
  return t;
}

std::unique_ptr<HfTokenizer>
HfTokenizer::fromFile(const std::string &tokenizerJson,
                      const std::string &configJson) {
  auto tj = r1fmt::readJsonFile(tokenizerJson);
  if (!tj)
    fail("{}", tj.error());
  std::optional<nlohmann::json> cj;
  if (!configJson.empty()) {
    auto read = r1fmt::readJsonFile(configJson);
    if (!read)
      fail("{}", read.error());
    cj = std::move(*read);
  }
  auto tok = fromJson(*tj, tokenizerJson, cj ? &*cj : nullptr);
  // A tokenizer.json in a model directory: the directory's chat template.
  std::filesystem::path path(tokenizerJson);
  if (path.filename() == "tokenizer.json") {
    auto chat = r1fmt::readHfChatTemplate(path.parent_path().string());
    if (!chat)
      fail("{}", chat.error());
    tok->setChatTemplate(std::move(*chat));
  }
  return tok;
}

void HfTokenizer::setChatTemplate(std::string text) {
  impl->chatTemplate = std::move(text);
}

const std::string &HfTokenizer::chatTemplate() const {
  return impl->chatTemplate;
}

std::vector<int64_t> HfTokenizer::encode(std::string_view text) const {
  return impl->bpe->encode(text, /*parseSpecial=*/true);
}

std::string HfTokenizer::tokenText(int64_t id, bool withSpecial) const {
  if (!withSpecial && impl->special.count(id))
    return "";
  auto t = impl->bpe->tokenText(id);
  if (!t)
    fail("{}", t.error());
  return *t;
}

std::string HfTokenizer::decodeText(const std::vector<int64_t> &ids,
                                    bool skipSpecial) const {
  auto t = impl->bpe->decode(ids, skipSpecial);
  if (!t)
    fail("{}", t.error());
  return *t;
}

int64_t HfTokenizer::vocabSize() const { return impl->bpe->vocabSize(); }

int64_t HfTokenizer::padId() const {
  if (auto p = impl->bpe->padId())
    return *p;
  int64_t e = eosId();
  return e >= 0 ? e : 0;
}

int64_t HfTokenizer::bosId() const { return impl->bpe->bosId().value_or(-1); }
int64_t HfTokenizer::eosId() const { return impl->bpe->eosId().value_or(-1); }
bool HfTokenizer::hasBos() const { return impl->bpe->bosId().has_value(); }

std::optional<int64_t> HfTokenizer::tokenId(std::string_view token) const {
  return impl->bpe->tokenId(token);
}

const nlohmann::json &HfTokenizer::json() const { return impl->tokenizerJson; }
const nlohmann::json &HfTokenizer::config() const { return impl->configJson; }

} // namespace r1rt
