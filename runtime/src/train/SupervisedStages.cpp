//===- SupervisedStages.cpp - pretrain, sft and distill runners -----------===//
//
// All three train next-token prediction with trainSupervised(): pretrain on
// every token, sft and distill on response tokens only. distill trains the
// student on the teacher's samples (sequence-level KD); logit KD
// (kd_weight > 0) is refused with an error rather than silently ignored.
// sft with a `lora` block trains adapters on the frozen initial model and
// commits them alone (LoraArtifact.h).
//
//===----------------------------------------------------------------------===//

#include "LoraArtifact.h"
#include "StageConfig.h"
#include "StageSupport.h"
#include "r1rt/Error.h"
#include "r1rt/metrics/MetricsLog.h"
#include "r1rt/train/Supervised.h"

#include <cmath>

using nlohmann::json;

namespace r1rt::stages {

namespace {

class SupervisedStage : public StageRunner {
public:
  explicit SupervisedStage(std::string initRole) : initRole(std::move(initRole)) {}

  json run(StageContext &ctx) override {
    const PlanStage &st = ctx.stage;
    const SupervisedConfig config = SupervisedConfig::read(st);
    if (config.kdWeight > 0)
      fail("stage '{}': logit distillation (kd_weight > 0) is not implemented "
           "by this runtime; use kd_weight = 0 (SFT on the teacher's samples)",
           st.name);
    const uint64_t seed = stageSeed(ctx);
    auto tokenizer = planTokenizer(ctx.plan);
    LoadedModel lm = loadModelInput(ctx, initRole, seed);
    if (config.lora)
      attachStageLora(*lm.model, *config.lora, seed, st.name);
    std::vector<data::Record> records = loadDatasetInput(ctx, "data");

    SupervisedOptions opt;
    opt.label = st.name;
    opt.seed = seed;
    opt.responseOnly = st.kind != "pretrain";
    opt.batch = config.batch;
    opt.lr = config.optim.lr;
    opt.warmup = config.optim.warmup;
    opt.weightDecay = config.optim.weightDecay;
    opt.gradClip = config.optim.gradClip;
    opt.saveEvery = config.optim.saveEvery;
    opt.packLen = 0;
    if (!opt.responseOnly) {
      opt.packLen = config.seqLen.value_or(lm.model->maxSeq());
      if (opt.packLen < 2 || opt.packLen > lm.model->maxSeq())
        fail("stage '{}': seq_len = {} must lie in 2..{} (the model's "
             "max_seq)",
             st.name, opt.packLen, lm.model->maxSeq());
    }
    if (config.steps) {
      opt.steps = *config.steps;
    } else {
      double epochs = double(*config.epochs);
      opt.steps = std::max<int64_t>(
          1, static_cast<int64_t>(std::ceil(epochs * records.size() /
                                            std::max<int64_t>(opt.batch, 1))));
    }
    if (opt.batch < 1 || opt.steps < 1)
      fail("stage '{}': batch and steps must be positive", st.name);

    int64_t start = resumeStep(ctx.artifact);
    MetricsLog metrics(ctx.artifact.path(kMetricsFile), start > 0 ? start : -1);
    lm.model->train();
    SupervisedResult r = trainSupervised(*lm.model, *tokenizer, records, opt,
                                         ctx.artifact, metrics);
    if (config.lora)
      commitLoraModel(ctx.artifact, *lm.model, lm.config, *config.lora,
                      loraBase(ctx, st.ref(initRole), seed));
    else
      commitModel(ctx.artifact, *lm.model, lm.config);
    commitMetrics(ctx.artifact);
    return {{"steps", r.steps},
            {"examples", static_cast<int64_t>(records.size())},
            {"loss_first", r.firstLoss},
            {"loss_final", r.finalLoss}};
  }

private:
  std::string initRole;
};

} // namespace

void registerSupervisedStages() {
  registerStage("pretrain",
                [] { return std::make_unique<SupervisedStage>("init"); });
  registerStage("sft", [] { return std::make_unique<SupervisedStage>("init"); });
  registerStage("distill",
                [] { return std::make_unique<SupervisedStage>("student"); });
}

} // namespace r1rt::stages
