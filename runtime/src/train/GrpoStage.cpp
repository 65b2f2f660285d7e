//===- GrpoStage.cpp - The grpo stage runner ------------------------------===//
//
// One step (DESIGN.md §7, docs/grpo.md): take `batch` prompts in a seeded
// per-epoch order, sample `group` completions each from the policy, score
// them with the stage's reward expression, optionally shape the rewards with
// a KL penalty, compute group-relative advantages, optionally drop groups
// whose rewards are all equal, then run `updates` passes of minibatch AdamW
// steps on the plan's loss (the loss interpreter; autograd does the
// backward). old_logp are the rollout's sampling log-probs. The reference
// model is the initial checkpoint, frozen, reset to the policy every
// `ref_reset` steps. Every random draw is a function of (stage seed, step,
// sample index), so a resumed run needs only weights and optimizer state.
//
//===----------------------------------------------------------------------===//

#include "Rollout.h"
#include "StageConfig.h"
#include "StageSupport.h"
#include "r1rt/Error.h"
#include "r1rt/metrics/MetricsLog.h"
#include "r1rt/metrics/Progress.h"
#include "r1rt/model/Checkpoint.h"
#include "r1rt/optim/Optim.h"
#include "r1rt/store/ArtifactStore.h"
#include "r1rt/store/Safetensors.h"
#include "r1rt/train/Advantages.h"
#include "r1rt/train/CompiledLoss.h"
#include "r1rt/train/LossInterpreter.h"
#include "r1rt/train/Reduction.h"
#include "r1rt/train/Supervised.h"

#include <chrono>
#include <cmath>

using nlohmann::json;
namespace I = torch::indexing;

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

