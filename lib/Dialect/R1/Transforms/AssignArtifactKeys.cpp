//===- AssignArtifactKeys.cpp - r1-assign-artifact-keys: Merkle keys -----===//

#include "r1/Dialect/R1/Passes.h"
#include "r1/Dialect/R1/RecipeAnalysis.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"

namespace r1 {
#define GEN_PASS_DEF_ASSIGNARTIFACTKEYSPASS
#include "r1/Dialect/R1/Passes.h.inc"
} // namespace r1

using namespace mlir;
using namespace r1;

StringRef r1::getArtifactKey(Operation *stage) {
  if (auto key = stage->getAttrOfType<StringAttr>("r1.key"))
    return key.getValue();
  return "";
}

namespace {
/// True for attributes that do not define what an op computes: names,
/// earlier keys, cost annotations and the parameters of a loss's derived
/// backward.
bool isIgnoredAttr(StringRef name) {
  return name == "sym_name" || name == "grad_params" || name.starts_with("r1.");
}

struct AssignArtifactKeysPass
    : public r1::impl::AssignArtifactKeysPassBase<AssignArtifactKeysPass> {
  llvm::DenseMap<Operation *, std::string> keys;

  /// Feeds an attribute's canonical text to the hash.
  static void hashAttr(llvm::SHA256 &h, Attribute a) {
    std::string text;
    llvm::raw_string_ostream os(text);
    a.print(os);
    h.update(text);
    h.update(StringRef("\0", 1));
  }

  /// Hashes the ops of an expression body structurally: op names,
  /// attributes, result types and operand positions (values numbered in
  /// definition order), never SSA names or locations.
  static void hashBody(llvm::SHA256 &h, Block &block) {
    llvm::DenseMap<Value, unsigned> ids;
    for (BlockArgument arg : block.getArguments())
      ids[arg] = ids.size();
    for (Operation &op : block) {
      h.update(op.getName().getStringRef());
      for (Value v : op.getOperands())
        h.update("%" + std::to_string(ids.lookup(v)));
      // Inherent attributes (properties: cmpf predicates, constants) and
      // discardable ones.
      if (Attribute props = op.getPropertiesAsAttribute())
        hashAttr(h, props);
      for (NamedAttribute na : op.getDiscardableAttrDictionary()) {
        h.update(na.getName().getValue());
        hashAttr(h, na.getValue());
      }
      for (Value r : op.getResults()) {
        std::string t;
        llvm::raw_string_ostream os(t);
        r.getType().print(os);
        h.update(t);
        ids[r] = ids.size();
      }
      h.update(";");
    }
  }

  /// The key of the op defining a value (its declaration or stage).
  std::string keyOf(Operation *op, int64_t seed) {
    auto it = keys.find(op);
    if (it != keys.end())
      return it->second;
    llvm::SHA256 h;
    h.update(op->getName().getStringRef());
    if (isStageOp(op))
      h.update("seed=" + std::to_string(seed));
    DictionaryAttr resolved = getResolvedConfig(op);
    if (resolved)
      hashAttr(h, resolved);
    for (NamedAttribute na : op->getDiscardableAttrDictionary())
      if (!isIgnoredAttr(na.getName().getValue())) {
        h.update(na.getName().getValue());
        hashAttr(h, na.getValue());
      }
    if (Attribute props = op->getPropertiesAsAttribute())
      for (NamedAttribute na : cast<DictionaryAttr>(props)) {
        StringRef n = na.getName().getValue();
        if (isIgnoredAttr(n) || (resolved && n == "config"))
          continue;
        h.update(n);
        hashAttr(h, na.getValue());
      }
    // A loss's backward is derived from its body (r1-differentiate-loss),
    // so keys are the same before and after that pass.
    auto loss = dyn_cast<LossOp>(op);
    for (Region &r : op->getRegions())
      if (!r.empty() && !(loss && &r == &loss.getGrad()))
        hashBody(h, r.front());
    for (Value v : op->getOperands()) {
      h.update("<-");
      if (Operation *def = v.getDefiningOp())
        h.update(keyOf(def, seed));
    }
    std::array<uint8_t, 32> digest = h.final();
    std::string key = llvm::toHex(ArrayRef<uint8_t>(digest.data(), 16),
                                  /*LowerCase=*/true);
    keys[op] = key;
    return key;
  }

  void runOnOperation() override {
    keys.clear();
    PipelineOp pipeline = getOperation();
    Builder b(&getContext());
    for (Operation &op : pipeline.getBodyBlock())
      if (isStageOp(&op))
        op.setAttr("r1.key", b.getStringAttr(keyOf(&op, pipeline.getSeed())));
  }
};
} // namespace
