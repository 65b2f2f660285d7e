//===- SupervisedTest.cpp - Tests for the pretrain/SFT trainer ------------===//

#include "r1rt/train/Supervised.h"
#include "r1rt/Error.h"
#include "r1rt/data/Tasks.h"
#include "r1rt/metrics/MetricsLog.h"
#include "r1rt/model/Checkpoint.h"
#include "r1rt/store/ArtifactStore.h"
#include "r1rt/train/DataOrder.h"
#include "r1rt/train/TokenLogprobs.h"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <random>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char *kAlphabet = "0123456789+-*=() \n<>/thinkaswer";

std::shared_ptr<r1rt::CausalLM> tinyModel(const r1rt::Tokenizer &tok,
                                          uint64_t seed) {
  auto cfg = r1rt::ModelConfig::fromJson({{"arch", "dense"},
                                          {"vocab_size", tok.vocabSize()},
                                          {"dim", 32},
                                          {"layers", 2},
                                          {"heads", 4},
                                          {"ffn", 64},
                                          {"max_seq", 64}});
  auto m = r1rt::makeModel(cfg);
  m->initialize(seed);
  return m;
}

std::vector<r1rt::data::Record> arith(size_t count, r1rt::data::ArithStyle s) {
  r1rt::data::ArithOptions o;
  o.count = count;
  o.digits = {1, 1};
  o.terms = {2, 2};
  o.style = s;
  o.seed = 5;
  return r1rt::data::generateArith(o);
}

/// SFT options as an sft stage's plan resolves them, before each test's
/// overrides.
r1rt::SupervisedOptions sftOptions() {
  r1rt::SupervisedOptions o;
  o.steps = 100;
  o.batch = 16;
  o.lr = 3e-4;
  o.warmup = 0;
  o.weightDecay = 0.0;
  o.gradClip = 1.0;
  o.saveEvery = 100;
  o.responseOnly = true;
  o.packLen = 0;
  o.seed = 0;
  o.label = "sft";
  return o;
}

