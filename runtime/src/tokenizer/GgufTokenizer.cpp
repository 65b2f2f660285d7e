//===- GgufTokenizer.cpp - HfTokenizer from GGUF metadata -----------------===//
//
// tokenizer.ggml.* becomes a tokenizer.json (r1fmt::tokenizerJsonFromGguf)
// and the bos/eos/padding ids a tokenizer_config.json equivalent.
//
//===----------------------------------------------------------------------===//

#include "r1rt/OrFail.h"
#include "r1rt/tokenizer/Tokenizer.h"

#include "r1fmt/Gguf.h"
#include "r1fmt/GgufHf.h"

namespace r1rt {

using json = nlohmann::json;

namespace {

/// tokenizer_config.json equivalent: the special tokens the metadata names.
json tokenizerConfig(const r1fmt::GgufFile &f) {
  json c = json::object();
  auto tokens = f.getStringArray("tokenizer.ggml.tokens");
  if (!tokens)
    return c;
  for (auto [key, name] :
       {std::pair{"tokenizer.ggml.bos_token_id", "bos_token"},
        std::pair{"tokenizer.ggml.eos_token_id", "eos_token"},
        std::pair{"tokenizer.ggml.padding_token_id", "pad_token"}}) {
    if (!f.has(key))
      continue;
    uint64_t id = orFail(f.getUint(key));
    if (id >= tokens->size())
      fail("{}: metadata '{}' = {} is outside the {} tokens", f.path(), key,
           id, tokens->size());
    c[name] = (*tokens)[id];
  }
  return c;
}

} // namespace

std::unique_ptr<HfTokenizer> HfTokenizer::fromGguf(const std::string &path) {
  r1fmt::GgufFile f = orFail(r1fmt::openGguf(path));
  nlohmann::json tokJson = orFail(r1fmt::tokenizerJsonFromGguf(f));
  nlohmann::json tokConfig = tokenizerConfig(f);
  auto tok = fromJson(tokJson, path, &tokConfig);
  tok->setChatTemplate(r1fmt::chatTemplateFromGguf(f).value_or(""));
  return tok;
}

} // namespace r1rt
