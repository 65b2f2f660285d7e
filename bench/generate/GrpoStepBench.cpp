//===- GrpoStepBench.cpp - Rollout and update time of a demo GRPO step ----===//
//
// The demo's policy (model `base` of a compiled plan, by default
// build/r1_tiny.r1plan: MLA + MoE, dim 128, 4 layers), randomly initialised,
// takes GRPO steps the size of the demo's: 16 prompts x
// 16 samples, up to 64 new tokens at temperature 0.8, then one forward and
// backward over the whole rollout and an AdamW step. Prints rollout tokens/s,
// update seconds and steps/s, as medians over --reps steps. Random weights
// rarely stop early, so every row runs to 64 tokens: the worst case.
//
// Usage: r1rt-grpo-step-bench [--plan B.r1plan] [--model NAME] [--threads N]
//                             [--reps K] [--rows-per-prompt G]
//                             [--profile TRACE.json]  (Chrome trace of the last step)
//
//===----------------------------------------------------------------------===//

#include "BenchTiming.h"

#include "r1rt/generate/Generator.h"
#include "r1rt/model/CausalLM.h"
#include "r1rt/plan/Plan.h"
#include "r1rt/optim/Optim.h"
#include "r1rt/train/TokenLogprobs.h"

#include <fmt/format.h>
#include <torch/csrc/autograd/profiler_legacy.h>

#include <cstdlib>
#include <cstring>

using namespace r1rt;
using r1bench::median;
using r1bench::seconds;

int main(int argc, char **argv) {
  int threads = 0, reps = 3, group = 16;
  std::string planDir = "build/r1_tiny.r1plan", modelName = "base", profile;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--threads"))
      threads = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--reps"))
      reps = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--rows-per-prompt"))
      group = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--plan"))
      planDir = argv[i + 1];
    else if (!std::strcmp(argv[i], "--model"))
      modelName = argv[i + 1];
    else if (!std::strcmp(argv[i], "--profile"))
      profile = argv[i + 1];
  }
  if (threads > 0)
    torch::set_num_threads(threads);
  torch::manual_seed(0);
  Plan plan = loadPlan(planDir);
  auto policy = makeModel(
      ModelConfig::fromJson(plan.models.at(modelName), modelName));
  CausalLM &model = *policy;
  model.initialize(1);
  const int64_t vocab = model.vocabSize();
  auto opt = makeAdamW(model, {5e-5, 0.9, 0.99, 1e-8, 0.0});

  const int64_t prompts = 16, rows = prompts * group;
  std::vector<std::vector<int64_t>> batch;
  std::vector<uint64_t> seeds;
  for (int64_t i = 0; i < rows; ++i) {
    // "d+d-d+d=\n"-like prompts of 9 to 12 tokens.
    std::vector<int64_t> p{ByteTokenizer().bosId()};
    for (int64_t k = 0; k < 8 + (i / group) % 4; ++k)
      p.push_back(3 + (i / group * 7 + k * 5) % (vocab - 3));
    batch.push_back(p);
    seeds.push_back(uint64_t(i) + 1);
  }
  SamplingOptions o;
  o.temperature = 0.8;
  o.maxNewTokens = 64;

  Generator gen(model);
  std::vector<double> rollS, updS;
  int64_t tokens = 0;
  for (int r = 0; r < reps; ++r) {
    std::unique_ptr<torch::autograd::profiler::RecordProfile> trace;
    if (!profile.empty() && r + 1 == reps)
      trace = std::make_unique<torch::autograd::profiler::RecordProfile>(profile);
    GenerationResult res;
    rollS.push_back(seconds([&] { res = gen.generate(batch, seeds, o); }));
    tokens = res.lengths.sum().item<int64_t>();
    // Prompt + completion, as the trainer lays it out.
    torch::Tensor seq = torch::cat(
        {torch::tensor(batch[0]).expand({rows, -1}), res.tokens}, 1);
    updS.push_back(seconds([&] {
      torch::Tensor loss = -tokenLogprobs(model, seq, 0.8).logp.mean();
      opt->zero_grad();
      loss.backward();
      opt->step();
    }));
  }
  double roll = median(rollS), upd = median(updS);
  fmt::print("grpo_step {}:{} ({} prompts x {} samples, 64 new tokens, {} "
             "threads): rollout {:.2f} s ({:.0f} tok/s), update {:.2f} s, "
             "{:.3f} steps/s\n",
             planDir, modelName, prompts, group, torch::get_num_threads(), roll, tokens / roll,
             upd, 1.0 / (roll + upd));
  return 0;
}
