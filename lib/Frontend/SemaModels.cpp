//===- SemaModels.cpp - Checks of .r1p model declarations ----------------===//
//
// `model m = deepseek { ... }` and `dense { ... }`: fields against the
// signatures, the sub-blocks (mla, moe, yarn), derived sizes and the
// vocabulary agreed with the tokenizer.
//
//===----------------------------------------------------------------------===//

#include "Sema.h"

#include "llvm/ADT/STLExtras.h"

using namespace r1;
using namespace r1::ast;

//===----------------------------------------------------------------------===//
// Models
//===----------------------------------------------------------------------===//

namespace {
/// Typed access to normalized fields.
struct Fields {
  llvm::ArrayRef<Arg> args;
  const Arg *find(llvm::StringRef n) const {
    for (const Arg &a : args)
      if (a.name == n)
        return &a;
    return nullptr;
  }
  int64_t i(llvm::StringRef n, int64_t dflt = 0) const {
    const Arg *a = find(n);
    return a ? llvm::cast<IntExpr>(a->value.get())->getValue() : dflt;
  }
  double f(llvm::StringRef n, double dflt = 0) const {
    const Arg *a = find(n);
    return a ? llvm::cast<FloatExpr>(a->value.get())->getValue() : dflt;
  }
  bool b(llvm::StringRef n) const {
    const Arg *a = find(n);
    return a && llvm::cast<BoolExpr>(a->value.get())->getValue();
  }
  mlir::Location loc(llvm::StringRef n, mlir::Location dflt) const {
    const Arg *a = find(n);
    return a && !a->isDefault ? a->loc : dflt;
  }
};
} // namespace

void Sema::checkModel(ModelDecl &decl) {
  if (decl.getSourceCall()) {
    checkModelSource(decl);
    return;
  }
  const Signature *sig = nullptr;
  if (decl.getArchName() == "deepseek" || decl.getArchName() == "dense")
    sig = lookupModelBlock(decl.getArchName());
  if (!sig) {
    error(decl.getArchLoc(),
          "unknown model architecture '" + decl.getArchName() +
              "'; expected deepseek or dense" +
              didYouMean(decl.getArchName(), {"deepseek", "dense"}));
    return;
  }
  std::string what = ("model '" + decl.getName() + "'").str();
  bool ok =
      succeeded(normalize(decl.getFieldsMutable(), *sig, decl.getLoc(), what));
  if (decl.getArchName() == "dense") {
    decl.arch = ModelDecl::Arch::Dense;
    for (const SubBlock &block : decl.getBlocks()) {
      error(block.loc, "dense models take no '" + block.name +
                           "' block; only deepseek models have sub-blocks");
      ok = false;
    }
    if (ok)
      checkDense(decl);
    return;
  }
  decl.arch = ModelDecl::Arch::Deepseek;
  llvm::StringMap<const SubBlock *> seen;
  for (SubBlock &block : decl.getBlocksMutable()) {
    const Signature *blockSig = nullptr;
    if (block.name == "mla" || block.name == "moe" || block.name == "yarn")
      blockSig = lookupModelBlock(block.name);
    if (!blockSig) {
      error(block.loc, "unknown block '" + block.name + "' in " + what +
                           "; expected mla, moe or yarn" +
                           didYouMean(block.name, {"mla", "moe", "yarn"}));
      ok = false;
      continue;
    }
    auto [it, inserted] = seen.try_emplace(block.name, &block);
    if (!inserted) {
      error(block.loc, "duplicate '" + block.name + "' block in " + what)
              .attachNote(it->second->loc)
          << "first '" << block.name << "' block is here";
      ok = false;
      continue;
    }
    if (failed(normalize(block.fields, *blockSig, block.loc,
                         ("block '" + block.name + "' of " + what))))
      ok = false;
  }
  for (llvm::StringRef needed : {"mla", "moe"})
    if (!seen.count(needed)) {
      error(decl.getLoc(),
            "deepseek " + what + " needs an '" + needed + " { ... }' block");
      ok = false;
    }
  if (ok)
    checkDeepseek(decl);
}

