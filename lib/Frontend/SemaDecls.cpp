//===- SemaDecls.cpp - Checks of each .r1p declaration kind ---------------===//

#include "FileDigest.h"
#include "Sema.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <functional>

using namespace r1;
using namespace r1::ast;
using mlir::failure;
using mlir::LogicalResult;
using mlir::success;

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

LogicalResult Sema::run(Pipeline &pipeline) {
  auto &decls = pipeline.getDeclsMutable();
  // Pass 1: the symbol table, duplicates, the tokenizer.
  llvm::StringMap<const Decl *> settings;
  for (unsigned i = 0; i < decls.size(); ++i) {
    Decl *d = decls[i].get();
    declIndex[d] = i;
    if (auto *tok = llvm::dyn_cast<TokenizerDecl>(d)) {
      if (tokenizer) {
        error(d->getLoc(), "the pipeline already has a tokenizer; keep one")
                .attachNote(tokenizer->getLoc())
            << "first tokenizer is here";
        continue;
      }
      tokenizer = tok;
      continue;
    }
    if (llvm::isa<EvalDecl>(d))
      continue;
    if (auto *m = llvm::dyn_cast<ModelDecl>(d); m && m->getSourceCall() &&
                                                !firstSourced)
      firstSourced = m;
    auto &table = llvm::isa<SettingDecl>(d) ? settings : declByName;
    auto [it, inserted] = table.try_emplace(d->getName(), d);
    if (!inserted) {
      error(d->getLoc(), "redefinition of '" + d->getName() + "'")
              .attachNote(it->second->getLoc())
          << "previous definition of '" << d->getName() << "' is here";
    }
  }
  if (tokenizer && firstSourced)
    error(tokenizer->getLoc(),
          "model '" + firstSourced->getName() + "' brings its own tokenizer (" +
              firstSourced->getArchName() +
              "(...)); remove this tokenizer declaration")
            .attachNote(firstSourced->getLoc())
        << "model '" << firstSourced->getName() << "' is declared here";
  else if (tokenizer)
    checkTokenizer(const_cast<TokenizerDecl &>(*tokenizer));
  else if (!firstSourced)
    error(pipeline.getLoc(), "pipeline '" + pipeline.getName() +
                                 "' has no tokenizer; add e.g. tokenizer = "
                                 "chars(\"0123456789+-=\")");

  // Pass 2: each declaration in order.
  bool anyStage = false;
  for (unsigned i = 0; i < decls.size(); ++i) {
    Decl *d = decls[i].get();
    current = d;
    currentIndex = i;
    switch (d->getKind()) {
    case Decl::Kind::Setting:
      checkSetting(pipeline, llvm::cast<SettingDecl>(*d));
      break;
    case Decl::Kind::Tokenizer:
      break;
    case Decl::Kind::Model:
      checkModel(llvm::cast<ModelDecl>(*d));
      break;
    case Decl::Kind::Dataset:
      checkDataset(llvm::cast<DatasetDecl>(*d));
      break;
    case Decl::Kind::Reward:
      checkReward(llvm::cast<RewardDecl>(*d));
      break;
    case Decl::Kind::Loss:
      checkLoss(llvm::cast<LossDecl>(*d));
      break;
    case Decl::Kind::Stage:
      anyStage = true;
      checkStage(llvm::cast<StageDecl>(*d));
      break;
    case Decl::Kind::Eval:
      checkEval(llvm::cast<EvalDecl>(*d));
      break;
    }
  }
  current = nullptr;

  if (!hadError)
    checkSharedTokenizer(pipeline);
  if (!hadError) {
    for (auto &[loc, message] : missingFiles)
      warning(loc, message);
    if (!anyStage)
      warning(pipeline.getLoc(), "pipeline '" + pipeline.getName() +
                                     "' defines no stages; it does nothing");
    for (auto &d : decls) {
      bool unusedKind =
          llvm::isa<ModelDecl, DatasetDecl, RewardDecl>(*d) ||
          (llvm::isa<LossDecl>(*d) && !llvm::cast<LossDecl>(*d).isBuiltin());
      if (unusedKind && !used.contains(d.get()))
        warning(d->getLoc(), describe(d->getKind()) + " '" + d->getName() +
                                 "' is never used");
    }
  }
  return mlir::success(!hadError);
}

