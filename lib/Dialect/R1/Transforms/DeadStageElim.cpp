//===- DeadStageElim.cpp - r1-dead-stage-elim: drop unused stages --------===//

#include "r1/Dialect/R1/Passes.h"

#include "llvm/ADT/SmallPtrSet.h"

namespace r1 {
#define GEN_PASS_DEF_DEADSTAGEELIMPASS
#include "r1/Dialect/R1/Passes.h.inc"
} // namespace r1

using namespace mlir;
using namespace r1;

namespace {
struct DeadStageElimPass
    : public r1::impl::DeadStageElimPassBase<DeadStageElimPass> {
  void runOnOperation() override {
    Block &body = getOperation().getBodyBlock();
    // Liveness flows backwards from the sinks (eval, export) through the
    // operands of live stages.
    llvm::SmallPtrSet<Operation *, 16> live;
    SmallVector<Operation *> work;
    for (Operation &op : body)
      if (isSinkStageOp(&op))
        work.push_back(&op);
    if (work.empty())
      return markAllAnalysesPreserved(); // nothing to measure liveness by
    while (!work.empty()) {
      Operation *op = work.pop_back_val();
      if (!live.insert(op).second)
        continue;
      for (Value v : op->getOperands())
        if (Operation *def = v.getDefiningOp())
          if (isStageOp(def))
            work.push_back(def);
    }
    SmallVector<Operation *> dead;
    for (Operation &op : body)
      if (isStageOp(&op) && !live.contains(&op))
        dead.push_back(&op);
    if (dead.empty())
      return markAllAnalysesPreserved();
    std::string names;
    for (Operation *op : dead)
      names += (names.empty() ? "'" : ", '") +
               op->getAttrOfType<StringAttr>("sym_name").getValue().str() + "'";
    getOperation().emitRemark()
        << "r1-dead-stage-elim: removed " << dead.size() << " stage"
        << (dead.size() == 1 ? "" : "s") << " whose results reach no eval "
        << "or export: " << names;
    // Erase consumers before producers.
    for (Operation *op : llvm::reverse(dead)) {
      op->dropAllUses();
      op->erase();
    }
  }
};
} // namespace
