//===- Stages.cpp - Registers the built-in stage runners ------------------===//

#include "r1rt/train/Stages.h"

namespace r1rt {
namespace stages {
void registerSupervisedStages();
void registerGrpoStage();
void registerDataStages();
void registerEvalStage();
void registerExportStage();
} // namespace stages

void registerBuiltinStages() {
  static const bool once = [] {
    stages::registerSupervisedStages();
    stages::registerGrpoStage();
    stages::registerDataStages();
    stages::registerEvalStage();
    stages::registerExportStage();
    return true;
  }();
  (void)once;
}

} // namespace r1rt
