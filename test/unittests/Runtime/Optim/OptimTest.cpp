//===- OptimTest.cpp - AdamW, clipping, schedule --------------------------===//

#include "r1rt/optim/Optim.h"
#include "r1rt/Error.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace r1rt;

namespace {

/// y = W x + b with a vector and a matrix parameter.
struct Tiny : torch::nn::Module {
  Tiny() {
    w = register_parameter("w", torch::randn({3, 4}, torch::kFloat64));
    b = register_parameter("b", torch::randn({3}, torch::kFloat64));
  }
  torch::Tensor loss(const torch::Tensor &x) {
    return (torch::matmul(x, w.t()) + b).pow(2).mean();
  }
  torch::Tensor w, b;
};

} // namespace

TEST(AdamWTest, MatchesScalarReferenceWithDecayOnMatricesOnly) {
  torch::manual_seed(1);
  Tiny m;
  AdamWOptions o{0.05, 0.9, 0.99, 1e-8, 0.1};
  auto opt = makeAdamW(m, o);
  // Reference state, in float64 scalar code (Loshchilov & Hutter AdamW).
  std::vector<torch::Tensor> ps = {m.w.detach().clone(), m.b.detach().clone()};
  std::vector<torch::Tensor> mom = {torch::zeros_like(ps[0]),
                                    torch::zeros_like(ps[1])};
  std::vector<torch::Tensor> vel = mom;
  vel = {torch::zeros_like(ps[0]), torch::zeros_like(ps[1])};
  for (int step = 1; step <= 5; ++step) {
    torch::Tensor x = torch::randn({8, 4}, torch::kFloat64);
    opt->zero_grad();
    m.loss(x).backward();
    std::vector<torch::Tensor> grads = {m.w.grad().clone(), m.b.grad().clone()};
    opt->step();
    for (int i = 0; i < 2; ++i) {
      double decay = i == 0 ? o.weightDecay : 0.0;
      ps[i] = ps[i] * (1 - o.lr * decay);
      mom[i] = o.beta1 * mom[i] + (1 - o.beta1) * grads[i];
      vel[i] = o.beta2 * vel[i] + (1 - o.beta2) * grads[i] * grads[i];
      torch::Tensor mh = mom[i] / (1 - std::pow(o.beta1, step));
      torch::Tensor vh = vel[i] / (1 - std::pow(o.beta2, step));
      ps[i] = ps[i] - o.lr * mh / (vh.sqrt() + o.eps);
    }
    EXPECT_LT((m.w - ps[0]).abs().max().item<double>(), 1e-12);
    EXPECT_LT((m.b - ps[1]).abs().max().item<double>(), 1e-12);
  }
  setLearningRate(*opt, 0.5);
  for (auto &g : opt->param_groups())
    EXPECT_DOUBLE_EQ(g.options().get_lr(), 0.5);
}

TEST(ClipTest, GlobalNormAndScaling) {
  torch::manual_seed(2);
  for (double scale : {0.01, 1.0, 100.0}) {
    std::vector<torch::Tensor> ps = {torch::randn({5, 3}).requires_grad_(),
                                     torch::randn({7}).requires_grad_(),
                                     torch::randn({2}).requires_grad_()};
    ps[0].mutable_grad() = torch::randn({5, 3}) * scale;
    ps[1].mutable_grad() = torch::randn({7}) * scale;
    // ps[2] has no gradient and is skipped.
    double expect =
        std::sqrt(ps[0].grad().to(torch::kFloat64).pow(2).sum().item<double>() +
                  ps[1].grad().to(torch::kFloat64).pow(2).sum().item<double>());
    auto before = ps[0].grad().clone();
    double norm = clipGradNorm(ps, 1.0);
    EXPECT_NEAR(norm, expect, 1e-5 * expect);
    double after = std::sqrt(ps[0].grad().pow(2).sum().item<double>() +
                             ps[1].grad().pow(2).sum().item<double>());
    if (expect > 1.0) {
      EXPECT_NEAR(after, 1.0, 1e-4);
      EXPECT_TRUE(torch::allclose(ps[0].grad(), before / (expect + 1e-6)));
    } else {
      EXPECT_TRUE(torch::equal(ps[0].grad(), before));
    }
  }
  std::vector<torch::Tensor> bad = {torch::randn({2}).requires_grad_()};
  bad[0].mutable_grad() = torch::tensor({NAN, 1.0f});
  EXPECT_THROW(clipGradNorm(bad, 1.0), Error);
}

TEST(ScheduleTest, WarmupThenCosine) {
  WarmupCosine s{2e-3, 10, 110, 0.1};
  EXPECT_DOUBLE_EQ(s.at(0), 2e-4);
  EXPECT_DOUBLE_EQ(s.at(9), 2e-3);
  EXPECT_DOUBLE_EQ(s.at(10), 2e-3);
  EXPECT_NEAR(s.at(60), 2e-4 + (2e-3 - 2e-4) * 0.5, 1e-15);
  EXPECT_NEAR(s.at(110), 2e-4, 1e-15);
  EXPECT_NEAR(s.at(500), 2e-4, 1e-15);
  for (int64_t i = 10; i < 110; ++i)
    EXPECT_LE(s.at(i + 1), s.at(i));
  WarmupCosine noWarmup{1.0, 0, 4, 0.0};
  EXPECT_DOUBLE_EQ(noWarmup.at(0), 1.0);
  EXPECT_NEAR(noWarmup.at(2), 0.5, 1e-15);
}
