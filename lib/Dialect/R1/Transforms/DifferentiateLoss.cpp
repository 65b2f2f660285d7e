//===- DifferentiateLoss.cpp - r1-differentiate-loss: loss backward ------===//

#include "r1/Dialect/R1/ExprMatchers.h"
#include "r1/Dialect/R1/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/TypeSwitch.h"

namespace r1 {
#define GEN_PASS_DEF_DIFFERENTIATELOSSPASS
#include "r1/Dialect/R1/Passes.h.inc"
} // namespace r1

using namespace mlir;
using namespace r1;

namespace {
using Pred = arith::CmpFPredicate;

/// Builds the backward block of one loss. The block first recomputes the
/// forward (primal) values, then walks the forward ops in reverse and
/// accumulates the adjoint of every active value: every float value that
/// depends on a differentiable parameter. Each rule is PyTorch's derivative
/// formula for the op the interpreter evaluates (tools/autograd/
/// derivatives.yaml), so ties and NaNs behave as under autograd.
class LossDifferentiator {
public:
  explicit LossDifferentiator(LossOp loss)
      : loss(loss), fwd(loss.getBody().front()), bwd(std::make_unique<Block>()),
        b(loss.getContext()), loc(loss.getLoc()) {}

  /// The backward block (arguments: the parameters, then `dloss`), or
  /// failure after an error at an op that has no rule.
  FailureOr<std::unique_ptr<Block>> run();

  /// The differentiated parameters, in declaration order.
  ArrayAttr getGradParams() { return b.getStrArrayAttr(gradParams); }

private:
  LossOp loss;
  Block &fwd;
  std::unique_ptr<Block> bwd;
  OpBuilder b;
  Location loc;     ///< of the forward op being differentiated
  IRMapping primal; ///< forward value -> its recomputation in bwd
  llvm::DenseSet<Value> active;
  llvm::DenseMap<Value, Value> adjoints; ///< forward value -> adjoint in bwd
  Value zeroValue, halfValue;
  SmallVector<StringRef> gradParams;

  bool isActive(Value v) { return active.contains(v); }
  Value p(Value v) { return primal.lookupOrDefault(v); }
  Value zero() {
    if (!zeroValue)
      zeroValue =
          arith::ConstantOp::create(b, loss.getLoc(), b.getF32FloatAttr(0.0f));
    return zeroValue;
  }
  Value half() {
    if (!halfValue)
      halfValue =
          arith::ConstantOp::create(b, loss.getLoc(), b.getF32FloatAttr(0.5f));
    return halfValue;
  }
  Value cmp(Pred pred, Value l, Value r) {
    return arith::CmpFOp::create(b, loc, pred, l, r);
  }
  Value select(Value c, Value t, Value f) {
    return arith::SelectOp::create(b, loc, c, t, f);
  }
  Value mul(Value l, Value r) { return arith::MulFOp::create(b, loc, l, r); }
  Value div(Value l, Value r) { return arith::DivFOp::create(b, loc, l, r); }
  Value neg(Value x) { return arith::NegFOp::create(b, loc, x); }
  /// sign(x) as 1.0/0.0/-1.0, 0 at 0 and NaN: (x > 0) - (x < 0).
  Value sign(Value x) {
    Type f32 = b.getF32Type();
    Value z = zero();
    Value positive = arith::UIToFPOp::create(b, loc, f32, cmp(Pred::OGT, x, z));
    Value negative = arith::UIToFPOp::create(b, loc, f32, cmp(Pred::OLT, x, z));
    return arith::SubFOp::create(b, loc, positive, negative);
  }
  /// `where(c, g, 0)`, with c = l && r (or l || r).
  Value gate(Value l, Value r, bool isAnd, Value g) {
    Value c = isAnd ? Value(arith::AndIOp::create(b, loc, l, r))
                    : Value(arith::OrIOp::create(b, loc, l, r));
    return select(c, g, zero());
  }

  /// Adds `d` to the adjoint of the forward value `v`.
  void accumulate(Value v, Value d) {
    Value &slot = adjoints[v];
    slot = slot ? Value(arith::AddFOp::create(b, loc, slot, d)) : d;
  }

