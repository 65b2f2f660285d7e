//===- ExprTree.h - Loss and reward bodies as plan.json trees --*- C++ -*-===//
//
// Turns the arith/math body of an r1.loss or r1.reward.expr, or a loss's
// backward, into the expression trees of plan.json
// (`{"op":"add","args":[...]}`), which the runtime interprets.
//
//===----------------------------------------------------------------------===//

#ifndef R1_TARGET_EXPRTREE_H
#define R1_TARGET_EXPRTREE_H

#include "mlir/IR/Block.h"
#include "llvm/Support/JSON.h"

namespace r1 {

/// The tree of the value `body` yields; block argument i becomes
/// `{"op":"param","name":params[i]}`. Fails with an error at the op that has
/// no tree form.
mlir::FailureOr<llvm::json::Value>
exprToTree(mlir::Block &body, llvm::ArrayRef<std::string> params);

/// One tree per value `body` yields (a loss backward yields one per
/// differentiated parameter); block argument i becomes
/// `{"op":"param","name":names[i]}`.
mlir::FailureOr<std::vector<llvm::json::Value>>
exprToTrees(mlir::Block &body, llvm::ArrayRef<std::string> names);

} // namespace r1

#endif // R1_TARGET_EXPRTREE_H
