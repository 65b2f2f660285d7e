//===- ExprTree.cpp - Loss and reward bodies as plan.json trees ----------===//

#include "ExprTree.h"
#include "r1/Dialect/R1/ExprMatchers.h"
#include "r1/Dialect/R1/R1Ops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cstdio>
#include <cstdlib>

using namespace mlir;
using namespace r1;
namespace json = llvm::json;

namespace {
json::Value node(StringRef op, std::vector<json::Value> args) {
  return json::Object{{"op", op}, {"args", json::Array(std::move(args))}};
}

json::Value constant(double v) {
  return json::Object{{"op", "const"}, {"value", v}};
}

StringRef cmpName(arith::CmpFPredicate p) {
  using P = arith::CmpFPredicate;
  switch (p) {
  case P::OLT:
  case P::ULT:
    return "lt";
  case P::OLE:
  case P::ULE:
    return "le";
  case P::OGT:
  case P::UGT:
    return "gt";
  case P::OGE:
  case P::UGE:
    return "ge";
  case P::OEQ:
  case P::UEQ:
    return "eq";
  case P::ONE:
  case P::UNE:
    return "ne";
  default:
    return "";
  }
}

struct TreeBuilder {
  ArrayRef<std::string> params;
  Block &body;

  FailureOr<json::Value> build(Value v, unsigned depth = 0) {
    if (depth > 1000)
      return emitError(v.getLoc())
             << "expression nests too deeply for plan.json";
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      if (arg.getOwner() != &body || arg.getArgNumber() >= params.size())
        return emitError(v.getLoc())
               << "expression reads a value from outside its body";
      return json::Value(
          json::Object{{"op", "param"}, {"name", params[arg.getArgNumber()]}});
    }
    Operation *op = v.getDefiningOp();
    auto args = [&](std::initializer_list<Value> vs)
        -> FailureOr<std::vector<json::Value>> {
      std::vector<json::Value> out;
      for (Value a : vs) {
        auto t = build(a, depth + 1);
        if (failed(t))
          return failure();
        out.push_back(std::move(*t));
      }
      return out;
    };
    auto nary = [&](StringRef name,
                    std::initializer_list<Value> vs) -> FailureOr<json::Value> {
      auto a = args(vs);
      if (failed(a))
        return failure();
      return node(name, std::move(*a));
    };
    if (auto c = dyn_cast<arith::ConstantOp>(op)) {
      if (auto f = dyn_cast<FloatAttr>(c.getValue())) {
        // The shortest decimal that round-trips in the constant's own type:
        // 0.8f is written 0.8, not 0.800000011920929.
        if (f.getType().isF32()) {
          float x = f.getValue().convertToFloat();
          for (int digits = 1; digits <= 9; ++digits) {
            char buf[32];
            std::snprintf(buf, sizeof(buf), "%.*g", digits, double(x));
            double shortest = std::strtod(buf, nullptr);
            if (float(shortest) == x)
              return constant(shortest);
          }
        }
        return constant(f.getValueAsDouble());
      }
      if (auto i = dyn_cast<IntegerAttr>(c.getValue()))
        return constant(i.getType().isInteger(1)
                            ? double(i.getValue().getBoolValue())
                            : double(i.getInt()));
    }
    if (auto o = dyn_cast<arith::AddFOp>(op))
      return nary("add", {o.getLhs(), o.getRhs()});
    if (auto o = dyn_cast<arith::SubFOp>(op))
      return nary("sub", {o.getLhs(), o.getRhs()});
    if (auto o = dyn_cast<arith::MulFOp>(op))
      return nary("mul", {o.getLhs(), o.getRhs()});
    if (auto o = dyn_cast<arith::DivFOp>(op))
      return nary("div", {o.getLhs(), o.getRhs()});
    if (auto o = dyn_cast<arith::NegFOp>(op))
      return nary("neg", {o.getOperand()});
    if (auto o = dyn_cast<math::ExpOp>(op))
      return nary("exp", {o.getOperand()});
    if (auto o = dyn_cast<math::LogOp>(op))
      return nary("log", {o.getOperand()});
    if (auto o = dyn_cast<math::AbsFOp>(op))
      return nary("abs", {o.getOperand()});
    // clamp(x, lo, hi) before its min(max(x, lo), hi): the interpreter's
    // torch.clamp has the subgradient r1-differentiate-loss uses.
    if (auto m = matchClamp(op))
      return nary("clamp", {m->x, m->lo, m->hi});
    if (auto o = dyn_cast<arith::MinimumFOp>(op))
      return nary("min", {o.getLhs(), o.getRhs()});
    if (auto o = dyn_cast<arith::MinNumFOp>(op))
      return nary("min", {o.getLhs(), o.getRhs()});
    if (auto o = dyn_cast<arith::MaximumFOp>(op))
      return nary("max", {o.getLhs(), o.getRhs()});
    if (auto o = dyn_cast<arith::MaxNumFOp>(op))
      return nary("max", {o.getLhs(), o.getRhs()});
    if (auto o = dyn_cast<arith::SelectOp>(op))
      return nary("where",
                  {o.getCondition(), o.getTrueValue(), o.getFalseValue()});
    if (auto o = dyn_cast<arith::AndIOp>(op))
      return nary("and", {o.getLhs(), o.getRhs()});
    if (auto o = dyn_cast<arith::OrIOp>(op))
      return nary("or", {o.getLhs(), o.getRhs()});
    if (auto o = dyn_cast<arith::XOrIOp>(op)) {
      // `not x` is `x xor true`.
      for (auto [x, y] : {std::pair(o.getLhs(), o.getRhs()),
                          std::pair(o.getRhs(), o.getLhs())})
        if (auto c = y.getDefiningOp<arith::ConstantOp>())
          if (auto i = dyn_cast<IntegerAttr>(c.getValue()))
            if (i.getType().isInteger(1) && i.getValue().getBoolValue())
              return nary("not", {x});
    }
    if (auto o = dyn_cast<arith::UIToFPOp>(op))
      if (o.getIn().getType().isInteger(1))
        return build(o.getIn(), depth + 1); // comparisons are already 1/0
    if (auto o = dyn_cast<arith::CmpFOp>(op)) {
      StringRef name = cmpName(o.getPredicate());
      if (!name.empty())
        return nary(name, {o.getLhs(), o.getRhs()});
    }
    return op->emitError() << "'" << op->getName()
                           << "' has no plan.json expression form (supported: "
                              "add sub mul div neg exp log abs min max clamp "
                              "where comparisons and or not)";
  }
};
} // namespace

FailureOr<json::Value> r1::exprToTree(Block &body,
                                      ArrayRef<std::string> params) {
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield || yield.getValues().size() != 1)
    return failure();
  TreeBuilder b{params, body};
  return b.build(yield.getValues()[0]);
}

FailureOr<std::vector<json::Value>>
r1::exprToTrees(Block &body, ArrayRef<std::string> names) {
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield)
    return failure();
  TreeBuilder b{names, body};
  std::vector<json::Value> trees;
  for (Value v : yield.getValues()) {
    auto tree = b.build(v);
    if (failed(tree))
      return failure();
    trees.push_back(std::move(*tree));
  }
  return trees;
}