  void backpropMinMax(Value l, Value r, Value g, bool isMin);
  void backpropClamp(const ClampMatch &m, Value g);
  LogicalResult backprop(Operation *op, Value g);
};

/// torch.minimum: d/dl = where(l > r, 0, where(l == r, g / 2, g)), and
/// symmetrically for r (torch.maximum swaps `>` and `<`). A tie splits the
/// gradient equally; a NaN passes it to both sides.
void LossDifferentiator::backpropMinMax(Value l, Value r, Value g, bool isMin) {
  Value pl = p(l), pr = p(r);
  Value halfG = mul(g, half());
  Value split = select(cmp(Pred::OEQ, pl, pr), halfG, g);
  Value z = zero();
  Pred lLoses = isMin ? Pred::OGT : Pred::OLT;
  Pred rLoses = isMin ? Pred::OLT : Pred::OGT;
  if (isActive(l))
    accumulate(l, select(cmp(lLoses, pl, pr), z, split));
  if (isActive(r))
    accumulate(r, select(cmp(rLoses, pl, pr), z, split));
}

/// torch.clamp(x, lo, hi): x gets g where lo <= x <= hi; a tensor bound gets
/// g where it is the value taken (lo: x < lo < hi; hi: x > hi or hi < lo).
void LossDifferentiator::backpropClamp(const ClampMatch &m, Value g) {
  Value x = p(m.x), lo = p(m.lo), hi = p(m.hi);
  if (isActive(m.x)) {
    Value geLo = cmp(Pred::OGE, x, lo);
    Value leHi = cmp(Pred::OLE, x, hi);
    accumulate(m.x, gate(geLo, leHi, /*isAnd=*/true, g));
  }
  if (isActive(m.lo)) {
    Value below = cmp(Pred::OLT, x, lo);
    Value ordered = cmp(Pred::OLT, lo, hi);
    accumulate(m.lo, gate(below, ordered, /*isAnd=*/true, g));
  }
  if (isActive(m.hi)) {
    Value above = cmp(Pred::OGT, x, hi);
    Value crossed = cmp(Pred::OLT, hi, lo);
    accumulate(m.hi, gate(above, crossed, /*isAnd=*/false, g));
  }
}

/// Adds the contributions of `op`, whose result has adjoint `g`, to the
/// adjoints of its active operands.
LogicalResult LossDifferentiator::backprop(Operation *op, Value g) {
  loc = op->getLoc();
  if (std::optional<ClampMatch> m = matchClamp(op)) {
    backpropClamp(*m, g);
    return success();
  }
  auto unary = [&](Value x, llvm::function_ref<Value()> d) {
    if (isActive(x))
      accumulate(x, d());
    return success();
  };
  auto binary = [&](Value l, Value r, llvm::function_ref<Value()> dl,
                    llvm::function_ref<Value()> dr) {
    if (isActive(l))
      accumulate(l, dl());
    if (isActive(r))
      accumulate(r, dr());
    return success();
  };
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](arith::AddFOp o) {
        return binary(
            o.getLhs(), o.getRhs(), [&] { return g; }, [&] { return g; });
      })
      .Case([&](arith::SubFOp o) {
        return binary(
            o.getLhs(), o.getRhs(), [&] { return g; }, [&] { return neg(g); });
      })
      .Case([&](arith::MulFOp o) {
        return binary(
            o.getLhs(), o.getRhs(), [&] { return mul(g, p(o.getRhs())); },
            [&] { return mul(g, p(o.getLhs())); });
      })
      .Case([&](arith::DivFOp o) {
        // d/dr = -g * ((l / r) / r).
        return binary(
            o.getLhs(), o.getRhs(), [&] { return div(g, p(o.getRhs())); },
            [&] {
              Value negG = neg(g);
              return mul(negG, div(p(o.getResult()), p(o.getRhs())));
            });
      })
      .Case([&](arith::NegFOp o) {
        return unary(o.getOperand(), [&] { return neg(g); });
      })
      .Case([&](math::ExpOp o) {
        return unary(o.getOperand(), [&] { return mul(g, p(o.getResult())); });
      })
      .Case([&](math::LogOp o) {
        return unary(o.getOperand(), [&] { return div(g, p(o.getOperand())); });
      })
      .Case([&](math::AbsFOp o) {
        return unary(o.getOperand(),
                     [&] { return mul(g, sign(p(o.getOperand()))); });
      })
      .Case<arith::MinimumFOp, arith::MinNumFOp>([&](auto o) {
        backpropMinMax(o.getLhs(), o.getRhs(), g, /*isMin=*/true);
        return success();
      })
      .Case<arith::MaximumFOp, arith::MaxNumFOp>([&](auto o) {
        backpropMinMax(o.getLhs(), o.getRhs(), g, /*isMin=*/false);
        return success();
      })
      .Case([&](arith::SelectOp o) {
        // The condition is an i1 and never active.
        Value c = p(o.getCondition());
        Value z = zero();
        return binary(
            o.getTrueValue(), o.getFalseValue(),
            [&] { return select(c, g, z); }, [&] { return select(c, z, g); });
      })
      .Default([&](Operation *) { return failure(); });
}

