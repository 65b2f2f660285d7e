//===- R1Ops.cpp - Verifiers, builders and helpers of r1 ops -------------===//

#include "r1/Dialect/R1/R1Ops.h"
#include "r1/Dialect/R1/R1Schema.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/ConvertUTF.h"

using namespace mlir;
using namespace r1;

bool r1::isStageOp(Operation *op) {
  return isa<PretrainOp, SftOp, GrpoOp, PpoOp, RejectSampleOp, MixOp, DistillOp,
             EvalOp, ExportOp>(op);
}

bool r1::isSinkStageOp(Operation *op) { return isa<EvalOp, ExportOp>(op); }

/// Names an op's result after its `sym_name` in printed IR (`%base`).
static void nameResultAfterSymbol(Operation *op, OpAsmSetValueNameFn setName) {
  if (op->getNumResults() == 1)
    if (auto name = op->getAttrOfType<StringAttr>("sym_name"))
      setName(op->getResult(0), name.getValue());
}

#define R1_NAME_RESULT(OP)                                                     \
  void OP::getAsmResultNames(OpAsmSetValueNameFn setName) {                    \
    nameResultAfterSymbol(*this, setName);                                     \
  }
R1_NAME_RESULT(ModelOp)
R1_NAME_RESULT(DatasetOp)
R1_NAME_RESULT(RewardOp)
R1_NAME_RESULT(LossOp)
R1_NAME_RESULT(PretrainOp)
R1_NAME_RESULT(SftOp)
R1_NAME_RESULT(GrpoOp)
R1_NAME_RESULT(PpoOp)
R1_NAME_RESULT(RejectSampleOp)
R1_NAME_RESULT(MixOp)
R1_NAME_RESULT(DistillOp)
R1_NAME_RESULT(EvalOp)
R1_NAME_RESULT(ExportOp)
#undef R1_NAME_RESULT

//===----------------------------------------------------------------------===//
// PipelineOp
//===----------------------------------------------------------------------===//

void PipelineOp::build(OpBuilder &builder, OperationState &state,
                       StringRef name, int64_t seed) {
  state.addAttribute(getSymNameAttrName(state.name),
                     builder.getStringAttr(name));
  state.getOrAddProperties<Properties>().seed = builder.getI64IntegerAttr(seed);
  Region *body = state.addRegion();
  body->push_back(new Block());
}

