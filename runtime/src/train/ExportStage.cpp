//===- ExportStage.cpp - The export stage runner --------------------------===//
//
// Copies a checkpoint stage's model.safetensors and config.json into the
// directory `path` (relative paths resolve against the working directory),
// each written atomically.
//
//===----------------------------------------------------------------------===//

#include "StageSupport.h"
#include "r1rt/AtomicFile.h"
#include "r1rt/Error.h"
#include "r1rt/store/ArtifactStore.h"

#include <filesystem>

using nlohmann::json;

namespace r1rt::stages {

namespace {

class ExportStage : public StageRunner {
public:
  json run(StageContext &ctx) override {
    const PlanStage &st = ctx.stage;
    const json &ref = st.ref("ckpt");
    if (!ref.contains("stage"))
      fail("stage '{}': export needs a checkpoint stage as its input", st.name);
    const StageArtifact &src = ctx.inputs.at(refName(ref));
    std::string format = configValue<std::string>(st, "format", "native");
    if (format != "native")
      fail("stage '{}': export format '{}' is not supported yet (only "
           "'native'); regenerate plan.json with r1c",
           st.name, format);
    std::string dir = configValue<std::string>(st, "path", "");
    if (dir.empty())
      fail("stage '{}': export needs a path", st.name);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
      fail("stage '{}': cannot create '{}': {}", st.name, dir, ec.message());
    for (const char *file : {kModelFile, kConfigFile})
      writeFileAtomic((std::filesystem::path(dir) / file).string(),
                      src.readCommitted(file));
    return {{"files", 2}};
  }
};

} // namespace

void registerExportStage() {
  registerStage("export", [] { return std::make_unique<ExportStage>(); });
}

} // namespace r1rt::stages
