//===- GgufTokenizer.cpp - tokenizer.json from GGUF metadata --------------===//
//
// Rebuilds the tokenizer.json that transformers makes from a GGUF with a
// byte-level BPE vocabulary (integrations/gguf/gguf_tokenizer_mapping.py):
// GPT2Tokenizer(vocab, merges), control tokens added as special tokens,
// user-defined ones as plain added tokens, and for a known
// tokenizer.ggml.pre a Split regex ahead of a regex-free ByteLevel.
//
//===----------------------------------------------------------------------===//

#include "r1fmt/GgufHf.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace r1fmt {

namespace {

using json = nlohmann::json;

constexpr int64_t kControl = 3, kUserDefined = 4; // llama_token_type

// llama.cpp's pre-tokenizer regexes, by tokenizer.ggml.pre (the table of
// transformers' GGUF tokenizer builder).
const char *const kLlama3Split =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3})"
    R"(| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char *const kQwen2Split =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N})"
    R"(| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char *const kQwen35Split =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N})"
    R"(| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char *const kTekkenSplit =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+)"
    R"(|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*)"
    R"(|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char *const kGpt4oSplit =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?)"
    R"(|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?)"
    R"(|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

const std::map<std::string, const char *> &preSplits() {
  static const std::map<std::string, const char *> m = {
      {"llama3", kLlama3Split},       {"llama-v3", kLlama3Split},
      {"llama-bpe", kLlama3Split},    {"falcon3", kLlama3Split},
      {"falcon-h1", kLlama3Split},    {"pixtral", kLlama3Split},
      {"midm-2.0", kLlama3Split},     {"lfm2", kLlama3Split},
      {"jina-v5-nano", kLlama3Split}, {"dbrx", kLlama3Split},
      {"smaug-bpe", kLlama3Split},    {"tekken", kTekkenSplit},
      {"qwen2", kQwen2Split},         {"deepseek-r1-qwen", kQwen2Split},
      {"kormo", kQwen2Split},         {"f2llmv2", kQwen2Split},
      {"megrez", kQwen2Split},        {"qwen35", kQwen35Split},
      {"gpt-4o", kGpt4oSplit},        {"llama4", kGpt4oSplit},
      {"kanana2", kGpt4oSplit},       {"talkie", kGpt4oSplit},
      {"minimax-m2", kGpt4oSplit},
  };
  return m;
}

