//===- LossInterpreterTest.cpp - The plan.json loss tree interpreter ------===//
//
// The interpreter on the built-in loss trees (grpo, dr_grpo, dapo, gspo, in
// the plan.json schema) matches the built-in LibTorch policy loss in value
// and gradient; each op follows PyTorch's conventions; malformed trees fail
// with one-line errors naming the loss and the node.
//
//===----------------------------------------------------------------------===//

#include "GrpoTestUtil.h"

#include "r1rt/Error.h"
#include "r1rt/train/Advantages.h"
#include "r1rt/train/LossInterpreter.h"
#include "PolicyLoss.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace r1rt::train;
using nlohmann::json;
using r1rt::test::GrpoBatch;
using r1rt::test::randomBatch;
using r1rt::test::toTensor;

namespace {

json cst(double v) { return {{"op", "const"}, {"value", v}}; }
json param(const std::string &n) { return {{"op", "param"}, {"name", n}}; }
json op(const std::string &name, std::vector<json> args) {
  return {{"op", name}, {"args", args}};
}

/// −min(ρA, clamp(ρ, 1−lo, 1+hi)A) with ρ = exp(clamp(logRatio, −20, 20)).
json clippedSurrogate(const json &logRatio, double lo, double hi) {
  json ratio = op("exp", {op("clamp", {logRatio, cst(-20), cst(20)})});
  json adv = param("adv");
  return op(
      "neg",
      {op("min",
          {op("mul", {ratio, adv}),
           op("mul", {op("clamp", {ratio, cst(1 - lo), cst(1 + hi)}), adv})})});
}

/// β · (exp(ref − logp) − (ref − logp) − 1).
json k3Term(double beta) {
  json d = op("sub", {param("ref_logp"), param("logp")});
  return op("mul",
            {cst(beta), op("sub", {op("sub", {op("exp", {d}), d}), cst(1)})});
}

json tokenLogRatio() { return op("sub", {param("logp"), param("old_logp")}); }

/// The built-in losses as the front end emits them (docs/grpo.md).
struct BuiltIn {
  std::string name;
  json tree;
  PolicyLossConfig config;
};

std::vector<BuiltIn> builtIns(int64_t maxLen) {
  std::vector<BuiltIn> out;
  {
    BuiltIn b{"grpo", {}, {}};
    b.config = {0.2, 0.2, 0.04, false, {ReductionKind::SeqMean, 0}};
    b.tree = {{"params", {"logp", "old_logp", "ref_logp", "adv"}},
              {"reduce", {{"kind", "seq_mean"}}},
              {"body", op("add", {clippedSurrogate(tokenLogRatio(), 0.2, 0.2),
                                  k3Term(0.04)})}};
    out.push_back(b);
  }
  {
    BuiltIn b{"dr_grpo", {}, {}};
    b.config = {0.2, 0.2, 0.0, false, {ReductionKind::SeqSumNorm, maxLen}};
    b.tree = {{"params", {"logp", "old_logp", "adv"}},
              {"reduce", {{"kind", "seq_sum_norm"}, {"max_len", maxLen}}},
              {"body", clippedSurrogate(tokenLogRatio(), 0.2, 0.2)}};
    out.push_back(b);
  }
  {
    BuiltIn b{"dapo", {}, {}};
    b.config = {0.2, 0.28, 0.0, false, {ReductionKind::TokenMean, 0}};
    b.tree = {{"params", {"logp", "old_logp", "adv"}},
              {"reduce", {{"kind", "token_mean"}}},
              {"body", clippedSurrogate(tokenLogRatio(), 0.2, 0.28)}};
    out.push_back(b);
  }
  {
    BuiltIn b{"gspo", {}, {}};
    b.config = {3e-4, 4e-4, 0.0, true, {ReductionKind::SeqMean, 0}};
    b.tree = {{"params", {"seq_logratio", "adv"}},
              {"reduce", {{"kind", "seq_mean"}}},
              {"body", clippedSurrogate(param("seq_logratio"), 3e-4, 4e-4)}};
    out.push_back(b);
  }
  return out;
}

TEST(LossInterpreter, BuiltInTreesMatchTheBuiltInPolicyLoss) {
  uint64_t seed = 40;
  for (auto [groups, groupSize, T] :
       {std::tuple{2, 4, 5}, {3, 8, 40}, {2, 16, 97}}) {
    GrpoBatch b =
        randomBatch(groups, groupSize, T, ++seed, /*emptyRow=*/T == 40);
    int64_t B = b.batch();
    for (const BuiltIn &builtIn : builtIns(T + 3)) {
      SCOPED_TRACE(builtIn.name + " T=" + std::to_string(T));
      LossProgram program = LossProgram::fromJson(builtIn.name, builtIn.tree);
      auto opts = torch::kFloat64;
      torch::Tensor mask = toTensor(b.mask, B, T, opts);
      torch::Tensor oldLogp = toTensor(b.oldLogp, B, T, opts);
      torch::Tensor refLogp = toTensor(b.refLogp, B, T, opts);
      torch::Tensor adv = broadcastOverTokens(
          groupAdvantages(toTensor(b.rewards, B, 0, opts), groupSize,
                          AdvantageScale::GroupStd),
          mask);
      torch::Tensor logp1 = toTensor(b.logp, B, T, opts).requires_grad_(true);
      torch::Tensor logp2 = toTensor(b.logp, B, T, opts).requires_grad_(true);

      torch::Tensor interpreted =
          program.loss({logp1, oldLogp, refLogp, adv, mask});
      PolicyLossOutput direct =
          policyLoss({logp2, oldLogp, refLogp, adv, mask}, builtIn.config);
      interpreted.backward();
      direct.loss.backward();
      ASSERT_GT(std::abs(direct.loss.item<double>()), 1e-8);
      EXPECT_NEAR(interpreted.item<double>(), direct.loss.item<double>(),
                  1e-12 * (1 + std::abs(direct.loss.item<double>())));
      double scale = logp2.grad().abs().max().item<double>();
      ASSERT_GT(scale, 0.0);
      EXPECT_LE((logp1.grad() - logp2.grad()).abs().max().item<double>(),
                1e-12 * scale);
    }
  }
}

TEST(LossInterpreter, GspoGradientMatchesFloat64Loops) {
  // GSPO: s = exp(mean_t(logp − old)) per sequence; every token of sequence i
  // sees d s/d logp_t = s / n_i. Loop reference for the seq_mean loss.
  GrpoBatch b = randomBatch(3, 4, 13, 99);
  int64_t B = b.batch(), T = b.T;
  double lo = 0.05, hi = 0.08;
  json tree = {{"params", {"seq_logratio", "adv"}},
               {"reduce", {{"kind", "seq_mean"}}},
               {"body", clippedSurrogate(param("seq_logratio"), lo, hi)}};
  LossProgram program = LossProgram::fromJson("gspo", tree);
  torch::Tensor mask = toTensor(b.mask, B, T);
  torch::Tensor advSeq =
      groupAdvantages(toTensor(b.rewards, B, 0), 4, AdvantageScale::GroupStd);
  torch::Tensor logp = toTensor(b.logp, B, T).requires_grad_(true);
  torch::Tensor loss = program.loss({logp,
                                     toTensor(b.oldLogp, B, T),
                                     {},
                                     broadcastOverTokens(advSeq, mask),
                                     mask});
  loss.backward();
  std::vector<double> adv = r1rt::test::toVector(advSeq);
  std::vector<double> grad = r1rt::test::toVector(logp.grad());
  double refLoss = 0;
  int clippedSeqs = 0;
  for (int64_t i = 0; i < B; ++i) {
    double n = 0, sum = 0;
    for (int64_t t = 0; t < T; ++t) {
      n += b.mask[i * T + t];
      sum += b.mask[i * T + t] * (b.logp[i * T + t] - b.oldLogp[i * T + t]);
    }
    double s = std::exp(sum / n);
    double c = std::min(1 + hi, std::max(1 - lo, s));
    bool unclipped = s * adv[i] <= c * adv[i];
    clippedSeqs += !unclipped;
    // seq_mean of a per-sequence constant is that constant over B.
    refLoss += -std::min(s * adv[i], c * adv[i]) / B;
    for (int64_t t = 0; t < T; ++t) {
      double expect =
          b.mask[i * T + t] != 0 && unclipped ? -adv[i] * s / n / B : 0.0;
      ASSERT_NEAR(grad[i * T + t], expect, 1e-13) << i << "," << t;
    }
  }
  EXPECT_GT(clippedSeqs, 0);
  EXPECT_NEAR(loss.item<double>(), refLoss, 1e-12);
}

/// Evaluates a one-op tree over x, y, z (passed as logp, old_logp, ref_logp).
torch::Tensor evalOp(const json &body, const torch::Tensor &x,
                     const torch::Tensor &y, const torch::Tensor &z) {
  json tree = {{"params", {"logp", "old_logp", "ref_logp"}},
               {"reduce", {{"kind", "token_mean"}}},
               {"body", body}};
  LossProgram p = LossProgram::fromJson("ops", tree);
  return p.perToken({x, y, z, {}, torch::ones_like(x)});
}

TEST(LossInterpreter, OpsFollowPyTorchConventions) {
  torch::manual_seed(3);
  auto opts = torch::dtype(torch::kFloat64);
  json X = param("logp"), Y = param("old_logp"), Z = param("ref_logp");
  for (int64_t T : {3, 50}) {
    torch::Tensor x = torch::randn({4, T}, opts);
    // Ties between x and y in a few places to check min/max tie handling.
    torch::Tensor y = torch::where(torch::rand({4, T}, opts) < 0.2, x,
                                   torch::randn({4, T}, opts));
    torch::Tensor z = torch::randn({4, T}, opts);
    struct Case {
      json body;
      std::function<torch::Tensor(torch::Tensor, torch::Tensor, torch::Tensor)>
          expect;
    };
    std::vector<Case> cases = {
        {op("add", {X, Y}), [](auto a, auto b, auto) { return a + b; }},
        {op("sub", {X, Y}), [](auto a, auto b, auto) { return a - b; }},
        {op("mul", {X, Y}), [](auto a, auto b, auto) { return a * b; }},
        {op("div", {X, Y}), [](auto a, auto b, auto) { return a / b; }},
        {op("neg", {X}), [](auto a, auto, auto) { return -a; }},
        {op("exp", {X}), [](auto a, auto, auto) { return a.exp(); }},
        {op("log", {op("abs", {X})}),
         [](auto a, auto, auto) { return a.abs().log(); }},
        {op("min", {X, Y}),
         [](auto a, auto b, auto) { return torch::minimum(a, b); }},
        {op("max", {X, Y}),
         [](auto a, auto b, auto) { return torch::maximum(a, b); }},
        {op("abs", {X}), [](auto a, auto, auto) { return a.abs(); }},
        {op("clamp", {X, cst(-0.5), cst(0.7)}),
         [](auto a, auto, auto) { return a.clamp(-0.5, 0.7); }},
        {op("clamp", {X, op("neg", {op("abs", {Y})}), op("abs", {Z})}),
         [](auto a, auto b, auto c) {
           return torch::clamp(a, -b.abs(), c.abs());
         }},
        {op("where", {op("lt", {X, Y}), Y, Z}),
         [](auto a, auto b, auto c) { return torch::where(a < b, b, c); }},
        {op("mul", {op("le", {X, Y}), X}),
         [](auto a, auto b, auto) { return (a <= b).to(a.dtype()) * a; }},
        {op("mul", {op("gt", {X, Y}), X}),
         [](auto a, auto b, auto) { return (a > b).to(a.dtype()) * a; }},
        {op("mul", {op("ge", {X, Y}), X}),
         [](auto a, auto b, auto) { return (a >= b).to(a.dtype()) * a; }},
        {op("mul", {op("eq", {X, Y}), X}),
         [](auto a, auto b, auto) { return (a == b).to(a.dtype()) * a; }},
        {op("mul", {op("ne", {X, Y}), X}),
         [](auto a, auto b, auto) { return (a != b).to(a.dtype()) * a; }},
        {op("mul",
            {op("and", {op("gt", {X, cst(0)}), op("gt", {Z, cst(0)})}), Y}),
         [](auto a, auto b, auto c) {
           return ((a > 0) & (c > 0)).to(a.dtype()) * b;
         }},
        {op("mul",
            {op("or", {op("gt", {X, cst(0)}), op("gt", {Z, cst(0)})}), Y}),
         [](auto a, auto b, auto c) {
           return ((a > 0) | (c > 0)).to(a.dtype()) * b;
         }},
        {op("mul", {op("not", {op("gt", {X, cst(0)})}), Y}),
         [](auto a, auto b, auto) { return (a <= 0).to(a.dtype()) * b; }},
    };
    for (size_t i = 0; i < cases.size(); ++i) {
      SCOPED_TRACE(cases[i].body.dump());
      torch::Tensor x1 = x.clone().requires_grad_(true),
                    y1 = y.clone().requires_grad_(true),
                    z1 = z.clone().requires_grad_(true);
      torch::Tensor x2 = x.clone().requires_grad_(true),
                    y2 = y.clone().requires_grad_(true),
                    z2 = z.clone().requires_grad_(true);
      torch::Tensor got = evalOp(cases[i].body, x1, y1, z1);
      torch::Tensor want = cases[i].expect(x2, y2, z2);
      ASSERT_TRUE(torch::allclose(got, want, 1e-14, 1e-14));
      torch::Tensor w = torch::randn({4, T}, opts); // random upstream grad
      (got * w).sum().backward();
      (want * w).sum().backward();
      for (auto [a, b] : {std::pair{x1, x2}, {y1, y2}, {z1, z2}}) {
        ASSERT_EQ(a.grad().defined(), b.grad().defined());
        if (a.grad().defined())
          ASSERT_TRUE(torch::allclose(a.grad(), b.grad(), 1e-14, 1e-14));
      }
    }
  }
}

TEST(LossInterpreter, ComparisonsCarryNoGradient) {
  auto opts = torch::dtype(torch::kFloat64);
  torch::Tensor x = torch::randn({2, 9}, opts).requires_grad_(true);
  torch::Tensor y = torch::randn({2, 9}, opts);
  torch::Tensor out = evalOp(op("lt", {param("logp"), param("old_logp")}), x, y,
                             torch::randn({2, 9}, opts));
  EXPECT_FALSE(out.requires_grad());
  EXPECT_TRUE(torch::equal(out, (x < y).to(torch::kFloat64)));
}

TEST(LossInterpreter, ReductionsFollowTheMask) {
  GrpoBatch b = randomBatch(2, 3, 11, 8, /*emptyRow=*/true);
  int64_t B = b.batch(), T = b.T;
  torch::Tensor x = toTensor(b.logp, B, T), mask = toTensor(b.mask, B, T);
  // Padding holds garbage (inf) that must never reach any reduction.
  torch::Tensor dirty =
      torch::where(mask != 0, x, torch::full_like(x, INFINITY));
  double total = 0, n = 0, seqMeans = 0;
  for (int64_t i = 0; i < B; ++i) {
    double s = 0, c = 0;
    for (int64_t t = 0; t < T; ++t)
      if (b.mask[i * T + t] != 0) {
        s += b.logp[i * T + t];
        c += 1;
      }
    total += s;
    n += c;
    seqMeans += c > 0 ? s / c : 0.0;
  }
  EXPECT_NEAR(
      reduceLoss(dirty, mask, {ReductionKind::TokenMean, 0}).item<double>(),
      total / n, 1e-12);
  EXPECT_NEAR(
      reduceLoss(dirty, mask, {ReductionKind::SeqMean, 0}).item<double>(),
      seqMeans / B, 1e-12);
  EXPECT_NEAR(
      reduceLoss(dirty, mask, {ReductionKind::SeqSumNorm, 0}).item<double>(),
      total / (B * T), 1e-12);
  EXPECT_NEAR(
      reduceLoss(dirty, mask, {ReductionKind::SeqSumNorm, 50}).item<double>(),
      total / (B * 50), 1e-12);
}

/// Expects fromJson to fail with one line mentioning every piece of `parts`.
void expectError(const json &tree, std::vector<std::string> parts) {
  try {
    LossProgram::fromJson("mine", tree);
    FAIL() << "accepted: " << tree.dump();
  } catch (const r1rt::Error &e) {
    std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    EXPECT_THAT(msg, ::testing::HasSubstr("loss 'mine'"));
    for (const std::string &p : parts)
      EXPECT_THAT(msg, ::testing::HasSubstr(p));
  }
}

TEST(LossInterpreter, MalformedTreesGiveOneLineErrors) {
  json params = {"logp", "old_logp", "adv"};
  json reduce = {{"kind", "token_mean"}};
  auto withBody = [&](json body) {
    return json{{"params", params}, {"reduce", reduce}, {"body", body}};
  };
  expectError(withBody(op("add", {param("logp"), op("sqrt", {param("adv")})})),
              {"body.args[1]", "unknown op 'sqrt'"});
  expectError(withBody(op("neg", {param("logp"), param("adv")})),
              {"node body", "'neg' takes 1 argument(s), got 2"});
  expectError(withBody(op("clamp", {param("logp"), cst(0)})),
              {"'clamp' takes 3 argument(s), got 2"});
  expectError(withBody(op("mul", {param("ref_logp"), param("adv")})),
              {"body.args[0]", "unknown parameter 'ref_logp'"});
  expectError(json{{"params", {"logp", "entropy"}},
                   {"reduce", reduce},
                   {"body", param("logp")}},
              {"params[1]", "unknown parameter 'entropy'"});
  expectError(withBody(json{{"op", "const"}}), {"numeric \"value\""});
  expectError(withBody(json{{"args", json::array()}}), {"string \"op\""});
  expectError(json{{"params", params},
                   {"reduce", {{"kind", "sum"}}},
                   {"body", param("logp")}},
              {"reduce.kind", "unknown reduction 'sum'"});
  expectError(json{{"params", params},
                   {"reduce", {{"kind", "seq_sum_norm"}, {"max_len", -3}}},
                   {"body", param("logp")}},
              {"reduce.max_len"});
  expectError(json{{"params", params}, {"reduce", reduce}}, {"body"});
}

TEST(LossInterpreter, MalformedGradTreesGiveOneLineErrors) {
  json dloss = param("dloss");
  auto withGrad = [&](json grad) {
    return json{{"params", {"logp", "adv"}},
                {"reduce", {{"kind", "token_mean"}}},
                {"body", op("mul", {param("logp"), param("adv")})},
                {"grad", grad}};
  };
  // The well-formed tree is accepted; each error below is one change to it.
  EXPECT_TRUE(
      LossProgram::fromJson("mine", withGrad({{"logp", dloss}})).hasGrad());
  expectError(withGrad({{"logp", op("mul", {dloss, op("sqrt", {dloss})})}}),
              {"node grad.logp.args[1]", "unknown op 'sqrt'"});
  expectError(withGrad({{"logp", op("neg", {dloss, dloss})}}),
              {"node grad.logp", "'neg' takes 1 argument(s), got 2"});
  expectError(withGrad({{"logp", op("mul", {dloss, param("ref_logp")})}}),
              {"node grad.logp.args[1]", "unknown parameter 'ref_logp'"});
  expectError(withGrad({{"logp", dloss}, {"adv", dloss}}),
              {"grad.adv", "'adv' carries no gradient"});
  expectError(withGrad({{"logp", dloss}, {"seq_logratio", dloss}}),
              {"grad.seq_logratio", "does not declare 'seq_logratio'"});
  expectError(withGrad(json::object()),
              {"grad", "missing the backward of 'logp'"});
  expectError(withGrad(json::array()), {"grad", "expected an object"});
  json tree = withGrad({{"logp", dloss}});
  tree["body"] = op("mul", {param("logp"), dloss});
  expectError(tree,
              {"node body.args[1]", "'dloss' is defined only in grad trees"});
}

TEST(LossInterpreter, MissingInputIsAClearError) {
  json tree = {{"params", {"logp", "ref_logp"}},
               {"reduce", {{"kind", "token_mean"}}},
               {"body", op("sub", {param("logp"), param("ref_logp")})}};
  LossProgram p = LossProgram::fromJson("kl_only", tree);
  torch::Tensor x = torch::randn({2, 3});
  try {
    p.loss({x, x, {}, x, torch::ones_like(x)});
    FAIL();
  } catch (const r1rt::Error &e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("'ref_logp' was not supplied"));
  }
}

} // namespace
