//===- ExportStage.cpp - The export stage runner --------------------------===//
//
// format = native copies a checkpoint stage's model.safetensors and
// config.json into the directory `path` (relative paths resolve against the
// working directory), each written atomically. format = hf writes a Hugging
// Face directory (exportHf: config.json in HF's schema, model.safetensors,
// the pipeline's tokenizer.json and chat template when it has them). A LoRA
// checkpoint (adapters only) is exported merged: its base with every adapter
// folded in, as plain full weights, in either format.
//
//===----------------------------------------------------------------------===//

#include "LoraArtifact.h"
#include "StageConfig.h"
#include "StageSupport.h"
#include "r1rt/AtomicFile.h"
#include "r1rt/Error.h"
#include "r1rt/model/Checkpoint.h"
#include "r1rt/model/Pretrained.h"
#include "r1fmt/Gguf.h"
#include "r1fmt/GgufHf.h"
#include "r1rt/store/ArtifactStore.h"
#include "r1rt/store/Safetensors.h"

#include <filesystem>
#include <fstream>
#include <sstream>

using nlohmann::json;

namespace r1rt::stages {

namespace {

/// The chat template that comes with the pipeline's pretrained tokenizer:
/// a GGUF's tokenizer.chat_template, or a model directory's
/// chat_template.jinja or tokenizer_config.json "chat_template"; else "".
std::string pipelineChatTemplate(const Plan &plan) {
  namespace fs = std::filesystem;
  const json &tok = plan.tokenizer;
  if (!tok.is_object() || !tok.contains("path") || !tok["path"].is_string())
    return "";
  std::string path = tok["path"].get<std::string>();
  if (tok.value("kind", "") == "gguf") {
    auto f = r1fmt::openGguf(path);
    if (!f)
      fail("{}", f.error());
    return r1fmt::chatTemplateFromGguf(*f).value_or("");
  }
  fs::path dir = fs::is_directory(path) ? fs::path(path) : fs::path(path).parent_path();
  if (fs::exists(dir / "chat_template.jinja")) {
    std::ifstream in(dir / "chat_template.jinja", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  if (fs::exists(dir / "tokenizer_config.json")) {
    std::ifstream in(dir / "tokenizer_config.json");
    json cfg = json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (cfg.is_object() && cfg.contains("chat_template") &&
        cfg["chat_template"].is_string())
      return cfg["chat_template"].get<std::string>();
  }
  return "";
}

class ExportStage : public StageRunner {
public:
  json run(StageContext &ctx) override {
    const PlanStage &st = ctx.stage;
    const json &ref = st.ref("ckpt");
    if (!ref.contains("stage"))
      fail("stage '{}': export needs a checkpoint stage as its input", st.name);
    const StageArtifact &src = ctx.inputs.at(refName(ref));
    const ExportConfig config = ExportConfig::read(st);
    const std::string &format = config.format;
    if (format != "native" && format != "hf")
      fail("stage '{}': unknown export format '{}' (native or hf); "
           "regenerate plan.json with r1c",
           st.name, format);
    const std::string &dir = config.path;
    if (dir.empty())
      fail("stage '{}': export needs a path", st.name);
    if (format == "hf") {
      LoadedModel m = loadModelRef(ctx, ref, stageSeed(ctx));
      auto tokenizer = planTokenizer(ctx.plan);
      exportHf(*m.model, m.config.toJson(), tokenizer.get(),
               pipelineChatTemplate(ctx.plan), dir);
      return {{"format", "hf"}};
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
      fail("stage '{}': cannot create '{}': {}", st.name, dir, ec.message());
    auto target = [&](const char *file) {
      return (std::filesystem::path(dir) / file).string();
    };
    if (isLoraArtifact(src)) {
      LoadedModel m = loadCheckpoint(src, /*merged=*/true);
      writeFileAtomic(target(kModelFile),
                      serializeSafetensors(stateDict(*m.model)));
      writeFileAtomic(target(kConfigFile), m.config.toJson().dump(2) + "\n");
      return {{"files", 2}, {"merged_lora", true}};
    }
    for (const char *file : {kModelFile, kConfigFile})
      writeFileAtomic(target(file), src.readCommitted(file));
    return {{"files", 2}};
  }
};

} // namespace

void registerExportStage() {
  registerStage("export", [] { return std::make_unique<ExportStage>(); });
}

} // namespace r1rt::stages
