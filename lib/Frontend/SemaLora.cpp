//===- SemaLora.cpp - Checks of a stage's `lora { ... }` block ------------===//
//
// The block's fields are checked against Params.def (rank, alpha, targets)
// by normalize; here they are checked against the stage's model: each target
// must name a projection its architecture has, and the rank must fit every
// projection it adapts (rank <= min(in, out)), computed from the model's
// typed config with the same table the cost model uses (ModelMath.h).
//
//===----------------------------------------------------------------------===//

#include "Sema.h"

#include "r1/Dialect/R1/ModelMath.h"

#include "llvm/ADT/StringExtras.h"

using namespace r1;
using namespace r1::ast;

namespace {
/// The dimensions of a checked model (ModelMath's view of its config).
ModelDims dimsOf(const ModelDecl &m) {
  ModelDims d;
  if (m.arch == ModelDecl::Arch::Dense) {
    const DenseConfig &c = m.dense;
    d.arch = "dense";
    d.dim = c.dim, d.layers = c.layers, d.heads = c.heads;
    d.kvHeads = c.kvHeads, d.headDim = c.headDim, d.ffn = c.ffn;
    return d;
  }
  const DeepseekConfig &c = m.deepseek;
  d.arch = "deepseek";
  d.dim = c.dim, d.layers = c.layers, d.heads = c.heads;
  d.denseLayers = c.denseLayers, d.ffn = c.ffn;
  d.qRank = c.mla.qRank, d.kvRank = c.mla.kvRank, d.nopeDim = c.mla.nopeDim;
  d.ropeDim = c.mla.ropeDim, d.vDim = c.mla.vDim;
  d.experts = c.moe.experts, d.shared = c.moe.shared;
  d.expertDim = c.moe.expertDim;
  return d;
}
} // namespace

void Sema::checkLora(StageDecl &decl, const BlockExpr &lora) {
  const CallExpr &call = *decl.getCall();
  const Expr *init =
      call.getArgs().empty() ? nullptr : call.getArgs().front().value.get();
  const ModelDecl *model = rootModel(init);
  const auto *rank =
      llvm::dyn_cast_or_null<IntExpr>(lora.getFieldValue("rank"));
  const auto *targets =
      llvm::dyn_cast_or_null<ListExpr>(lora.getFieldValue("targets"));
  if (!model || !rank || !targets || targets->getType() != Expr::Type::Symbol)
    return; // reported already
  ModelDims dims = dimsOf(*model);
  llvm::SmallVector<LoraProjection> projections = getLoraProjections(dims);
  llvm::SmallVector<llvm::StringRef> has;
  for (const LoraProjection &p : projections)
    if (!llvm::is_contained(has, p.target))
      has.push_back(p.target);
  std::string archDesc = dims.arch;
  if (dims.arch == "deepseek")
    archDesc +=
        dims.qRank ? " (MLA with q_rank > 0)" : " (MLA with q_rank = 0)";

  // The smallest min(in, out) over the adapted projections.
  const LoraProjection *tightest = nullptr;
  for (const auto &element : targets->getElements()) {
    llvm::StringRef target = llvm::cast<NameExpr>(*element).getName();
    if (!llvm::is_contained(has, target)) {
      error(element->getLoc(), "LoRA target '" + target +
                                   "' is not a projection of model '" +
                                   model->getName() + "', a " + archDesc +
                                   " model; it has " + llvm::join(has, ", "))
              .attachNote(model->getLoc())
          << "model '" << model->getName() << "' is declared here";
      continue;
    }
    for (const LoraProjection &p : projections)
      if (target == p.target &&
          (!tightest ||
           std::min(p.in, p.out) < std::min(tightest->in, tightest->out)))
        tightest = &p;
  }
  if (tightest && rank->getValue() > std::min(tightest->in, tightest->out))
    error(rank->getLoc(),
          "LoRA rank " + llvm::Twine(rank->getValue()) +
              " exceeds min(in, out) = " +
              llvm::Twine(std::min(tightest->in, tightest->out)) +
              " of projection '" + tightest->target + "' (" +
              llvm::Twine(tightest->in) + " -> " + llvm::Twine(tightest->out) +
              ") of model '" + model->getName() + "'")
            .attachNote(model->getLoc())
        << "model '" << model->getName() << "' is declared here";
}
