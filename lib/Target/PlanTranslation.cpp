//===- PlanTranslation.cpp - r1 IR -> plan.json as an MLIR translation ----===//
//
// `r1c-translate --r1-to-plan-json` prints the plan.json that `r1c compile`
// writes into a bundle, from a module already through r1-compile-pipeline
// (stages carry their keys and estimates). Kernel files are a bundle
// matter, so losses carry no "kernel" entry here.
//
//===----------------------------------------------------------------------===//

#include "r1/Target/PlanWriter.h"

#include "r1/Dialect/R1/R1Dialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace r1;

FailureOr<llvm::json::Value> r1::buildPlanJson(ModuleOp module,
                                               StringRef sourceDir) {
  auto pipelines = module.getOps<PipelineOp>();
  if (std::distance(pipelines.begin(), pipelines.end()) != 1)
    return emitError(module.getLoc())
           << "a plan holds exactly one r1.pipeline";
  return buildPlanJson(*pipelines.begin(), sourceDir);
}

void r1::printPlanJson(const llvm::json::Value &plan, llvm::raw_ostream &os) {
  os << llvm::formatv("{0:2}", plan) << "\n";
}

void r1::registerToPlanJsonTranslation() {
  static llvm::cl::opt<std::string> sourceDir(
      "r1-source-dir",
      llvm::cl::desc("Directory the recipe's relative paths are resolved "
                     "against (plan.json's source_dir)"),
      llvm::cl::value_desc("dir"), llvm::cl::init("."));
  TranslateFromMLIRRegistration registration(
      "r1-to-plan-json",
      "print plan.json of an r1 pipeline compiled by r1-compile-pipeline",
      [](ModuleOp module, llvm::raw_ostream &os) -> LogicalResult {
        auto plan = buildPlanJson(module, sourceDir);
        if (failed(plan))
          return failure();
        printPlanJson(*plan, os);
        return success();
      },
      [](DialectRegistry &registry) {
        registry.insert<R1Dialect, arith::ArithDialect, math::MathDialect>();
      });
}
