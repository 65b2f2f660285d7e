//===- StepCheckpoint.cpp - Every file of a trainer's step checkpoint -----===//

#include "r1rt/train/StepCheckpoint.h"

#include "r1rt/Error.h"
#include "r1rt/model/Checkpoint.h"
#include "r1rt/model/Lora.h"
#include "r1rt/store/ArtifactStore.h"
#include "r1rt/store/Safetensors.h"

#include <torch/serialize.h>

#include <sstream>

namespace r1rt {
namespace {

constexpr const char *kOptimizerFile = "optimizer.pt";
constexpr const char *kReferenceFile = "ref.safetensors";

/// The optimizer state as torch::serialize archive bytes.
std::string saveOptimizerState(torch::optim::Optimizer &optimizer) {
  torch::serialize::OutputArchive archive;
  optimizer.save(archive);
  std::ostringstream os;
  archive.save_to(os);
  return os.str();
}

void loadOptimizerState(torch::optim::Optimizer &optimizer,
                        const std::string &bytes, const std::string &where) {
  try {
    std::istringstream is(bytes);
    torch::serialize::InputArchive archive;
    archive.load_from(is);
    optimizer.load(archive);
  } catch (const c10::Error &e) {
    fail("{}: cannot restore the optimizer state: {}", where,
         e.what_without_backtrace());
  }
}

} // namespace

int64_t StepCheckpoint::restore() {
  std::optional<int64_t> step = artifact.latestStep();
  if (!step)
    return 0;
  auto load = [&](CausalLM &m, const char *file) {
    loadSafetensorsBytes(m, artifact.readStep(*step, file),
                         artifact.stepPath(*step, file));
  };
  if (loraParameters(model).empty())
    load(model, kModelFile);
  else
    loadLoraState(model,
                  parseSafetensors(artifact.readStep(*step, kAdapterFile),
                                   artifact.stepPath(*step, kAdapterFile))
                      .toMap(),
                  artifact.stepPath(*step, kAdapterFile));
  loadOptimizerState(optimizer, artifact.readStep(*step, kOptimizerFile),
                     artifact.stepPath(*step, kOptimizerFile));
  if (reference)
    load(*reference, kReferenceFile);
  return *step;
}

void StepCheckpoint::save(int64_t step) {
  // A LoRA model's base is frozen: its adapters are all that changes.
  std::vector<std::pair<std::string, std::string>> files;
  if (loraParameters(model).empty())
    files.push_back({kModelFile, serializeSafetensors(stateDict(model))});
  else
    files.push_back({kAdapterFile, serializeSafetensors(loraState(model))});
  files.push_back({kOptimizerFile, saveOptimizerState(optimizer)});
  if (reference)
    files.push_back({kReferenceFile, serializeSafetensors(stateDict(*reference))});
  artifact.writeStep(step, files);
}

} // namespace r1rt
