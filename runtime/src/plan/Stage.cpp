//===- Stage.cpp - The stage runner registry ------------------------------===//

#include "r1rt/plan/Stage.h"

namespace r1rt {

namespace {
std::map<std::string, StageFactory> &registry() {
  static std::map<std::string, StageFactory> r;
  return r;
}
} // namespace

bool registerStage(const std::string &kind, StageFactory factory) {
  registry()[kind] = std::move(factory);
  return true;
}

std::unique_ptr<StageRunner> createStage(const std::string &kind) {
  auto it = registry().find(kind);
  return it == registry().end() ? nullptr : it->second();
}

std::vector<std::string> registeredStageKinds() {
  std::vector<std::string> kinds;
  for (const auto &[k, f] : registry())
    kinds.push_back(k);
  return kinds;
}

} // namespace r1rt