int64_t Sema::modelVocabSize(const ModelDecl &decl) {
  Fields top{decl.getFields()};
  mlir::Location at = decl.getLoc();
  int64_t vocab = tokenizerVocab();
  if (!top.find("vocab_size")) {
    if (!vocab && tokenizer)
      error(at, "model '" + decl.getName() +
                    "' needs vocab_size: an hf tokenizer's size is not known "
                    "at compile time");
    else if (!vocab && firstSourced &&
             declIndex.lookup(firstSourced) > currentIndex)
      error(at, "model '" + decl.getName() +
                    "' needs vocab_size: the pipeline's tokenizer comes with "
                    "model '" +
                    firstSourced->getName() + "', declared after it");
    return vocab;
  }
  int64_t written = top.i("vocab_size");
  if (vocab && written != vocab)
    error(top.loc("vocab_size", at),
          "vocab_size " + llvm::Twine(written) +
              " does not match the tokenizer's " + llvm::Twine(vocab) +
              " ids; remove vocab_size to use the tokenizer's");
  return written;
}

void Sema::checkDeepseek(ModelDecl &decl) {
  Fields top{decl.getFields()};
  Fields mla{}, moe{}, yarn{};
  mlir::Location mlaLoc = decl.getLoc(), moeLoc = decl.getLoc();
  const SubBlock *yarnBlock = nullptr;
  for (const SubBlock &block : decl.getBlocks()) {
    if (block.name == "mla")
      mla.args = block.fields, mlaLoc = block.loc;
    else if (block.name == "moe")
      moe.args = block.fields, moeLoc = block.loc;
    else
      yarn.args = block.fields, yarnBlock = &block;
  }
  DeepseekConfig &c = decl.deepseek;
  mlir::Location at = decl.getLoc();
  c.dim = top.i("dim");
  c.layers = top.i("layers");
  c.heads = top.i("heads");
  c.denseLayers = top.i("dense_layers");
  c.maxSeq = top.i("max_seq");
  c.ffn = top.find("ffn") ? top.i("ffn") : 4 * c.dim;
  c.normEps = top.f("norm_eps");
  c.ropeTheta = top.f("rope_theta");
  c.tieEmbeddings = top.b("tie_embeddings");
  c.mla.qRank = mla.i("q_rank");
  c.mla.kvRank = mla.i("kv_rank");
  c.mla.nopeDim = mla.i("nope_dim");
  c.mla.ropeDim = mla.i("rope_dim");
  c.mla.vDim = mla.i("v_dim");
  c.moe.experts = moe.i("experts");
  c.moe.shared = moe.i("shared");
  c.moe.topK = moe.i("top_k");
  c.moe.expertDim = moe.i("expert_dim");
  c.moe.score =
      llvm::cast<NameExpr>(moe.find("score")->value.get())->getName().str();
  c.moe.groups = moe.i("groups");
  c.moe.topkGroups = moe.i("topk_groups");
  c.moe.routeScale = moe.f("route_scale");
  c.moe.auxWeight = moe.f("aux_weight");
  const Expr *balance = moe.find("balance")->value.get();
  if (auto *call = llvm::dyn_cast<CallExpr>(balance)) {
    c.moe.balance = "bias";
    c.moe.biasRate =
        llvm::cast<FloatExpr>(call->getArgValue("rate"))->getValue();
  } else {
    // Without balancing the IR still records the default's rate.
    c.moe.balance = "none";
    llvm::StringRef dflt =
        lookupModelBlock("moe")->find("balance")->defaultValue;
    (void)dflt.drop_front(5).drop_back().getAsDouble(c.moe.biasRate);
  }

  c.vocabSize = modelVocabSize(decl);
  if (c.denseLayers > c.layers)
    error(top.loc("dense_layers", at),
          "dense_layers (" + llvm::Twine(c.denseLayers) + ") exceeds layers (" +
              llvm::Twine(c.layers) + ")");
  if (c.mla.ropeDim % 2)
    error(mla.loc("rope_dim", mlaLoc),
          "rope_dim must be even (RoPE rotates pairs), got " +
              llvm::Twine(c.mla.ropeDim));
  if (c.moe.topK > c.moe.experts)
    error(moe.loc("top_k", moeLoc), "top_k (" + llvm::Twine(c.moe.topK) +
                                        ") exceeds experts (" +
                                        llvm::Twine(c.moe.experts) + ")");
  else if (c.moe.experts % c.moe.groups)
    error(moe.loc("groups", moeLoc), "experts (" + llvm::Twine(c.moe.experts) +
                                         ") do not split evenly into " +
                                         llvm::Twine(c.moe.groups) + " groups");
  else if (c.moe.topkGroups > c.moe.groups)
    error(moe.loc("topk_groups", moeLoc),
          "topk_groups (" + llvm::Twine(c.moe.topkGroups) +
              ") exceeds groups (" + llvm::Twine(c.moe.groups) + ")");
  else if (c.moe.topK > c.moe.topkGroups * (c.moe.experts / c.moe.groups))
    error(moe.loc("top_k", moeLoc),
          "top_k (" + llvm::Twine(c.moe.topK) + ") exceeds the " +
              llvm::Twine(c.moe.topkGroups * (c.moe.experts / c.moe.groups)) +
              " experts reachable in topk_groups groups");
  if (c.moe.score == "softmax" && c.moe.routeScale != 1.0 && c.moe.topK == 1)
    warning(moe.loc("route_scale", moeLoc),
            "route_scale has no effect relative to a single softmax expert");
  if (yarnBlock) {
    YarnConfig y;
    y.factor = yarn.f("factor");
    y.originalMaxSeq = yarn.i("original_max_seq");
    y.betaFast = yarn.f("beta_fast");
    y.betaSlow = yarn.f("beta_slow");
    y.mscale = yarn.f("mscale");
    if (y.factor < 1)
      error(yarn.loc("factor", yarnBlock->loc),
            "yarn factor must be at least 1 (it extends the context)");
    if (y.originalMaxSeq > c.maxSeq)
      error(yarn.loc("original_max_seq", yarnBlock->loc),
            "yarn original_max_seq (" + llvm::Twine(y.originalMaxSeq) +
                ") exceeds max_seq (" + llvm::Twine(c.maxSeq) + ")");
    if (y.betaSlow > y.betaFast)
      error(yarn.loc("beta_slow", yarnBlock->loc),
            "yarn beta_slow must not exceed beta_fast");
    c.yarn = y;
  }
}

