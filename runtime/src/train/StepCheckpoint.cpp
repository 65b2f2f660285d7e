//===- StepCheckpoint.cpp - Every file of a trainer's step checkpoint -----===//

#include "r1rt/train/StepCheckpoint.h"

#include "r1rt/Error.h"
#include "r1rt/model/Checkpoint.h"
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
  load(model, kModelFile);
  loadOptimizerState(optimizer, artifact.readStep(*step, kOptimizerFile),
                     artifact.stepPath(*step, kOptimizerFile));
  if (reference)
    load(*reference, kReferenceFile);
  return *step;
}

void StepCheckpoint::save(int64_t step) {
  std::vector<std::pair<std::string, std::string>> files = {
      {kModelFile, serializeSafetensors(stateDict(model))},
      {kOptimizerFile, saveOptimizerState(optimizer)}};
  if (reference)
    files.push_back({kReferenceFile, serializeSafetensors(stateDict(*reference))});
  artifact.writeStep(step, files);
}

} // namespace r1rt
