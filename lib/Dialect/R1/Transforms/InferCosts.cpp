//===- InferCosts.cpp - r1-infer-costs: sizes and cost estimates ---------===//

#include "r1/Dialect/R1/ModelMath.h"
#include "r1/Dialect/R1/Passes.h"
#include "r1/Dialect/R1/R1Schema.h"
#include "r1/Dialect/R1/RecipeAnalysis.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

namespace r1 {
#define GEN_PASS_DEF_INFERCOSTSPASS
#include "r1/Dialect/R1/Passes.h.inc"
} // namespace r1

using namespace mlir;
using namespace r1;

namespace {
/// Costs of the model behind a weights value.
struct ModelCost {
  int64_t active = 0;   ///< active parameters per token
  int64_t fwdFlops = 0; ///< forward FLOPs per token
  int64_t maxSeq = 0;   ///< context length
  bool known = false;
};

ModelCost costOf(Value weights) {
  ModelCost c;
  ModelOp model = getRootModel(weights);
  if (!model)
    return c;
  ModelDims d = getModelDims(model.getArch(), resolveModelConfig(model));
  if (d.vocab == 0)
    return c; // vocabulary unknown (hf tokenizer without vocab)
  c.active = activeParamCount(d);
  c.fwdFlops = forwardFlopsPerToken(d, d.maxSeq);
  c.maxSeq = d.maxSeq;
  c.known = true;
  return c;
}

struct InferCostsPass : public r1::impl::InferCostsPassBase<InferCostsPass> {
  using InferCostsPassBase::InferCostsPassBase;

  void runOnOperation() override {
    Builder b(&getContext());
    for (Operation &op : getOperation().getBodyBlock()) {
      if (auto model = dyn_cast<ModelOp>(op)) {
        annotateModel(model, b);
        continue;
      }
      if (!isStageOp(&op))
        continue;
      auto [tokens, flops] = estimate(&op);
      op.setAttr("r1.tokens", b.getI64IntegerAttr(tokens));
      op.setAttr("r1.flops", b.getI64IntegerAttr(int64_t(flops)));
      annotateLora(&op, b);
    }
  }

  /// A LoRA stage: the adapted layers and the adapter parameters, which are
  /// all it trains (r1.lora_adapters, r1.trainable_params).
  void annotateLora(Operation *op, Builder &b) {
    DictionaryAttr lora = getDict(getResolvedConfig(op), "lora");
    ModelOp model = lora ? getRootModel(op->getOperand(0)) : ModelOp();
    auto targets =
        lora ? dyn_cast_or_null<ArrayAttr>(lora.get("targets")) : ArrayAttr();
    if (!model || !targets)
      return;
    SmallVector<StringRef> names;
    for (Attribute t : targets)
      if (auto s = dyn_cast<StringAttr>(t))
        names.push_back(s.getValue());
    LoraCost cost =
        getLoraCost(getModelDims(model.getArch(), resolveModelConfig(model)),
                    getInt(lora, "rank"), names);
    op->setAttr("r1.lora_adapters", b.getI64IntegerAttr(cost.adapters));
    op->setAttr("r1.trainable_params", b.getI64IntegerAttr(cost.params));
  }

  void annotateModel(ModelOp model, Builder &b) {
    ModelDims d = getModelDims(model.getArch(), resolveModelConfig(model));
    if (d.vocab == 0) {
      model.emitRemark() << "r1-infer-costs: vocabulary size of model '"
                         << model.getSymName()
                         << "' is unknown; set vocab_size to get its costs";
      return;
    }
    model->setAttr("r1.params", b.getI64IntegerAttr(paramCount(d)));
    model->setAttr("r1.active_params",
                   b.getI64IntegerAttr(activeParamCount(d)));
    model->setAttr("r1.flops_per_token",
                   b.getI64IntegerAttr(forwardFlopsPerToken(d, d.maxSeq)));
    model->setAttr("r1.kv_bytes_per_token_layer",
                   b.getI64IntegerAttr(kvBytesPerTokenLayer(d, kvBytes)));
    model->setAttr("r1.mha_kv_bytes_per_token_layer",
                   b.getI64IntegerAttr(mhaKvBytesPerTokenLayer(d, kvBytes)));
  }

  /// Tokens processed and FLOPs of a stage. Training counts 3 forward passes
  /// (forward + backward), sampling and scoring 1. Sequence lengths are
  /// upper bounds (every sequence at its limit).
  std::pair<int64_t, double> estimate(Operation *op) {
    DictionaryAttr cfg = getResolvedConfig(op);
    auto train = [&](Value init, Value data) -> std::pair<int64_t, double> {
      ModelCost m = costOf(init);
      int64_t seq = getInt(cfg, "seq_len", m.maxSeq);
      int64_t examples = cfg.get("steps")
                             ? getInt(cfg, "steps") * getInt(cfg, "batch")
                             : getInt(cfg, "epochs") * getDatasetSize(data);
      int64_t tokens = examples * seq;
      return {tokens, 3.0 * double(m.fwdFlops) * double(tokens)};
    };
    return TypeSwitch<Operation *, std::pair<int64_t, double>>(op)
        .Case<PretrainOp, SftOp>(
            [&](auto s) { return train(s.getInit(), s.getData()); })
        .Case<DistillOp>([&](DistillOp s) {
          auto [tokens, flops] = train(s.getStudent(), s.getData());
          if (s.getTeacher())
            flops += double(costOf(s.getTeacher()).fwdFlops) * double(tokens);
          return std::make_pair(tokens, flops);
        })
        .Case<GrpoOp, PpoOp>([&](Operation *s) {
          ModelCost m = costOf(s->getOperand(0));
          int64_t group = isa<GrpoOp>(s) ? getInt(cfg, "group") : 1;
          int64_t tokens = getInt(cfg, "steps") * getInt(cfg, "batch") * group *
                           getInt(cfg, "max_new");
          // sample (1) + reference and old-policy scoring (2) + update (3
          // per policy update).
          double passes = 3.0 + 3.0 * double(getInt(cfg, "updates"));
          return std::make_pair(tokens,
                                passes * double(m.fwdFlops) * double(tokens));
        })
        .Case<RejectSampleOp>([&](RejectSampleOp s) {
          ModelCost m = costOf(s.getPolicy());
          int64_t tokens = getDatasetSize(s.getData()) *
                           getInt(cfg, "samples") * getInt(cfg, "max_new");
          return std::make_pair(tokens, double(m.fwdFlops) * double(tokens));
        })
        .Case<EvalOp>([&](EvalOp s) {
          int64_t samples = 1;
          for (Attribute a : cast<ArrayAttr>(cfg.get("metrics"))) {
            auto d = cast<DictionaryAttr>(a);
            samples = std::max(samples, getInt(d, "k", getInt(d, "at")));
          }
          int64_t perModel =
              getDatasetSize(s.getData()) * samples * getInt(cfg, "max_new");
          int64_t tokens = 0;
          double flops = 0;
          for (Value m : s.getModels()) {
            tokens += perModel;
            flops += double(costOf(m).fwdFlops) * double(perModel);
          }
          return std::make_pair(tokens, flops);
        })
        .Default([](Operation *) { return std::make_pair(int64_t(0), 0.0); });
  }
};
} // namespace
