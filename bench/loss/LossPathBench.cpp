//===- LossPathBench.cpp - Fused vs eager LM head + GRPO loss, fwd + bwd --===//
//
// The whole loss path of a GRPO step: hidden states → per-token log-probs →
// clipped GRPO loss (token_mean) → gradients w.r.t. the hidden states and the
// LM head. The fused path uses r1rt::cpu::fusedLinearLogprob; the baseline is
// eager LibTorch (linear → log_softmax → gather) with the same loss code.
// Prints, per size, the time ratio eager/fused (median of --reps after a
// warm-up) and the peak-extra-memory ratio fused/eager, measured in the same
// run (absolute times on a shared machine are noise). With --liger it also
// runs Liger-Kernel's LigerFusedLinearGRPOLoss (Python, CPU) on the same sizes
// through test/oracles/liger/liger_logprob_oracle.py and prints those ratios.
//
//===----------------------------------------------------------------------===//

#include "BenchTiming.h"

#include "r1rt/kernels/cpu/FusedLinearLogprob.h"
#include "PolicyLoss.h"

#include <ATen/Parallel.h>
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <malloc.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

using namespace r1rt;
using torch::Tensor;

using r1bench::median;
using r1bench::seconds;

namespace {

struct Size {
  int64_t n, hidden, vocab;
};

/// One GRPO batch: B sequences of T = N/B tokens.
struct Batch {
  Tensor h, w, y, oldLogp, adv, mask;
  double tau;
};

constexpr int64_t kSequences = 8;

Tensor eagerLogp(const Tensor &h, const Tensor &w, const Tensor &y,
                 double tau) {
  Tensor logits = torch::linear(h, w);
  if (tau != 1.0)
    logits = logits / tau;
  return torch::log_softmax(logits, -1).gather(-1, y.unsqueeze(-1)).squeeze(-1);
}

Batch makeBatch(const Size &s, double tau) {
  torch::manual_seed(0);
  const int64_t b = kSequences, t = s.n / kSequences;
  Batch out;
  out.tau = tau;
  out.h = torch::randn({b, t, s.hidden}).requires_grad_(true);
  out.w = (torch::randn({s.vocab, s.hidden}) * (2.0 / std::sqrt(s.hidden)))
              .requires_grad_(true);
  out.y = torch::randint(0, s.vocab, {b, t}, torch::kLong);
  // Ragged right-padded responses, advantages per sequence, and old log-probs
  // near the current ones so that both clip sides are active.
  Tensor len = torch::randint(t / 2, t + 1, {b, 1}, torch::kLong);
  out.mask = (torch::arange(t).unsqueeze(0) < len).to(torch::kFloat);
  out.adv = torch::randn({b, 1}).expand({b, t}).contiguous();
  torch::NoGradGuard noGrad;
  out.oldLogp =
      eagerLogp(out.h, out.w, out.y, tau) + 0.2 * torch::randn({b, t});
  return out;
}

train::PolicyLossConfig lossConfig() {
  train::PolicyLossConfig c;
  c.clipLow = 0.2;
  c.clipHigh = 0.28;
  c.reduction = {train::ReductionKind::TokenMean, 0};
  return c;
}

void clearGrads(Batch &b) {
  b.h.mutable_grad().reset();
  b.w.mutable_grad().reset();
}

/// Forward + backward of the loss path (gradients must be cleared first, so
/// that both paths allocate them); returns the loss.
Tensor step(Batch &b, bool fused) {
  Tensor logp = fused ? cpu::fusedLinearLogprob(b.h, b.w, b.y, b.tau)
                      : eagerLogp(b.h, b.w, b.y, b.tau);
  Tensor loss = train::policyLoss({logp, b.oldLogp, Tensor(), b.adv, b.mask},
                                  lossConfig())
                    .loss;
  loss.backward();
  return loss.detach();
}

/// A "VmXXX:" field of /proc/self/status in bytes.
int64_t procStatusBytes(const std::string &field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) {
      std::istringstream fields(line.substr(field.size() + 1));
      int64_t kb = 0;
      fields >> kb;
      return kb * 1024;
    }
  return -1;
}

/// Peak RSS growth during f: free heap pages are returned first, the peak
/// (VmHWM) is reset through /proc/self/clear_refs, and the RSS before f is
/// subtracted. Returns -1 where /proc does not allow it.
int64_t peakExtraBytes(const std::function<void()> &f) {
  malloc_trim(0);
  {
    std::ofstream reset("/proc/self/clear_refs");
    reset << "5";
    if (!reset.flush())
      return -1;
  }
  int64_t before = procStatusBytes("VmRSS");
  f();
  int64_t peak = procStatusBytes("VmHWM");
  return before < 0 || peak < 0 ? -1 : peak - before;
}

double maxRelDiff(const Tensor &a, const Tensor &b) {
  return ((a - b).abs().max() / b.abs().max()).item<double>();
}

