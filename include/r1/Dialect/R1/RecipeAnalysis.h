//===- RecipeAnalysis.h - Walks over the stage DAG of a recipe -*- C++ -*-===//
//
// Small queries over the use-def graph of a pipeline that several passes
// and the plan writer share: which model a checkpoint descends from, which
// verifiers a reward reads, how many examples a dataset holds.
//
//===----------------------------------------------------------------------===//

#ifndef R1_RECIPEANALYSIS_H
#define R1_RECIPEANALYSIS_H

#include "r1/Dialect/R1/R1Ops.h"

#include "llvm/ADT/SmallVector.h"

namespace r1 {

/// The model whose weights a model or checkpoint value descends from
/// (following each training stage's initial weights and r1.pretrained), or
/// null.
ModelOp getRootModel(mlir::Value weights);

/// The stage op or declaration that defines `v`, for messages and plan
/// references: its `sym_name` (a pretrained model's for an r1.pretrained
/// value), or "?" when it has none.
llvm::StringRef getDefName(mlir::Value v);

/// The verifiers a reward value reads (through r1.reward.expr), in order,
/// without repeats.
llvm::SmallVector<RewardOp> getRewardLeaves(mlir::Value reward);

/// The number of examples a dataset value holds when it can be known at
/// compile time (task counts, rejection sampling upper bound, mixes), else 0.
int64_t getDatasetSize(mlir::Value data);

/// The resolved config of a stage, model, dataset or reward op (defaults
/// filled in; a model's derived fields too), or null for other ops.
mlir::DictionaryAttr getResolvedConfig(mlir::Operation *op);

} // namespace r1

#endif // R1_RECIPEANALYSIS_H
