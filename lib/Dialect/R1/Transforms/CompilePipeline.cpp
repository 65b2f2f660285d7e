//===- CompilePipeline.cpp - r1-compile-pipeline and pass registration ---===//

#include "r1/Dialect/R1/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace r1;

void r1::buildCompilePipeline(OpPassManager &pm,
                              const CompilePipelineOptions &options) {
  OpPassManager &p = pm.nest<PipelineOp>();
  p.addPass(createVerifyRecipePass());
  p.addPass(createCanonicalizerPass());
  p.addPass(createDifferentiateLossPass());
  p.nest<LossOp>().addPass(createCanonicalizerPass());
  if (options.deadStageElim)
    p.addPass(createDeadStageElimPass());
  p.addPass(createInferCostsPass());
  p.addPass(createAssignArtifactKeysPass());
}

void r1::registerR1PassesAndPipelines() {
  registerR1Passes();
  PassPipelineRegistration<CompilePipelineOptions>(
      "r1-compile-pipeline",
      "Verify, simplify, differentiate losses, prune, cost and key an r1 "
      "recipe (what r1c compile runs)",
      buildCompilePipeline);
}