class SupervisedTest : public ::testing::Test {
protected:
  void SetUp() override {
    at::set_num_threads(1);
    dir = fs::temp_directory_path() /
          ("r1rt-sft-" + std::to_string(std::random_device{}()));
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path dir;
  r1rt::CharTokenizer tok{kAlphabet};
};

TEST_F(SupervisedTest, TokenizeAndCollateMasks) {
  r1rt::data::Record r;
  r.prompt = "1+2=";
  r.response = "3";
  auto sft = r1rt::tokenizeExample(tok, r, true, 64, "r");
  ASSERT_EQ(sft.ids.size(), 1u + 4 + 1 + 1);
  EXPECT_EQ(sft.ids.front(), tok.bosId());
  EXPECT_EQ(sft.ids.back(), tok.eosId());
  EXPECT_EQ(sft.lossFrom, 5);
  auto pre = r1rt::tokenizeExample(tok, r, false, 64, "r");
  EXPECT_EQ(pre.lossFrom, 1);
  auto b =
      r1rt::collate({sft, pre, r1rt::tokenizeExample(tok, r, true, 6, "r")});
  ASSERT_EQ(b.tokens.sizes(), (c10::IntArrayRef{3, 7}));
  // SFT row: targets at positions 5 ("3") and 6 (<eos>) => mask[4], mask[5].
  EXPECT_EQ(b.lossMask[0].sum().item<float>(), 2.0f);
  EXPECT_EQ(b.lossMask[0][4].item<float>(), 1.0f);
  EXPECT_EQ(b.lossMask[1].sum().item<float>(), 6.0f);
  // Truncated to 6 tokens: <eos> is cut, only "3" remains a target; padding
  // never counts.
  EXPECT_EQ(b.lossMask[2].sum().item<float>(), 1.0f);
  EXPECT_EQ(b.tokens[2][6].item<int64_t>(), tok.padId());

  r1rt::data::Record noResp;
  noResp.prompt = "1+2=";
  EXPECT_THROW(r1rt::tokenizeExample(tok, noResp, true, 64, "r"), r1rt::Error);
  r.prompt = "ZZ";
  EXPECT_THROW(r1rt::tokenizeExample(tok, r, true, 64, "r"), r1rt::Error);
}

TEST_F(SupervisedTest, TokenLogprobsMatchAFloat64Reference) {
  // The fused path (no [B,T,V] logits) against log_softmax of the model's
  // full logits in float64: log-probs, entropy and temperature.
  auto model = tinyModel(tok, 3);
  for (double temp : {1.0, 0.7}) {
    for (int64_t t : {5, 17, 40}) {
      auto tokens = torch::randint(3, tok.vocabSize(), {3, t}, torch::kLong);
      auto got = r1rt::tokenLogprobs(*model, tokens, temp, true);
      auto logits = model->logits(model->forward(tokens)).to(torch::kDouble);
      auto ref = torch::log_softmax(logits / temp, -1).slice(1, 0, t - 1);
      auto refLogp =
          ref.gather(-1, tokens.slice(1, 1).unsqueeze(-1)).squeeze(-1);
      auto refEnt = -(ref.exp() * ref).sum(-1);
      EXPECT_LE((got.logp.to(torch::kDouble) - refLogp).abs().max().item<double>(),
                1e-5);
      EXPECT_LE(
          (got.entropy.to(torch::kDouble) - refEnt).abs().max().item<double>(),
          1e-5);
      EXPECT_GT(refEnt.min().item<double>(), 0.1);
    }
  }
}

TEST_F(SupervisedTest, TokenLogprobGradientsMatchTheFullLogitsPath) {
  auto model = tinyModel(tok, 4);
  auto tokens = torch::randint(3, tok.vocabSize(), {2, 23}, torch::kLong);
  auto weights = torch::randn({2, 22});
  auto grads = [&](bool fused) {
    model->zero_grad();
    torch::Tensor logp;
    if (fused) {
      logp = r1rt::tokenLogprobs(*model, tokens, 0.8).logp;
    } else {
      auto logits = model->logits(model->forward(tokens)).slice(1, 0, 22);
      logp = torch::log_softmax(logits / 0.8, -1)
                 .gather(-1, tokens.slice(1, 1).unsqueeze(-1))
                 .squeeze(-1);
    }
    (logp * weights).sum().backward();
    std::vector<torch::Tensor> out;
    for (auto &p : model->parameters())
      if (p.grad().defined())
        out.push_back(p.grad().clone());
    return out;
  };
  auto a = grads(true), b = grads(false);
  ASSERT_EQ(a.size(), b.size());
  ASSERT_FALSE(a.empty());
  for (size_t i = 0; i < a.size(); ++i) {
    double scale = std::max(b[i].abs().max().item<double>(), 1e-3);
    EXPECT_LE((a[i] - b[i]).abs().max().item<double>(), 1e-4 * scale) << i;
  }
}

TEST_F(SupervisedTest, EpochOrderIsAPermutationAndVariesByEpoch) {
  auto a = r1rt::epochOrder(100, 7, 0), b = r1rt::epochOrder(100, 7, 1);
  auto sorted = a;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < 100; ++i)
    EXPECT_EQ(sorted[i], i);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, r1rt::epochOrder(100, 7, 0));
}

