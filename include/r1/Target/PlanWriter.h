//===- PlanWriter.h - plan.json, ir.mlir, source.r1p ------------*- C++ -*-===//
//
// The contract between r1c and r1run (docs/plan-format.md). plan.json holds
// everything the runtime needs; the runtime never re-parses the .r1p file.
//
//===----------------------------------------------------------------------===//

#ifndef R1_TARGET_PLANWRITER_H
#define R1_TARGET_PLANWRITER_H

#include "r1/Dialect/R1/R1Ops.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace r1 {

/// The version of the plan.json schema this writer produces.
constexpr int64_t kPlanSchemaVersion = 1;

/// Builds plan.json for a compiled pipeline (after r1-compile-pipeline, so
/// stages carry keys and estimates). `sourceDir` is the directory relative
/// paths in the recipe are resolved against. Errors are emitted at the op.
mlir::FailureOr<llvm::json::Value> buildPlanJson(PipelineOp pipeline,
                                                 llvm::StringRef sourceDir);

/// buildPlanJson of the module's one r1.pipeline; an error at the module
/// when it has none or several.
mlir::FailureOr<llvm::json::Value> buildPlanJson(mlir::ModuleOp module,
                                                 llvm::StringRef sourceDir);

/// Prints plan.json's text (two-space indent, trailing newline).
void printPlanJson(const llvm::json::Value &plan, llvm::raw_ostream &os);

/// Registers the `--r1-to-plan-json` translation (with its option
/// `--r1-source-dir`) for r1c-translate.
void registerToPlanJsonTranslation();

/// Writes `path` through a temporary file renamed into place; on failure,
/// an error naming the file.
mlir::LogicalResult
writeFileAtomically(mlir::MLIRContext *ctx, llvm::StringRef path,
                    llvm::function_ref<void(llvm::raw_ostream &)> fn);

/// Writes the bundle directory `dir` (created if needed): plan.json,
/// ir.mlir (the module as compiled) and source.r1p (`sourceText`). Each file
/// is written to a temporary and renamed into place.
mlir::LogicalResult writePlanBundle(mlir::ModuleOp module, llvm::StringRef dir,
                                    llvm::StringRef sourceText,
                                    llvm::StringRef sourceDir);

/// Converts an attribute (integers, floats, bools, strings, arrays,
/// dictionaries) to JSON; other attributes become their MLIR text.
llvm::json::Value attrToJson(mlir::Attribute attr);

} // namespace r1

#endif // R1_TARGET_PLANWRITER_H
