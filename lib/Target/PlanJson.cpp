//===- PlanJson.cpp - Builds plan.json from a compiled r1 pipeline -------===//

#include "r1/Dialect/R1/ModelMath.h"
#include "r1/Dialect/R1/Passes.h"
#include "r1/Dialect/R1/R1Schema.h"
#include "r1/Dialect/R1/RecipeAnalysis.h"
#include "ExprTree.h"
#include "r1/Target/PlanWriter.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace r1;
namespace json = llvm::json;

json::Value r1::attrToJson(Attribute attr) {
  if (auto b = dyn_cast<BoolAttr>(attr))
    return b.getValue();
  if (auto i = dyn_cast<IntegerAttr>(attr))
    return i.getInt();
  if (auto f = dyn_cast<FloatAttr>(attr))
    return f.getValueAsDouble();
  if (auto s = dyn_cast<StringAttr>(attr))
    return s.getValue();
  if (auto a = dyn_cast<ArrayAttr>(attr)) {
    json::Array out;
    for (Attribute e : a)
      out.push_back(attrToJson(e));
    return out;
  }
  if (auto d = dyn_cast<DictionaryAttr>(attr)) {
    json::Object out;
    for (NamedAttribute na : d)
      out[na.getName().getValue()] = attrToJson(na.getValue());
    return out;
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  attr.print(os);
  return text;
}

namespace {
/// A reference to what defines an input: `{"stage": "cold"}`,
/// `{"model": "base"}` (also for a pretrained model's r1.pretrained
/// checkpoint) or `{"dataset": "corpus"}`.
json::Value ref(Value v) {
  Operation *def = v.getDefiningOp();
  StringRef kind = isa<ModelOp, PretrainedOp>(def) ? "model"
                   : isa<DatasetOp>(def)           ? "dataset"
                                                   : "stage";
  return json::Object{{kind, getDefName(v)}};
}

/// A reward or keep predicate: `{"terms": [...], "expr": TREE}`.
FailureOr<json::Value> rewardJson(Value reward) {
  if (auto leaf = reward.getDefiningOp<RewardOp>())
    return json::Value(json::Object{
        {"terms", json::Array{leaf.getSymName()}},
        {"expr", json::Object{{"op", "param"}, {"name", leaf.getSymName()}}}});
  auto expr = reward.getDefiningOp<RewardExprOp>();
  if (!expr)
    return failure();
  std::vector<std::string> names;
  json::Array terms;
  for (Value in : expr.getInputs()) {
    auto leaf = in.getDefiningOp<RewardOp>();
    if (!leaf)
      return expr.emitError() << "plan.json needs reward expressions over "
                                 "declared rewards; fold nested expressions "
                                 "with -canonicalize first";
    names.push_back(leaf.getSymName().str());
    terms.push_back(leaf.getSymName());
  }
  auto tree = exprToTree(expr.getBody().front(), names);
  if (failed(tree))
    return failure();
  return json::Value(json::Object{{"terms", std::move(terms)},
                                  {"expr", std::move(*tree)},
                                  {"predicate", expr.isPredicate()}});
}

json::Value tokenizerJson(TokenizerOp tok) {
  json::Object out{{"kind", tok.getKind()}};
  if (tok.getKind() == "chars")
    out["alphabet"] = *tok.getSpec();
  if (tok.getKind() == "hf" || tok.getKind() == "gguf")
    out["path"] = *tok.getSpec();
  if (auto v = tok.getVocabSizeValue())
    out["vocab_size"] = *v;
  if (auto d = tok.getDigest())
    out["digest"] = *d;
  return out;
}

json::Value modelJson(ModelOp model) {
  json::Object out = *attrToJson(resolveModelConfig(model)).getAsObject();
  out["arch"] = model.getArch();
  if (std::optional<DictionaryAttr> source = model.getSource())
    out["source"] = attrToJson(*source);
  if (model.getArch() == "deepseek") {
    if (!out.get("yarn"))
      out["yarn"] = nullptr;
    // `balance` stays "bias" | "none"; bias_rate carries the rate.
  }
  return out;
}

json::Value modelCostsJson(ModelOp model) {
  json::Object out;
  for (StringRef k :
       {"params", "active_params", "flops_per_token",
        "kv_bytes_per_token_layer", "mha_kv_bytes_per_token_layer"})
    if (auto a = model->getAttrOfType<IntegerAttr>(("r1." + k).str()))
      out[k] = a.getInt();
  return out;
}

FailureOr<json::Value> lossJson(LossOp loss) {
  std::vector<std::string> params;
  json::Array paramsJson;
  for (auto p : loss.getParams().getAsRange<StringAttr>()) {
    params.push_back(p.getValue().str());
    paramsJson.push_back(p.getValue());
  }
  json::Object reduce{{"kind", loss.getReduce()}};
  if (auto maxLen = loss.getMaxLen())
    reduce["max_len"] = *maxLen;
  auto body = exprToTree(loss.getBody().front(), params);
  if (failed(body))
    return failure();
  json::Object out{{"params", std::move(paramsJson)},
                   {"reduce", std::move(reduce)},
                   {"body", std::move(*body)}};
  // The backward of r1-differentiate-loss: one tree per differentiated
  // parameter, reading the parameters and `dloss`.
  if (std::optional<ArrayAttr> gradParams = loss.getGradParams()) {
    params.push_back("dloss");
    auto trees = exprToTrees(loss.getGrad().front(), params);
    if (failed(trees))
      return failure();
    json::Object grad;
    for (auto [name, tree] :
         llvm::zip(gradParams->getAsValueRange<StringAttr>(), *trees))
      grad[name] = std::move(tree);
    out["grad"] = std::move(grad);
  }
  return json::Value(std::move(out));
}

/// The stage's config with defaults resolved, including those that depend
/// on other ops (a pretraining sequence length defaults to max_seq; an eval
/// metric's k defaults to its N).
json::Object stageConfig(Operation *op) {
  DictionaryAttr cfg = getResolvedConfig(op);
  json::Object out = *attrToJson(cfg).getAsObject();
  if (auto p = dyn_cast<PretrainOp>(op))
    if (!cfg.get("seq_len"))
      if (ModelOp m = getRootModel(p.getInit()))
        out["seq_len"] = getInt(resolveModelConfig(m), "max_seq");
  if (isa<EvalOp>(op)) {
    json::Array metrics;
    for (Attribute a : cast<ArrayAttr>(cfg.get("metrics"))) {
      auto d = cast<DictionaryAttr>(a);
      int64_t at = getInt(d, "at");
      metrics.push_back(json::Object{{"metric", getStr(d, "metric")},
                                     {"at", at},
                                     {"k", getInt(d, "k", at)}});
    }
    out["metrics"] = std::move(metrics);
  }
  return out;
}

/// Inputs by role (references only), and in `extra` the stage's reward,
/// keep predicate or loss (stage fields next to `inputs`).
FailureOr<json::Object> stageInputs(Operation *op, json::Object &extra) {
  json::Object in;
  auto refs = [](ValueRange vs) {
    json::Array a;
    for (Value v : vs)
      a.push_back(ref(v));
    return a;
  };
  LogicalResult ok = success();
  auto reward = [&](StringRef role, Value v) {
    auto r = rewardJson(v);
    if (failed(r))
      ok = failure();
    else
      extra[role] = std::move(*r);
  };
  TypeSwitch<Operation *>(op)
      .Case<PretrainOp, SftOp>([&](auto s) {
        in["init"] = ref(s.getInit());
        in["data"] = ref(s.getData());
      })
      .Case<GrpoOp>([&](GrpoOp s) {
        in["init"] = ref(s.getInit());
        in["data"] = ref(s.getData());
        reward("reward", s.getReward());
        extra["loss"] = getDefName(s.getLoss());
      })
      .Case<PpoOp>([&](PpoOp s) {
        in["init"] = ref(s.getInit());
        in["data"] = ref(s.getData());
        reward("reward", s.getReward());
      })
      .Case<RejectSampleOp>([&](RejectSampleOp s) {
        in["policy"] = ref(s.getPolicy());
        in["data"] = ref(s.getData());
        reward("keep", s.getKeep());
      })
      .Case<MixOp>([&](MixOp s) { in["inputs"] = refs(s.getInputs()); })
      .Case<DistillOp>([&](DistillOp s) {
        in["student"] = ref(s.getStudent());
        in["data"] = ref(s.getData());
        if (s.getTeacher())
          in["teacher"] = ref(s.getTeacher());
      })
      .Case<EvalOp>([&](EvalOp s) {
        in["models"] = refs(s.getModels());
        in["data"] = ref(s.getData());
      })
      .Case<ExportOp>([&](ExportOp s) { in["ckpt"] = ref(s.getCkpt()); });
  if (failed(ok))
    return failure();
  return in;
}

json::Value outputJson(Operation *op) {
  if (op->getNumResults() == 0)
    return nullptr;
  Type t = op->getResult(0).getType();
  if (auto c = dyn_cast<CkptType>(t))
    return json::Object{{"type", "ckpt"}, {"arch", c.getArch()}};
  return json::Object{{"type", "dataset"},
                      {"kind", cast<DatasetType>(t).getKind()}};
}
} // namespace

FailureOr<json::Value> r1::buildPlanJson(PipelineOp pipeline,
                                         StringRef sourceDir) {
  json::Object plan{{"schema_version", kPlanSchemaVersion},
                    {"pipeline", pipeline.getSymName()},
                    {"seed", pipeline.getSeed()},
                    {"source", "source.r1p"},
                    {"source_dir", sourceDir}};
  plan["settings"] = pipeline.getSettings()
                         ? attrToJson(*pipeline.getSettings())
                         : json::Value(json::Object{});
  json::Object models, modelCosts, datasets, rewards, losses;
  json::Array stages;
  TokenizerOp tokenizer;
  for (Operation &op : pipeline.getBodyBlock()) {
    if (auto tok = dyn_cast<TokenizerOp>(op)) {
      if (tokenizer)
        return tok.emitError() << "plan.json v" << kPlanSchemaVersion
                               << " holds one tokenizer; use a single "
                                  "tokenizer per pipeline";
      tokenizer = tok;
    } else if (auto m = dyn_cast<ModelOp>(op)) {
      models[m.getSymName()] = modelJson(m);
      modelCosts[m.getSymName()] = modelCostsJson(m);
    } else if (auto d = dyn_cast<DatasetOp>(op)) {
      json::Object ds{{"source", d.getSource()},
                      {"kind", d.getResult().getType().getKind()},
                      {"args", attrToJson(getResolvedConfig(d))}};
      if (auto digest = d.getDigest())
        ds["digest"] = *digest;
      datasets[d.getSymName()] = std::move(ds);
    } else if (auto r = dyn_cast<RewardOp>(op)) {
      rewards[r.getSymName()] = json::Object{
          {"kind", r.getKind()}, {"args", attrToJson(getResolvedConfig(r))}};
    } else if (auto l = dyn_cast<LossOp>(op)) {
      auto tree = lossJson(l);
      if (failed(tree))
        return failure();
      losses[l.getSymName()] = std::move(*tree);
    } else if (isStageOp(&op)) {
      json::Object extra;
      auto inputs = stageInputs(&op, extra);
      if (failed(inputs))
        return failure();
      json::Object stage{
          {"name", op.getAttrOfType<StringAttr>("sym_name").getValue()},
          {"kind", op.getName().stripDialect()},
          {"key", getArtifactKey(&op)},
          {"inputs", std::move(*inputs)},
          {"output", outputJson(&op)},
          {"config", stageConfig(&op)}};
      json::Object est;
      if (auto t = op.getAttrOfType<IntegerAttr>("r1.tokens"))
        est["tokens"] = t.getInt();
      if (auto f = op.getAttrOfType<IntegerAttr>("r1.flops"))
        est["flops"] = f.getInt();
      stage["estimates"] = std::move(est);
      for (auto &kv : extra)
        stage[kv.first] = std::move(kv.second);
      stages.push_back(std::move(stage));
    }
  }
  if (!tokenizer)
    return pipeline.emitError() << "pipeline '" << pipeline.getSymName()
                                << "' has no tokenizer; add `tokenizer = "
                                   "chars(\"...\")`";
  plan["tokenizer"] = tokenizerJson(tokenizer);
  plan["models"] = std::move(models);
  plan["model_costs"] = std::move(modelCosts);
  plan["datasets"] = std::move(datasets);
  plan["rewards"] = std::move(rewards);
  plan["losses"] = std::move(losses);
  plan["stages"] = std::move(stages);
  return json::Value(std::move(plan));
}
