//===- StageSupport.cpp - What every stage runner needs -------------------===//

#include "StageSupport.h"

#include "LoraArtifact.h"
#include "r1rt/model/Pretrained.h"
#include "r1rt/AtomicFile.h"
#include "r1rt/Error.h"
#include "r1rt/data/Materialize.h"
#include "r1rt/model/Checkpoint.h"
#include "r1rt/store/Safetensors.h"

#include <filesystem>

using nlohmann::json;

namespace r1rt::stages {

uint64_t stageSeed(const StageContext &ctx) {
  return std::stoull(sha1Hex("seed:" + ctx.stage.key).substr(0, 15), nullptr,
                     16);
}

std::unique_ptr<Tokenizer> planTokenizer(const Plan &plan) {
  try {
    return Tokenizer::fromJson(plan.tokenizer);
  } catch (const Error &e) {
    fail("plan.json: tokenizer: {}", e.what());
  }
}

std::string refName(const json &ref) {
  if (!ref.is_object() || ref.size() != 1 || !ref.begin().value().is_string())
    fail("plan.json: bad input reference {}; expected {{\"model\"|\"dataset\"|"
         "\"stage\": name}}",
         ref.dump());
  return ref.begin().value().get<std::string>();
}

static const StageArtifact &inputArtifact(const StageContext &ctx,
                                          const std::string &stage) {
  auto it = ctx.inputs.find(stage);
  if (it == ctx.inputs.end())
    fail("stage '{}': input stage '{}' has no artifact (internal: the "
         "executor did not resolve it)",
         ctx.stage.name, stage);
  return it->second;
}

LoadedModel loadModelRef(const StageContext &ctx, const json &ref,
                         uint64_t seed) {
  std::string name = refName(ref);
  LoadedModel out;
  if (ref.contains("model")) {
    if (!ctx.plan.models.contains(name))
      fail("plan.json: stage '{}' uses model '{}', which \"models\" lacks",
           ctx.stage.name, name);
    const json &decl = ctx.plan.models[name];
    out.config = ModelConfig::fromJson(decl,
                                       fmt::format("plan.json: models.{}", name));
    if (decl.contains("source")) {
      // hf(...)/gguf(...): the pretrained weights, whose config must still be
      // the one r1c compiled against.
      const json &src = decl["source"];
      if (!src.is_object() || !src.contains("path") || !src["path"].is_string())
        fail("plan.json: models.{}.source needs a string 'path'; regenerate "
             "plan.json with r1c",
             name);
      std::string path = src["path"].get<std::string>();
      Pretrained p = loadPretrained(path);
      ModelConfig loaded = ModelConfig::fromJson(p.modelConfig, path);
      if (loaded.toJson() != out.config.toJson())
        fail("{}: the model's config is not the one plan.json was compiled "
             "with (models.{}); re-run r1c compile",
             path, name);
      out.model = p.model;
      out.model->train();
      return out;
    }
    out.model = makeModel(out.config);
    out.model->initialize(seed);
    return out;
  }
  if (!ref.contains("stage"))
    fail("stage '{}': input {} is not a model or a checkpoint stage",
         ctx.stage.name, ref.dump());
  return loadCheckpoint(inputArtifact(ctx, name));
}

LoadedModel loadCheckpoint(const StageArtifact &art, bool merged) {
  if (isLoraArtifact(art)) {
    LoadedModel out = loadLoraArtifact(art);
    if (merged) {
      mergeLora(*out.model);
      for (auto &p : out.model->parameters())
        p.set_requires_grad(true);
    }
    return out;
  }
  LoadedModel out;
  std::string where = art.path(kConfigFile);
  json config;
  try {
    config = json::parse(art.readCommitted(kConfigFile));
  } catch (const json::exception &e) {
    fail("{}: not valid JSON ({})", where, e.what());
  }
  out.config = ModelConfig::fromJson(config, where);
  out.model = makeModel(out.config);
  loadSafetensorsBytes(*out.model, art.readCommitted(kModelFile),
                       art.path(kModelFile));
  return out;
}

LoadedModel loadModelInput(const StageContext &ctx, const std::string &role,
                           uint64_t seed) {
  const json &ref = ctx.stage.ref(role);
  if (ref.is_null())
    fail("plan.json: stage '{}' ({}) has no '{}' input", ctx.stage.name,
         ctx.stage.kind, role);
  return loadModelRef(ctx, ref, seed);
}

std::vector<data::Record> loadDatasetRef(const StageContext &ctx,
                                         const json &ref) {
  std::string name = refName(ref);
  if (ref.contains("dataset")) {
    if (!ctx.plan.datasets.contains(name))
      fail("plan.json: stage '{}' uses dataset '{}', which \"datasets\" lacks",
           ctx.stage.name, name);
    return data::materializeDataset(
        name, ctx.plan.datasets[name],
        ctx.plan.raw.value("source_dir", std::string()), ctx.plan.seed);
  }
  if (!ref.contains("stage"))
    fail("stage '{}': input {} is not a dataset", ctx.stage.name, ref.dump());
  const StageArtifact &art = inputArtifact(ctx, name);
  return data::readRecords(art.path(kDataFile));
}

std::vector<data::Record> loadDatasetInput(const StageContext &ctx,
                                           const std::string &role) {
  const json &ref = ctx.stage.ref(role);
  if (ref.is_null())
    fail("plan.json: stage '{}' ({}) has no '{}' input", ctx.stage.name,
         ctx.stage.kind, role);
  return loadDatasetRef(ctx, ref);
}

void commitModel(StageArtifact &artifact, CausalLM &model,
                 const ModelConfig &config) {
  artifact.commitFile(kModelFile, serializeSafetensors(stateDict(model)));
  artifact.commitFile(kConfigFile, config.toJson().dump(2) + "\n");
}

void commitMetrics(StageArtifact &artifact) {
  std::string path = artifact.path(kMetricsFile);
  if (std::filesystem::exists(path))
    artifact.commitFile(kMetricsFile, readFile(path));
}

int64_t resumeStep(const StageArtifact &artifact) {
  return artifact.latestStep().value_or(0);
}

} // namespace r1rt::stages
