//===- SemaDecls.cpp - Checks of .r1p settings, data and stages ----------===//
//
// Settings, the tokenizer, datasets, rewards, stages and eval blocks. Models
// are checked in SemaModels.cpp, losses in SemaLoss.cpp, pretrained model
// sources in SemaSources.cpp.
//
//===----------------------------------------------------------------------===//

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
  if (const Arg *system = call.findArg("system")) {
    auto *chat = llvm::dyn_cast_or_null<BoolExpr>(call.getArgValue("chat"));
    if (!chat || !chat->getValue()) {
      error(system->loc, "a system message applies to chat prompts; add "
                         "chat = true to " + what);
      return failure();
    }
  }
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
  if (auto *lora = llvm::dyn_cast_or_null<BlockExpr>(call.getArgValue("lora")))
    checkLora(decl, *lora);
}

void Sema::checkEval(EvalDecl &decl) {
  for (const auto &stageRef : decl.getStages()) {
    auto &name = const_cast<NameExpr &>(*stageRef);
    const Decl *d = resolve(name);
    if (!d)
      continue;
    if (name.getType() != Expr::Type::Checkpoint && !isPretrained(d)) {
      auto diag =
          error(name.getLoc(), "eval needs checkpoints, but '" +
                                   name.getName() + "' is " + describeRef(d));
      diag.attachNote(d->getLoc())
          << "'" << name.getName() << "' is defined here";
      if (name.getType() == Expr::Type::Model)
        noteTrainFirst(diag, name);
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
    else if (a.name == "untagged")
      decl.untagged = llvm::cast<NameExpr>(a.value.get())->getName().str();
  }
}
