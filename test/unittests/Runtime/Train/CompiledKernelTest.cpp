//===- CompiledKernelTest.cpp - Compiled loss kernels vs the interpreter --===//
//
// The kernels r1c compiled into kernels/losses.so of Inputs/losses.r1p (at
// build time), run through LossEvaluator, give the interpreter's loss and
// gradient w.r.t. logp, for every loss and reduction at several sizes; both
// also match the interpreter in float64. A missing or mismatched kernel
// falls back to the interpreter with one note.
//
//===----------------------------------------------------------------------===//

#include "GrpoTestUtil.h"

#include "r1rt/train/Advantages.h"
#include "r1rt/train/CompiledLoss.h"
#include "r1rt/train/Reduction.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <iostream>

using namespace r1rt::train;
using nlohmann::json;
using r1rt::test::randomBatch;

namespace {

const json &plan() {
  static const json p = r1rt::test::readJsonFile(R1C_LOSSES_PLAN);
  return p;
}

std::string bundleDir() {
  return std::filesystem::path(R1C_LOSSES_PLAN).parent_path().string();
}

LossInputs makeInputs(int64_t groups, int64_t groupSize, int64_t T,
                      uint64_t seed, torch::Dtype dtype) {
  return r1rt::test::toLossInputs(
      randomBatch(groups, groupSize, T, seed, /*emptyRow=*/true), dtype);
}

LossInputs cast(const LossInputs &in, torch::Dtype dtype) {
  return {in.logp.to(dtype), in.oldLogp.to(dtype), in.refLogp.to(dtype),
          in.adv.to(dtype), in.mask.to(dtype)};
}

struct LossAndGrad {
  torch::Tensor loss, grad;
};

template <typename Eval> LossAndGrad run(const Eval &eval, LossInputs in) {
  in.logp = in.logp.detach().clone().requires_grad_(true);
  torch::Tensor loss = eval.loss(in);
  loss.backward();
  return {loss.detach(), in.logp.grad()};
}

TEST(CompiledKernel, BundleCarriesAKernelPerLoss) {
  ASSERT_TRUE(std::filesystem::exists(bundleDir() + "/kernels/losses.so"));
  for (const auto &[name, spec] : plan().at("losses").items()) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(spec.contains("kernel"));
    EXPECT_EQ(spec["kernel"]["abi"], 1);
    EXPECT_EQ(spec["kernel"]["cpu"]["symbol"], "_mlir_ciface_r1k_" + name);
    LossEvaluator eval(LossProgram::fromJson(name, spec), spec, bundleDir());
    EXPECT_TRUE(eval.compiled()) << eval.fallbackReason();
  }
}

/// Kernel (f32) vs interpreter in f32 and in f64, every loss × reduction ×
/// size. Loss: relative to Σ w·|ℓ| scale; gradient: per token, relative to
/// |grad| + w (the scale of the terms a token's gradient sums).
TEST(CompiledKernel, MatchesTheInterpreter) {
  double worstLoss = 0, worstGrad = 0, worst64 = 0;
  uint64_t seed = 7000;
  for (const auto &[name, base] : plan().at("losses").items()) {
    for (auto [groups, groupSize, T] :
         {std::tuple{2, 4, 3}, {3, 8, 40}, {4, 16, 200}}) {
      LossInputs in = makeInputs(groups, groupSize, T, ++seed, torch::kFloat);
      for (const json &reduce : r1rt::test::reductionSpecs()) {
        SCOPED_TRACE(name + " " + reduce.dump() + " T=" + std::to_string(T));
        json spec = base;
        spec["reduce"] = reduce;
        LossProgram program = LossProgram::fromJson(name, spec);
        LossEvaluator compiled(program, spec, bundleDir());
        ASSERT_TRUE(compiled.compiled()) << compiled.fallbackReason();
        LossAndGrad got = run(compiled, in);
        LossAndGrad want = run(program, in);
        LossAndGrad want64 = run(program, cast(in, torch::kFloat64));
        ASSERT_EQ(got.loss.scalar_type(), torch::kFloat);
        ASSERT_TRUE(got.grad.sizes().equals(want.grad.sizes()));
        ASSERT_GT(want.grad.abs().max().item<double>(), 0.0);

        torch::Tensor w = reductionWeights(in.mask, program.reduction(),
                                           torch::kFloat64);
        double scale =
            (w * program.perToken(cast(in, torch::kFloat64)).abs())
                .sum()
                .item<double>() +
            1e-30;
        double lossErr =
            std::abs(got.loss.item<double>() - want.loss.item<double>()) /
            scale;
        double loss64Err =
            std::abs(got.loss.item<double>() - want64.loss.item<double>()) /
            scale;
        EXPECT_LE(lossErr, 1e-5);
        EXPECT_LE(loss64Err, 1e-5);

        auto gradErr = [&](const torch::Tensor &ref) {
          torch::Tensor r = ref.to(torch::kFloat64);
          torch::Tensor g = got.grad.to(torch::kFloat64);
          return ((g - r).abs() / (r.abs() + w + 1e-30)).max().item<double>();
        };
        double e32 = gradErr(want.grad), e64 = gradErr(want64.grad);
        EXPECT_LE(e32, 1e-5);
        EXPECT_LE(e64, 1e-5);
        // Padding and the empty row: exactly 0.
        EXPECT_EQ(got.grad.masked_select(in.mask == 0).abs().max().item<float>(),
                  0.0f);
        worstLoss = std::max({worstLoss, lossErr, loss64Err});
        worstGrad = std::max(worstGrad, e32);
        worst64 = std::max(worst64, e64);
      }
    }
  }
  std::cout << "[   INFO   ] kernel vs interpreter: loss " << worstLoss
            << ", grad (f32) " << worstGrad << ", grad (f64) " << worst64
            << "\n";
}

