//===- GeneratorTest.cpp - Cached sampling vs full recomputation ----------===//

#include "../Model/TinyConfigs.h"

#include "r1rt/Error.h"
#include "r1rt/generate/Generator.h"
#include "r1rt/model/DeepSeek.h"
#include "r1rt/model/Dense.h"

#include <gtest/gtest.h>

using namespace r1rt;

namespace {

std::shared_ptr<CausalLM> model(int which) {
  std::shared_ptr<CausalLM> m;
  if (which == 0)
    m = std::make_shared<DeepSeekModel>(test::tinyDeepSeek(0));
  else if (which == 1)
    m = std::make_shared<DeepSeekModel>(test::tinyDeepSeek(8, true));
  else
    m = std::make_shared<DenseModel>(test::tinyDense(true, 2));
  m->to(torch::kFloat64); // exact argmax ties are then practically impossible
  initParameters(*m, 40 + which, 0.25);
  return m;
}

std::vector<std::vector<int64_t>> raggedPrompts(int64_t n, int64_t vocab) {
  std::vector<std::vector<int64_t>> prompts;
  for (int64_t i = 0; i < n; ++i) {
    std::vector<int64_t> p{ByteTokenizer().bosId()};
    int64_t len = 1 + (i * 5) % 9;
    for (int64_t j = 0; j < len; ++j)
      p.push_back(3 + torch::randint(0, vocab - 3, {1}).item<int64_t>());
    prompts.push_back(p);
  }
  return prompts;
}

void expectSameResults(const GenerationResult &a, const GenerationResult &b) {
  EXPECT_TRUE(torch::equal(a.lengths, b.lengths));
  EXPECT_TRUE(torch::equal(a.tokens, b.tokens));
  EXPECT_LT((a.logprobs - b.logprobs).abs().max().item<double>(), 1e-5);
}

} // namespace

class GeneratorModelTest : public ::testing::TestWithParam<int> {};

TEST_P(GeneratorModelTest, CachedGreedyEqualsFullRecompute) {
  torch::manual_seed(GetParam());
  auto m = model(GetParam());
  Generator gen(*m);
  SamplingOptions o;
  o.temperature = 0;
  o.maxNewTokens = 12;
  o.stopTokens = {ByteTokenizer().eosId(), 7};
  auto prompts = raggedPrompts(5, m->vocabSize());
  std::vector<uint64_t> seeds{1, 2, 3, 4, 5};
  GenerationResult cached = gen.generate(prompts, seeds, o);
  GenerationResult full = gen.generateUncached(prompts, seeds, o);
  expectSameResults(cached, full);
  EXPECT_GT(cached.lengths.sum().item<int64_t>(), 5 * 3);
}

TEST_P(GeneratorModelTest, SamplingIsPerSequenceReproducible) {
  torch::manual_seed(10 + GetParam());
  auto m = model(GetParam());
  Generator gen(*m);
  SamplingOptions o;
  o.temperature = 1.3;
  o.topP = 0.9;
  o.topK = 12;
  o.maxNewTokens = 10;
  auto prompts = raggedPrompts(4, m->vocabSize());
  std::vector<uint64_t> seeds{11, 12, 13, 14};
  GenerationResult all = gen.generate(prompts, seeds, o);
  // Same rows through full recomputation, and one at a time.
  expectSameResults(all, gen.generateUncached(prompts, seeds, o));
  for (int i = 0; i < 4; ++i) {
    GenerationResult one = gen.generate({prompts[i]}, {seeds[i]}, o);
    EXPECT_EQ(one.row(0), all.row(i));
  }
  // Different seeds give different samples.
  GenerationResult other = gen.generate(prompts, {21, 22, 23, 24}, o);
  EXPECT_FALSE(torch::equal(other.tokens, all.tokens));
}

INSTANTIATE_TEST_SUITE_P(Models, GeneratorModelTest,
                         ::testing::Values(0, 1, 2));