/// Per-token log-probs of tokens[:,1:] under logits / temperature, and the
/// per-token entropy of that distribution (detached).
std::pair<torch::Tensor, torch::Tensor>
policyLogprobs(CausalLM &model, const torch::Tensor &tokens,
               double temperature) {
  torch::Tensor hidden = model.forward(tokens);
  torch::Tensor logits =
      model.logits(hidden.index({I::Slice(), I::Slice(0, -1)})).to(torch::kFloat);
  if (temperature > 0 && temperature != 1.0)
    logits = logits / temperature;
  torch::Tensor all = torch::log_softmax(logits, -1);
  torch::Tensor next = tokens.index({I::Slice(), I::Slice(1, I::None)});
  torch::Tensor logp = all.gather(-1, next.unsqueeze(-1)).squeeze(-1);
  torch::Tensor detached = all.detach();
  torch::Tensor entropy = -(detached.exp() * detached).sum(-1);
  return {logp, entropy};
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

class GrpoStage : public StageRunner {
public:
  json run(StageContext &ctx) override;
};

json GrpoStage::run(StageContext &ctx) {
  const PlanStage &st = ctx.stage;
  const GrpoConfig config = GrpoConfig::read(st);
  const int64_t group = config.group;
  const int64_t steps = config.steps;
  const int64_t batch = config.batch;
  const double lr = config.optim.lr;
  const int64_t updates = config.updates;
  const int64_t warmup = config.optim.warmup;
  const double klReward = config.klReward;
  const int64_t refReset = config.refReset;
  const int64_t saveEvery = config.optim.saveEvery;
  const double gradClip = config.optim.gradClip;
  const bool dynamic = config.dynamicSampling;
  const auto scale = train::parseAdvantageScale(config.scale);
  if (config.curriculum != "none")
    fail("stage '{}': curriculum '{}' is not implemented by this runtime; use "
         "curriculum = none",
         st.name, config.curriculum);
  if (group < 2 || steps < 1 || batch < 1 || updates < 1)
    fail("stage '{}': group must be >= 2 and steps, batch, updates >= 1",
         st.name);
  const SamplingOptions sampling = config.sampling;
  const int64_t rows = batch * group;
  const int64_t minibatch = config.minibatch.value_or(rows);

  const std::string lossName = st.raw.value("loss", std::string());
  if (!ctx.plan.losses.contains(lossName))
    fail("plan.json: stage '{}' uses loss '{}', which \"losses\" lacks",
         st.name, lossName);
  const train::LossEvaluator evaluator(
      train::LossProgram::fromJson(lossName, ctx.plan.losses[lossName]),
      ctx.plan.losses[lossName], ctx.plan.bundleDir, ctx.interpretLosses);
  const train::LossProgram &program = evaluator.program();
  const RewardSet rewards = RewardSet::fromStage(ctx.plan, st, "reward");
  const auto &params = program.params();
  const bool needRef =
      klReward > 0 ||
      std::find(params.begin(), params.end(), "ref_logp") != params.end();

  const uint64_t seed = stageSeed(ctx);
  auto tokenizer = planTokenizer(ctx.plan);
  LoadedModel policy = loadModelInput(ctx, "init", seed);
  LoadedModel ref;
  if (needRef) {
    ref = loadModelInput(ctx, "init", seed);
    ref.model->eval();
    for (auto &p : ref.model->parameters())
      p.set_requires_grad(false);
  }
  const std::vector<data::Record> records = loadDatasetInput(ctx, "data");
  if (records.empty())
    fail("stage '{}': the prompt dataset is empty", st.name);

  auto optimizer = makeAdamW(*policy.model,
                             {lr, 0.9, 0.99, 1e-8, config.optim.weightDecay});
  std::vector<torch::Tensor> weights = policy.model->parameters();
  const int64_t start = resumeStep(ctx.artifact);
  if (start > 0) {
    auto load = [&](CausalLM &m, const char *file) {
      loadSafetensorsBytes(m, ctx.artifact.readStep(start, file),
                           ctx.artifact.stepPath(start, file));
    };
    load(*policy.model, "model.safetensors");
    loadOptimizerState(*optimizer, ctx.artifact.readStep(start, "optimizer.pt"),
                       ctx.artifact.stepPath(start, "optimizer.pt"));
    if (needRef && refReset > 0)
      load(*ref.model, "ref.safetensors");
  }
  MetricsLog metrics(ctx.artifact.path(kMetricsFile), start > 0 ? start : -1);
  Progress progress(st.name, steps, "step", start);
  EpochSampler sampler(records.size(), seed);
  policy.model->train();

  for (int64_t step = start; step < steps; ++step) {
    auto t0 = Clock::now();
    std::vector<const data::Record *> prompts;
    for (int64_t i = 0; i < batch; ++i)
      prompts.push_back(&records[sampler(step * batch + i)]);
    Rollouts roll = sampleCompletions(*policy.model, *tokenizer, prompts, group,
                                      sampling, seed, uint64_t(step) * rows,
                                      st.name);
    // Score.
    const size_t nTerms = rewards.terms().size();
    std::vector<double> termSum(nTerms, 0.0), termSq(nTerms, 0.0);
    torch::Tensor reward = torch::empty({rows});
    double correct = 0;
    for (int64_t r = 0; r < rows; ++r) {
      std::vector<double> s =
          rewards.scoreTerms(roll.completions[r], *prompts[r / group]);
      for (size_t k = 0; k < nTerms; ++k)
        termSum[k] += s[k], termSq[k] += s[k] * s[k];
      correct += s[0] >= rewards.term(0).info().maxScore ? 1.0 : 0.0;
      reward[r] = rewards.combine(s);
    }
    TrainBatch tb = layoutRollout(roll, tokenizer->padId());
    torch::Tensor refLogp;
    if (needRef) {
      torch::NoGradGuard ng;
      refLogp = policyLogprobs(*ref.model, tb.tokens, sampling.temperature).first;
    }
    torch::Tensor shaped =
        klReward > 0 ? train::klShapedRewards(reward, tb.oldLogp, refLogp,
                                              tb.mask, klReward)
                     : reward;
    torch::Tensor adv = train::groupAdvantages(shaped, group, scale);
    torch::Tensor keepGroups = train::keepNonZeroVarianceGroups(shaped, group);
    double zeroStd = 1.0 - keepGroups.to(torch::kDouble).mean().item<double>();
    torch::Tensor kept = dynamic ? train::keptSequenceIndices(keepGroups, group)
                                 : torch::arange(rows);
    const double rolloutSeconds = since(t0);

    // Update.
    auto t1 = Clock::now();
    double lossSum = 0, clipSum = 0, klSum = 0, entSum = 0, gradNorm = 0;
    int64_t nMb = 0, nMb0 = 0;
    const int64_t nKept = kept.size(0);
    const double stepLr =
        warmup > 0 ? lr * std::min(1.0, double(step + 1) / warmup) : lr;
    setLearningRate(*optimizer, stepLr);
    for (int64_t u = 0; u < updates && nKept > 0; ++u) {
      for (int64_t m0 = 0; m0 < nKept; m0 += minibatch) {
        torch::Tensor idx = kept.slice(0, m0, std::min(nKept, m0 + minibatch));
        train::LossInputs in;
        torch::Tensor tokens = tb.tokens.index_select(0, idx);
        torch::Tensor entropy;
        std::tie(in.logp, entropy) =
            policyLogprobs(*policy.model, tokens, sampling.temperature);
        in.mask = tb.mask.index_select(0, idx);
        in.oldLogp = tb.oldLogp.index_select(0, idx);
        if (needRef)
          in.refLogp = refLogp.index_select(0, idx);
        in.adv = train::broadcastOverTokens(adv.index_select(0, idx), in.mask);
        torch::Tensor loss = evaluator.loss(in);
        torch::Tensor aux = policy.model->auxLoss();
        if (aux.defined())
          loss = loss + aux;
        double value = loss.item<double>();
        checkFiniteLoss(value, st.name, step + 1);
        if (u == 0) {
          clipSum += clipFraction(program, in);
          entSum += train::maskedMean(entropy, in.mask).item<double>();
          if (needRef)
            klSum += train::maskedMean(
                         train::k3Kl(in.logp.detach(), in.refLogp), in.mask)
                         .item<double>();
          ++nMb0;
        }
        optimizer->zero_grad();
        loss.backward();
        gradNorm = clipGradNormOrAbort(weights, gradClip, st.name, step + 1);
        // The MoE routing bias stays frozen: only the loss moves the policy
        // (measured: updating it cut held-out pass@1 after ~50 steps from
        // 0.219 to 0.147; docs/runtime.md).
        optimizer->step();
        lossSum += value;
        ++nMb;
      }
    }
    if (needRef && refReset > 0 && (step + 1) % refReset == 0)
      loadStateDict(*ref.model, stateDict(*policy.model), "ref reset");

    json rec = {{"step", step + 1},
                {"reward", reward.mean().item<double>()},
                {"reward_std", reward.std(/*unbiased=*/false).item<double>()},
                {"accuracy", correct / rows},
                {"response_len", roll.gen.lengths.to(torch::kDouble).mean().item<double>()},
                {"zero_std_frac", zeroStd},
                {"kept", nKept},
                {"loss", nMb ? lossSum / nMb : 0.0},
                {"clip_frac", nMb0 ? clipSum / nMb0 : 0.0},
                {"entropy", nMb0 ? entSum / nMb0 : 0.0},
                {"grad_norm", gradNorm},
                {"lr", stepLr},
                {"rollout_s", rolloutSeconds},
                {"update_s", since(t1)}};
    if (needRef)
      rec["kl"] = nMb0 ? klSum / nMb0 : 0.0;
    for (size_t k = 0; k < nTerms; ++k) {
      double mean = termSum[k] / rows;
      rec["reward/" + rewards.terms()[k]] = mean;
      rec["reward/" + rewards.terms()[k] + "_std"] =
          std::sqrt(std::max(0.0, termSq[k] / rows - mean * mean));
    }
    metrics.append(rec);
    progress.update(step + 1, fmt::format("reward {:.3f} acc {:.3f} len {:.1f}",
                                          rec["reward"].get<double>(),
                                          correct / rows,
                                          rec["response_len"].get<double>()));
    if (step + 1 < steps && saveEvery > 0 && (step + 1) % saveEvery == 0) {
      metrics.sync();
      std::vector<std::pair<std::string, std::string>> files = {
          {"model.safetensors", serializeSafetensors(stateDict(*policy.model))},
          {"optimizer.pt", saveOptimizerState(*optimizer)}};
      if (needRef && refReset > 0)
        files.push_back(
            {"ref.safetensors", serializeSafetensors(stateDict(*ref.model))});
      ctx.artifact.writeStep(step + 1, files);
    }
  }
  metrics.sync();
  progress.finish();
  commitModel(ctx.artifact, *policy.model, policy.config);
  commitMetrics(ctx.artifact);

  // Summary: first and last 10% of the curve.
  std::vector<json> log = MetricsLog::read(ctx.artifact.path(kMetricsFile));
  auto avg = [&](const char *key, bool last) {
    size_t k = std::max<size_t>(1, log.size() / 10);
    double s = 0;
    for (size_t i = 0; i < k; ++i)
      s += log[last ? log.size() - 1 - i : i].value(key, 0.0);
    return s / k;
  };
  return {{"steps", steps},
          {"reward_first", avg("reward", false)},
          {"reward_final", avg("reward", true)},
          {"acc_first", avg("accuracy", false)},
          {"acc_final", avg("accuracy", true)},
          {"len_final", avg("response_len", true)}};
}

} // namespace

void registerGrpoStage() {
  registerStage("grpo", [] { return std::make_unique<GrpoStage>(); });
}

} // namespace r1rt::stages
