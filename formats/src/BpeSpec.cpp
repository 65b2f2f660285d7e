//===- BpeSpec.cpp - Read tokenizer.json into a bpe::Model ----------------===//
//
// Accepts exactly what byte-level BPE tokenizers use and names anything else
// in a one-line error: the model (BPE, no byte fallback, no dropout, no
// subword affixes), added_tokens, the normalizer (none or NFC), the
// pre-tokenizer (Split / Digits steps ending in ByteLevel), the decoder
// (ByteLevel) and, for bos/eos, a TemplateProcessing post-processor.
//
//===----------------------------------------------------------------------===//

#include "BpeModel.h"

#include <fmt/format.h>

#include <algorithm>

namespace r1fmt::bpe {
namespace {

using nlohmann::json;

/// GPT-2's pre-tokenizer regex, used by ByteLevel when use_regex is true.
constexpr const char *kGpt2Pattern =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|"
    "\\s+(?!\\S)|\\s+";

/// Collects the first error; `ok()` tells whether there is none yet.
struct Parser {
  Model &m;
  std::optional<Error> error;

  bool fail(const std::string &what) {
    if (!error)
      error = Error{fmt::format("{}: {}", m.origin, what)};
    return false;
  }
  static std::string typeOf(const json &j) {
    if (j.is_object() && j.contains("type") && j["type"].is_string())
      return j["type"].get<std::string>();
    return "";
  }
  /// A boolean field, `dflt` when absent or null.
  bool flag(const json &j, const char *key, bool dflt, const std::string &where,
            bool &out) {
    if (!j.contains(key) || j[key].is_null()) {
      out = dflt;
      return true;
    }
    if (!j[key].is_boolean())
      return fail(fmt::format("{}: \"{}\" must be true or false", where, key));
    out = j[key].get<bool>();
    return true;
  }

