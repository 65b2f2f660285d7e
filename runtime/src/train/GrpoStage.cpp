//===- GrpoStage.cpp - The grpo stage runner ------------------------------===//
//
// One step (docs/grpo.md), in the named steps of TRL's GRPOTrainer:
//   rollout   - take `batch` prompts in a seeded per-epoch order and sample
//               `group` completions each from the policy;
//   score     - score them with the stage's reward expression;
//   advantage - optionally shape the rewards with a KL penalty, compute
//               group-relative advantages, optionally drop groups whose
//               rewards are all equal;
//   update    - run `updates` passes of minibatch AdamW steps on the plan's
//               loss (the loss interpreter or its compiled kernels; autograd
//               does the backward); old_logp are the rollout's sampling
//               log-probs;
//   log       - one metrics.jsonl record, the progress line, and a step
//               checkpoint every `save_every` steps.
// The reference model is the initial checkpoint, frozen, reset to the policy
// every `ref_reset` steps. With a `lora` block the policy is the initial
// model with trainable adapters, and the reference is that same model with
// its adapters switched off (LoraAdaptersOff: no second copy of the
// weights); only the adapters are optimized and checkpointed. Every random draw is a function of (stage seed,
// step, sample index), so a resumed run needs only the StepCheckpoint.
//
//===----------------------------------------------------------------------===//

#include "LoraArtifact.h"
#include "Rollout.h"
#include "StageConfig.h"
#include "StageSupport.h"
#include "r1rt/Error.h"
#include "r1rt/metrics/MetricsLog.h"
#include "r1rt/metrics/Progress.h"
#include "r1rt/model/Checkpoint.h"
#include "r1rt/optim/Optim.h"
#include "r1rt/store/ArtifactStore.h"
#include "r1rt/train/Advantages.h"
#include "r1rt/train/CompiledLoss.h"
#include "r1rt/train/DataOrder.h"
#include "r1rt/train/LossInterpreter.h"
#include "r1rt/train/Reduction.h"
#include "r1rt/train/StepCheckpoint.h"
#include "r1rt/train/StepGuards.h"
#include "r1rt/train/TokenLogprobs.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <optional>

using nlohmann::json;