//===----------------------------------------------------------------------===//
// Settings and tokenizer
//===----------------------------------------------------------------------===//

void Sema::checkSetting(Pipeline &pipeline, SettingDecl &decl) {
  const Signature &sig = getSettingsSignature();
  const ParamSignature *param = sig.find(decl.getName());
  if (!param) {
    std::vector<llvm::StringRef> names;
    for (const ParamSignature &p : sig.params)
      names.push_back(p.name);
    static const llvm::StringRef keywords[] = {
        "tokenizer", "model", "dataset", "reward", "loss", "stage", "eval"};
    std::string hint = didYouMean(decl.getName(), names);
    if (hint.empty())
      hint = didYouMean(decl.getName(), keywords);
    error(decl.getLoc(), "unknown setting '" + decl.getName() + "'" + hint);
    return;
  }
  Arg arg{decl.getName().str(), decl.takeValue(), decl.getLoc()};
  bool ok = succeeded(checkValue(arg, *param, "the pipeline settings"));
  decl.setValue(std::move(arg.value));
  if (ok && decl.getName() == "seed")
    pipeline.seed = llvm::cast<IntExpr>(decl.getValue())->getValue();
}

int64_t Sema::tokenizerVocab() const {
  if (tokenizer)
    return tokenizer->vocabSize;
  return tokenizerModel ? tokenizerModel->dense.vocabSize : 0;
}

std::string Sema::resolvePath(llvm::StringRef written) const {
  llvm::SmallString<256> path(written);
  if (!llvm::sys::path::is_absolute(path)) {
    path = baseDir;
    llvm::sys::path::append(path, written);
  }
  llvm::sys::fs::make_absolute(path);
  llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
  return std::string(path);
}

std::string Sema::digestOf(const Arg *pathArg) const {
  if (!options.digestFiles || !pathArg)
    return "";
  auto *str = llvm::dyn_cast<StringExpr>(pathArg->value.get());
  if (!str)
    return "";
  return digestFile(resolvePath(str->getValue())).value_or("");
}

void Sema::checkFileExists(const Arg *pathArg, llvm::StringRef what) {
  if (!options.checkFiles || !pathArg)
    return;
  auto *str = llvm::dyn_cast<StringExpr>(pathArg->value.get());
  if (!str)
    return;
  std::string path = resolvePath(str->getValue());
  if (!llvm::sys::fs::exists(path))
    missingFiles.push_back({str->getLoc(), (what + " file '" + str->getValue() +
                                            "' does not exist yet (paths are "
                                            "relative to the pipeline file); "
                                            "it is needed at run time")
                                               .str()});
}

