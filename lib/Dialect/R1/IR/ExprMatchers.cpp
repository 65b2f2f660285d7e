//===- ExprMatchers.cpp - Idioms of loss and reward bodies ----------------===//

#include "r1/Dialect/R1/ExprMatchers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

std::optional<r1::ClampMatch> r1::matchClamp(Operation *op) {
  auto min = dyn_cast<arith::MinimumFOp>(op);
  if (!min)
    return std::nullopt;
  auto max = min.getLhs().getDefiningOp<arith::MaximumFOp>();
  if (!max)
    return std::nullopt;
  return ClampMatch{max.getLhs(), max.getRhs(), min.getRhs()};
}