void Sema::checkDense(ModelDecl &decl) {
  Fields top{decl.getFields()};
  DenseConfig &c = decl.dense;
  mlir::Location at = decl.getLoc();
  c.dim = top.i("dim");
  c.layers = top.i("layers");
  c.heads = top.i("heads");
  c.kvHeads = top.find("kv_heads") ? top.i("kv_heads") : c.heads;
  c.ffn = top.i("ffn");
  c.maxSeq = top.i("max_seq");
  c.normEps = top.f("norm_eps");
  c.ropeTheta = top.f("rope_theta");
  c.qkvBias = top.b("qkv_bias");
  c.tieEmbeddings = top.b("tie_embeddings");
  c.vocabSize = modelVocabSize(decl);
  if (c.heads % c.kvHeads)
    error(top.loc("kv_heads", at), "kv_heads (" + llvm::Twine(c.kvHeads) +
                                       ") must divide heads (" +
                                       llvm::Twine(c.heads) + ")");
  if (top.find("head_dim")) {
    c.headDim = top.i("head_dim");
  } else if (c.dim % c.heads) {
    error(top.loc("heads", at),
          "dim (" + llvm::Twine(c.dim) + ") is not divisible by heads (" +
              llvm::Twine(c.heads) + "); set head_dim or change heads");
    return;
  } else {
    c.headDim = c.dim / c.heads;
  }
  if (c.headDim % 2)
    error(top.loc("head_dim", top.loc("heads", at)),
          "head_dim must be even (RoPE rotates pairs), got " +
              llvm::Twine(c.headDim));
}