namespace r1rt::stages {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

/// A rollout laid out for training: tokens [B,T]; logp index t predicts
/// tokens[:, t+1]; mask marks the completion tokens.
struct TrainBatch {
  torch::Tensor tokens, mask, oldLogp;
};

TrainBatch layoutRollout(const Rollouts &r, int64_t padId) {
  const int64_t b = r.prompts.size();
  auto lengths = r.gen.lengths.accessor<int64_t, 1>();
  int64_t t = 0;
  for (int64_t i = 0; i < b; ++i)
    t = std::max<int64_t>(t, r.prompts[i].size() + lengths[i]);
  TrainBatch out;
  out.tokens = torch::full({b, t}, padId, torch::kLong);
  out.mask = torch::zeros({b, t - 1});
  out.oldLogp = torch::zeros({b, t - 1});
  auto tok = out.tokens.accessor<int64_t, 2>();
  auto msk = out.mask.accessor<float, 2>();
  auto old = out.oldLogp.accessor<float, 2>();
  auto gen = r.gen.tokens.accessor<int64_t, 2>();
  auto glp = r.gen.logprobs.accessor<float, 2>();
  for (int64_t i = 0; i < b; ++i) {
    const int64_t p = r.prompts[i].size();
    for (int64_t j = 0; j < p; ++j)
      tok[i][j] = r.prompts[i][j];
    for (int64_t j = 0; j < lengths[i]; ++j) {
      tok[i][p + j] = gen[i][j];
      msk[i][p + j - 1] = 1.0f;
      old[i][p + j - 1] = glp[i][j];
    }
  }
  return out;
}

/// Fraction of response tokens with a nonzero advantage on which the loss's
/// gradient w.r.t. logp vanishes, i.e. the clipped branch is active. The
/// reference is set to logp so a k3 KL term contributes no gradient.
double clipFraction(const train::LossProgram &program,
                    const train::LossInputs &in) {
  torch::Tensor lp = in.logp.detach().requires_grad_(true);
  train::LossInputs probe = in;
  probe.logp = lp;
  probe.refLogp = lp.detach();
  torch::Tensor per = program.perToken(probe);
  torch::Tensor g =
      torch::autograd::grad({(per * in.mask).sum()}, {lp}, {}, false, false,
                            /*allow_unused=*/true)[0];
  if (!g.defined())
    return 0.0;
  torch::Tensor active = (in.mask != 0) & (in.adv != 0);
  double n = active.sum().item<double>();
  return n > 0 ? ((g == 0) & active).sum().item<double>() / n : 0.0;
}

/// The rollout and score steps' output.
struct ScoredRollout {
  std::vector<const data::Record *> prompts;
  Rollouts roll;
  torch::Tensor reward; ///< [rows], the combined reward
  std::vector<double> termSum, termSq; ///< per reward term, over rows
  double correct = 0; ///< rows whose first term reached its max score
};

/// The advantage step's output: what the update trains on.
struct AdvantageBatch {
  TrainBatch tb;
  torch::Tensor refLogp; ///< defined when the loss or kl_reward needs it
  torch::Tensor adv;     ///< [rows]
  torch::Tensor kept;    ///< row indices the update uses
  double zeroStdFrac = 0;
};

/// The update step's metrics.
struct UpdateStats {
  double lr = 0, lossSum = 0, clipSum = 0, klSum = 0, entSum = 0,
         gradNorm = 0;
  /// max and mean |rollout logp − trainer logp| over the first minibatch's
  /// response tokens, before any step: the same weights sampled both.
  double mismatchMax = 0, mismatchMean = 0;
  int64_t minibatches = 0, firstPassMinibatches = 0;
};

class GrpoTrainer {
public:
  explicit GrpoTrainer(StageContext &ctx);
  json run();

private:
  ScoredRollout rollout(int64_t step);
  void score(ScoredRollout &r) const;
  AdvantageBatch advantage(const ScoredRollout &r);
  UpdateStats update(const AdvantageBatch &b, int64_t step);
  json log(int64_t step, const ScoredRollout &r, const AdvantageBatch &b,
           const UpdateStats &u, double rolloutSeconds, double updateSeconds);
  json summary() const;

