//===- ExportStage.cpp - The export stage runner --------------------------===//
//
// format = native copies a checkpoint stage's model.safetensors and
// config.json into the directory `path` (relative paths resolve against the
// working directory), each written atomically. format = hf writes a Hugging
// Face directory (exportHf: config.json in HF's schema, model.safetensors,
// the pipeline's tokenizer.json and chat template when it has them). A
// pretrained model input ({"model": NAME}) is loaded from its source, and a
// LoRA checkpoint (adapters only) is merged: its base with every adapter
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
#include "r1rt/store/ArtifactStore.h"
#include "r1rt/store/Safetensors.h"

#include <filesystem>

using nlohmann::json;

namespace r1rt::stages {

namespace {

class ExportStage : public StageRunner {
public:
  json run(StageContext &ctx) override {
    const PlanStage &st = ctx.stage;
    const json &ref = st.ref("ckpt");
    if (!ref.contains("stage") && !ref.contains("model"))
      fail("stage '{}': export needs a checkpoint stage or a pretrained model "
           "as its input",
           st.name);
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
               tokenizer->chatTemplate(), dir);
      return {{"format", "hf"}};
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
      fail("stage '{}': cannot create '{}': {}", st.name, dir, ec.message());
    auto target = [&](const char *file) {
      return (std::filesystem::path(dir) / file).string();
    };
    if (ref.contains("model") || isLoraArtifact(ctx.inputs.at(refName(ref)))) {
      LoadedModel m = loadModelRef(ctx, ref, stageSeed(ctx));
      writeFileAtomic(target(kModelFile),
                      serializeSafetensors(stateDict(*m.model)));
      writeFileAtomic(target(kConfigFile), m.config.toJson().dump(2) + "\n");
      return {{"files", 2}, {"merged_lora", !ref.contains("model")}};
    }
    const StageArtifact &src = ctx.inputs.at(refName(ref));
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