TEST(GeneratorTest, LogprobsAreThoseOfTheTemperedDistribution) {
  torch::manual_seed(5);
  auto m = model(2);
  Generator gen(*m);
  SamplingOptions o;
  o.temperature = 0.7;
  o.maxNewTokens = 6;
  o.stopTokens = {};
  std::vector<int64_t> prompt{1, 5, 9, 4};
  GenerationResult r = gen.generate({prompt}, {3}, o);
  ASSERT_EQ(r.lengths[0].item<int64_t>(), 6);
  std::vector<int64_t> seq = prompt;
  auto out = r.row(0);
  seq.insert(seq.end(), out.begin(), out.end());
  torch::NoGradGuard g;
  torch::Tensor logits =
      m->logits(m->forward(torch::tensor(seq).unsqueeze(0)))[0];
  torch::Tensor logp = torch::log_softmax(logits / 0.7, -1);
  for (int64_t i = 0; i < 6; ++i)
    EXPECT_NEAR(r.logprobs[0][i].item<double>(),
                logp[prompt.size() - 1 + i][out[i]].item<double>(), 1e-5);
  EXPECT_EQ(r.reasons[0], FinishReason::Length);
}

TEST(GeneratorTest, TopKOneIsGreedy) {
  torch::manual_seed(6);
  auto m = model(0);
  Generator gen(*m);
  auto prompts = raggedPrompts(3, m->vocabSize());
  SamplingOptions greedy;
  greedy.temperature = 0;
  greedy.maxNewTokens = 8;
  SamplingOptions top1 = greedy;
  top1.temperature = 1.0;
  top1.topK = 1;
  EXPECT_TRUE(torch::equal(gen.generate(prompts, {1, 2, 3}, greedy).tokens,
                           gen.generate(prompts, {4, 5, 6}, top1).tokens));
}

TEST(GeneratorTest, StopTokensAndStopStrings) {
  torch::manual_seed(7);
  auto m = model(2);
  CharTokenizer tok("abcdefghijklmnopqrstuvwxyz");
  Generator gen(*m, &tok);
  SamplingOptions o;
  o.temperature = 1.5;
  o.maxNewTokens = 30;
  o.stopTokens = {};
  auto prompts = raggedPrompts(6, m->vocabSize());
  std::vector<uint64_t> seeds{1, 2, 3, 4, 5, 6};
  GenerationResult free = gen.generate(prompts, seeds, o);
  // Stop at the first 'e' (id 7) via a stop token and via a stop string:
  // identical cut, the stop token included.
  SamplingOptions byToken = o, byString = o;
  byToken.stopTokens = {7};
  byString.stopStrings = {"e"};
  GenerationResult a = gen.generate(prompts, seeds, byToken);
  GenerationResult b = gen.generate(prompts, seeds, byString);
  EXPECT_TRUE(torch::equal(a.tokens, b.tokens));
  for (int64_t i = 0; i < 6; ++i) {
    auto full = free.row(i), cut = a.row(i);
    auto it = std::find(full.begin(), full.end(), 7);
    size_t expect =
        it == full.end() ? full.size() : size_t(it - full.begin()) + 1;
    ASSERT_EQ(cut.size(), expect);
    EXPECT_TRUE(std::equal(cut.begin(), cut.end(), full.begin()));
    EXPECT_EQ(b.reasons[i], it == full.end() ? FinishReason::Length
                                             : FinishReason::StopString);
    // Padding after the end.
    for (int64_t j = int64_t(cut.size()); j < o.maxNewTokens; ++j) {
      EXPECT_EQ(a.tokens[i][j].item<int64_t>(), ByteTokenizer().padId());
      EXPECT_EQ(a.logprobs[i][j].item<float>(), 0.0f);
    }
  }
  // A two-character stop string spanning tokens.
  SamplingOptions two = o;
  std::string text0 = tok.decode(free.row(0));
  ASSERT_GE(text0.size(), 4u);
  two.stopStrings = {text0.substr(2, 2)};
  GenerationResult c = gen.generate({prompts[0]}, {1}, two);
  std::string got = tok.decode(c.row(0));
  EXPECT_EQ(got.size() >= 2 ? got.substr(got.size() - 2) : "",
            text0.substr(2, 2));
  EXPECT_LE(got.size(), 4u);
}

TEST(GeneratorTest, ErrorsAreOneLine) {
  auto m = model(0);
  Generator gen(*m);
  SamplingOptions o;
  o.maxNewTokens = 100;
  EXPECT_THROW(gen.generate({{1, 2}}, {1}, o), Error);
  o.maxNewTokens = 4;
  EXPECT_THROW(gen.generate({{1, 2}}, {1, 2}, o), Error);
  EXPECT_THROW(gen.generate({{}}, {1}, o), Error);
  o.stopStrings = {"x"};
  EXPECT_THROW(gen.generate({{1}}, {1}, o), Error);
}
