//===- LossKernelBench.cpp - Compiled loss kernel vs the interpreter ------===//
//
// The plan's loss alone, forward + backward w.r.t. logp, on the kernels r1c
// compiled into a bundle (kernels/losses.so) against the LibTorch
// interpreter of the same loss, for each loss of the bundle and each batch
// size. Prints the time ratio interpreter/compiled (median of --reps, both
// measured in this run, interleaved).
//
//===----------------------------------------------------------------------===//

#include "BenchTiming.h"

#include "r1rt/train/Advantages.h"
#include "r1rt/train/CompiledLoss.h"

#include <ATen/Parallel.h>
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <fstream>
#include <vector>

using namespace r1rt::train;

using r1bench::median;
using r1bench::seconds;

namespace {

/// B sequences of T tokens (ragged masks), group size 8, near-policy ratios.
LossInputs makeInputs(int64_t B, int64_t T) {
  torch::manual_seed(B * 1000 + T);
  LossInputs in;
  torch::Tensor len = torch::randint(T / 4, T + 1, {B, 1});
  in.mask = (torch::arange(T).unsqueeze(0) < len).to(torch::kFloat);
  in.oldLogp = -3 * torch::rand({B, T});
  in.logp = in.oldLogp + 0.2 * torch::randn({B, T});
  in.refLogp = in.oldLogp + 0.2 * torch::randn({B, T});
  in.adv = broadcastOverTokens(
      groupAdvantages(torch::randn({B}), 8, AdvantageScale::GroupStd),
      in.mask);
  return in;
}

template <typename Eval> void step(const Eval &eval, const LossInputs &in) {
  LossInputs x = in;
  x.logp = in.logp.detach().clone().requires_grad_(true);
  eval.loss(x).backward();
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"r1rt-loss-kernel-bench: the plan's compiled loss kernels vs "
               "the loss interpreter, forward + backward, on CPU"};
  std::string bundle;
  int threads = 0, reps = 7;
  app.add_option("bundle", bundle, "A compiled plan bundle (X.r1plan)")
      ->required()
      ->check(CLI::ExistingDirectory);
  app.add_option("--threads", threads, "Intra-op threads (0: LibTorch default)");
  app.add_option("--reps", reps, "Timed repetitions per variant (median)")
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  if (threads > 0)
    at::set_num_threads(threads);

  std::ifstream planFile(bundle + "/plan.json");
  if (!planFile) {
    fmt::print(stderr, "r1rt-loss-kernel-bench: cannot read {}/plan.json\n",
               bundle);
    return 1;
  }
  const nlohmann::json losses = nlohmann::json::parse(planFile).at("losses");
  fmt::print("{:<10} {:>12} {:>14} {:>14} {:>8}\n", "loss", "tokens",
             "interpreter", "compiled", "ratio");
  for (const auto &[name, spec] : losses.items()) {
    LossProgram program = LossProgram::fromJson(name, spec);
    LossEvaluator compiled(program, spec, bundle);
    if (!compiled.compiled()) {
      fmt::print("{:<10} no kernel: {}\n", name, compiled.fallbackReason());
      continue;
    }
    for (auto [B, T] : {std::pair<int64_t, int64_t>{128, 64}, {256, 256},
                        {512, 1024}}) {
      LossInputs in = makeInputs(B, T);
      step(program, in); // warm-up
      step(compiled, in);
      std::vector<double> ti, tc;
      for (int r = 0; r < reps; ++r) {
        ti.push_back(seconds([&] { step(program, in); }));
        tc.push_back(seconds([&] { step(compiled, in); }));
      }
      double i = median(ti), c = median(tc);
      fmt::print("{:<10} {:>12} {:>11.3f} ms {:>11.3f} ms {:>7.2f}x\n", name,
                 B * T, i * 1e3, c * 1e3, i / c);
    }
  }
  return 0;
}