FailureOr<std::unique_ptr<Block>> LossDifferentiator::run() {
  for (BlockArgument arg : fwd.getArguments())
    primal.map(arg, bwd->addArgument(arg.getType(), arg.getLoc()));
  Value dloss = bwd->addArgument(b.getF32Type(), loss.getLoc());
  SmallVector<BlockArgument> wrt;
  for (auto [arg, name] :
       llvm::zip(fwd.getArguments(), loss.getParams().getAsRange<StringAttr>()))
    if (LossOp::isDifferentiableParam(name.getValue())) {
      wrt.push_back(arg);
      gradParams.push_back(name.getValue());
      active.insert(arg);
    }

  // Recompute the forward and find the active values. Constants and
  // comparisons have no gradient, and integers (i1) carry none. Any other
  // float result of an op with an active operand is active, so that an op
  // without a rule (a cast to f64, say) is an error, never a silent zero.
  b.setInsertionPointToEnd(bwd.get());
  for (Operation &op : fwd.without_terminator()) {
    b.clone(op, primal);
    if (isa<arith::ConstantOp, arith::CmpFOp>(op) ||
        llvm::none_of(op.getOperands(), [&](Value v) { return isActive(v); }))
      continue;
    for (Value r : op.getResults())
      if (isa<FloatType>(getElementTypeOrSelf(r.getType())))
        active.insert(r);
  }

  // Reverse sweep.
  Value out = cast<YieldOp>(fwd.getTerminator()).getValues()[0];
  if (isActive(out))
    adjoints[out] = dloss;
  for (Operation &op : llvm::reverse(fwd.without_terminator())) {
    auto hasAdjoint = [&](Value r) { return adjoints.contains(r); };
    if (llvm::none_of(op.getResults(), hasAdjoint))
      continue;
    if (op.getNumResults() == 1 &&
        succeeded(backprop(&op, adjoints.lookup(op.getResult(0)))))
      continue;
    InFlightDiagnostic diag =
        op.emitOpError()
        << "has no derivative rule (r1-differentiate-loss supports arith "
           "addf subf mulf divf negf minimumf maximumf select cmpf constant "
           "and math exp log absf)";
    diag.attachNote(loss.getLoc())
        << "while differentiating loss '" << loss.getSymName() << "'";
    return failure();
  }

  SmallVector<Value> grads;
  for (BlockArgument arg : wrt) {
    Value g = adjoints.lookup(arg);
    grads.push_back(g ? g : zero());
  }
  YieldOp::create(b, loss.getLoc(), grads);

  // Drop the recomputed forward values the backward does not read.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*bwd)))
    if (isOpTriviallyDead(&op))
      op.erase();
  return std::move(bwd);
}

struct DifferentiateLossPass
    : public r1::impl::DifferentiateLossPassBase<DifferentiateLossPass> {
  void runOnOperation() override {
    bool ok = true;
    for (LossOp loss : getOperation().getBodyBlock().getOps<LossOp>()) {
      LossDifferentiator differentiator(loss);
      FailureOr<std::unique_ptr<Block>> block = differentiator.run();
      if (failed(block)) {
        ok = false;
        continue;
      }
      Region &grad = loss.getGrad();
      grad.dropAllReferences();
      while (!grad.empty())
        grad.front().erase();
      grad.push_back(block->release());
      loss.setGradParamsAttr(differentiator.getGradParams());
    }
    if (!ok)
      signalPassFailure();
  }
};
} // namespace