void Sema::checkTokenizer(TokenizerDecl &decl) {
  CallExpr &spec = *decl.getSpec();
  const Signature *sig = lookup(getTokenizerSignatures(), spec.getCallee());
  if (!sig) {
    error(spec.getLoc(),
          "unknown tokenizer '" + spec.getCallee() +
              "'; expected chars(\"...\"), bytes() or "
              "hf(\"path\")" +
              didYouMean(spec.getCallee(), {"chars", "bytes", "hf"}));
    return;
  }
  if (failed(normalize(spec.getArgsMutable(), *sig, spec.getLoc(),
                       "tokenizer " + spec.getCallee().str())))
    return;
  llvm::StringRef callee = spec.getCallee();
  if (callee == "bytes") {
    decl.tokKind = TokenizerDecl::TokKind::Bytes;
    decl.vocabSize = 259;
    return;
  }
  auto *str = llvm::cast<StringExpr>(spec.getArgs().front().value.get());
  decl.text = str->getValue().str();
  if (callee == "hf") {
    decl.tokKind = TokenizerDecl::TokKind::Hf;
    checkFileExists(&spec.getArgs().front(), "tokenizer");
    decl.digest = digestOf(&spec.getArgs().front());
    return;
  }
  decl.tokKind = TokenizerDecl::TokKind::Chars;
  llvm::StringRef alphabet = str->getValue();
  if (alphabet.empty()) {
    error(str->getLoc(), "the chars alphabet is empty; list every character "
                         "the text uses");
    return;
  }
  const llvm::UTF8 *check = alphabet.bytes_begin();
  if (!llvm::isLegalUTF8String(&check, alphabet.bytes_end())) {
    error(str->getLoc(), "the chars alphabet is not valid UTF-8");
    return;
  }
  llvm::DenseSet<llvm::UTF32> seen;
  const llvm::UTF8 *p = alphabet.bytes_begin();
  const llvm::UTF8 *end = alphabet.bytes_end();
  while (p < end) {
    llvm::UTF32 cp;
    if (llvm::convertUTF8Sequence(&p, end, &cp, llvm::strictConversion) !=
        llvm::conversionOK)
      break;
    seen.insert(cp);
  }
  decl.vocabSize = 3 + int64_t(seen.size());
}

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
    c.moe.balance = "none";
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

//===----------------------------------------------------------------------===//
// Datasets and rewards
//===----------------------------------------------------------------------===//

LogicalResult Sema::checkDatasetCall(CallExpr &call, unsigned &caps,
                                     llvm::StringRef what) {
  const Signature *sig = lookup(getDatasetSignatures(), call.getCallee());
  if (!sig) {
    std::vector<llvm::StringRef> names;
    for (const Signature &s : getDatasetSignatures())
      names.push_back(s.name);
    error(call.getLoc(), "unknown dataset source '" + call.getCallee() +
                             "'; expected task.arith, task.countdown, "
                             "task.kk, jsonl or mix" +
                             didYouMean(call.getCallee(), names));
    return failure();
  }
  if (failed(normalize(call.getArgsMutable(), *sig, call.getLoc(),
                       (what + " (" + call.getCallee() + ")").str())))
    return failure();
  call.setType(Expr::Type::Dataset);
  llvm::StringRef callee = call.getCallee();
  if (callee.starts_with("task.")) {
    caps = CapText | CapPairs | CapVerifiable;
    return success();
  }
  if (callee == "jsonl") {
    bool text = call.findArg("text"), prompt = call.findArg("prompt"),
         response = call.findArg("response"), answer = call.findArg("answer");
    caps = CapNone;
    if (text || (prompt && response))
      caps |= CapText;
    if (prompt && response)
      caps |= CapPairs;
    if (prompt && answer)
      caps |= CapVerifiable;
    if ((response || answer) && !prompt) {
      error(call.getLoc(), "jsonl " + what +
                               " names a response or answer field but no "
                               "prompt field; add prompt = \"FIELD\"");
      return failure();
    }
    if (!caps) {
      error(call.getLoc(), "jsonl " + what +
                               " needs text = \"FIELD\", or prompt = with "
                               "response = and/or answer =");
      return failure();
    }
    checkFileExists(call.findArg("path"), "data");
    return success();
  }
  // mix
  unsigned inputs = 0;
  caps = CapText | CapPairs | CapVerifiable;
  for (const Arg &a : call.getArgs())
    if (a.name == "inputs") {
      ++inputs;
      caps &= capsOf(a.value.get());
    }
  if (inputs < 2) {
    error(call.getLoc(),
          "mix needs at least two datasets, got " + llvm::Twine(inputs));
    return failure();
  }
  if (const Expr *ratio = call.getArgValue("ratio")) {
    size_t parts = llvm::cast<RatioExpr>(ratio)->getParts().size();
    if (parts != inputs) {
      error(ratio->getLoc(), "the ratio has " + llvm::Twine(parts) +
                                 " parts but mix has " + llvm::Twine(inputs) +
                                 " datasets; give one weight per dataset");
      return failure();
    }
  }
  if (!caps) {
    error(call.getLoc(), "the mixed datasets share no common kind (text, "
                         "pairs or verifiable prompts)");
    return failure();
  }
  return success();
}