  StageContext &ctx;
  const PlanStage &st;
  const GrpoConfig config;
  const int64_t rows, minibatch;
  const train::AdvantageScale scale;
  const train::LossEvaluator evaluator;
  const RewardSet rewards;
  const bool needRef;
  const uint64_t seed;
  std::unique_ptr<Tokenizer> tokenizer;
  LoadedModel policy, ref;
  std::vector<data::Record> records;
  std::unique_ptr<torch::optim::AdamW> optimizer;
  std::vector<torch::Tensor> weights;
  std::optional<StepCheckpoint> checkpoint;
  WarmupCosine schedule;
  EpochSampler sampler;
};

const GrpoConfig &checked(const GrpoConfig &c, const PlanStage &st) {
  if (c.curriculum != "none")
    fail("stage '{}': curriculum '{}' is not implemented by this runtime; use "
         "curriculum = none",
         st.name, c.curriculum);
  if (c.group < 2 || c.steps < 1 || c.batch < 1 || c.updates < 1)
    fail("stage '{}': group must be >= 2 and steps, batch, updates >= 1",
         st.name);
  if (c.lora && c.refReset > 0)
    fail("stage '{}': ref_reset = {} with lora: the reference of a LoRA stage "
         "is its frozen base; use ref_reset = 0",
         st.name, c.refReset);
  return c;
}

train::LossEvaluator lossEvaluator(const StageContext &ctx) {
  const std::string lossName = ctx.stage.raw.value("loss", std::string());
  if (!ctx.plan.losses.contains(lossName))
    fail("plan.json: stage '{}' uses loss '{}', which \"losses\" lacks",
         ctx.stage.name, lossName);
  return train::LossEvaluator(
      train::LossProgram::fromJson(lossName, ctx.plan.losses[lossName]),
      ctx.plan.losses[lossName], ctx.plan.bundleDir, ctx.interpretLosses);
}

bool usesRefLogp(const train::LossProgram &program) {
  const auto &params = program.params();
  return std::find(params.begin(), params.end(), "ref_logp") != params.end();
}

GrpoTrainer::GrpoTrainer(StageContext &ctx)
    : ctx(ctx), st(ctx.stage), config(checked(GrpoConfig::read(st), st)),
      rows(config.batch * config.group),
      minibatch(config.minibatch.value_or(rows)),
      scale(train::parseAdvantageScale(config.scale)),
      evaluator(lossEvaluator(ctx)),
      rewards(RewardSet::fromStage(ctx.plan, st, "reward")),
      needRef(config.klReward > 0 || usesRefLogp(evaluator.program())),
      seed(stageSeed(ctx)), tokenizer(planTokenizer(ctx.plan)),
      policy(loadModelInput(ctx, "init", seed)),
      schedule{config.optim.lr, config.optim.warmup, config.steps, 1.0},
      sampler(1, seed) {
  if (config.lora)
    attachStageLora(*policy.model, *config.lora, seed, st.name);
  if (needRef && config.lora) {
    ref = policy; // the same weights, forwarded with the adapters off
  } else if (needRef) {
    ref = loadModelInput(ctx, "init", seed);
    ref.model->eval();
    for (auto &p : ref.model->parameters())
      p.set_requires_grad(false);
  }
  records = loadDatasetInput(ctx, "data");
  if (records.empty())
    fail("stage '{}': the prompt dataset is empty", st.name);
  sampler = EpochSampler(records.size(), seed);
  optimizer = makeAdamW(*policy.model, {config.optim.lr, 0.9, 0.99, 1e-8,
                                        config.optim.weightDecay});
  weights = trainableParameters(*policy.model);
  // The reference changes only with ref_reset, so only then is it saved.
  checkpoint.emplace(ctx.artifact, *policy.model, *optimizer,
                     needRef && config.refReset > 0 ? ref.model.get()
                                                    : nullptr);
}

ScoredRollout GrpoTrainer::rollout(int64_t step) {
  ScoredRollout r;
  for (int64_t i = 0; i < config.batch; ++i)
    r.prompts.push_back(&records[sampler(step * config.batch + i)]);
  r.roll = sampleCompletions(*policy.model, *tokenizer, r.prompts,
                             config.group, config.sampling, seed,
                             uint64_t(step) * rows, st.name);
  return r;
}

void GrpoTrainer::score(ScoredRollout &r) const {
  const size_t nTerms = rewards.terms().size();
  r.termSum.assign(nTerms, 0.0);
  r.termSq.assign(nTerms, 0.0);
  r.reward = torch::empty({rows});
  for (int64_t i = 0; i < rows; ++i) {
    std::vector<double> s =
        rewards.scoreTerms(r.roll.completions[i], *r.prompts[i / config.group]);
    for (size_t k = 0; k < nTerms; ++k)
      r.termSum[k] += s[k], r.termSq[k] += s[k] * s[k];
    r.correct += s[0] >= rewards.term(0).info().maxScore ? 1.0 : 0.0;
    r.reward[i] = rewards.combine(s);
  }
}

AdvantageBatch GrpoTrainer::advantage(const ScoredRollout &r) {
  AdvantageBatch b;
  b.tb = layoutRollout(r.roll, tokenizer->padId());
  if (needRef) {
    torch::NoGradGuard ng;
    LoraAdaptersOff base(*ref.model, config.lora.has_value());
    b.refLogp =
        tokenLogprobs(*ref.model, b.tb.tokens, config.sampling.temperature)
            .logp;
  }
  torch::Tensor shaped =
      config.klReward > 0
          ? train::klShapedRewards(r.reward, b.tb.oldLogp, b.refLogp,
                                   b.tb.mask, config.klReward)
          : r.reward;
  b.adv = train::groupAdvantages(shaped, config.group, scale);
  torch::Tensor keepGroups =
      train::keepNonZeroVarianceGroups(shaped, config.group);
  b.zeroStdFrac = 1.0 - keepGroups.to(torch::kDouble).mean().item<double>();
  b.kept = config.dynamicSampling
               ? train::keptSequenceIndices(keepGroups, config.group)
               : torch::arange(rows);
  return b;
}

UpdateStats GrpoTrainer::update(const AdvantageBatch &b, int64_t step) {
  UpdateStats u;
  const train::LossProgram &program = evaluator.program();
  const int64_t nKept = b.kept.size(0);
  u.lr = schedule.at(step);
  setLearningRate(*optimizer, u.lr);
  for (int64_t pass = 0; pass < config.updates && nKept > 0; ++pass) {
    for (int64_t m0 = 0; m0 < nKept; m0 += minibatch) {
      torch::Tensor idx = b.kept.slice(0, m0, std::min(nKept, m0 + minibatch));
      train::LossInputs in;
      TokenLogprobs lp =
          tokenLogprobs(*policy.model, b.tb.tokens.index_select(0, idx),
                        config.sampling.temperature, /*withEntropy=*/true);
      in.logp = lp.logp;
      in.mask = b.tb.mask.index_select(0, idx);
      in.oldLogp = b.tb.oldLogp.index_select(0, idx);
      if (needRef)
        in.refLogp = b.refLogp.index_select(0, idx);
      in.adv = train::broadcastOverTokens(b.adv.index_select(0, idx), in.mask);
      torch::Tensor loss = evaluator.loss(in);
      torch::Tensor aux = policy.model->auxLoss();
      if (aux.defined())
        loss = loss + aux;
      double value = loss.item<double>();
      checkFiniteLoss(value, st.name, step + 1);
      if (pass == 0 && m0 == 0) {
        torch::Tensor gap = (in.logp.detach() - in.oldLogp).abs() * in.mask;
        u.mismatchMax = gap.max().item<double>();
        u.mismatchMean = (gap.sum() / in.mask.sum().clamp_min(1)).item<double>();
      }
      if (pass == 0) {
        u.clipSum += clipFraction(program, in);
        u.entSum += train::maskedMean(lp.entropy, in.mask).item<double>();
        if (needRef)
          u.klSum += train::maskedMean(
                         train::k3Kl(in.logp.detach(), in.refLogp), in.mask)
                         .item<double>();
        ++u.firstPassMinibatches;
      }
      optimizer->zero_grad();
      loss.backward();
      u.gradNorm = clipGradNormOrAbort(weights, config.optim.gradClip, st.name,
                                       step + 1);
      // The MoE routing bias stays frozen: only the loss moves the policy
      // (measured: updating it cut held-out pass@1 after ~50 steps from
      // 0.219 to 0.147; docs/runtime.md).
      optimizer->step();
      u.lossSum += value;
      ++u.minibatches;
    }
  }
  if (needRef && config.refReset > 0 && (step + 1) % config.refReset == 0)
    loadStateDict(*ref.model, stateDict(*policy.model), "ref reset");
  return u;
}

json GrpoTrainer::log(int64_t step, const ScoredRollout &r,
                      const AdvantageBatch &b, const UpdateStats &u,
                      double rolloutSeconds, double updateSeconds) {
  const int64_t nMb = u.minibatches, nMb0 = u.firstPassMinibatches;
  json rec = {
      {"step", step + 1},
      {"reward", r.reward.mean().item<double>()},
      {"reward_std", r.reward.std(/*unbiased=*/false).item<double>()},
      {"accuracy", r.correct / rows},
      {"response_len",
       r.roll.gen.lengths.to(torch::kDouble).mean().item<double>()},
      {"zero_std_frac", b.zeroStdFrac},
      {"kept", b.kept.size(0)},
      {"loss", nMb ? u.lossSum / nMb : 0.0},
      {"clip_frac", nMb0 ? u.clipSum / nMb0 : 0.0},
      {"entropy", nMb0 ? u.entSum / nMb0 : 0.0},
      {"grad_norm", u.gradNorm},
      {"logprob_mismatch_max", u.mismatchMax},
      {"logprob_mismatch_mean", u.mismatchMean},
      {"lr", u.lr},
      {"rollout_s", rolloutSeconds},
      {"update_s", updateSeconds}};
  if (needRef)
    rec["kl"] = nMb0 ? u.klSum / nMb0 : 0.0;
  for (size_t k = 0; k < rewards.terms().size(); ++k) {
    double mean = r.termSum[k] / rows;
    rec["reward/" + rewards.terms()[k]] = mean;
    rec["reward/" + rewards.terms()[k] + "_std"] =
        std::sqrt(std::max(0.0, r.termSq[k] / rows - mean * mean));
  }
  return rec;
}

json GrpoTrainer::run() {
  const int64_t start = checkpoint->restore();
  MetricsLog metrics(ctx.artifact.path(kMetricsFile), start > 0 ? start : -1);
  Progress progress(st.name, config.steps, "step", start);
  policy.model->train();
  for (int64_t step = start; step < config.steps; ++step) {
    auto t0 = Clock::now();
    ScoredRollout r = rollout(step);
    score(r);
    AdvantageBatch b = advantage(r);
    const double rolloutSeconds = since(t0);
    auto t1 = Clock::now();
    UpdateStats u = update(b, step);
    json rec = log(step, r, b, u, rolloutSeconds, since(t1));
    metrics.append(rec);
    progress.update(step + 1,
                    fmt::format("reward {:.3f} acc {:.3f} len {:.1f}",
                                rec["reward"].get<double>(), r.correct / rows,
                                rec["response_len"].get<double>()));
    const int64_t saveEvery = config.optim.saveEvery;
    if (step + 1 < config.steps && saveEvery > 0 &&
        (step + 1) % saveEvery == 0) {
      metrics.sync();
      checkpoint->save(step + 1);
    }
  }
  metrics.sync();
  progress.finish();
  if (config.lora)
    commitLoraModel(ctx.artifact, *policy.model, policy.config, *config.lora,
                    loraBase(ctx, st.ref("init"), seed));
  else
    commitModel(ctx.artifact, *policy.model, policy.config);
  commitMetrics(ctx.artifact);
  return summary();
}

/// First and last 10% of the curve.
json GrpoTrainer::summary() const {
  std::vector<json> log = MetricsLog::read(ctx.artifact.path(kMetricsFile));
  auto avg = [&](const char *key, bool last) {
    size_t k = std::max<size_t>(1, log.size() / 10);
    double s = 0;
    for (size_t i = 0; i < k; ++i)
      s += log[last ? log.size() - 1 - i : i].value(key, 0.0);
    return s / k;
  };
  double mismatch = 0;
  for (const json &rec : log)
    mismatch = std::max(mismatch, rec.value("logprob_mismatch_max", 0.0));
  return {{"steps", config.steps},
          {"logprob_mismatch_max", mismatch},
          {"reward_first", avg("reward", false)},
          {"reward_final", avg("reward", true)},
          {"acc_first", avg("accuracy", false)},
          {"acc_final", avg("accuracy", true)},
          {"len_final", avg("response_len", true)}};
}

class GrpoStage : public StageRunner {
public:
  json run(StageContext &ctx) override { return GrpoTrainer(ctx).run(); }
};

} // namespace

void registerGrpoStage() {
  registerStage("grpo", [] { return std::make_unique<GrpoStage>(); });
}

} // namespace r1rt::stages
