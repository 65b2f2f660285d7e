//===- RecipeAnalysis.cpp - Walks over the stage DAG of a recipe ---------===//

#include "r1/Dialect/R1/RecipeAnalysis.h"
#include "r1/Dialect/R1/ModelMath.h"
#include "r1/Dialect/R1/R1Schema.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace r1;

ModelOp r1::getRootModel(Value weights) {
  for (unsigned depth = 0; depth < 10000 && weights; ++depth) {
    Operation *def = weights.getDefiningOp();
    if (!def)
      return nullptr;
    if (auto model = dyn_cast<ModelOp>(def))
      return model;
    weights = TypeSwitch<Operation *, Value>(def)
                  .Case<PretrainOp, SftOp, GrpoOp, PpoOp>(
                      [](auto op) { return op.getInit(); })
                  .Case<DistillOp>([](auto op) { return op.getStudent(); })
                  .Case<PretrainedOp>([](auto op) { return op.getModel(); })
                  .Default([](Operation *) { return Value(); });
  }
  return nullptr;
}

StringRef r1::getDefName(Value v) {
  if (auto pretrained = v.getDefiningOp<PretrainedOp>())
    v = pretrained.getModel();
  if (Operation *def = v.getDefiningOp())
    if (auto name = def->getAttrOfType<StringAttr>("sym_name"))
      return name.getValue();
  return "?";
}

SmallVector<RewardOp> r1::getRewardLeaves(Value reward) {
  SmallVector<RewardOp> out;
  SmallVector<Value> work{reward};
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (auto leaf = v.getDefiningOp<RewardOp>()) {
      if (!llvm::is_contained(out, leaf))
        out.push_back(leaf);
    } else if (auto expr = v.getDefiningOp<RewardExprOp>()) {
      for (Value in : llvm::reverse(expr.getInputs()))
        work.push_back(in);
    }
  }
  return out;
}

int64_t r1::getDatasetSize(Value data) {
  Operation *def = data.getDefiningOp();
  if (!def)
    return 0;
  if (auto ds = dyn_cast<DatasetOp>(def))
    return getInt(ds.getConfig(), "count");
  if (auto rs = dyn_cast<RejectSampleOp>(def))
    return getDatasetSize(rs.getData()) *
           getInt(getResolvedConfig(rs), "per_prompt");
  if (auto mix = dyn_cast<MixOp>(def)) {
    int64_t total = 0;
    for (Value in : mix.getInputs()) {
      int64_t n = getDatasetSize(in);
      if (n == 0)
        return 0;
      total += n;
    }
    return total;
  }
  return 0;
}

DictionaryAttr r1::getResolvedConfig(Operation *op) {
  return TypeSwitch<Operation *, DictionaryAttr>(op)
      .Case<ModelOp>([](ModelOp m) { return resolveModelConfig(m); })
      .Case<DatasetOp>([](DatasetOp d) {
        return resolveConfig(d.getConfig(), getDatasetSchema(d.getSource()));
      })
      .Case<RewardOp>([](RewardOp r) {
        return resolveConfig(r.getConfig(), getRewardSchema(r.getKind()));
      })
      .Default([](Operation *op) -> DictionaryAttr {
        if (!isStageOp(op))
          return nullptr;
        auto cfg = op->getAttrOfType<DictionaryAttr>("config");
        return resolveConfig(cfg, getStageSchema(op->getName().getStringRef()));
      });
}
