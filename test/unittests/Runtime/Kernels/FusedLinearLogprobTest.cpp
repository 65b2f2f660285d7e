//===- FusedLinearLogprobTest.cpp - CPU fused linear-logprob vs eager -----===//
//
// Forward and backward of r1rt::cpu::fusedLinearLogprob against the eager
// composition linear → /τ → log_softmax → gather of plain LibTorch, on fresh
// random inputs and a random upstream gradient, at sizes that leave partial
// chunks and tiles, one chunk, one tile, several threads; and its errors.
//
//===----------------------------------------------------------------------===//

#include "r1rt/kernels/cpu/FusedLinearLogprob.h"

#include "r1rt/Error.h"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <functional>
#include <string>

using r1rt::cpu::fusedLinearLogprob;
using r1rt::cpu::FusedLogprobTiling;
using torch::Tensor;

namespace {

struct Case {
  int64_t n, hidden, vocab;
  FusedLogprobTiling tiling;
  double tau;
};

std::string describe(const Case &c) {
  return fmt::format("N={} H={} V={} chunk={} tile={} tau={}", c.n, c.hidden,
                     c.vocab, c.tiling.tokenChunk, c.tiling.vocabTile, c.tau);
}

const std::vector<Case> &cases() {
  static const std::vector<Case> all = {
      {37, 24, 101, {16, 32}, 0.7}, // partial last chunk and last tile
      {5, 8, 20, {16, 32}, 1.0},    // N < one chunk, V < one tile
      {64, 16, 96, {16, 32}, 2.0},  // exact multiples
      {300, 64, 5000, {}, 1.3},     // default tiling, remainders
      {1, 12, 7, {4, 3}, 0.5},      // a single token
  };
  return all;
}

/// Random inputs with logits of a few units (a non-degenerate softmax).
struct Inputs {
  Tensor h, w, y, g;
};

Inputs randomInputs(const Case &c, torch::ScalarType dtype, uint64_t seed) {
  torch::manual_seed(seed);
  auto opts = torch::TensorOptions().dtype(torch::kDouble);
  Inputs in;
  in.h = torch::randn({c.n, c.hidden}, opts).to(dtype);
  in.w = (torch::randn({c.vocab, c.hidden}, opts) *
          (2.0 / std::sqrt(double(c.hidden))))
             .to(dtype);
  in.y = torch::randint(0, c.vocab, {c.n}, torch::kLong);
  in.g = torch::randn({c.n}, opts);
  return in;
}

Tensor eagerLogp(const Tensor &h, const Tensor &w, const Tensor &y,
                 double tau) {
  return torch::log_softmax(torch::linear(h, w) / tau, -1)
      .gather(-1, y.unsqueeze(-1))
      .squeeze(-1);
}

/// logp, dh, dW of one path (fused or eager) for upstream gradient g.
struct Result {
  Tensor logp, dh, dw;
};

Result run(bool fused, const Inputs &in, const Case &c) {
  Tensor h = in.h.detach().clone().requires_grad_(true);
  Tensor w = in.w.detach().clone().requires_grad_(true);
  Tensor logp = fused ? fusedLinearLogprob(h, w, in.y, c.tau, c.tiling)
                      : eagerLogp(h, w, in.y, c.tau);
  logp.backward(in.g.to(logp.scalar_type()));
  return {logp.detach(), h.grad(), w.grad()};
}

/// max|out − ref| ≤ tol · max(max|ref|, 1), everything finite.
void expectClose(const Tensor &out, const Tensor &ref, double tol,
                 const std::string &what) {
  ASSERT_TRUE(out.defined()) << what;
  ASSERT_EQ(out.sizes(), ref.sizes()) << what;
  Tensor o = out.to(torch::kDouble), r = ref.to(torch::kDouble);
  ASSERT_TRUE(torch::isfinite(o).all().item<bool>()) << what;
  double scale = std::max(r.abs().max().item<double>(), 1.0);
  double err = (o - r).abs().max().item<double>();
  EXPECT_LE(err, tol * scale)
      << what << ": max error " << err << ", scale " << scale;
}

void compareWithEager(torch::ScalarType dtype, double tolLogp, double tolGrad) {
  uint64_t seed = 11;
  for (const Case &c : cases()) {
    SCOPED_TRACE(describe(c));
    Inputs in = randomInputs(c, dtype, ++seed);
    Result fused = run(true, in, c), eager = run(false, in, c);
    ASSERT_EQ(fused.logp.scalar_type(), dtype);
    ASSERT_EQ(fused.dh.scalar_type(), dtype);
    expectClose(fused.logp, eager.logp, tolLogp, "logp");
    expectClose(fused.dh, eager.dh, tolGrad, "dh");
    expectClose(fused.dw, eager.dw, tolGrad, "dW");
    // The reference is not degenerate: log-probs well below 0, gradients
    // non-zero.
    EXPECT_LT(eager.logp.max().item<double>(), -1e-3);
    EXPECT_GT(eager.dw.abs().max().item<double>(), 1e-3);
  }
}

TEST(FusedLinearLogprobCpu, MatchesEagerFloat64) {
  compareWithEager(torch::kDouble, 1e-12, 1e-12);
}

TEST(FusedLinearLogprobCpu, MatchesEagerFloat32) {
  compareWithEager(torch::kFloat, 2e-6, 1e-5);
}

/// The entropy of the same pass against −Σ p log p of the eager softmax; the
/// log-probs and their gradient are those of fusedLinearLogprob.
void compareEntropy(torch::ScalarType dtype, double tol) {
  uint64_t seed = 51;
  for (const Case &c : cases()) {
    SCOPED_TRACE(describe(c));
    Inputs in = randomInputs(c, dtype, ++seed);
    Tensor h = in.h.detach().clone().requires_grad_(true);
    auto out =
        r1rt::cpu::fusedLinearLogprobEntropy(h, in.w, in.y, c.tau, c.tiling);
    EXPECT_FALSE(out.entropy.requires_grad());
    Tensor lsm = torch::log_softmax(torch::linear(in.h, in.w) / c.tau, -1);
    Tensor ref = -(lsm.exp() * lsm).sum(-1);
    expectClose(out.entropy, ref, tol, "entropy");
    expectClose(out.logp.detach(), eagerLogp(in.h, in.w, in.y, c.tau), tol,
                "logp");
    out.logp.backward(in.g.to(dtype));
    Result plain = run(true, in, c);
    EXPECT_TRUE(torch::equal(h.grad(), plain.dh));
    // Not degenerate: well above 0 and below log V.
    EXPECT_GT(ref.min().item<double>(), 1e-2);
  }
}

TEST(FusedLinearLogprobCpu, EntropyMatchesEager) {
  compareEntropy(torch::kDouble, 1e-12);
  compareEntropy(torch::kFloat, 5e-6);
}

/// Sets the intra-op thread count for one scope.
struct ThreadCount {
  explicit ThreadCount(int n) : saved(at::get_num_threads()) {
    at::set_num_threads(n);
  }
  ~ThreadCount() { at::set_num_threads(saved); }
  int saved;
};

TEST(FusedLinearLogprobCpu, SeveralThreadsMatchAndAreDeterministic) {
  // ctest runs with one thread; per-thread dW partials need several.
  ThreadCount threads(3);
  compareWithEager(torch::kDouble, 1e-12, 1e-12);
  Case c{50, 20, 77, {8, 16}, 0.9};
  Inputs in = randomInputs(c, torch::kFloat, 5);
  Result a = run(true, in, c), b = run(true, in, c);
  EXPECT_TRUE(torch::equal(a.logp, b.logp));
  EXPECT_TRUE(torch::equal(a.dh, b.dh));
  EXPECT_TRUE(torch::equal(a.dw, b.dw));
}

TEST(FusedLinearLogprobCpu, LeadingDimsAndLse) {
  Case c{21, 16, 45, {4, 8}, 1.7};
  Inputs in = randomInputs(c, torch::kDouble, 7);
  Tensor h = in.h.view({3, 7, 16}).detach().requires_grad_(true);
  Tensor y = in.y.view({3, 7});
  Tensor logp = fusedLinearLogprob(h, in.w, y, c.tau, c.tiling);
  ASSERT_EQ(logp.sizes(), y.sizes());
  logp.backward(in.g.view({3, 7}));
  Tensor hr = in.h.view({3, 7, 16}).detach().requires_grad_(true);
  Tensor ref = eagerLogp(hr, in.w, y, c.tau);
  ref.backward(in.g.view({3, 7}));
  expectClose(logp.detach(), ref.detach(), 1e-12, "logp");
  expectClose(h.grad(), hr.grad(), 1e-11, "dh");

  auto fwd =
      r1rt::cpu::fusedLinearLogprobForward(in.h, in.w, in.y, c.tau, c.tiling);
  expectClose(fwd.lse, torch::logsumexp(torch::linear(in.h, in.w) / c.tau, -1),
              1e-12, "lse");
}

TEST(FusedLinearLogprobCpu, GradientOnlyWhereRequired) {
  Case c{30, 12, 40, {8, 16}, 1.1};
  Inputs in = randomInputs(c, torch::kDouble, 9);
  Tensor w = in.w.detach().requires_grad_(true);
  fusedLinearLogprob(in.h, w, in.y, c.tau, c.tiling).backward(in.g);
  Tensor wr = in.w.detach().requires_grad_(true);
  eagerLogp(in.h, wr, in.y, c.tau).backward(in.g);
  expectClose(w.grad(), wr.grad(), 1e-11, "dW alone");

  auto grads = r1rt::cpu::fusedLinearLogprobBackward(
      in.h, in.w, in.y,
      r1rt::cpu::fusedLinearLogprobForward(in.h, in.w, in.y, c.tau, c.tiling)
          .lse,
      in.g, c.tau, c.tiling, /*needHidden=*/true, /*needWeight=*/false);
  EXPECT_TRUE(grads.hidden.defined());
  EXPECT_FALSE(grads.weight.defined());
}

TEST(FusedLinearLogprobCpu, Bfloat16ComputesInFloat32) {
  Case c{40, 32, 150, {16, 64}, 0.8};
  Inputs in = randomInputs(c, torch::kBFloat16, 13);
  Tensor h = in.h.detach().requires_grad_(true);
  Tensor w = in.w.detach().requires_grad_(true);
  Tensor logp = fusedLinearLogprob(h, w, in.y, c.tau, c.tiling);
  ASSERT_EQ(logp.scalar_type(), torch::kFloat);
  logp.backward(in.g.to(torch::kFloat));
  ASSERT_EQ(h.grad().scalar_type(), torch::kBFloat16);
  ASSERT_EQ(w.grad().scalar_type(), torch::kBFloat16);
  // Reference: float64 eager on the same bf16 values.
  Inputs ref64{in.h.to(torch::kDouble), in.w.to(torch::kDouble), in.y, in.g};
  Result eager = run(false, ref64, c);
  expectClose(logp.detach(), eager.logp, 1e-5, "logp");
  expectClose(h.grad(), eager.dh, 1e-2, "dh (bf16 output)");
  expectClose(w.grad(), eager.dw, 1e-2, "dW (bf16 output)");
}

/// Runs f, expecting an r1rt::Error whose message contains `needle`.
void expectError(const std::function<void()> &f, const std::string &needle) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one containing '" << needle << "'";
  } catch (const r1rt::Error &e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)
        << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
  }
}

