//===- Tokenizer.cpp - Character and byte tokenizers ----------------------===//

#include "r1rt/tokenizer/Tokenizer.h"

#include "r1rt/Error.h"

#include <filesystem>

namespace r1rt {

uint32_t decodeUtf8(std::string_view s, size_t &pos) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = byte(pos);
  int extra = c < 0x80         ? 0
              : (c >> 5) == 6  ? 1
              : (c >> 4) == 14 ? 2
              : (c >> 3) == 30 ? 3
                               : -1;
  if (extra < 0)
    fail("invalid UTF-8 at byte {}: byte 0x{:02x} cannot start a character; "
         "pass UTF-8 text",
         pos, c);
  if (pos + extra >= s.size())
    fail("invalid UTF-8 at byte {}: truncated multi-byte character; pass "
         "UTF-8 text",
         pos);
  uint32_t cp = extra == 0 ? c : c & (0x3f >> extra);
  for (int i = 1; i <= extra; ++i) {
    if ((byte(pos + i) & 0xc0) != 0x80)
      fail("invalid UTF-8 at byte {}: truncated multi-byte character; pass "
           "UTF-8 text",
           pos);
    cp = (cp << 6) | (byte(pos + i) & 0x3f);
  }
  pos += extra + 1;
  return cp;
}

const char *Tokenizer::specialName(int64_t id) {
  static const char *names[] = {"<pad>", "<bos>", "<eos>"};
  return names[id];
}

std::string Tokenizer::decode(const std::vector<int64_t> &ids,
                              bool withSpecial) const {
  std::string out;
  for (int64_t id : ids)
    out += tokenText(id, withSpecial);
  return out;
}

namespace {
/// A tokenizer.json path, or a directory with tokenizer.json (and maybe
/// tokenizer_config.json).
std::unique_ptr<Tokenizer> hfTokenizerFromPath(const std::string &path) {
  namespace fs = std::filesystem;
  // A tokenizer.json beside its tokenizer_config.json (the special tokens)
  // reads both, as a model directory does.
  fs::path dir(path);
  if (!fs::is_directory(path)) {
    fs::path cfg = dir.parent_path() / "tokenizer_config.json";
    return HfTokenizer::fromFile(
        path, dir.filename() == "tokenizer.json" && fs::exists(cfg)
                  ? cfg.string()
                  : "");
  }
  fs::path cfg = dir / "tokenizer_config.json";
  return HfTokenizer::fromFile((dir / "tokenizer.json").string(),
                               fs::exists(cfg) ? cfg.string() : "");
}
} // namespace

std::unique_ptr<Tokenizer> Tokenizer::fromJson(const nlohmann::json &j) {
  if (!j.is_object() || !j.contains("kind") || !j["kind"].is_string())
    fail("plan.json tokenizer: expected an object with a string 'kind'; "
         "regenerate plan.json with r1c");
  std::string kind = j["kind"].get<std::string>();
  std::unique_ptr<Tokenizer> tok;
  if (kind == "chars") {
    if (!j.contains("alphabet") || !j["alphabet"].is_string())
      fail("plan.json tokenizer: kind 'chars' needs a string 'alphabet'; "
           "regenerate plan.json with r1c");
    tok = std::make_unique<CharTokenizer>(j["alphabet"].get<std::string>());
  } else if (kind == "bytes") {
    tok = std::make_unique<ByteTokenizer>();
  } else if (kind == "hf") {
    if (!j.contains("path") || !j["path"].is_string())
      fail("plan.json tokenizer: kind 'hf' needs a string 'path' (a "
           "tokenizer.json or a directory holding one)");
    tok = hfTokenizerFromPath(j["path"].get<std::string>());
  } else if (kind == "gguf") {
    if (!j.contains("path") || !j["path"].is_string())
      fail("plan.json tokenizer: kind 'gguf' needs a string 'path' (a .gguf "
           "file)");
    tok = HfTokenizer::fromGguf(j["path"].get<std::string>());
  } else {
    fail("plan.json tokenizer: unknown kind '{}'; expected chars, bytes, hf "
         "or gguf",
         kind);
  }
  if (j.contains("vocab_size") && j["vocab_size"] != tok->vocabSize())
    fail("plan.json tokenizer: vocab_size {} disagrees with the {} the "
         "alphabet gives; regenerate plan.json with r1c",
         j["vocab_size"].dump(), tok->vocabSize());
  return tok;
}

CharTokenizer::CharTokenizer(std::string_view alphabet) {
  size_t pos = 0;
  while (pos < alphabet.size()) {
    size_t start = pos;
    uint32_t cp = decodeUtf8(alphabet, pos);
    if (ids.emplace(cp, 3 + int64_t(chars.size())).second)
      chars.emplace_back(alphabet.substr(start, pos - start));
  }
}

std::vector<int64_t> CharTokenizer::encode(std::string_view text) const {
  std::vector<int64_t> out;
  size_t pos = 0, index = 0;
  while (pos < text.size()) {
    size_t start = pos;
    uint32_t cp = decodeUtf8(text, pos);
    auto it = ids.find(cp);
    if (it == ids.end()) {
      std::string shown = cp == '\n'   ? "\\n"
                          : cp == '\t' ? "\\t"
                          : cp < 0x20
                              ? fmt::format("\\x{:02x}", cp)
                              : std::string(text.substr(start, pos - start));
      fail("character '{}' (U+{:04X}) at position {} is not in the tokenizer "
           "alphabet; add it to chars(...) or use the bytes tokenizer",
           shown, cp, index);
    }
    out.push_back(it->second);
    ++index;
  }
  return out;
}

std::string CharTokenizer::tokenText(int64_t id, bool withSpecial) const {
  if (id >= 0 && id < 3)
    return withSpecial ? specialName(id) : "";
  if (id < 0 || id >= vocabSize())
    fail("token id {} is outside the vocabulary of size {}", id, vocabSize());
  return chars[id - 3];
}

std::vector<int64_t> ByteTokenizer::encode(std::string_view text) const {
  std::vector<int64_t> out;
  out.reserve(text.size());
  for (char c : text)
    out.push_back(3 + static_cast<unsigned char>(c));
  return out;
}

std::string ByteTokenizer::tokenText(int64_t id, bool withSpecial) const {
  if (id >= 0 && id < 3)
    return withSpecial ? specialName(id) : "";
  if (id < 0 || id >= 259)
    fail("token id {} is outside the vocabulary of size 259", id);
  return std::string(1, char(id - 3));
}

} // namespace r1rt
