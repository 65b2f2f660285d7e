//===- ExportHf.cpp - Write an r1rt model as a transformers directory -----===//

#include "r1rt/model/Pretrained.h"

#include "r1rt/AtomicFile.h"
#include "r1rt/Error.h"
#include "r1rt/model/Checkpoint.h"
#include "r1rt/store/Safetensors.h"

#include "r1fmt/HfConfig.h"

#include <unistd.h>

#include <filesystem>

namespace r1rt {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

void writeJson(const fs::path &p, const json &j) {
  writeFileAtomic(p.string(), j.dump(2) + "\n");
}

/// Writes every file of the export into `dir` (which exists and is empty).
void writeExport(const CausalLM &model, const json &modelConfig,
                 const Tokenizer *tokenizer, const std::string &chatTemplate,
                 const fs::path &dir) {
  auto hf = r1fmt::hfConfigFromR1Model(modelConfig, "exportHf model config");
  if (!hf)
    fail("{}", hf.error());
  json config = *hf;
  json gen = json::object();
  if (tokenizer) {
    auto *hfTok = dynamic_cast<const HfTokenizer *>(tokenizer);
    if (!hfTok || hfTok->hasBos())
      config["bos_token_id"] = tokenizer->bosId();
    if (tokenizer->eosId() >= 0)
      config["eos_token_id"] = tokenizer->eosId();
    config["pad_token_id"] = tokenizer->padId();
    for (const char *k : {"bos_token_id", "eos_token_id", "pad_token_id"})
      if (config.contains(k))
        gen[k] = config[k];
    if (hfTok) {
      writeJson(dir / "tokenizer.json", hfTok->json());
      json tc = hfTok->config().is_object() ? hfTok->config() : json::object();
      tc.erase("chat_template"); // chat_template.jinja holds it
      if (!tc.contains("tokenizer_class"))
        tc["tokenizer_class"] = "PreTrainedTokenizerFast";
      writeJson(dir / "tokenizer_config.json", tc);
    }
  }
  if (ModelConfig::fromJson(modelConfig, "exportHf model config").arch !=
      (config["model_type"].get<std::string>().rfind("deepseek", 0) == 0
           ? "deepseek"
           : "dense"))
    fail("exportHf: the model config's arch disagrees with its HF mapping");
  writeJson(dir / "config.json", config);
  writeJson(dir / "generation_config.json", gen);
  if (!chatTemplate.empty())
    writeFileAtomic((dir / "chat_template.jinja").string(), chatTemplate);

  std::map<std::string, torch::Tensor> state;
  for (auto &[name, t] : stateDict(model))
    state[name] = t.to(torch::kCPU).contiguous();
  saveSafetensors((dir / "model.safetensors").string(), state,
                  {{"format", "pt"}});
}

} // namespace

void exportHf(const CausalLM &model, const json &modelConfig,
              const Tokenizer *tokenizer, const std::string &chatTemplate,
              const std::string &dirIn) {
  fs::path dir = fs::absolute(dirIn).lexically_normal();
  if (dir.filename().empty())
    dir = dir.parent_path();
  const std::string tag = std::to_string(::getpid());
  fs::path tmp = dir.string() + ".tmp-" + tag;
  fs::path old = dir.string() + ".old-" + tag;
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec)
    fail("{}: cannot create the export directory: {}", tmp.string(),
         ec.message());
  try {
    writeExport(model, modelConfig, tokenizer, chatTemplate, tmp);
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
  bool hadOld = fs::exists(dir);
  if (hadOld) {
    if (!fs::is_directory(dir)) {
      fs::remove_all(tmp, ec);
      fail("{}: exists and is not a directory; choose another export path",
           dir.string());
    }
    fs::rename(dir, old, ec);
    if (ec)
      fail("{}: cannot move the previous export aside: {}", dir.string(),
           ec.message());
  }
  fs::rename(tmp, dir, ec);
  if (ec)
    fail("{}: cannot rename the finished export into place: {}", dir.string(),
         ec.message());
  if (hadOld)
    fs::remove_all(old, ec);
}

} // namespace r1rt
