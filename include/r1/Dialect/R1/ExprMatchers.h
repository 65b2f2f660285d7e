//===- ExprMatchers.h - Idioms of loss and reward bodies -------*- C++ -*-===//
//
// Shapes of arith/math IR that stand for one operation of the .r1p
// expression language, shared by the plan.json writer and
// r1-differentiate-loss so that both read a body the same way.
//
//===----------------------------------------------------------------------===//

#ifndef R1_EXPRMATCHERS_H
#define R1_EXPRMATCHERS_H

#include "mlir/IR/Operation.h"

#include <optional>

namespace r1 {

/// The operands of a `clamp(x, lo, hi)`.
struct ClampMatch {
  mlir::Value x, lo, hi;
};

/// Matches `arith.minimumf(arith.maximumf(x, lo), hi)`, the front end's
/// lowering of `clamp(x, lo, hi)`, at the `minimumf`. Both have the forward
/// value of `torch.clamp`; the match gives the subgradient of `torch.clamp`
/// (gradient to x for lo <= x <= hi) rather than the tie-splitting one of
/// `torch.minimum(torch.maximum(...))`.
std::optional<ClampMatch> matchClamp(mlir::Operation *op);

} // namespace r1

#endif // R1_EXPRMATCHERS_H
