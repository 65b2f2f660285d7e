//===- VerifyRecipe.cpp - r1-verify-recipe: contracts that cross ops -----===//

#include "r1/Dialect/R1/Passes.h"
#include "r1/Dialect/R1/R1Schema.h"
#include "r1/Dialect/R1/RecipeAnalysis.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"

namespace r1 {
#define GEN_PASS_DEF_VERIFYRECIPEPASS
#include "r1/Dialect/R1/Passes.h.inc"
} // namespace r1

using namespace mlir;
using namespace r1;

namespace {

/// The dataset kind of a value (`text`, `prompt`, `pairs`).
StringRef kindOf(Value data) {
  return cast<DatasetType>(data.getType()).getKind();
}

/// True when training on `data` shows the model the think/answer format.
bool teachesFormat(Value data) {
  Operation *def = data.getDefiningOp();
  if (auto ds = dyn_cast_or_null<DatasetOp>(def)) {
    if (ds.getSource() == "task.arith")
      return getStr(getResolvedConfig(ds), "style") == "cot";
    return true; // countdown/kk responses and user JSONL: assume they do
  }
  if (auto mix = dyn_cast_or_null<MixOp>(def))
    return llvm::any_of(mix.getInputs(), teachesFormat);
  return isa_and_nonnull<RejectSampleOp>(def);
}

/// True when some stage that produced `weights` trained on the format.
bool sawFormat(Value weights) {
  for (unsigned depth = 0; depth < 10000; ++depth) {
    Operation *def = weights.getDefiningOp();
    if (!def || isa<ModelOp>(def))
      return false;
    if (auto p = dyn_cast<PretrainOp>(def)) {
      if (teachesFormat(p.getData()))
        return true;
      weights = p.getInit();
    } else if (auto s = dyn_cast<SftOp>(def)) {
      if (teachesFormat(s.getData()))
        return true;
      weights = s.getInit();
    } else if (auto d = dyn_cast<DistillOp>(def)) {
      if (teachesFormat(d.getData()))
        return true;
      weights = d.getStudent();
    } else if (isa<GrpoOp, PpoOp>(def)) {
      return true; // an earlier RL stage rewarded (and so taught) it
    } else {
      return false;
    }
  }
  return false;
}

/// The code points of UTF-8 `text`.
llvm::SetVector<uint32_t> codePoints(StringRef text) {
  llvm::SetVector<uint32_t> out;
  const auto *p = reinterpret_cast<const llvm::UTF8 *>(text.begin());
  const auto *end = reinterpret_cast<const llvm::UTF8 *>(text.end());
  while (p < end) {
    llvm::UTF32 cp;
    if (llvm::convertUTF8Sequence(&p, end, &cp, llvm::strictConversion) !=
        llvm::conversionOK)
      break;
    out.insert(cp);
  }
  return out;
}

/// `'a', '\n'` style list of characters for messages.
std::string describeChars(ArrayRef<uint32_t> cps) {
  std::string out;
  for (uint32_t c : cps) {
    if (!out.empty())
      out += ", ";
    if (c == '\n')
      out += "'\\n'";
    else if (c < 128)
      out += std::string("'") + char(c) + "'";
    else
      out += "U+" + llvm::utohexstr(c);
  }
  return out;
}

struct VerifyRecipePass
    : public r1::impl::VerifyRecipePassBase<VerifyRecipePass> {
  void runOnOperation() override {
    bool ok = true;
    for (Operation &op : getOperation().getBodyBlock())
      ok &= succeeded(check(&op));
    if (!ok)
      signalPassFailure();
    markAllAnalysesPreserved();
  }

  LogicalResult needKind(Operation *op, Value data, ArrayRef<StringRef> kinds,
                         StringRef what) {
    if (llvm::is_contained(kinds, kindOf(data)))
      return success();
    return op->emitError() << op->getName().stripDialect() << " stage '"
                           << getDefName(op->getResult(0)) << "' needs " << what
                           << "; '" << getDefName(data) << "' is !r1.dataset<"
                           << kindOf(data) << ">";
  }

  LogicalResult check(Operation *op) {
    if (auto ds = dyn_cast<DatasetOp>(op))
      return checkAlphabet(ds);
    if (auto p = dyn_cast<PretrainedOp>(op)) {
      auto model = p.getModel().getDefiningOp<ModelOp>();
      if (!model || model.getSource())
        return success();
      InFlightDiagnostic diag = op->emitError()
                                << "model '" << model.getSymName()
                                << "' is used as a checkpoint but has random "
                                   "weights (no hf(...) or gguf(...) source)";
      diag.attachNote(model.getLoc())
          << "train it first: pretrain(" << model.getSymName() << ", DATA)";
      return diag;
    }
    if (isa<GrpoOp, PpoOp>(op))
      return checkRl(op);
    if (auto rs = dyn_cast<RejectSampleOp>(op)) {
      if (failed(needKind(op, rs.getData(), {"prompt"},
                          "prompts with verifiable answers")))
        return failure();
      if (getRewardLeaves(rs.getKeep()).empty())
        return op->emitError() << "reject_sample stage '" << rs.getSymName()
                               << "' keeps by a predicate that reads no "
                                  "reward; compare a reward, e.g. "
                                  "`keep = accuracy == 1`";
      auto expr = rs.getKeep().getDefiningOp<RewardExprOp>();
      if (!expr || !expr.isPredicate())
        return op->emitError() << "reject_sample stage '" << rs.getSymName()
                               << "' needs a predicate as `keep` (a "
                                  "comparison such as `accuracy == 1`), "
                                  "not a score";
      return success();
    }
    if (auto sft = dyn_cast<SftOp>(op))
      return needKind(op, sft.getData(), {"prompt", "pairs"},
                      "prompt/response pairs");
    if (auto d = dyn_cast<DistillOp>(op))
      return checkDistill(d);
    if (auto ev = dyn_cast<EvalOp>(op)) {
      for (Value m : ev.getModels())
        if (isa<ModelType>(m.getType()))
          return op->emitError()
                 << "eval '" << ev.getSymName() << "' names model '"
                 << getDefName(m)
                 << "', which no stage trained; name a stage's checkpoint";
      if (kindOf(ev.getData()) != "prompt")
        return op->emitError()
               << "eval '" << ev.getSymName()
               << "' needs prompts with verifiable answers; '"
               << getDefName(ev.getData()) << "' is !r1.dataset<"
               << kindOf(ev.getData()) << ">";
    }
    return success();
  }

  LogicalResult checkRl(Operation *op) {
    Value data = op->getOperand(1), reward = op->getOperand(2);
    StringRef name = getDefName(op->getResult(0));
    if (failed(
            needKind(op, data, {"prompt"}, "prompts with verifiable answers")))
      return failure();
    SmallVector<RewardOp> leaves = getRewardLeaves(reward);
    if (leaves.empty())
      return op->emitError()
             << op->getName().stripDialect() << " stage '" << name
             << "' needs at least one reward verifier; its "
                "reward is a constant";
    if (auto expr = reward.getDefiningOp<RewardExprOp>())
      if (expr.isPredicate())
        return op->emitError()
               << op->getName().stripDialect() << " stage '" << name
               << "' needs a score as reward, not a "
                  "predicate";
    bool formatReward = llvm::any_of(leaves, [](RewardOp r) {
      return r.getKind() == "think_format" || r.getKind() == "tag_count";
    });
    if (formatReward && !sawFormat(op->getOperand(0)))
      op->emitWarning() << op->getName().stripDialect() << " stage '" << name
                        << "' rewards the <think>/<answer> format but starts "
                           "from '"
                        << getDefName(op->getOperand(0))
                        << "', which never trained on it; expect a format "
                           "reward near 0 at first (add an sft stage on "
                           "cot data, as DeepSeek-R1 does)";
    return success();
  }

  LogicalResult checkDistill(DistillOp d) {
    if (failed(needKind(d, d.getData(), {"prompt", "pairs"},
                        "prompt/response pairs")))
      return failure();
    // The teacher is the explicit one, else whoever sampled the data.
    SmallVector<Value> teachers;
    if (d.getTeacher())
      teachers.push_back(d.getTeacher());
    SmallVector<Value> work{d.getData()};
    while (!work.empty()) {
      Value v = work.pop_back_val();
      if (auto rs = v.getDefiningOp<RejectSampleOp>())
        teachers.push_back(rs.getPolicy());
      else if (auto mix = v.getDefiningOp<MixOp>())
        work.append(mix.getInputs().begin(), mix.getInputs().end());
    }
    ModelOp student = getRootModel(d.getStudent());
    for (Value t : teachers) {
      ModelOp teacher = getRootModel(t);
      if (!student || !teacher)
        continue;
      auto st = student.getTokenizer().getDefiningOp<TokenizerOp>();
      auto tt = teacher.getTokenizer().getDefiningOp<TokenizerOp>();
      if (st == tt || (st && tt && st.getKind() == tt.getKind() &&
                       st.getSpec() == tt.getSpec()))
        continue;
      InFlightDiagnostic diag =
          d.emitError() << "distill stage '" << d.getSymName() << "': student '"
                        << student.getSymName() << "' and teacher '"
                        << teacher.getSymName()
                        << "' use different tokenizers; give both models "
                           "the same tokenizer";
      diag.attachNote(teacher.getLoc()) << "teacher model declared here";
      return diag;
    }
    return success();
  }

  LogicalResult checkAlphabet(DatasetOp ds) {
    std::string need = getTaskAlphabet(ds.getSource(), getResolvedConfig(ds));
    if (need.empty())
      return success();
    for (TokenizerOp tok :
         getOperation().getBodyBlock().getOps<TokenizerOp>()) {
      if (tok.getKind() != "chars" || !tok.getSpec())
        continue;
      llvm::SetVector<uint32_t> have = codePoints(*tok.getSpec());
      SmallVector<uint32_t> missing;
      for (uint32_t c : codePoints(need))
        if (!have.contains(c))
          missing.push_back(c);
      if (missing.empty())
        continue;
      InFlightDiagnostic diag = ds.emitError()
                                << "the tokenizer's alphabet misses "
                                << describeChars(missing) << ", which dataset '"
                                << ds.getSymName() << "' (" << ds.getSource()
                                << ") generates; add them to chars(...)";
      diag.attachNote(tok.getLoc()) << "tokenizer declared here";
      return diag;
    }
    return success();
  }
};
} // namespace
