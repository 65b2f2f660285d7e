//===- FusedLinearLogprobOracleTest.cpp - CPU fused logprob vs Liger ------===//
//
// Writes one random batch as raw files, runs
// test/oracles/liger/liger_logprob_oracle.py (Liger-Kernel's own chunked
// selective-logprob function and LigerFusedLinearGRPOLoss, float32 on CPU)
// from the .venv, and compares per-token logp, its gradients for a random
// upstream gradient, the token_mean GRPO loss and the loss's gradients w.r.t.
// the hidden states and the LM head. Skipped when liger-kernel is missing.
//
//===----------------------------------------------------------------------===//

#include "r1rt/AtomicFile.h"
#include "r1rt/kernels/cpu/FusedLinearLogprob.h"
#include "PolicyLoss.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

namespace fs = std::filesystem;
using torch::Tensor;

namespace {

void writeRaw(const fs::path &path, const Tensor &t) {
  Tensor c = t.detach().contiguous();
  std::ofstream out(path, std::ios::binary);
  out.write(static_cast<const char *>(c.data_ptr()), c.nbytes());
  ASSERT_TRUE(out.good()) << path;
}

Tensor readRaw(const fs::path &path, torch::IntArrayRef shape) {
  Tensor t = torch::empty(shape, torch::kDouble);
  std::ifstream in(path, std::ios::binary);
  in.read(static_cast<char *>(t.data_ptr()), t.nbytes());
  EXPECT_TRUE(in.good()) << path;
  return t;
}

/// max|out − ref| ≤ tol · max|ref|, with a non-zero reference.
void expectClose(const Tensor &out, const Tensor &ref, double tol,
                 const std::string &what) {
  ASSERT_EQ(out.sizes(), ref.sizes()) << what;
  Tensor o = out.detach().to(torch::kDouble);
  double scale = ref.abs().max().item<double>();
  ASSERT_GT(scale, 1e-6) << what << ": the reference is all zeros";
  double err = (o - ref).abs().max().item<double>();
  EXPECT_LE(err, tol * scale) << what << ": max error " << err;
}

bool ligerAvailable() {
  std::string cmd =
      fmt::format("'{}' -c 'import importlib.util as u, sys; "
                  "sys.exit(u.find_spec(\"liger_kernel\") is None)'",
                  R1C_PYTHON);
  return std::system(cmd.c_str()) == 0;
}

TEST(FusedLinearLogprobOracle, MatchesLigerOnTheSameTensors) {
  if (!ligerAvailable())
    GTEST_SKIP() << "liger-kernel is not installed in " << R1C_PYTHON
                 << " (pip install liger-kernel)";
  const int64_t B = 4, T = 37, H = 48, V = 5000, N = B * T;
  const double tau = 0.8;
  torch::manual_seed(21);
  Tensor h = torch::randn({B, T, H});
  Tensor w = torch::randn({V, H}) * (2.0 / std::sqrt(double(H)));
  Tensor y = torch::randint(0, V, {B, T}, torch::kLong);
  Tensor g = torch::randn({B, T});
  Tensor len = torch::randint(1, T + 1, {B, 1}, torch::kLong);
  Tensor mask = (torch::arange(T).unsqueeze(0) < len).to(torch::kFloat);
  Tensor adv = torch::randn({B});
  r1rt::cpu::FusedLogprobTiling tiling{32, 1024};
  Tensor oldLogp =
      r1rt::cpu::fusedLinearLogprob(h, w, y, tau, tiling).detach() +
      0.2 * torch::randn({B, T});

  fs::path dir =
      fs::temp_directory_path() /
      ("r1rt-liger-oracle-" + std::to_string(std::random_device{}()));
  fs::create_directories(dir);
  nlohmann::json in = {{"batch", B},       {"seq", T},   {"hidden", H},
                       {"vocab", V},       {"tau", tau}, {"clip_low", 0.2},
                       {"clip_high", 0.28}};
  r1rt::writeFileAtomic((dir / "in.json").string(), in.dump());
  auto f64 = [](const Tensor &t) { return t.to(torch::kDouble); };
  writeRaw(dir / "h.f64", f64(h));
  writeRaw(dir / "w.f64", f64(w));
  writeRaw(dir / "y.i64", y);
  writeRaw(dir / "g.f64", f64(g));
  writeRaw(dir / "old.f64", f64(oldLogp));
  writeRaw(dir / "adv.f64", f64(adv));
  writeRaw(dir / "mask.f64", f64(mask));
  std::string cmd = fmt::format(
      "'{}' '{}/test/oracles/liger/liger_logprob_oracle.py' compare '{}'",
      R1C_PYTHON, R1C_SOURCE_DIR, dir.string());
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "oracle failed: " << cmd;
  nlohmann::json out =
      nlohmann::json::parse(r1rt::readFile((dir / "out.json").string()));
  RecordProperty("liger_version", out["liger_version"].get<std::string>());

  // Per-token logp and its gradients for the upstream gradient g.
  Tensor hh = h.clone().requires_grad_(true),
         ww = w.clone().requires_grad_(true);
  Tensor logp = r1rt::cpu::fusedLinearLogprob(hh, ww, y, tau, tiling);
  logp.backward(g);
  expectClose(logp.reshape({N}), readRaw(dir / "logp.f64", {N}), 1e-5, "logp");
  expectClose(hh.grad(), readRaw(dir / "dh.f64", {B, T, H}), 1e-5, "dh");
  expectClose(ww.grad(), readRaw(dir / "dw.f64", {V, H}), 1e-5, "dW");

  // The GRPO loss (token_mean, clipped ratio, no KL) and its gradients.
  hh = h.clone().requires_grad_(true);
  ww = w.clone().requires_grad_(true);
  r1rt::train::PolicyLossConfig config;
  config.clipLow = 0.2;
  config.clipHigh = 0.28;
  config.reduction = {r1rt::train::ReductionKind::TokenMean, 0};
  Tensor advTokens = adv.unsqueeze(1).expand({B, T});
  Tensor loss = r1rt::train::policyLoss(
                    {r1rt::cpu::fusedLinearLogprob(hh, ww, y, tau, tiling),
                     oldLogp, Tensor(), advTokens, mask},
                    config)
                    .loss;
  loss.backward();
  double want = out["loss"].get<double>();
  ASSERT_GT(std::abs(want), 1e-6);
  EXPECT_NEAR(loss.item<double>(), want, 1e-5 * (1 + std::abs(want)));
  expectClose(hh.grad(), readRaw(dir / "loss_dh.f64", {B, T, H}), 1e-5,
              "loss dh");
  expectClose(ww.grad(), readRaw(dir / "loss_dw.f64", {V, H}), 1e-5, "loss dW");
  fs::remove_all(dir);
}

} // namespace