/// Padding is skipped even where the body is not finite there.
TEST(CompiledKernel, NonFinitePaddingContributesNothing) {
  const json &spec = plan()["losses"]["grpo"];
  LossProgram program = LossProgram::fromJson("grpo", spec);
  LossEvaluator compiled(program, spec, bundleDir());
  ASSERT_TRUE(compiled.compiled());
  LossInputs in = makeInputs(2, 4, 12, 99, torch::kFloat);
  LossAndGrad clean = run(compiled, in);
  torch::Tensor pad = in.mask == 0;
  ASSERT_GT(pad.sum().item<int64_t>(), 0);
  in.logp = torch::where(pad, torch::full_like(in.logp, NAN), in.logp);
  in.oldLogp =
      torch::where(pad, torch::full_like(in.oldLogp, -INFINITY), in.oldLogp);
  LossAndGrad dirty = run(compiled, in);
  EXPECT_EQ(dirty.loss.item<float>(), clean.loss.item<float>());
  EXPECT_TRUE(torch::equal(dirty.grad, clean.grad));
}

/// Each reason the kernel cannot be used leaves the interpreter as the path,
/// with a note on stderr once per loss.
TEST(CompiledKernel, FallsBackToTheInterpreterAndSaysSo) {
  LossInputs in = makeInputs(2, 4, 9, 5, torch::kFloat);
  struct Case {
    std::string name; // a fresh loss name per case: the note is once per name
    std::function<void(json &)> edit;
    std::string reason;
  };
  std::vector<Case> cases = {
      {"no_kernel", [](json &s) { s.erase("kernel"); }, "has no compiled kernel"},
      {"old_abi", [](json &s) { s["kernel"]["abi"] = 0; }, "ABI 0"},
      {"bad_args",
       [](json &s) { s["kernel"]["cpu"]["args"].erase(0); },
       "arguments"},
      {"no_library",
       [](json &s) { s["kernel"]["cpu"]["library"] = "kernels/absent.so"; },
       "cannot load loss kernels"},
      {"no_symbol",
       [](json &s) { s["kernel"]["cpu"]["symbol"] = "_mlir_ciface_nope"; },
       "lack '_mlir_ciface_nope'"},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.name);
    json spec = plan()["losses"]["dapo"];
    c.edit(spec);
    LossProgram program = LossProgram::fromJson(c.name, spec);
    testing::internal::CaptureStderr();
    LossEvaluator first(program, spec, bundleDir());
    LossEvaluator second(program, spec, bundleDir());
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_FALSE(first.compiled());
    EXPECT_THAT(first.fallbackReason(), testing::HasSubstr(c.reason));
    EXPECT_THAT(err, testing::HasSubstr("r1run: note: loss '" + c.name + "'"));
    EXPECT_THAT(err, testing::HasSubstr("using the interpreter"));
    EXPECT_EQ(err.find("using the interpreter"),
              err.rfind("using the interpreter"))
        << "said more than once: " << err;
    LossAndGrad got = run(first, in), want = run(program, in);
    EXPECT_TRUE(torch::equal(got.loss, want.loss));
    EXPECT_TRUE(torch::equal(got.grad, want.grad));
  }
}

TEST(CompiledKernel, InterpretLossesTakesTheInterpreter) {
  const json &spec = plan()["losses"]["gspo"];
  testing::internal::CaptureStderr();
  LossEvaluator eval(LossProgram::fromJson("gspo", spec), spec, bundleDir(),
                     /*interpret=*/true);
  testing::internal::GetCapturedStderr();
  EXPECT_FALSE(eval.compiled());
  EXPECT_THAT(eval.fallbackReason(), testing::HasSubstr("--interpret-losses"));
}

} // namespace