LogicalResult PipelineOp::verify() {
  // The accessor is unsigned; read the attribute signed so that a negative
  // seed written in the IR is rejected rather than wrapped.
  int64_t seed = getSeedAttr().getInt();
  if (seed < 0)
    return emitOpError() << "seed must be non-negative, got " << seed;
  llvm::StringMap<Operation *> names;
  for (Operation &op : getBodyBlock()) {
    auto name = op.getAttrOfType<StringAttr>("sym_name");
    if (!name)
      continue;
    auto [it, inserted] = names.try_emplace(name.getValue(), &op);
    if (!inserted)
      return op.emitOpError() << "redefines '" << name.getValue()
                              << "'; names are unique within a pipeline";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// TokenizerOp
//===----------------------------------------------------------------------===//

/// Counts the distinct code points of UTF-8 `text`, or returns -1 when it is
/// not valid UTF-8.
static int64_t countDistinctCodePoints(StringRef text) {
  llvm::DenseSet<uint32_t> seen;
  const auto *p = reinterpret_cast<const llvm::UTF8 *>(text.begin());
  const auto *end = reinterpret_cast<const llvm::UTF8 *>(text.end());
  while (p < end) {
    llvm::UTF32 cp;
    if (llvm::convertUTF8Sequence(&p, end, &cp, llvm::strictConversion) !=
        llvm::conversionOK)
      return -1;
    seen.insert(cp);
  }
  return seen.size();
}

std::optional<int64_t> TokenizerOp::getVocabSizeValue() {
  if (getKind() == "chars" && getSpec()) {
    int64_t n = countDistinctCodePoints(*getSpec());
    return n < 0 ? std::nullopt : std::optional<int64_t>(3 + n);
  }
  if (getKind() == "bytes")
    return 259;
  if (auto v = getVocabSize())
    return *v;
  return std::nullopt;
}

LogicalResult TokenizerOp::verify() {
  StringRef kind = getKind();
  if (kind == "chars") {
    if (!getSpec() || getSpec()->empty())
      return emitOpError() << "chars tokenizer needs a non-empty alphabet";
    if (countDistinctCodePoints(*getSpec()) < 0)
      return emitOpError() << "chars alphabet is not valid UTF-8";
  } else if (kind == "bytes") {
    if (getSpec())
      return emitOpError() << "bytes tokenizer takes no argument";
  } else if (kind == "hf") {
    if (!getSpec() || getSpec()->empty())
      return emitOpError() << "hf tokenizer needs the path of tokenizer.json";
  } else if (kind == "gguf") {
    if (!getSpec() || getSpec()->empty())
      return emitOpError() << "gguf tokenizer needs the path of the GGUF file";
  } else {
    return emitOpError() << "unknown tokenizer kind '" << kind
                         << "'; expected chars, bytes, hf or gguf";
  }
  if (auto v = getVocabSize()) {
    if (*v <= 3)
      return emitOpError() << "vocab size must exceed 3 (the special "
                              "tokens), got "
                           << *v;
    if (kind != "hf" && kind != "gguf")
      return emitOpError() << "vocab size is derived for " << kind
                           << " tokenizers; remove 'vocab'";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// ModelOp
//===----------------------------------------------------------------------===//

LogicalResult ModelOp::verify() {
  StringRef arch = getArch();
  DictionaryAttr cfg = getConfig();
  auto err = [&]() { return emitOpError(); };
  if (failed(checkConfig(cfg, getModelSchema(arch), err)))
    return failure();
  cfg = resolveConfig(cfg, getModelSchema(arch));
  int64_t dim = getInt(cfg, "dim"), heads = getInt(cfg, "heads");
  int64_t layers = getInt(cfg, "layers");
  if (arch == "deepseek") {
    if (getInt(cfg, "dense_layers") > layers)
      return emitOpError() << "dense_layers (" << getInt(cfg, "dense_layers")
                           << ") exceeds layers (" << layers << ")";
    DictionaryAttr mla = getDict(cfg, "mla"), moe = getDict(cfg, "moe");
    if (getInt(mla, "rope_dim") % 2 != 0)
      return emitOpError() << "mla.rope_dim must be even (RoPE rotates "
                              "pairs), got "
                           << getInt(mla, "rope_dim");
    int64_t experts = getInt(moe, "experts"), topK = getInt(moe, "top_k");
    if (topK > experts)
      return emitOpError() << "moe.top_k (" << topK << ") exceeds moe.experts ("
                           << experts << ")";
    int64_t groups = getInt(moe, "groups");
    if (experts % groups != 0)
      return emitOpError() << "moe.groups (" << groups
                           << ") does not divide moe.experts (" << experts
                           << ")";
    if (getInt(moe, "topk_groups") > groups)
      return emitOpError() << "moe.topk_groups (" << getInt(moe, "topk_groups")
                           << ") exceeds moe.groups (" << groups << ")";
    return success();
  }
  // dense
  int64_t kvHeads = getInt(cfg, "kv_heads", heads);
  if (heads % kvHeads != 0)
    return emitOpError() << "kv_heads (" << kvHeads
                         << ") does not divide heads (" << heads << ")";
  if (!cfg.get("head_dim") && dim % heads != 0)
    return emitOpError() << "heads (" << heads << ") does not divide dim ("
                         << dim << "); set head_dim";
  if (getInt(cfg, "head_dim", 2) % 2 != 0)
    return emitOpError() << "head_dim must be even (RoPE rotates pairs), got "
                         << getInt(cfg, "head_dim");
  return success();
}

//===----------------------------------------------------------------------===//
// DatasetOp
//===----------------------------------------------------------------------===//

StringRef r1::datasetKindOf(StringRef source, DictionaryAttr cfg) {
  if (source != "jsonl")
    return "prompt";
  if (cfg.get("text"))
    return "text";
  if (cfg.get("response"))
    return "pairs";
  return "prompt";
}

LogicalResult DatasetOp::verify() {
  StringRef source = getSource();
  if (!isKnownDatasetSource(source))
    return emitOpError() << "unknown dataset source '" << source
                         << "' (known: " << knownDatasetSources() << ")";
  if (failed(checkConfig(getConfig(), getDatasetSchema(source),
                         [&]() { return emitOpError(); })))
    return failure();
  if (source == "jsonl") {
    DictionaryAttr c = getConfig();
    bool text = bool(c.get("text")), prompt = bool(c.get("prompt"));
    bool answerOrResponse = c.get("answer") || c.get("response");
    if (text == (prompt || answerOrResponse) || prompt != answerOrResponse)
      return emitOpError() << "jsonl needs either 'text', or 'prompt' with "
                              "'response' and/or 'answer'";
  }
  StringRef kind = datasetKindOf(source, getConfig());
  if (getResult().getType().getKind() != kind)
    return emitOpError() << source << " with this config yields "
                         << "!r1.dataset<" << kind << ">, not !r1.dataset<"
                         << getResult().getType().getKind() << ">";
  return success();
}

//===----------------------------------------------------------------------===//
// RewardOp, RewardExprOp, LossOp
//===----------------------------------------------------------------------===//

LogicalResult RewardOp::verify() {
  if (!isKnownRewardKind(getKind()))
    return emitOpError() << "unknown reward '" << getKind()
                         << "' (known: " << knownRewardKinds() << ")";
  return checkConfig(getConfig(), getRewardSchema(getKind()),
                     [&]() { return emitOpError(); });
}

/// Checks a body's entry block: `n` f32 arguments and a yield of one value
/// whose type is f32 (or i1 when `allowI1`).
static LogicalResult verifyExprBody(Operation *op, Region &body, unsigned n,
                                    bool allowI1) {
  Block &block = body.front();
  if (block.getNumArguments() != n)
    return op->emitOpError() << "body takes " << block.getNumArguments()
                             << " arguments but " << n << " are expected";
  for (BlockArgument arg : block.getArguments())
    if (!arg.getType().isF32())
      return op->emitOpError() << "body argument #" << arg.getArgNumber()
                               << " must be f32, got " << arg.getType();
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield || yield.getValues().size() != 1)
    return op->emitOpError() << "body must end in r1.yield of one value";
  Type t = yield.getValues()[0].getType();
  if (!t.isF32() && !(allowI1 && t.isInteger(1)))
    return op->emitOpError() << "body must yield f32"
                             << (allowI1 ? " or i1" : "") << ", got " << t;
  return success();
}

LogicalResult RewardExprOp::verify() {
  return verifyExprBody(*this, getBody(), getInputs().size(),
                        /*allowI1=*/true);
}

bool RewardExprOp::isPredicate() {
  auto yield = cast<YieldOp>(getBody().front().getTerminator());
  return yield.getValues()[0].getType().isInteger(1);
}

void RewardExprOp::getAsmBlockArgumentNames(Region &region,
                                            OpAsmSetValueNameFn setName) {
  for (auto [arg, input] :
       llvm::zip(region.front().getArguments(), getInputs()))
    if (auto reward = input.getDefiningOp<RewardOp>())
      setName(arg, reward.getSymName());
}

/// Names the runtime supplies per token to a loss.
static const char *const kLossParams[] = {"logp", "old_logp", "ref_logp", "adv",
                                          "seq_logratio"};

bool LossOp::isDifferentiableParam(StringRef name) {
  return name == "logp" || name == "seq_logratio";
}

/// The backward: `grad_params` (differentiable declared parameters, each
/// once) exactly when the `grad` region is non-empty; the region takes the
/// body's arguments plus the upstream gradient and yields one f32 each.
static LogicalResult verifyGrad(LossOp op) {
  std::optional<ArrayAttr> gradParams = op.getGradParams();
  if (op.getGrad().empty() != !gradParams)
    return op.emitOpError() << "needs both `grad_params` and a `grad` region, "
                               "or neither";
  if (!gradParams)
    return success();
  llvm::StringSet<> seen;
  for (Attribute a : *gradParams) {
    StringRef name = cast<StringAttr>(a).getValue();
    if (!llvm::is_contained(op.getParams().getAsValueRange<StringAttr>(), name))
      return op.emitOpError() << "grad parameter '" << name
                              << "' is not a parameter of the loss";
    if (!LossOp::isDifferentiableParam(name))
      return op.emitOpError() << "grad parameter '" << name
                              << "' carries no gradient (only logp and "
                                 "seq_logratio do)";
    if (!seen.insert(name).second)
      return op.emitOpError() << "grad parameter '" << name << "' is repeated";
  }
  Block &block = op.getGrad().front();
  unsigned n = op.getParams().size() + 1;
  if (block.getNumArguments() != n ||
      llvm::any_of(block.getArgumentTypes(), [](Type t) { return !t.isF32(); }))
    return op.emitOpError() << "grad region must take " << n
                            << " f32 arguments (the parameters and the "
                               "upstream gradient)";
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield || yield.getValues().size() != gradParams->size() ||
      llvm::any_of(yield.getValues().getTypes(),
                   [](Type t) { return !t.isF32(); }))
    return op.emitOpError() << "grad region must yield " << gradParams->size()
                            << " f32 value(s), one per grad parameter";
  return success();
}

LogicalResult LossOp::verify() {
  StringRef reduce = getReduce();
  if (reduce != "token_mean" && reduce != "seq_mean" &&
      reduce != "seq_sum_norm")
    return emitOpError() << "unknown reduction '" << reduce
                         << "'; expected token_mean, seq_mean or "
                            "seq_sum_norm";
  if (auto maxLen = getMaxLen()) {
    if (reduce != "seq_sum_norm")
      return emitOpError() << "max_len applies only to seq_sum_norm";
    if (*maxLen <= 0)
      return emitOpError() << "max_len must be positive, got " << *maxLen;
  }
  llvm::StringSet<> seen;
  for (Attribute a : getParams()) {
    StringRef name = cast<StringAttr>(a).getValue();
    if (!llvm::is_contained(kLossParams, name))
      return emitOpError() << "unknown loss parameter '" << name
                           << "' (the runtime supplies logp, old_logp, "
                              "ref_logp, adv, seq_logratio)";
    if (!seen.insert(name).second)
      return emitOpError() << "loss parameter '" << name << "' is repeated";
  }
  if (failed(verifyExprBody(*this, getBody(), getParams().size(),
                            /*allowI1=*/false)))
    return failure();
  return verifyGrad(*this);
}

void LossOp::getAsmBlockArgumentNames(Region &region,
                                      OpAsmSetValueNameFn setName) {
  if (region.empty())
    return;
  for (auto [arg, name] : llvm::zip(region.front().getArguments(),
                                    getParams().getAsRange<StringAttr>()))
    setName(arg, name.getValue());
  if (&region == &getGrad() &&
      region.getNumArguments() == getParams().size() + 1)
    setName(region.getArguments().back(), "dloss");
}

//===----------------------------------------------------------------------===//
// PretrainedOp
//===----------------------------------------------------------------------===//

LogicalResult PretrainedOp::verify() {
  StringRef from = getModel().getType().getArch();
  StringRef to = getResult().getType().getArch();
  if (from != to)
    return emitOpError() << "checkpoint architecture '" << to
                         << "' differs from the model's '" << from << "'";
  return success();
}

//===----------------------------------------------------------------------===//
// Stages
//===----------------------------------------------------------------------===//

/// Checks a stage's config against its schema.
static LogicalResult verifyStageConfig(Operation *op, DictionaryAttr cfg) {
  return checkConfig(cfg, getStageSchema(op->getName().getStringRef()),
                     [&]() { return op->emitOpError(); });
}

/// Checks that a training stage's checkpoint has the architecture of its
/// initial weights.
static LogicalResult verifySameArch(Operation *op, Value init, Value result) {
  StringRef from =
      TypeSwitch<Type, StringRef>(init.getType())
          .Case<ModelType, CkptType>([](auto t) { return t.getArch(); })
          .Default([](Type) { return ""; });
  StringRef to = cast<CkptType>(result.getType()).getArch();
  if (from != to)
    return op->emitOpError()
           << "result architecture '" << to
           << "' differs from the initial weights' '" << from << "'";
  return success();
}

LogicalResult PretrainOp::verify() {
  if (failed(verifyStageConfig(*this, getConfig())))
    return failure();
  return verifySameArch(*this, getInit(), getResult());
}

LogicalResult SftOp::verify() {
  if (failed(verifyStageConfig(*this, getConfig())))
    return failure();
  return verifySameArch(*this, getInit(), getResult());
}

LogicalResult GrpoOp::verify() {
  if (failed(verifyStageConfig(*this, getConfig())))
    return failure();
  return verifySameArch(*this, getInit(), getResult());
}

LogicalResult PpoOp::verify() {
  if (failed(verifyStageConfig(*this, getConfig())))
    return failure();
  return verifySameArch(*this, getInit(), getResult());
}

LogicalResult RejectSampleOp::verify() {
  if (failed(verifyStageConfig(*this, getConfig())))
    return failure();
  if (getResult().getType().getKind() != "pairs")
    return emitOpError() << "yields prompt/response pairs; the result type "
                            "must be !r1.dataset<pairs>";
  DictionaryAttr cfg =
      resolveConfig(getConfig(), getStageSchema(getOperationName()));
  if (getInt(cfg, "per_prompt") > getInt(cfg, "samples"))
    return emitOpError() << "per_prompt (" << getInt(cfg, "per_prompt")
                         << ") exceeds samples (" << getInt(cfg, "samples")
                         << ")";
  return success();
}

LogicalResult MixOp::verify() {
  if (failed(verifyStageConfig(*this, getConfig())))
    return failure();
  if (getInputs().size() < 2)
    return emitOpError() << "mixes at least two datasets, got "
                         << getInputs().size();
  auto ratio = cast<ArrayAttr>(getConfig().get("ratio"));
  if (ratio.size() != getInputs().size())
    return emitOpError() << "ratio has " << ratio.size() << " parts for "
                         << getInputs().size() << " datasets";
  return success();
}

LogicalResult DistillOp::verify() {
  if (failed(verifyStageConfig(*this, getConfig())))
    return failure();
  if (getFloat(getConfig(), "kd_weight") > 0 && !getTeacher())
    return emitOpError() << "kd_weight > 0 needs a teacher checkpoint";
  return verifySameArch(*this, getStudent(), getResult());
}

LogicalResult EvalOp::verify() {
  if (getModels().empty())
    return emitOpError() << "evaluates at least one checkpoint";
  return verifyStageConfig(*this, getConfig());
}

LogicalResult ExportOp::verify() {
  if (failed(verifyStageConfig(*this, getConfig())))
    return failure();
  // The formats the runtime writes (runtime/src/train/ExportStage.cpp).
  if (auto format = getConfig().getAs<StringAttr>("format"))
    if (format.getValue() != "native" && format.getValue() != "hf")
      return emitOpError() << "export format '" << format.getValue()
                           << "' is not supported by the runtime; expected "
                              "'native' or 'hf'";
  return success();
}
