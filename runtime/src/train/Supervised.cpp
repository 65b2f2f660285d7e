//===- Supervised.cpp - Next-token training: pretrain, SFT, distill -------===//

#include "r1rt/train/Supervised.h"
#include "r1rt/Error.h"
#include "r1rt/metrics/MetricsLog.h"
#include "r1rt/metrics/Progress.h"
#include "r1rt/model/Lora.h"
#include "r1rt/optim/Optim.h"
#include "r1rt/train/DataOrder.h"
#include "r1rt/train/PromptIds.h"
#include "r1rt/train/StepCheckpoint.h"
#include "r1rt/train/StepGuards.h"
#include "r1rt/train/TokenLogprobs.h"

#include <fmt/format.h>

#include <cmath>
#include <numeric>
#include <optional>

namespace r1rt {

TokenizedExample tokenizeExample(const Tokenizer &tokenizer,
                                 const data::Record &record, bool responseOnly,
                                 int64_t maxSeq, const std::string &where) {
  if (responseOnly && !record.response)
    fail("{}: record has no response, but this stage trains on responses",
         where);
  TokenizedExample ex;
  auto encode = [&](const std::string &text, const char *what) {
    try {
      return tokenizer.encode(text);
    } catch (const Error &e) {
      fail("{}: {}: {}", where, what, e.what());
    }
  };
  try {
    ex.ids = promptIds(tokenizer, record);
  } catch (const Error &e) {
    fail("{}: prompt: {}", where, e.what());
  }
  ex.lossFrom = responseOnly ? static_cast<int64_t>(ex.ids.size()) : 1;
  if (record.response)
    for (int64_t id : encode(*record.response, "response"))
      ex.ids.push_back(id);
  if (tokenizer.eosId() >= 0)
    ex.ids.push_back(tokenizer.eosId());
  if (static_cast<int64_t>(ex.ids.size()) > maxSeq)
    ex.ids.resize(maxSeq);
  if (ex.lossFrom >= static_cast<int64_t>(ex.ids.size()))
    fail("{}: the prompt fills all {} positions of max_seq; no response "
         "token is left to train on (shorten the prompt or raise max_seq)",
         where, maxSeq);
  return ex;
}

TokenBatch collate(const std::vector<TokenizedExample> &examples,
                   int64_t padId) {
  int64_t b = examples.size(), t = 0;
  for (const auto &ex : examples)
    t = std::max<int64_t>(t, ex.ids.size());
  auto tokens = torch::full({b, t}, padId, torch::kLong);
  auto mask = torch::zeros({b, std::max<int64_t>(t - 1, 0)}, torch::kFloat);
  auto tok = tokens.accessor<int64_t, 2>();
  auto msk = mask.accessor<float, 2>();
  for (int64_t i = 0; i < b; ++i) {
    const auto &ids = examples[i].ids;
    for (size_t j = 0; j < ids.size(); ++j)
      tok[i][j] = ids[j];
    for (int64_t j = examples[i].lossFrom; j < int64_t(ids.size()); ++j)
      msk[i][j - 1] = 1.0f;
  }
  return {tokens, mask};
}

PackedSampler::PackedSampler(const std::vector<TokenizedExample> &examples,
                             int64_t len, uint64_t seed)
    : examples(examples), len(len), seed(seed) {
  int64_t total = 0;
  for (const TokenizedExample &ex : examples)
    total += static_cast<int64_t>(ex.ids.size());
  if (len < 2 || total < len)
    fail("cannot pack {} tokens into rows of {}: the corpus is shorter than "
         "one row; lower seq_len",
         total, len);
  rows = (total - 1) / (len - 1);
}

std::vector<int64_t> PackedSampler::operator()(int64_t draw) {
  if (draw / rows != epoch) {
    epoch = draw / rows;
    stream.clear();
    for (int64_t i : epochOrder(examples.size(), seed, epoch))
      stream.insert(stream.end(), examples[i].ids.begin(),
                    examples[i].ids.end());
  }
  auto begin = stream.begin() + (draw % rows) * (len - 1);
  return {begin, begin + len};
}

SupervisedResult trainSupervised(CausalLM &model, const Tokenizer &tokenizer,
                                 const std::vector<data::Record> &records,
                                 const SupervisedOptions &opt,
                                 StageArtifact &artifact, MetricsLog &metrics) {
  if (records.empty())
    fail("stage '{}': the training dataset is empty", opt.label);
  std::vector<TokenizedExample> examples;
  examples.reserve(records.size());
  for (size_t i = 0; i < records.size(); ++i)
    examples.push_back(tokenizeExample(
        tokenizer, records[i], opt.responseOnly, model.maxSeq(),
        fmt::format("stage '{}': dataset record {}", opt.label, i + 1)));

  auto optimizer = makeAdamW(model, {opt.lr, 0.9, 0.95, 1e-8, opt.weightDecay});
  WarmupCosine schedule{opt.lr, opt.warmup, opt.steps, 0.1};
  // With LoRA adapters attached, only they are trained (and clipped).
  std::vector<torch::Tensor> params = trainableParameters(model);

  SupervisedResult result;
  StepCheckpoint checkpoint(artifact, model, *optimizer);
  const int64_t start = result.resumedFrom = checkpoint.restore();

  EpochSampler sampler(examples.size(), opt.seed);
  std::optional<PackedSampler> packed;
  if (!opt.responseOnly && opt.packLen > 0)
    packed.emplace(examples, opt.packLen, opt.seed);
  Progress progress(opt.label, opt.steps, "step", start);
  model.train();
  for (int64_t step = start; step < opt.steps; ++step) {
    std::vector<TokenizedExample> batch;
    for (int64_t i = 0; i < opt.batch; ++i) {
      int64_t draw = step * opt.batch + i;
      batch.push_back(packed ? TokenizedExample{(*packed)(draw), 1}
                             : examples[sampler(draw)]);
    }
    TokenBatch tb = collate(batch, tokenizer.padId());
    setLearningRate(*optimizer, schedule.at(step));
    torch::Tensor logp = tokenLogprobs(model, tb.tokens).logp;
    torch::Tensor loss = -(logp * tb.lossMask).sum() / tb.lossMask.sum();
    torch::Tensor aux = model.auxLoss();
    if (aux.defined())
      loss = loss + aux;
    double lossValue = loss.item<double>();
    checkFiniteLoss(lossValue, opt.label, step + 1);
    optimizer->zero_grad();
    loss.backward();
    double gradNorm =
        clipGradNormOrAbort(params, opt.gradClip, opt.label, step + 1);
    optimizer->step();
    model.updateRoutingBias();

    metrics.append({{"step", step + 1},
                    {"loss", lossValue},
                    {"lr", schedule.at(step)},
                    {"grad_norm", gradNorm},
                    {"tokens", tb.lossMask.sum().item<double>()}});
    progress.update(step + 1, fmt::format("loss {:.4f}", lossValue));
    bool last = step + 1 == opt.steps;
    if (!last && opt.saveEvery > 0 && (step + 1) % opt.saveEvery == 0) {
      metrics.sync();
      checkpoint.save(step + 1);
    }
  }
  metrics.sync();
  progress.finish();
  std::vector<double> losses;
  // Summarise from the log, which also holds the steps before a resume.
  for (const auto &rec : MetricsLog::read(metrics.path()))
    losses.push_back(rec.value("loss", 0.0));
  result.steps = opt.steps;
  size_t k = std::max<size_t>(1, losses.size() / 10);
  result.firstLoss =
      std::accumulate(losses.begin(), losses.begin() + k, 0.0) / k;
  result.finalLoss = std::accumulate(losses.end() - k, losses.end(), 0.0) / k;
  return result;
}

} // namespace r1rt
