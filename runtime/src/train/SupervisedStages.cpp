//===- SupervisedStages.cpp - pretrain, sft and distill runners -----------===//
//
// All three train next-token prediction with trainSupervised(): pretrain on
// every token, sft and distill on response tokens only. distill trains the
// student on the teacher's samples (sequence-level KD); logit KD
// (kd_weight > 0) is refused with an error rather than silently ignored.
//
//===----------------------------------------------------------------------===//

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
    if (st.kind == "distill" && configValue<double>(st, "kd_weight", 0.0) > 0)
      fail("stage '{}': logit distillation (kd_weight > 0) is not implemented "
           "by this runtime; use kd_weight = 0 (SFT on the teacher's samples)",
           st.name);
    const uint64_t seed = stageSeed(ctx);
    auto tokenizer = planTokenizer(ctx.plan);
    LoadedModel lm = loadModelInput(ctx, initRole, seed);
    std::vector<data::Record> records = loadDatasetInput(ctx, "data");

    SupervisedOptions opt;
    opt.label = st.name;
    opt.seed = seed;
    opt.responseOnly = st.kind != "pretrain";
    opt.batch = configValue<int64_t>(st, "batch", 16);
    opt.lr = configValue<double>(st, "lr", opt.responseOnly ? 3e-4 : 1e-3);
    opt.warmup = configValue<int64_t>(st, "warmup", 0);
    opt.weightDecay =
        configValue<double>(st, "weight_decay", opt.responseOnly ? 0.0 : 0.1);
    opt.gradClip = configValue<double>(st, "grad_clip", 1.0);
    opt.saveEvery = configValue<int64_t>(st, "save_every", 100);
    if (!opt.responseOnly) {
      opt.packLen = configValue<int64_t>(st, "seq_len", lm.model->maxSeq());
      if (opt.packLen < 2 || opt.packLen > lm.model->maxSeq())
        fail("stage '{}': seq_len = {} must lie in 2..{} (the model's "
             "max_seq)",
             st.name, opt.packLen, lm.model->maxSeq());
    }
    if (st.config.contains("steps") && !st.config["steps"].is_null()) {
      opt.steps = configValue<int64_t>(st, "steps", 1000);
    } else {
      double epochs = configValue<double>(st, "epochs", 1.0);
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