TEST_F(SupervisedTest, PackedRowsTileEachEpochsStreamInOrder) {
  // Examples of distinct lengths and ids, so every row identifies its source.
  std::vector<r1rt::TokenizedExample> ex;
  for (int64_t i = 0; i < 7; ++i)
    ex.push_back({std::vector<int64_t>(3 + i, 100 + i), 1});
  const int64_t len = 5, total = 7 * 3 + 21; // 42 tokens per epoch
  r1rt::PackedSampler packed(ex, len, 9);
  ASSERT_EQ(packed.rowsPerEpoch(), (total - 1) / (len - 1));
  for (int64_t epoch = 0; epoch < 3; ++epoch) {
    std::vector<int64_t> stream;
    for (int64_t i : r1rt::epochOrder(7, 9, epoch))
      stream.insert(stream.end(), ex[i].ids.begin(), ex[i].ids.end());
    for (int64_t r = 0; r < packed.rowsPerEpoch(); ++r) {
      std::vector<int64_t> want(stream.begin() + r * (len - 1),
                                stream.begin() + r * (len - 1) + len);
      EXPECT_EQ(packed(epoch * packed.rowsPerEpoch() + r), want)
          << "epoch " << epoch << " row " << r;
    }
  }
  // A fresh sampler (a resumed run) draws the same row for the same index.
  r1rt::PackedSampler again(ex, len, 9);
  EXPECT_EQ(again(2 * packed.rowsPerEpoch() + 3),
            packed(2 * packed.rowsPerEpoch() + 3));
  EXPECT_THROW(r1rt::PackedSampler(ex, total + 1, 9), r1rt::Error);
  EXPECT_THROW(r1rt::PackedSampler(ex, 1, 9), r1rt::Error);
}

TEST_F(SupervisedTest, SftLowersTheLoss) {
  auto model = tinyModel(tok, 1);
  auto records = arith(400, r1rt::data::ArithStyle::Plain);
  r1rt::ArtifactStore store(dir.string(), "t");
  auto art = store.stage("sft", "0123456789abcdef");
  art.begin({});
  r1rt::MetricsLog log(art.path("metrics.jsonl"), -1);
  r1rt::SupervisedOptions o = sftOptions();
  o.steps = 60;
  o.batch = 16;
  o.lr = 3e-3;
  o.saveEvery = 0;
  auto res = r1rt::trainSupervised(*model, tok, records, o, art, log);
  EXPECT_EQ(r1rt::MetricsLog::read(log.path()).size(), 60u);
  EXPECT_LT(res.finalLoss, 0.6 * res.firstLoss)
      << res.firstLoss << " -> " << res.finalLoss;
}

// A child process trains and is SIGKILLed after a step checkpoint; resuming
// in this process must reach the same weights and per-step metrics as an
// uninterrupted run.
TEST_F(SupervisedTest, KilledRunResumesToIdenticalWeightsAndMetrics) {
  auto records = arith(300, r1rt::data::ArithStyle::Cot);
  r1rt::SupervisedOptions o = sftOptions();
  // Long enough that the child cannot finish in the time the parent needs
  // to see step 9 (about 0.5 s of the child's 4 s), short enough for CI.
  o.steps = 80;
  o.batch = 4;
  o.lr = 2e-3;
  o.warmup = 5;
  o.saveEvery = 3;
  r1rt::ArtifactStore store(dir.string(), "t");

  auto run = [&](const std::string &key) {
    auto art = store.stage("sft", key);
    art.begin({});
    auto model = tinyModel(tok, 11);
    r1rt::MetricsLog log(art.path("metrics.jsonl"),
                         art.latestStep().value_or(-1));
    r1rt::trainSupervised(*model, tok, records, o, art, log);
    return r1rt::stateDict(*model);
  };

  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    try {
      run("00000000000000bb");
    } catch (...) {
    }
    _exit(0);
  }
  auto killed = store.stage("sft", "00000000000000bb");
  for (int i = 0; i < 20000 && killed.latestStep().value_or(0) < 9; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child finished before the kill";
  int64_t resumedAt = killed.latestStep().value_or(0);
  ASSERT_GE(resumedAt, 9);
  ASSERT_LT(resumedAt, o.steps);

  auto resumed = run("00000000000000bb");
  auto straight = run("00000000000000aa");
  ASSERT_EQ(resumed.size(), straight.size());
  for (auto &[name, t] : straight)
    EXPECT_TRUE(torch::equal(t, resumed.at(name))) << name;
  auto m1 = r1rt::MetricsLog::read(killed.path("metrics.jsonl"));
  auto m2 = r1rt::MetricsLog::read(
      store.stage("sft", "00000000000000aa").path("metrics.jsonl"));
  ASSERT_EQ(m1.size(), size_t(o.steps));
  EXPECT_EQ(m1, m2);
}

} // namespace