/// Runs Liger's GRPO loss in the .venv's Python; returns its JSON line
/// ({"seconds", "peak_extra_bytes", "liger_version"}) or null on failure.
nlohmann::json runLiger(const Size &s, int reps, double tau) {
  std::string cmd = fmt::format(
      "'{}' '{}/test/oracles/liger/liger_logprob_oracle.py' bench {} {} {} {} "
      "{} {}",
      R1C_PYTHON, R1C_SOURCE_DIR, s.n, s.hidden, s.vocab, reps,
      at::get_num_threads(), tau);
  FILE *pipe = popen(cmd.c_str(), "r");
  if (!pipe)
    return nullptr;
  std::string text;
  char buf[512];
  while (fgets(buf, sizeof buf, pipe))
    text += buf;
  if (pclose(pipe) != 0)
    return nullptr;
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

/// Times are medians; memory is the peak RSS growth of one step.
struct Measured {
  double seconds;
  int64_t peakBytes;
};

void printLiger(const Size &s, int reps, double tau, const Measured &fused) {
  nlohmann::json liger = runLiger(s, reps, tau);
  if (liger.is_discarded() || !liger.is_object()) {
    fmt::print("loss_path_vs_liger N={} H={} V={}: liger-kernel did not run "
               "(pip install liger-kernel into the .venv)\n",
               s.n, s.hidden, s.vocab);
    return;
  }
  double seconds = liger["seconds"].get<double>();
  int64_t bytes = liger["peak_extra_bytes"].get<int64_t>();
  fmt::print("loss_path_vs_liger N={} H={} V={} (liger-kernel {}, "
             "LigerFusedLinearGRPOLoss compiled=False): liger {:.3f} s, fused "
             "{:.3f} s: {:.2f}x (liger/fused time); peak extra memory liger "
             "{:.1f} MiB, fused {:.1f} MiB: {:.3f} (fused/liger)\n",
             s.n, s.hidden, s.vocab, liger["liger_version"].get<std::string>(),
             seconds, fused.seconds, seconds / fused.seconds, bytes / 1048576.0,
             fused.peakBytes / 1048576.0,
             bytes > 0 ? double(fused.peakBytes) / bytes : -1.0);
}

Measured runSize(const Size &s, int reps, double tau) {
  Batch b = makeBatch(s, tau);
  // Agreement of the two paths on this batch (printed, not asserted); these
  // runs are also the warm-up.
  clearGrads(b);
  Tensor lossF = step(b, true);
  Tensor dhF = b.h.grad().clone(), dwF = b.w.grad().clone();
  clearGrads(b);
  Tensor lossE = step(b, false);
  double diff = std::max({maxRelDiff(lossF, lossE), maxRelDiff(dhF, b.h.grad()),
                          maxRelDiff(dwF, b.w.grad())});

  // Interleaved, so that load from other processes hits both alike.
  std::vector<double> eagerT, fusedT;
  for (int i = 0; i < reps; ++i) {
    eagerT.push_back(seconds([&] {
      clearGrads(b);
      step(b, false);
    }));
    fusedT.push_back(seconds([&] {
      clearGrads(b);
      step(b, true);
    }));
  }
  double eager = median(eagerT), fused = median(fusedT);
  clearGrads(b);
  int64_t memEager = peakExtraBytes([&] { step(b, false); });
  clearGrads(b);
  int64_t memFused = peakExtraBytes([&] { step(b, true); });

  const double mib = 1024.0 * 1024.0;
  fmt::print("loss_path N={} H={} V={} (fp32, GRPO token_mean, tau {}, {} "
             "threads): eager {:.3f} s, fused {:.3f} s: {:.2f}x (eager/fused "
             "time); peak extra memory eager {:.1f} MiB, fused {:.1f} MiB: "
             "{:.3f} (fused/eager); max rel diff {:.1e}\n",
             s.n, s.hidden, s.vocab, tau, at::get_num_threads(), eager, fused,
             eager / fused, memEager / mib, memFused / mib,
             memEager > 0 && memFused >= 0 ? double(memFused) / memEager : -1.0,
             diff);
  return {fused, memFused};
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"r1rt-loss-bench: fused vs eager LM head + GRPO loss on CPU"};
  int threads = 0, reps = 3;
  double tau = 1.0;
  bool quick = false, liger = false;
  app.add_option("--threads", threads,
                 "Intra-op threads (0: LibTorch default)");
  app.add_option("--reps", reps, "Timed repetitions per variant (median)")
      ->check(CLI::PositiveNumber);
  app.add_option("--tau", tau, "Sampling temperature τ")
      ->check(CLI::PositiveNumber);
  app.add_flag("--quick", quick, "Only the small size");
  app.add_flag("--liger", liger, "Also time Liger-Kernel's GRPO loss (Python)");
  std::vector<std::string> custom;
  app.add_option("--size", custom,
                 "N,H,V instead of the built-in sizes (repeatable); e.g. "
                 "2048,576,49152 is a 16 x 128-token GRPO batch of "
                 "SmolLM2-135M");
  CLI11_PARSE(app, argc, argv);
  if (threads > 0)
    at::set_num_threads(threads);

  std::vector<Size> sizes = {{1024, 128, 8192}};
  if (!quick)
    sizes.push_back({4096, 256, 32768});
  if (!custom.empty()) {
    sizes.clear();
    for (const std::string &c : custom) {
      Size s{};
      if (std::sscanf(c.c_str(), "%ld,%ld,%ld", &s.n, &s.hidden, &s.vocab) !=
              3 ||
          s.n < 1 || s.hidden < 1 || s.vocab < 1) {
        fmt::print(stderr, "r1rt-loss-bench: --size '{}': expected N,H,V "
                           "(positive integers)\n",
                   c);
        return 2;
      }
      sizes.push_back(s);
    }
  }
  for (const Size &s : sizes) {
    Measured fused = runSize(s, reps, tau);
    if (liger)
      printLiger(s, reps, tau, fused);
  }
  return 0;
}