  bool model(const json &j);
  bool vocab(const json &j);
  bool merges(const json &j);
  bool addedTokens(const json &j);
  bool normalizer(const json &j);
  bool preTokenizer(const json &j);
  bool preStep(const json &j);
  bool decoder(const json &j);
  void postProcessor(const json &j);
  bool config(const json &j);
  bool tables();
};

bool Parser::model(const json &j) {
  if (!j.is_object())
    return fail("\"model\" is missing or not an object");
  std::string type = typeOf(j);
  if (!type.empty() && type != "BPE")
    return fail(fmt::format("unsupported model type '{}' (only byte-level BPE "
                            "is supported)",
                            type));
  bool byteFallback = false;
  if (!flag(j, "byte_fallback", false, "model", byteFallback) ||
      !flag(j, "ignore_merges", false, "model", m.ignoreMerges))
    return false;
  if (byteFallback)
    return fail("BPE with byte_fallback is not supported (only byte-level "
                "BPE)");
  if (j.contains("dropout") && !j["dropout"].is_null())
    return fail("BPE dropout is not supported");
  for (const char *key : {"continuing_subword_prefix", "end_of_word_suffix"})
    if (j.contains(key) && !j[key].is_null() &&
        !(j[key].is_string() && j[key].get<std::string>().empty()))
      return fail(fmt::format("BPE {} is not supported", key));
  if (!flag(j, "fuse_unk", false, "model", m.fuseUnk) || !vocab(j) ||
      !merges(j))
    return false;
  if (j.contains("unk_token") && !j["unk_token"].is_null()) {
    auto unk = j["unk_token"].is_string()
                   ? m.vocab.find(j["unk_token"].get<std::string>())
                   : m.vocab.end();
    if (unk == m.vocab.end())
      return fail("model.unk_token is not a token of model.vocab");
    m.unkId = int32_t(unk->second);
  }
  return true;
}

bool Parser::vocab(const json &j) {
  if (!j.contains("vocab") || !j["vocab"].is_object())
    return fail("model.vocab is missing or not an object");
  std::unordered_map<int64_t, std::string> seen;
  for (const auto &[token, id] : j["vocab"].items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 ||
        id.get<int64_t>() >= (int64_t(1) << 31))
      return fail(fmt::format("model.vocab['{}'] is not a non-negative "
                              "integer id",
                              token));
    int64_t i = id.get<int64_t>();
    auto [it, fresh] = seen.emplace(i, token);
    if (!fresh)
      return fail(fmt::format("model.vocab gives id {} to both '{}' and '{}'",
                              i, it->second, token));
    m.vocab.emplace(token, i);
  }
  return true;
}

bool Parser::merges(const json &j) {
  if (!j.contains("merges") || !j["merges"].is_array())
    return fail("model.merges is missing or not an array");
  const json &list = j["merges"];
  for (size_t rank = 0; rank < list.size(); ++rank) {
    const json &e = list[rank];
    std::string left, right;
    if (e.is_string()) {
      std::string s = e.get<std::string>();
      size_t space = s.find(' ');
      if (space == std::string::npos)
        return fail(fmt::format("model.merges[{}] '{}' is not \"left right\"",
                                rank, s));
      left = s.substr(0, space);
      right = s.substr(space + 1);
    } else if (e.is_array() && e.size() == 2 && e[0].is_string() &&
               e[1].is_string()) {
      left = e[0].get<std::string>();
      right = e[1].get<std::string>();
    } else {
      return fail(fmt::format("model.merges[{}] is neither \"left right\" nor "
                              "[left, right]",
                              rank));
    }
    auto l = m.vocab.find(left), r = m.vocab.find(right),
         n = m.vocab.find(left + right);
    for (auto [it, name] : {std::pair{l, &left}, std::pair{r, &right}})
      if (it == m.vocab.end())
        return fail(fmt::format("model.merges[{}] uses '{}', which is not in "
                                "model.vocab",
                                rank, *name));
    if (n == m.vocab.end())
      return fail(fmt::format("model.merges[{}] makes '{}', which is not in "
                              "model.vocab",
                              rank, left + right));
    // A later duplicate wins, as in tokenizers' HashMap.
    m.merges[(uint64_t(l->second) << 32) | uint64_t(r->second)] = {
        uint32_t(rank), int32_t(n->second)};
  }
  return true;
}

bool Parser::addedTokens(const json &j) {
  if (j.is_null())
    return true;
  if (!j.is_array())
    return fail("\"added_tokens\" is not an array");
  for (size_t i = 0; i < j.size(); ++i) {
    const json &e = j[i];
    std::string where = fmt::format("added_tokens[{}]", i);
    if (!e.is_object() || !e.contains("id") || !e["id"].is_number_integer() ||
        e["id"].get<int64_t>() < 0 || !e.contains("content") ||
        !e["content"].is_string())
      return fail(where + " needs an integer \"id\" and a string \"content\"");
    BpeAddedToken t;
    t.id = e["id"].get<int64_t>();
    t.content = e["content"].get<std::string>();
    if (t.content.empty())
      return fail(where + " has empty content");
    if (!flag(e, "special", false, where, t.special) ||
        !flag(e, "single_word", false, where, t.singleWord) ||
        !flag(e, "lstrip", false, where, t.lstrip) ||
        !flag(e, "rstrip", false, where, t.rstrip) ||
        !flag(e, "normalized", !t.special, where, t.normalized))
      return false;
    auto inVocab = m.vocab.find(t.content);
    if (inVocab != m.vocab.end() && inVocab->second != t.id)
      return fail(fmt::format("{} '{}' has id {} but model.vocab gives it {}",
                              where, t.content, t.id, inVocab->second));
    if (!m.addedIds.emplace(t.content, t.id).second)
      return fail(fmt::format("{} '{}' is listed twice", where, t.content));
    m.added.push_back(std::move(t));
  }
  return true;
}

bool Parser::normalizer(const json &j) {
  if (j.is_null())
    return true;
  std::string type = typeOf(j);
  if (type == "NFC") {
    m.nfc = true;
    return true;
  }
  if (type == "Sequence" && j.contains("normalizers") &&
      j["normalizers"].is_array()) {
    for (const json &n : j["normalizers"])
      if (!normalizer(n))
        return false;
    return true;
  }
  return fail(fmt::format("unsupported normalizer type '{}' (only NFC is "
                          "supported)",
                          type.empty() ? j.dump() : type));
}

bool Parser::preTokenizer(const json &j) {
  if (j.is_null())
    return fail("no pre_tokenizer: byte-level BPE needs ByteLevel");
  if (!preStep(j))
    return false;
  auto byteLevel = std::find_if(m.steps.begin(), m.steps.end(),
                                [](const PreStep &s) { return s.byteLevel; });
  if (byteLevel == m.steps.end() || byteLevel + 1 != m.steps.end())
    return fail("the pre_tokenizer must end with ByteLevel, once");
  return true;
}

bool Parser::preStep(const json &j) {
  std::string type = typeOf(j);
  if (type == "Sequence") {
    if (!j.contains("pretokenizers") || !j["pretokenizers"].is_array())
      return fail("pre_tokenizer Sequence has no \"pretokenizers\" array");
    for (const json &s : j["pretokenizers"])
      if (!preStep(s))
        return false;
    return true;
  }
  PreStep step;
  if (type == "ByteLevel") {
    bool useRegex;
    if (!flag(j, "add_prefix_space", true, "ByteLevel", step.addPrefixSpace) ||
        !flag(j, "use_regex", true, "ByteLevel", useRegex))
      return false;
    step.byteLevel = true;
    if (useRegex) {
      auto re = Regex::compile(kGpt2Pattern);
      if (!re)
        return fail(re.error());
      step.regex = *re;
    }
  } else if (type == "Digits") {
    bool individual;
    if (!flag(j, "individual_digits", false, "Digits", individual))
      return false;
    auto re = Regex::compile("\\p{N}"); // Rust's char::is_numeric
    if (!re)
      return fail(re.error());
    step.regex = *re;
    step.behavior = individual ? Behavior::Isolated : Behavior::Contiguous;
  } else if (type == "Split") {
    const json *pattern = j.contains("pattern") ? &j["pattern"] : nullptr;
    Expected<std::shared_ptr<const Regex>> re = Error{""};
    if (pattern && pattern->contains("Regex") &&
        (*pattern)["Regex"].is_string())
      re = Regex::compile((*pattern)["Regex"].get<std::string>());
    else if (pattern && pattern->contains("String") &&
             (*pattern)["String"].is_string())
      re = Regex::literal((*pattern)["String"].get<std::string>());
    else
      return fail(
          "Split needs a pattern {\"Regex\": ...} or {\"String\": ...}");
    if (!re)
      return fail(fmt::format("Split pattern: {}", re.error()));
    step.regex = *re;
    std::string behavior = j.contains("behavior") && j["behavior"].is_string()
                               ? j["behavior"].get<std::string>()
                               : "";
    static const std::pair<const char *, Behavior> names[] = {
        {"Removed", Behavior::Removed},
        {"Isolated", Behavior::Isolated},
        {"MergedWithPrevious", Behavior::MergedWithPrevious},
        {"MergedWithNext", Behavior::MergedWithNext},
        {"Contiguous", Behavior::Contiguous}};
    auto it = std::find_if(std::begin(names), std::end(names),
                           [&](const auto &n) { return behavior == n.first; });
    if (it == std::end(names))
      return fail(fmt::format("Split behavior '{}' is unknown", behavior));
    step.behavior = it->second;
    if (!flag(j, "invert", false, "Split", step.invert))
      return false;
  } else {
    return fail(fmt::format("unsupported pre_tokenizer type '{}' (supported: "
                            "Sequence, Split, Digits, ByteLevel)",
                            type.empty() ? j.dump() : type));
  }
  m.steps.push_back(std::move(step));
  return true;
}

bool Parser::decoder(const json &j) {
  std::string type = typeOf(j);
  if (type == "ByteLevel")
    return true;
  return fail(fmt::format("unsupported decoder type '{}' (only ByteLevel is "
                          "supported)",
                          j.is_null() ? "null" : type));
}

void Parser::postProcessor(const json &j) {
  std::string type = typeOf(j);
  if (type == "Sequence" && j.contains("processors") &&
      j["processors"].is_array()) {
    for (const json &p : j["processors"])
      postProcessor(p);
    return;
  }
  if (type != "TemplateProcessing" || !j.contains("single") ||
      !j["single"].is_array())
    return;
  bool afterSequence = false;
  for (const json &item : j["single"]) {
    if (item.contains("Sequence")) {
      afterSequence = true;
      continue;
    }
    if (!item.contains("SpecialToken") ||
        !item["SpecialToken"].contains("id") ||
        !item["SpecialToken"]["id"].is_string())
      continue;
    std::optional<int64_t> id;
    auto it = m.addedIds.find(item["SpecialToken"]["id"].get<std::string>());
    if (it != m.addedIds.end())
      id = it->second;
    auto &slot = afterSequence ? m.eos : m.bos;
    if (id && !slot)
      slot = id;
  }
}

bool Parser::config(const json &j) {
  if (!j.is_object())
    return fail("tokenizer_config is not a JSON object");
  for (auto [key, slot] :
       {std::pair{"bos_token", &m.bos}, std::pair{"eos_token", &m.eos},
        std::pair{"pad_token", &m.pad}}) {
    if (!j.contains(key) || j[key].is_null())
      continue;
    const json &v = j[key];
    std::string content;
    if (v.is_string())
      content = v.get<std::string>();
    else if (v.is_object() && v.contains("content") && v["content"].is_string())
      content = v["content"].get<std::string>();
    else
      return fail(fmt::format("tokenizer_config {} is neither a string nor "
                              "{{\"content\": ...}}",
                              key));
    auto a = m.addedIds.find(content);
    auto b = m.vocab.find(content);
    if (a == m.addedIds.end() && b == m.vocab.end())
      return fail(
          fmt::format("tokenizer_config {} '{}' is not a token", key, content));
    *slot = a != m.addedIds.end() ? a->second : b->second;
  }
  return true;
}

bool Parser::tables() {
  int64_t size = 0;
  for (const auto &[token, id] : m.vocab)
    size = std::max(size, id + 1);
  for (const BpeAddedToken &t : m.added)
    size = std::max(size, t.id + 1);
  m.idToken.assign(size, "");
  m.idBytes.assign(size, "");
  m.known.assign(size, 0);
  m.special.assign(size, 0);
  for (const auto &[token, id] : m.vocab) {
    m.idToken[id] = token;
    m.known[id] = 1;
  }
  for (const BpeAddedToken &t : m.added) {
    if (m.known[t.id] && m.idToken[t.id] != t.content)
      return fail(fmt::format("added token '{}' takes id {} of vocab token "
                              "'{}'",
                              t.content, t.id, m.idToken[t.id]));
    m.idToken[t.id] = t.content;
    m.known[t.id] = 1;
    m.special[t.id] = t.special;
  }
  for (int64_t id = 0; id < size; ++id)
    if (m.known[id])
      m.idBytes[id] = byteLevelDecode(m.idToken[id]);
  // tokenizers decodes a normalized added token as its normalized content.
  for (const BpeAddedToken &t : m.added)
    if (t.normalized && m.nfc)
      m.idBytes[t.id] = byteLevelDecode(normalizeNfc(t.content));
  for (int b = 0; b < 256; ++b) {
    auto it = m.vocab.find(byteLevelChars()[b]);
    m.byteIds[b] = it == m.vocab.end() ? -1 : int32_t(it->second);
  }
  m.rawSet = buildAddedSet(m, false);
  m.normalizedSet = buildAddedSet(m, true);
  return true;
}

} // namespace

Expected<std::shared_ptr<Model>> parseModel(const nlohmann::json &j,
                                            const std::string &origin,
                                            const nlohmann::json *config) {
  auto model = std::make_shared<Model>();
  model->origin = origin;
  Parser p{*model, std::nullopt};
  auto get = [&](const char *key) -> const json & {
    static const json null;
    return j.contains(key) ? j[key] : null;
  };
  try {
    if (!j.is_object())
      p.fail("not a tokenizer.json object");
    else if (p.model(get("model")) && p.addedTokens(get("added_tokens")) &&
             p.normalizer(get("normalizer")) &&
             p.preTokenizer(get("pre_tokenizer")) &&
             p.decoder(get("decoder")) && p.tables()) {
      p.postProcessor(get("post_processor"));
      if (config)
        p.config(*config);
    }
  } catch (const nlohmann::json::exception &e) {
    p.fail(fmt::format("unexpected JSON shape: {}", e.what()));
  }
  if (p.error)
    return *p.error;
  return model;
}

} // namespace r1fmt::bpe
