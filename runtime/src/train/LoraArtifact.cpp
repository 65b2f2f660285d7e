//===- LoraArtifact.cpp - A LoRA stage's checkpoint: adapters only --------===//

#include "LoraArtifact.h"

#include "r1rt/AtomicFile.h"
#include "r1rt/Error.h"
#include "r1rt/model/Pretrained.h"
#include "r1rt/store/ArtifactStore.h"
#include "r1rt/store/Safetensors.h"

#include <filesystem>

namespace fs = std::filesystem;
using nlohmann::json;

namespace r1rt::stages {
namespace {

/// sha1 over every base (non-adapter) parameter's name and exact sum, so a
/// base rebuilt from a changed file or artifact is caught.
std::string baseFingerprint(CausalLM &model) {
  std::string acc;
  torch::NoGradGuard g;
  for (const auto &p : model.named_parameters())
    if (p.key().find("lora_") == std::string::npos)
      acc += fmt::format("{}:{:.17g};", p.key(),
                         p.value().to(torch::kDouble).sum().item<double>());
  return sha1Hex(acc);
}

LoraOptions readOptions(const json &j, const std::string &where) {
  try {
    LoraOptions o;
    o.rank = j.at("rank").get<int64_t>();
    o.alpha = j.at("alpha").get<double>();
    o.targets = j.at("targets").get<std::vector<std::string>>();
    return o;
  } catch (const json::exception &e) {
    fail("{}: bad rank, alpha or targets ({})", where, e.what());
  }
}

/// A committed artifact directory named by an absolute path.
StageArtifact openArtifactDir(const std::string &dir,
                              const std::string &where) {
  std::error_code ec;
  json m = fs::is_directory(dir, ec) ? StageArtifact(dir, "", "").manifest()
                                     : json::object();
  if (m.empty())
    fail("{}: the base checkpoint '{}' is gone; re-run the stage that wrote "
         "it, then this one",
         where, dir);
  StageArtifact art(dir, m.value("stage", ""), m.value("key", ""));
  if (!art.isComplete())
    fail("{}: the base checkpoint '{}' is not complete; re-run the stage that "
         "wrote it, then this one",
         where, dir);
  return art;
}

/// The full (merged) weights `base` describes, configured as `config`.
LoadedModel loadBase(const json &base, const ModelConfig &config,
                     const std::string &where) {
  if (!base.is_object())
    fail("{}: \"base\" must be an object, got {}", where, base.dump());
  if (base.contains("artifact") && base["artifact"].is_string())
    return loadCheckpoint(
        openArtifactDir(base["artifact"].get<std::string>(), where),
        /*merged=*/true);
  if (base.contains("path") && base["path"].is_string()) {
    std::string path = base["path"].get<std::string>();
    std::error_code ec;
    if (!fs::exists(path, ec))
      fail("{}: the base model '{}' at '{}' is gone; restore it (digest {}) "
           "or re-run the stage",
           where, base.value("model", std::string("?")), path,
           base.value("digest", std::string("unknown")));
    Pretrained p = loadPretrained(path);
    LoadedModel out{p.model, ModelConfig::fromJson(p.modelConfig, path)};
    if (out.config.toJson() != config.toJson())
      fail("{}: the base model at '{}' no longer has this checkpoint's "
           "config; restore the original or re-run the stage",
           where, path);
    return out;
  }
  if (base.contains("init_seed") && base["init_seed"].is_number_unsigned()) {
    LoadedModel out{makeModel(config), config};
    out.model->initialize(base["init_seed"].get<uint64_t>());
    return out;
  }
  fail("{}: \"base\" {} names no model path, artifact or init_seed", where,
       base.dump());
}

} // namespace

bool isLoraArtifact(const StageArtifact &artifact) {
  return artifact.manifest()
      .value("files", json::object())
      .contains(kLoraFile);
}

json loraBase(const StageContext &ctx, const json &ref, uint64_t seed) {
  std::string name = refName(ref);
  if (ref.contains("stage")) {
    auto it = ctx.inputs.find(name);
    if (it == ctx.inputs.end())
      fail("stage '{}': input stage '{}' has no artifact", ctx.stage.name,
           name);
    return {{"artifact", fs::absolute(it->second.dir()).string()}};
  }
  const json &decl = ctx.plan.models.at(name);
  if (decl.contains("source")) {
    const json &src = decl["source"];
    return {{"model", name},
            {"path", fs::absolute(src.value("path", "")).string()},
            {"digest", src.value("digest", "")}};
  }
  return {{"model", name}, {"init_seed", seed}};
}

void attachStageLora(CausalLM &model, const LoraOptions &lora, uint64_t seed,
                     const std::string &stage) {
  try {
    applyLora(model, lora, seed);
  } catch (const Error &e) {
    fail("stage '{}': {}", stage, e.what());
  }
}

void commitLoraModel(StageArtifact &artifact, CausalLM &model,
                     const ModelConfig &config, const LoraOptions &lora,
                     const json &base) {
  artifact.commitFile(kAdapterFile, serializeSafetensors(loraState(model)));
  artifact.commitFile(kConfigFile, config.toJson().dump(2) + "\n");
  json j = {{"rank", lora.rank},
            {"alpha", lora.alpha},
            {"targets", lora.targets},
            {"base", base},
            {"base_fingerprint", baseFingerprint(model)}};
  artifact.commitFile(kLoraFile, j.dump(2) + "\n");
}

LoadedModel loadLoraArtifact(const StageArtifact &artifact) {
  const std::string where = artifact.path(kLoraFile);
  json lj = json::parse(artifact.readCommitted(kLoraFile), nullptr, false);
  if (!lj.is_object())
    fail("{}: not a JSON object", where);
  LoraOptions o = readOptions(lj, where);
  const std::string configWhere = artifact.path(kConfigFile);
  json cj = json::parse(artifact.readCommitted(kConfigFile), nullptr, false);
  if (cj.is_discarded())
    fail("{}: not valid JSON", configWhere);
  ModelConfig config = ModelConfig::fromJson(cj, configWhere);
  LoadedModel out = loadBase(lj.value("base", json()), config, where);
  out.config = config;
  if (baseFingerprint(*out.model) != lj.value("base_fingerprint", ""))
    fail("{}: the base weights rebuilt from {} differ from those the adapters "
         "were trained on; restore the original base or re-run the stage",
         where, lj["base"].dump());
  try {
    applyLora(*out.model, o, 0);
  } catch (const Error &e) {
    fail("{}: {}", where, e.what());
  }
  loadLoraState(*out.model,
                parseSafetensors(artifact.readCommitted(kAdapterFile),
                                 artifact.path(kAdapterFile))
                    .toMap(),
                artifact.path(kAdapterFile));
  return out;
}

} // namespace r1rt::stages
