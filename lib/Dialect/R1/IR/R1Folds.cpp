//===- R1Folds.cpp - Folders and canonicalizations of reward/loss bodies --===//

#include "r1/Dialect/R1/R1Ops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/BitVector.h"

using namespace mlir;
using namespace r1;

//===----------------------------------------------------------------------===//
// RewardExprOp
//===----------------------------------------------------------------------===//

/// `r1.reward.expr(%a) { ^bb0(%x: f32): r1.yield %x : f32 }` is `%a`.
OpFoldResult RewardExprOp::fold(FoldAdaptor) {
  auto yield = cast<YieldOp>(getBody().front().getTerminator());
  auto arg = dyn_cast<BlockArgument>(yield.getValues()[0]);
  if (!arg || arg.getOwner() != &getBody().front() || !arg.getType().isF32())
    return {};
  return getInputs()[arg.getArgNumber()];
}

namespace {
/// Merges repeated inputs and drops inputs the body never reads, so that a
/// combined reward lists each verifier once (`a + a` over one input).
struct SimplifyRewardInputs : OpRewritePattern<RewardExprOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(RewardExprOp op,
                                PatternRewriter &rewriter) const override {
    Block &block = op.getBody().front();
    unsigned n = op.getInputs().size();
    llvm::BitVector drop(n);
    for (unsigned i = 0; i < n; ++i) {
      if (block.getArgument(i).use_empty()) {
        drop.set(i);
        continue;
      }
      for (unsigned j = 0; j < i; ++j)
        if (!drop.test(j) && op.getInputs()[j] == op.getInputs()[i]) {
          rewriter.replaceAllUsesWith(block.getArgument(i),
                                      block.getArgument(j));
          drop.set(i);
          break;
        }
    }
    if (drop.none())
      return failure();
    SmallVector<Value> inputs;
    for (unsigned i = 0; i < n; ++i)
      if (!drop.test(i))
        inputs.push_back(op.getInputs()[i]);
    auto newOp = RewardExprOp::create(rewriter, op.getLoc(),
                                      op.getResult().getType(), inputs);
    rewriter.inlineRegionBefore(op.getBody(), newOp.getBody(),
                                newOp.getBody().end());
    Block &moved = newOp.getBody().front();
    rewriter.modifyOpInPlace(newOp, [&] { moved.eraseArguments(drop); });
    rewriter.replaceOp(op, newOp.getResult());
    return success();
  }
};

/// `log(exp(x))` is `x` inside loss and reward bodies: it removes an overflow
/// for large x and two transcendental calls per token.
struct FoldLogOfExp : OpRewritePattern<math::LogOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(math::LogOp op,
                                PatternRewriter &rewriter) const override {
    if (!op->getParentOfType<LossOp>() && !op->getParentOfType<RewardExprOp>())
      return failure();
    auto exp = op.getOperand().getDefiningOp<math::ExpOp>();
    if (!exp)
      return failure();
    rewriter.replaceOp(op, exp.getOperand());
    return success();
  }
};

/// `x - (x - y)` is `y` and `(x + y) - y` is `x` inside loss bodies; the
/// k3 KL term written naively produces them once `let`s are inlined.
struct FoldSubOfAddSub : OpRewritePattern<arith::SubFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::SubFOp op,
                                PatternRewriter &rewriter) const override {
    if (!op->getParentOfType<LossOp>() && !op->getParentOfType<RewardExprOp>())
      return failure();
    if (auto inner = op.getRhs().getDefiningOp<arith::SubFOp>())
      if (inner.getLhs() == op.getLhs()) {
        rewriter.replaceOp(op, inner.getRhs());
        return success();
      }
    if (auto inner = op.getLhs().getDefiningOp<arith::AddFOp>())
      if (inner.getRhs() == op.getRhs()) {
        rewriter.replaceOp(op, inner.getLhs());
        return success();
      }
    return failure();
  }
};
} // namespace

void RewardExprOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                               MLIRContext *context) {
  results.add<SimplifyRewardInputs, FoldLogOfExp, FoldSubOfAddSub>(context);
}

void LossOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                         MLIRContext *context) {
  results.add<FoldLogOfExp, FoldSubOfAddSub>(context);
}