void Sema::checkDataset(DatasetDecl &decl) {
  unsigned caps = CapNone;
  if (succeeded(checkDatasetCall(*decl.getSource(), caps,
                                 ("dataset '" + decl.getName() + "'").str())))
    decl.caps = caps;
  if (decl.getSource()->getCallee() == "jsonl")
    decl.digest = digestOf(decl.getSource()->findArg("path"));
}

void Sema::checkReward(RewardDecl &decl) {
  CallExpr &spec = *decl.getSpec();
  const Signature *sig = lookup(getRewardSignatures(), spec.getCallee());
  if (!sig) {
    std::vector<llvm::StringRef> names;
    for (const Signature &s : getRewardSignatures())
      names.push_back(s.name);
    error(spec.getLoc(), "unknown reward function '" + spec.getCallee() + "'" +
                             didYouMean(spec.getCallee(), names) +
                             " (see docs/language.md, Rewards)");
    return;
  }
  (void)normalize(
      spec.getArgsMutable(), *sig, spec.getLoc(),
      ("reward '" + decl.getName() + "' (" + spec.getCallee() + ")").str());
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

namespace {
/// Loss-body checker: names are parameters or earlier lets.
struct LossChecker {
  LossDecl &loss;
  std::function<mlir::InFlightDiagnostic(mlir::Location, const llvm::Twine &)>
      error;
  llvm::StringMap<int> params;
  llvm::StringMap<const LetStmt *> lets;
  llvm::DenseSet<const LetStmt *> usedLets;
  llvm::SmallVector<bool> usedParams;
  const llvm::StringMap<const Decl *> &pipelineNames;

  LogicalResult check(Expr &e);
};
} // namespace

/// Arity of each loss-body function.
static int lossFunctionArity(llvm::StringRef name) {
  return llvm::StringSwitch<int>(name)
      .Cases({"exp", "log", "abs"}, 1)
      .Cases({"min", "max"}, 2)
      .Cases({"clamp", "where"}, 3)
      .Default(-1);
}

LogicalResult LossChecker::check(Expr &e) {
  switch (e.getKind()) {
  case Expr::Kind::Int:
  case Expr::Kind::Float:
    e.setType(Expr::Type::Number);
    return success();
  case Expr::Kind::Bool:
  case Expr::Kind::String:
  case Expr::Kind::Range:
  case Expr::Kind::Ratio:
    error(e.getLoc(), "only numbers, parameters and lets may appear in a "
                      "loss body; it computes one number per token");
    return failure();
  case Expr::Kind::Name: {
    auto &n = llvm::cast<NameExpr>(e);
    if (auto it = lets.find(n.getName()); it != lets.end()) {
      n.resolveToLet(it->second);
      usedLets.insert(it->second);
      n.setType(it->second->getValue()->getType());
      return success();
    }
    if (auto it = params.find(n.getName()); it != params.end()) {
      n.resolveToParam(it->second);
      usedParams[it->second] = true;
      n.setType(Expr::Type::Number);
      return success();
    }
    if (auto it = pipelineNames.find(n.getName());
        it != pipelineNames.end() && !llvm::isa<LossDecl>(it->second)) {
      error(n.getLoc(), "loss '" + loss.getName() + "' cannot use " +
                            describe(it->second->getKind()) + " '" +
                            n.getName() +
                            "'; a loss body sees only its parameters and "
                            "lets");
      return failure();
    }
    std::vector<llvm::StringRef> names;
    for (auto &p : params)
      names.push_back(p.getKey());
    for (auto &l : lets)
      names.push_back(l.getKey());
    llvm::sort(names);
    error(n.getLoc(), "use of undefined name '" + n.getName() + "' in loss '" +
                          loss.getName() + "'" +
                          didYouMean(n.getName(), names));
    return failure();
  }
  case Expr::Kind::Unary: {
    auto &u = llvm::cast<UnaryExpr>(e);
    if (failed(check(*u.getOperand())))
      return failure();
    e.setType(u.getOp() == UnaryExpr::Op::Not ? Expr::Type::Bool
                                              : Expr::Type::Number);
    return success();
  }
  case Expr::Kind::Binary: {
    auto &b = llvm::cast<BinaryExpr>(e);
    if (failed(check(*b.getLhs())) || failed(check(*b.getRhs())))
      return failure();
    bool arith =
        b.getOp() == BinaryExpr::Op::Add || b.getOp() == BinaryExpr::Op::Sub ||
        b.getOp() == BinaryExpr::Op::Mul || b.getOp() == BinaryExpr::Op::Div;
    e.setType(arith ? Expr::Type::Number : Expr::Type::Bool);
    return success();
  }
  case Expr::Kind::Call: {
    auto &c = llvm::cast<CallExpr>(e);
    int arity = lossFunctionArity(c.getCallee());
    if (arity < 0) {
      error(c.getLoc(),
            "unknown function '" + c.getCallee() +
                "' in a loss; available: exp, log, abs, min, "
                "max, clamp, where" +
                didYouMean(c.getCallee(), {"exp", "log", "abs", "min", "max",
                                           "clamp", "where"}));
      return failure();
    }
    if (int(c.getArgs().size()) != arity) {
      error(c.getLoc(), "'" + c.getCallee() + "' takes " + llvm::Twine(arity) +
                            " argument" + (arity == 1 ? "" : "s") + ", got " +
                            llvm::Twine(c.getArgs().size()));
      return failure();
    }
    for (Arg &a : c.getArgsMutable()) {
      if (!a.name.empty()) {
        error(a.loc, "loss functions take positional arguments only; "
                     "remove '" +
                         a.name + " ='");
        return failure();
      }
      if (failed(check(*a.value)))
        return failure();
    }
    e.setType(Expr::Type::Number);
    return success();
  }
  }
  return failure();
}

/// Parameters the runtime supplies to a loss, per token.
static const llvm::StringRef kLossParams[] = {"logp", "old_logp", "ref_logp",
                                              "adv", "seq_logratio"};

/// Collects the parameters `e` depends on, through lets.
static void collectParams(const Expr *e, llvm::SmallVectorImpl<bool> &deps) {
  if (auto *n = llvm::dyn_cast<NameExpr>(e)) {
    if (n->getTarget() == NameExpr::Target::LossParam)
      deps[n->getParamIndex()] = true;
    else if (n->getTarget() == NameExpr::Target::Let)
      collectParams(n->getLet()->getValue(), deps);
  } else if (auto *u = llvm::dyn_cast<UnaryExpr>(e)) {
    collectParams(u->getOperand(), deps);
  } else if (auto *b = llvm::dyn_cast<BinaryExpr>(e)) {
    collectParams(b->getLhs(), deps);
    collectParams(b->getRhs(), deps);
  } else if (auto *c = llvm::dyn_cast<CallExpr>(e)) {
    for (const Arg &a : c->getArgs())
      collectParams(a.value.get(), deps);
  }
}

void Sema::checkLoss(LossDecl &decl) {
  LossChecker checker{
      decl,
      [this](mlir::Location l, const llvm::Twine &m) { return error(l, m); },
      {},
      {},
      {},
      {},
      declByName};
  bool ok = true;
  for (auto [i, p] : llvm::enumerate(decl.getParams())) {
    if (!llvm::is_contained(kLossParams, p.name)) {
      error(p.loc, "unknown loss parameter '" + p.name +
                       "'; the runtime supplies logp, old_logp, ref_logp, "
                       "adv and seq_logratio" +
                       didYouMean(p.name, kLossParams));
      ok = false;
      continue;
    }
    auto [it, inserted] = checker.params.try_emplace(p.name, int(i));
    if (!inserted) {
      error(p.loc, "duplicate loss parameter '" + p.name + "'")
              .attachNote(decl.getParams()[it->second].loc)
          << "first declared here";
      ok = false;
    }
  }
  checker.usedParams.assign(decl.getParams().size(), false);
  if (!ok)
    return;
  for (const auto &let : decl.getLets()) {
    if (auto it = checker.params.find(let->getName());
        it != checker.params.end()) {
      error(let->getLoc(), "let '" + let->getName() +
                               "' shadows a loss parameter; pick another "
                               "name")
              .attachNote(decl.getParams()[it->second].loc)
          << "parameter declared here";
      return;
    }
    if (auto it = checker.lets.find(let->getName()); it != checker.lets.end()) {
      error(let->getLoc(), "redefinition of let '" + let->getName() + "'")
              .attachNote(it->second->getLoc())
          << "previous definition is here";
      return;
    }
    if (failed(checker.check(*const_cast<LetStmt &>(*let).getValue())))
      return;
    checker.lets.try_emplace(let->getName(), let.get());
  }
  if (failed(checker.check(*decl.getResult())))
    return;
  llvm::SmallVector<bool> deps(decl.getParams().size(), false);
  collectParams(decl.getResult(), deps);
  bool differentiable = false;
  for (auto [i, p] : llvm::enumerate(decl.getParams()))
    if (deps[i] && (p.name == "logp" || p.name == "seq_logratio"))
      differentiable = true;
  if (!differentiable) {
    error(decl.getLoc(), "loss '" + decl.getName() +
                             "' does not depend on logp or seq_logratio, so "
                             "it has no gradient");
    return;
  }
  for (const auto &let : decl.getLets())
    if (!checker.usedLets.contains(let.get()))
      warning(let->getLoc(), "let '" + let->getName() + "' is never used");
  for (auto [i, p] : llvm::enumerate(decl.getParams()))
    if (!checker.usedParams[i])
      warning(p.loc, "loss parameter '" + p.name + "' is never used");
}

//===----------------------------------------------------------------------===//
// Stages and eval
//===----------------------------------------------------------------------===//

void Sema::checkStage(StageDecl &decl) {
  CallExpr &call = *decl.getCall();
  const StageSignature *sig = lookupStage(call.getCallee());
  if (!sig) {
    if (call.getCallee() == "eval") {
      error(call.getLoc(), "eval is not a stage kind; write 'eval [STAGES] "
                           "on DATASET { pass@1 }' on its own");
      return;
    }
    std::vector<llvm::StringRef> names;
    for (const StageSignature &s : getStageSignatures())
      names.push_back(s.sig.name);
    error(call.getLoc(), "unknown stage kind '" + call.getCallee() +
                             "'; expected pretrain, sft, grpo, "
                             "reject_sample, distill, ppo or export" +
                             didYouMean(call.getCallee(), names));
    return;
  }
  decl.stageKind = sig->kind;
  decl.signature = sig;
  decl.resultType = sig->result;
  std::string what =
      ("stage '" + decl.getName() + "' (" + sig->sig.name + ")").str();
  if (failed(normalize(call.getArgsMutable(), sig->sig, call.getLoc(), what)))
    return;
  auto intArg = [&](llvm::StringRef n) -> int64_t {
    const Expr *e = call.getArgValue(n);
    return e ? llvm::cast<IntExpr>(e)->getValue() : 0;
  };
  auto argLoc = [&](llvm::StringRef n) {
    const Arg *a = call.findArg(n);
    return a && !a->isDefault ? a->loc : call.getLoc();
  };
  if (sig->kind == StageKind::Grpo) {
    if (intArg("group") < 2)
      error(argLoc("group"), "grpo group must be at least 2: advantages "
                             "compare samples within a group");
    else if (int64_t mb = intArg("minibatch");
             mb && mb > intArg("batch") * intArg("group"))
      error(argLoc("minibatch"),
            "minibatch (" + llvm::Twine(mb) +
                ") exceeds the rollout size batch * group (" +
                llvm::Twine(intArg("batch") * intArg("group")) + ")");
  }
  if (sig->kind == StageKind::RejectSample &&
      intArg("per_prompt") > intArg("samples"))
    error(argLoc("per_prompt"),
          "per_prompt (" + llvm::Twine(intArg("per_prompt")) +
              ") exceeds samples (" + llvm::Twine(intArg("samples")) + ")");
  if (sig->kind == StageKind::Distill) {
    double kd =
        llvm::cast<FloatExpr>(call.getArgValue("kd_weight"))->getValue();
    bool teacher = call.findArg("teacher");
    if (kd > 0 && !teacher)
      error(argLoc("kd_weight"), "kd_weight > 0 needs a teacher; add "
                                 "teacher = STAGE");
    else if (teacher && kd == 0)
      warning(argLoc("teacher"), "the teacher is unused because kd_weight "
                                 "is 0; set kd_weight to use logit KD");
    if (teacher)
      checkDistillTokenizers(decl);
  }
}

void Sema::checkEval(EvalDecl &decl) {
  for (const auto &stageRef : decl.getStages()) {
    auto &name = const_cast<NameExpr &>(*stageRef);
    const Decl *d = resolve(name);
    if (!d)
      continue;
    if (name.getType() != Expr::Type::Checkpoint) {
      error(name.getLoc(), "eval needs checkpoints, but '" + name.getName() +
                               "' is " + describeRef(d))
              .attachNote(d->getLoc())
          << "'" << name.getName() << "' is defined here";
    }
  }
  NameExpr &ds = *decl.getDataset();
  if (const Decl *d = resolve(ds)) {
    if (ds.getType() != Expr::Type::Dataset) {
      error(ds.getLoc(), "eval runs on a dataset, but '" + ds.getName() +
                             "' is a " + describe(d->getKind()));
    } else if (!(capsOf(&ds) & CapVerifiable)) {
      error(ds.getLoc(), "eval needs prompts with verifiable answers, but "
                         "dataset '" +
                             ds.getName() + "' has none")
              .attachNote(d->getLoc())
          << "'" << ds.getName() << "' is defined here";
    }
  }
  if (decl.getMetrics().empty())
    error(decl.getLoc(), "the eval block lists no metrics; add pass@1 or "
                         "cons@8");
  for (EvalMetric &m : decl.getMetricsMutable()) {
    llvm::StringRef kind = m.kind == EvalMetric::Kind::Pass ? "pass" : "cons";
    if (m.at < 1) {
      error(m.loc, kind + "@" + llvm::Twine(m.at) + " must count at least 1");
      continue;
    }
    m.samples = m.at;
    for (Arg &a : m.args) {
      if (m.kind == EvalMetric::Kind::Cons || a.name != "k") {
        error(a.loc, m.kind == EvalMetric::Kind::Cons
                         ? "cons@N takes no arguments; N is the number of "
                           "votes"
                         : "pass@N takes only k = SAMPLES" +
                               didYouMean(a.name, {"k"}));
        continue;
      }
      auto *k = llvm::dyn_cast<IntExpr>(a.value.get());
      if (!k) {
        error(a.value->getLoc(), "k of pass@N must be an integer");
        continue;
      }
      if (k->getValue() < m.at) {
        error(a.value->getLoc(),
              "pass@" + llvm::Twine(m.at) + " needs k >= " + llvm::Twine(m.at) +
                  " samples, got " + llvm::Twine(k->getValue()));
        continue;
      }
      m.samples = k->getValue();
    }
  }
  std::vector<Arg> &settings = decl.getSettingsMutable();
  if (failed(normalize(settings, getEvalSettingsSignature(), decl.getLoc(),
                       "eval")))
    return;
  for (const Arg &a : settings) {
    if (a.name == "temperature")
      decl.temperature = llvm::cast<FloatExpr>(a.value.get())->getValue();
    else if (a.name == "top_p")
      decl.topP = llvm::cast<FloatExpr>(a.value.get())->getValue();
    else if (a.name == "max_new")
      decl.maxNew = llvm::cast<IntExpr>(a.value.get())->getValue();
  }
}
