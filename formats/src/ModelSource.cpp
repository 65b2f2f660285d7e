//===- ModelSource.cpp - What a compiler needs from a model on disk -------===//

#include "r1fmt/ModelSource.h"

#include "r1fmt/Bpe.h"
#include "r1fmt/GgufHf.h"
#include "r1fmt/HfConfig.h"
#include "r1fmt/JsonFile.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace r1fmt {

namespace fs = std::filesystem;

namespace {
std::string canonical(const nlohmann::json &j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
} // namespace

Expected<std::string> readHfChatTemplate(const std::string &dir) {
  std::error_code ec;
  fs::path jinja = fs::path(dir) / "chat_template.jinja";
  if (fs::exists(jinja, ec))
    return readTextFile(jinja.string());
  fs::path configPath = fs::path(dir) / "tokenizer_config.json";
  if (!fs::exists(configPath, ec))
    return std::string();
  auto config = readJsonFile(configPath.string());
  if (!config)
    return Error{config.error()};
  auto it = config->find("chat_template");
  if (it == config->end() || it->is_null())
    return std::string();
  if (it->is_string())
    return it->get<std::string>();
  if (it->is_array())
    for (const nlohmann::json &e : *it)
      if (e.is_object() && e.value("name", "") == "default" &&
          e.contains("template") && e["template"].is_string())
        return e["template"].get<std::string>();
  return Error{fmt::format("{}: chat_template is neither a string nor a list "
                           "with a 'default' entry",
                           configPath.string())};
}

Expected<ModelSourceInfo> readHfModelSource(const std::string &dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec))
    return Error{fmt::format("{}: no such directory", dir)};
  if (!fs::is_directory(dir, ec))
    return Error{fmt::format("{}: not a directory (hf(...) names a model "
                             "directory holding config.json)",
                             dir)};
  std::string configPath = (fs::path(dir) / "config.json").string();
  if (!fs::exists(configPath, ec))
    return Error{fmt::format("{}: no config.json in the model directory", dir)};
  auto config = readJsonFile(configPath);
  if (!config)
    return Error{config.error()};
  auto model = r1ModelFromHfConfig(*config, configPath);
  if (!model)
    return Error{model.error()};
  std::string tokPath = (fs::path(dir) / "tokenizer.json").string();
  if (!fs::exists(tokPath, ec))
    return Error{fmt::format("{}: no tokenizer.json in the model directory "
                             "(the model's tokenizer comes with it)",
                             dir)};
  auto tok = readJsonFile(tokPath);
  if (!tok)
    return Error{tok.error()};
  // The runtime must be able to build it: refuse what BpeTokenizer refuses.
  if (auto bpe = BpeTokenizer::fromTokenizerJson(*tok, tokPath); !bpe)
    return Error{bpe.error()};
  auto chat = readHfChatTemplate(dir);
  if (!chat)
    return Error{chat.error()};
  ModelSourceInfo info;
  info.modelJson = canonical(*model);
  info.tokenizerJson = canonical(*tok);
  info.chatTemplate = std::move(*chat);
  info.missingWeights = true;
  for (const fs::directory_entry &e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (!e.is_regular_file(ec))
      continue;
    bool weights = endsWith(name, ".safetensors");
    if (weights || endsWith(name, ".json") || name == "chat_template.jinja")
      info.files.push_back(e.path().string());
    if (weights)
      info.missingWeights = false;
  }
  if (ec)
    return Error{fmt::format("{}: cannot list: {}", dir, ec.message())};
  std::sort(info.files.begin(), info.files.end());
  return info;
}

Expected<ModelSourceInfo> readGgufModelSource(const std::string &path) {
  auto file = openGguf(path);
  if (!file)
    return Error{file.error()};
  auto config = hfConfigFromGguf(*file);
  if (!config)
    return Error{config.error()};
  auto model = r1ModelFromHfConfig(*config, path);
  if (!model)
    return Error{model.error()};
  auto tok = tokenizerJsonFromGguf(*file);
  if (!tok)
    return Error{tok.error()};
  if (auto bpe = BpeTokenizer::fromTokenizerJson(*tok, path); !bpe)
    return Error{bpe.error()};
  ModelSourceInfo info;
  info.modelJson = canonical(*model);
  info.tokenizerJson = canonical(*tok);
  info.chatTemplate = chatTemplateFromGguf(*file).value_or("");
  info.files = {path};
  return info;
}

} // namespace r1fmt