TEST(FusedLinearLogprobCpu, RejectsBadInputs) {
  Tensor h = torch::randn({6, 8}), w = torch::randn({10, 8});
  Tensor y = torch::randint(0, 10, {6}, torch::kLong);
  expectError(
      [&] {
        fusedLinearLogprob(h, torch::randn({10, 9}), y);
      },
      "has H=8 but weight [10, 9] has H=9");
  expectError([&] { fusedLinearLogprob(h, w, y.narrow(0, 0, 5)); },
              "targets [5] must have the leading shape of hidden [6, 8]");
  expectError(
      [&] {
        fusedLinearLogprob(h, w.view({10, 8, 1}), y);
      },
      "expected hidden [...,H] and weight [V,H]");
  Tensor high = y.clone();
  high[3] = 10;
  expectError([&] { fusedLinearLogprob(h, w, high); },
              "target id 10 at flat index 3 is outside the vocabulary [0, 10)");
  Tensor low = y.clone();
  low[4] = -100;
  expectError([&] { fusedLinearLogprob(h, w, low); },
              "target id -100 at flat index 4");
  expectError([&] { fusedLinearLogprob(h, w, y.to(torch::kInt)); },
              "expected int64 token ids");
  expectError([&] { fusedLinearLogprob(h, w.to(torch::kDouble), y); },
              "weight has dtype Double but hidden has Float");
  expectError([&] { fusedLinearLogprob(h.to(torch::kHalf), w, y); },
              "expected float32, float64 or bfloat16");
  expectError([&] { fusedLinearLogprob(h, w, y, 0.0); },
              "tau must be finite and > 0, got 0");
  expectError([&] { fusedLinearLogprob(h, w, y, -1.0); }, "got -1");
  expectError(
      [&] {
        fusedLinearLogprob(h, w, y, 1.0, {0, 16});
      },
      "tokenChunk and vocabTile must be >= 1");
  expectError(
      [&] {
        r1rt::cpu::fusedLinearLogprobBackward(h, w, y, torch::zeros({5}),
                                              torch::ones({6}), 1.0);
      },
      "backward expects lse and gradLogp of the targets' shape [6]");
}

} // namespace