void appendUtf8(std::string &out, uint32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

/// Decodes UTF-8 into code points; false for malformed input.
bool decodeUtf8(const std::string &s, std::vector<uint32_t> &cps) {
  cps.clear();
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    int n = c < 0x80           ? 0
            : (c >> 5) == 0x6  ? 1
            : (c >> 4) == 0xE  ? 2
            : (c >> 3) == 0x1E ? 3
                               : -1;
    if (n < 0 || i + size_t(n) + 1 > s.size())
      return false;
    uint32_t cp = n == 0 ? c : c & (0x3F >> n);
    for (int k = 1; k <= n; ++k) {
      unsigned char cc = s[i + k];
      if ((cc >> 6) != 2)
        return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static const uint32_t minCp[] = {0, 0x80, 0x800, 0x10000};
    if (cp < minCp[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    cps.push_back(cp);
    i += size_t(n) + 1;
  }
  return true;
}

/// GPT-2's bytes_to_unicode: printable bytes stand for themselves, the
/// others for 256, 257, ... in byte order.
struct ByteAlphabet {
  uint32_t byteToCp[256];
  std::set<uint32_t> cps;
  ByteAlphabet() {
    uint32_t next = 256;
    for (uint32_t b = 0; b < 256; ++b) {
      bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) ||
                       (b >= 174 && b <= 255);
      byteToCp[b] = printable ? b : next++;
      cps.insert(byteToCp[b]);
    }
  }
  /// The token if all its characters are in the alphabet, else its UTF-8
  /// bytes spelled in the alphabet (as transformers does).
  std::string spell(const std::string &token, bool &inAlphabet) const {
    std::vector<uint32_t> cps;
    inAlphabet = decodeUtf8(token, cps) &&
                 std::all_of(cps.begin(), cps.end(),
                             [&](uint32_t c) { return this->cps.count(c); });
    if (inAlphabet)
      return token;
    std::string out;
    for (unsigned char b : token)
      appendUtf8(out, byteToCp[b]);
    return out;
  }
};

json addedToken(int64_t id, const std::string &content, bool special) {
  return {{"id", id},          {"content", content}, {"single_word", false},
          {"lstrip", false},   {"rstrip", false},    {"normalized", false},
          {"special", special}};
}

json byteLevel(bool useRegex, bool addPrefixSpace) {
  return {{"type", "ByteLevel"},
          {"add_prefix_space", addPrefixSpace},
          {"trim_offsets", true},
          {"use_regex", useRegex}};
}

/// transformers' TemplateProcessing for add_bos_token / add_eos_token.
json postProcessor(const std::string *bos, int64_t bosId,
                   const std::string *eos, int64_t eosId) {
  auto seq = [](const char *id, int type) {
    return json{{"Sequence", {{"id", id}, {"type_id", type}}}};
  };
  auto special = [](const std::string &tok, int type) {
    return json{{"SpecialToken", {{"id", tok}, {"type_id", type}}}};
  };
  json single = json::array(), pair = json::array(), specials = json::object();
  if (bos)
    single.push_back(special(*bos, 0));
  single.push_back(seq("A", 0));
  if (eos)
    single.push_back(special(*eos, 0));
  pair = single;
  if (bos)
    pair.push_back(special(*bos, 1));
  pair.push_back(seq("B", 1));
  if (eos)
    pair.push_back(special(*eos, 1));
  if (bos)
    specials[*bos] = {{"id", *bos}, {"ids", {bosId}}, {"tokens", {*bos}}};
  if (eos)
    specials[*eos] = {{"id", *eos}, {"ids", {eosId}}, {"tokens", {*eos}}};
  return {{"type", "TemplateProcessing"},
          {"single", single},
          {"pair", pair},
          {"special_tokens", specials}};
}

} // namespace

Expected<nlohmann::json> tokenizerJsonFromGguf(const GgufFile &f) {
  auto model = f.getString("tokenizer.ggml.model");
  if (!model)
    return Error{model.error()};
  if (*model != "gpt2")
    return Error{fmt::format("{}: tokenizer.ggml.model is '{}'; only 'gpt2' "
                             "(byte-level BPE) is supported",
                             f.path(), *model)};
  auto tokens = f.getStringArray("tokenizer.ggml.tokens");
  if (!tokens)
    return Error{tokens.error()};
  auto merges = f.getStringArray("tokenizer.ggml.merges");
  if (!merges)
    return Error{merges.error()};
  std::vector<int64_t> types;
  if (f.has("tokenizer.ggml.token_type")) {
    auto t = f.getIntArray("tokenizer.ggml.token_type");
    if (!t)
      return Error{t.error()};
    if (t->size() != tokens->size())
      return Error{fmt::format("{}: tokenizer.ggml.token_type has {} entries "
                               "for {} tokens",
                               f.path(), t->size(), tokens->size())};
    types = std::move(*t);
  }

  static const ByteAlphabet alphabet;
  json vocab = json::object();
  std::vector<bool> inAlphabet(tokens->size());
  for (size_t i = 0; i < tokens->size(); ++i) {
    bool in;
    vocab[alphabet.spell((*tokens)[i], in)] = int64_t(i);
    inAlphabet[i] = in;
  }

  json mergeList = json::array();
  std::vector<uint32_t> scratch;
  for (size_t i = 0; i < merges->size(); ++i) {
    const std::string &m = (*merges)[i];
    size_t sp = m.find(' ');
    if (sp == std::string::npos || m.find(' ', sp + 1) != std::string::npos ||
        !decodeUtf8(m, scratch))
      return Error{fmt::format("{}: tokenizer.ggml.merges[{}] is not two "
                               "UTF-8 tokens separated by one space",
                               f.path(), i)};
    mergeList.push_back({m.substr(0, sp), m.substr(sp + 1)});
  }

  // Added tokens: control ones spelled in the byte alphabet (others are
  // llama.cpp mislabels that transformers skips), then user-defined ones
  // that are vocabulary entries. tokenizers gives each its vocab id.
  std::map<int64_t, json> added;
  std::set<std::string> seen;
  for (size_t i = 0; i < types.size(); ++i) {
    const std::string &tok = (*tokens)[i];
    if (types[i] == kControl && inAlphabet[i] && seen.insert(tok).second)
      added.emplace(vocab[tok].get<int64_t>(), addedToken(0, tok, true));
  }
  for (size_t i = 0; i < types.size(); ++i) {
    const std::string &tok = (*tokens)[i];
    if (types[i] == kUserDefined && vocab.contains(tok) &&
        seen.insert(tok).second)
      added.emplace(vocab[tok].get<int64_t>(), addedToken(0, tok, false));
  }
  json addedList = json::array();
  for (auto &[id, tok] : added) {
    tok["id"] = id;
    addedList.push_back(tok);
  }

  json pre = byteLevel(/*useRegex=*/true, /*addPrefixSpace=*/false);
  if (f.has("tokenizer.ggml.pre")) {
    auto name = f.getString("tokenizer.ggml.pre");
    if (!name)
      return Error{name.error()};
    auto it = preSplits().find(*name);
    if (it != preSplits().end())
      pre = {{"type", "Sequence"},
             {"pretokenizers",
              {{{"type", "Split"},
                {"pattern", {{"Regex", it->second}}},
                {"behavior", "Isolated"},
                {"invert", false}},
               byteLevel(/*useRegex=*/false, /*addPrefixSpace=*/false)}}};
  }

  // BOS/EOS in the post-processor only when the file asks for them.
  auto specialFor = [&](const char *flag, const char *idKey,
                        int64_t &id) -> Expected<const std::string *> {
    if (!f.has(flag))
      return static_cast<const std::string *>(nullptr);
    auto on = f.getBool(flag);
    if (!on)
      return Error{on.error()};
    if (!*on || !f.has(idKey))
      return static_cast<const std::string *>(nullptr);
    auto v = f.getUint(idKey);
    if (!v)
      return Error{v.error()};
    if (*v >= tokens->size())
      return Error{fmt::format("{}: {} is {}, past the {} tokens", f.path(),
                               idKey, *v, tokens->size())};
    id = int64_t(*v);
    return &(*tokens)[*v];
  };
  int64_t bosId = 0, eosId = 0;
  auto bos = specialFor("tokenizer.ggml.add_bos_token",
                        "tokenizer.ggml.bos_token_id", bosId);
  if (!bos)
    return Error{bos.error()};
  auto eos = specialFor("tokenizer.ggml.add_eos_token",
                        "tokenizer.ggml.eos_token_id", eosId);
  if (!eos)
    return Error{eos.error()};

  json bpe = {{"type", "BPE"},
              {"dropout", nullptr},
              {"unk_token", nullptr},
              {"continuing_subword_prefix", ""},
              {"end_of_word_suffix", ""},
              {"fuse_unk", false},
              {"byte_fallback", false},
              {"ignore_merges", false},
              {"vocab", std::move(vocab)},
              {"merges", std::move(mergeList)}};
  return json{{"version", "1.0"},
              {"truncation", nullptr},
              {"padding", nullptr},
              {"added_tokens", std::move(addedList)},
              {"normalizer", nullptr},
              {"pre_tokenizer", std::move(pre)},
              {"post_processor", postProcessor(*bos, bosId, *eos, eosId)},
              {"decoder", byteLevel(/*useRegex=*/true,
                                    /*addPrefixSpace=*/true)},
              {"model", std::move(bpe)}};
}

std::optional<std::string> chatTemplateFromGguf(const GgufFile &f) {
  const GgufValue *v = f.find("tokenizer.chat_template");
  if (!v || !v->asString())
    return std::nullopt;
  return *v->asString();
}

} // namespace r1fmt
