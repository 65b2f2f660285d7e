//===- Passes.h - Passes of the r1 dialect --------------------*- C++ -*-===//

#ifndef R1_PASSES_H
#define R1_PASSES_H

#include "r1/Dialect/R1/R1Ops.h"

#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace r1 {

#define GEN_PASS_DECL
#include "r1/Dialect/R1/Passes.h.inc"

/// Options of the r1-compile-pipeline.
struct CompilePipelineOptions
    : public mlir::PassPipelineOptions<CompilePipelineOptions> {
  Option<bool> deadStageElim{*this, "dead-stage-elim",
                             llvm::cl::desc("Remove stages no eval uses"),
                             llvm::cl::init(true)};
};

/// Adds the compile pipeline: verify-recipe, canonicalize,
/// differentiate-loss (then canonicalize on each loss), dead-stage-elim,
/// infer-costs, assign-artifact-keys (on every r1.pipeline).
void buildCompilePipeline(mlir::OpPassManager &pm,
                          const CompilePipelineOptions &options);

/// Registers the r1 passes and `r1-compile-pipeline`.
void registerR1PassesAndPipelines();

/// The hex artifact key of a stage, after r1-assign-artifact-keys.
llvm::StringRef getArtifactKey(mlir::Operation *stage);

#define GEN_PASS_REGISTRATION
#include "r1/Dialect/R1/Passes.h.inc"

} // namespace r1

#endif // R1_PASSES_H
