//===- Pretrained.cpp - Load a Hugging Face model directory ---------------===//
//
// config.json -> plan.json model (r1fmt::r1ModelFromHfConfig), weights from
// model.safetensors or the shards an index names, tokenizer.json through
// HfTokenizer, the chat template from chat_template.jinja or
// tokenizer_config.json. GGUF files go to PretrainedGguf.cpp.
//
//===----------------------------------------------------------------------===//

#include "r1rt/model/Pretrained.h"

#include "PretrainedInternal.h"

#include "r1rt/AtomicFile.h"
#include "r1rt/Error.h"
#include "r1rt/model/Checkpoint.h"
#include "r1rt/store/Safetensors.h"
#include "r1rt/OrFail.h"

#include "r1fmt/HfConfig.h"
#include "r1fmt/JsonFile.h"
#include "r1fmt/ModelSource.h"

#include <filesystem>
#include <set>

namespace r1rt {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

json readJson(const fs::path &p) {
  auto j = r1fmt::readJsonFile(p.string());
  if (!j)
    fail("{}", j.error());
  return *j;
}

/// Every tensor of the checkpoint: one file or the shards of an index.
std::map<std::string, torch::Tensor> readWeights(const fs::path &dir,
                                                 std::string &where) {
  fs::path single = dir / "model.safetensors";
  fs::path index = dir / "model.safetensors.index.json";
  if (fs::exists(single)) {
    where = single.string();
    return loadSafetensors(single.string()).toMap();
  }
  if (!fs::exists(index))
    fail("{}: no model.safetensors or model.safetensors.index.json; save the "
         "model with save_pretrained(safe_serialization=True)",
         dir.string());
  where = index.string();
  json idx = readJson(index);
  if (!idx.contains("weight_map") || !idx["weight_map"].is_object())
    fail("{}: expected an object 'weight_map'", where);
  std::map<std::string, std::string> owner; // tensor -> shard
  std::set<std::string> shards;
  for (auto &[name, file] : idx["weight_map"].items()) {
    if (!file.is_string())
      fail("{}: weight_map['{}'] is not a file name", where, name);
    owner[name] = file.get<std::string>();
    shards.insert(file.get<std::string>());
  }
  std::map<std::string, torch::Tensor> all;
  for (const std::string &shard : shards) {
    fs::path p = dir / shard;
    if (shard.find('/') != std::string::npos || !fs::exists(p))
      fail("{}: shard '{}' is missing", where, shard);
    for (auto &[name, t] : loadSafetensors(p.string()).tensors) {
      auto it = owner.find(name);
      if (it == owner.end() || it->second != shard)
        fail("{}: tensor '{}' is not listed for this shard in {}", p.string(),
             name, where);
      all[name] = t;
    }
  }
  for (auto &[name, shard] : owner)
    if (!all.count(name))
      fail("{}: tensor '{}' listed in {} is not in it", (dir / shard).string(),
           name, where);
  return all;
}

Pretrained loadHfDir(const fs::path &dir) {
  Pretrained p;
  fs::path configPath = dir / "config.json";
  if (!fs::exists(configPath))
    fail("{}: no config.json; expected a Hugging Face model directory or a "
         ".gguf file",
         dir.string());
  json hf = readJson(configPath);
  auto plan = r1fmt::r1ModelFromHfConfig(hf, configPath.string());
  if (!plan)
    fail("{}", plan.error());
  p.modelConfig = *plan;
  p.model = buildPretrainedModel(p.modelConfig, configPath.string());

  std::string where;
  auto tensors = readWeights(dir, where);
  loadStateDict(*p.model,
                r1StateFromHf(std::move(tensors),
                              p.modelConfig["layers"].get<int64_t>()),
                where);
  p.model->eval();

  fs::path tokPath = dir / "tokenizer.json";
  fs::path tokConfigPath = dir / "tokenizer_config.json";
  std::optional<json> tokConfig;
  if (fs::exists(tokConfigPath))
    tokConfig = readJson(tokConfigPath);
  if (fs::exists(tokPath))
    p.tokenizer = HfTokenizer::fromJson(readJson(tokPath), tokPath.string(),
                                        tokConfig ? &*tokConfig : nullptr);
  p.chatTemplate = orFail(r1fmt::readHfChatTemplate(dir.string()));
  fs::path gen = dir / "generation_config.json";
  p.generationConfig = fs::exists(gen) ? readJson(gen) : json::object();
  return p;
}

} // namespace

std::shared_ptr<CausalLM> buildPretrainedModel(const json &plan,
                                               const std::string &where) {
  ModelConfig config = ModelConfig::fromJson(plan, where);
  auto model = makeModel(config);
  model->to(torch::kFloat32);
  return model;
}

std::map<std::string, torch::Tensor>
r1StateFromHf(std::map<std::string, torch::Tensor> tensors, int64_t layers) {
  std::map<std::string, torch::Tensor> out;
  for (auto &[name, t] : tensors) {
    // model.layers.N.* past the last layer (DeepSeek-V3's MTP module).
    const std::string prefix = "model.layers.";
    if (name.rfind(prefix, 0) == 0) {
      size_t dot = name.find('.', prefix.size());
      std::string n = name.substr(prefix.size(), dot - prefix.size());
      if (!n.empty() && std::all_of(n.begin(), n.end(), ::isdigit) &&
          std::stoll(n) >= layers)
        continue;
    }
    if (endsWith(name, "mlp.experts.gate_up_proj") && t.dim() == 3) {
      std::string base = name.substr(0, name.size() - 12);
      int64_t inter = t.size(1) / 2;
      for (int64_t e = 0; e < t.size(0); ++e) {
        out[base + std::to_string(e) + ".gate_proj.weight"] =
            t[e].narrow(0, 0, inter);
        out[base + std::to_string(e) + ".up_proj.weight"] =
            t[e].narrow(0, inter, inter);
      }
    } else if (endsWith(name, "mlp.experts.down_proj") && t.dim() == 3) {
      std::string base = name.substr(0, name.size() - 9);
      for (int64_t e = 0; e < t.size(0); ++e)
        out[base + std::to_string(e) + ".down_proj.weight"] = t[e];
    } else {
      out[name] = t;
    }
  }
  return out;
}

std::string renderChat(const Pretrained &p, const json &messages,
                       bool addGenerationPrompt) {
  return renderChatTemplate(p.chatTemplate, p.tokenizer.get(), messages,
                            addGenerationPrompt);
}

Pretrained loadPretrained(const std::string &path) {
  if (fs::is_directory(path))
    return loadHfDir(path);
  if (!fs::exists(path))
    fail("{}: no such file or directory; expected a Hugging Face model "
         "directory or a .gguf file",
         path);
  if (!endsWith(path, ".gguf"))
    fail("{}: not a directory and not a .gguf file; expected a Hugging Face "
         "model directory or a .gguf file",
         path);
  return loadGguf(path);
}

} // namespace r1rt
