//===- ArtifactKeyTest.cpp - Properties of r1-assign-artifact-keys -------===//
//
// Edits to a recipe must change exactly the keys of the edited stage and of
// the stages downstream of it; names, whitespace, comments and locations
// must change none.
//
//===----------------------------------------------------------------------===//

#include "r1/Dialect/R1/Passes.h"
#include "r1/Dialect/R1/R1Dialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

using namespace mlir;

namespace {
/// The recipe, with placeholders edited by the tests.
std::string recipe(std::map<std::string, std::string> subst = {}) {
  std::map<std::string, std::string> v = {
      {"SEED", "7"},        {"LM", "lm"},      {"STEPS", "10"},
      {"SFT_LR", "3.0e-4"}, {"RL_STEPS", "5"}, {"CMP", "olt"},
      {"SIDE_BATCH", "16"}, {"WS", " "},       {"COMMENT", ""}};
  for (auto &[k, val] : subst)
    v[k] = val;
  std::string text = R"(
r1.pipeline @p seed = SEED {
  %t = r1.tokenizer chars "0123456789+-*=() \0A"
  %m = r1.model @m(%t) {dim = 16, layers = 1, heads = 2, ffn = 32} : !r1.model<dense>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  %acc = r1.reward @acc answer_match {}
  %l = r1.loss @l reduce token_mean params ["logp", "adv"] {
  ^bb0(%lp: f32, %adv: f32):
    %c = arith.cmpf CMP, %lp, %adv : f32
    %x = arith.select %c, %lp, %adv : f32
    r1.yield %x : f32
  }COMMENT
  %lm = r1.pretrain @LM(%m, %d)WS{steps = STEPS} : (!r1.model<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  %side = r1.sft @side(%m, %d) {batch = SIDE_BATCH} : (!r1.model<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  %sft = r1.sft @sft(%lm, %d) {lr = SFT_LR} : (!r1.ckpt<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  %rl = r1.grpo @rl(%sft, %d, %acc, %l) {steps = RL_STEPS} : (!r1.ckpt<dense>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<dense>
}
)";
  for (auto &[k, val] : v)
    for (size_t pos; (pos = text.find(k)) != std::string::npos;)
      text.replace(pos, k.size(), val);
  return text;
}

/// Stage keys in order: lm, side, sft, rl.
std::vector<std::string> keys(const std::string &text) {
  MLIRContext ctx;
  ctx.loadDialect<r1::R1Dialect, arith::ArithDialect, math::MathDialect>();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &ctx);
  EXPECT_TRUE(module) << text;
  if (!module)
    return {};
  PassManager pm(&ctx);
  pm.nest<r1::PipelineOp>().addPass(r1::createAssignArtifactKeysPass());
  EXPECT_TRUE(succeeded(pm.run(*module)));
  std::vector<std::string> out;
  module->walk([&](Operation *op) {
    if (r1::isStageOp(op))
      out.push_back(r1::getArtifactKey(op).str());
  });
  EXPECT_EQ(out.size(), 4u);
  for (const std::string &k : out)
    EXPECT_EQ(k.size(), 32u);
  return out;
}

/// Which of the four keys differ between two recipes.
std::vector<bool> changed(const std::vector<std::string> &a,
                          const std::vector<std::string> &b) {
  std::vector<bool> out;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    out.push_back(a[i] != b[i]);
  return out;
}

using Mask = std::vector<bool>;

TEST(ArtifactKeys, DistinctStagesGetDistinctKeys) {
  auto k = keys(recipe());
  for (size_t i = 0; i < k.size(); ++i)
    for (size_t j = i + 1; j < k.size(); ++j)
      EXPECT_NE(k[i], k[j]);
}

TEST(ArtifactKeys, Deterministic) { EXPECT_EQ(keys(recipe()), keys(recipe())); }

TEST(ArtifactKeys, RenameWhitespaceCommentsAndLocationsChangeNothing) {
  auto base = keys(recipe());
  EXPECT_EQ(base, keys(recipe({{"LM", "base_lm"}})));
  EXPECT_EQ(base, keys(recipe({{"WS", "\n      \t "}})));
  EXPECT_EQ(base, keys(recipe({{"COMMENT", " // tuned later\n  // more"}})));
  EXPECT_EQ(base, keys(recipe({{"COMMENT", " loc(\"x.r1p\":3:4)"}})));
  // Writing a default explicitly is not an edit either.
  EXPECT_EQ(base, keys(recipe({{"SIDE_BATCH", "16"}})));
}

TEST(ArtifactKeys, EditingALateStageChangesOnlyItsKey) {
  auto base = keys(recipe());
  EXPECT_EQ(changed(base, keys(recipe({{"RL_STEPS", "6"}}))),
            (Mask{false, false, false, true}));
}

TEST(ArtifactKeys, EditingAMiddleStageChangesItsDownstream) {
  auto base = keys(recipe());
  EXPECT_EQ(changed(base, keys(recipe({{"SFT_LR", "1.0e-4"}}))),
            (Mask{false, false, true, true}));
}

TEST(ArtifactKeys, EditingTheFirstStageSparesIndependentBranches) {
  auto base = keys(recipe());
  EXPECT_EQ(changed(base, keys(recipe({{"STEPS", "11"}}))),
            (Mask{true, false, true, true}));
  EXPECT_EQ(changed(base, keys(recipe({{"SIDE_BATCH", "8"}}))),
            (Mask{false, true, false, false}));
}

TEST(ArtifactKeys, LossBodyEditReachesTheRlStage) {
  auto base = keys(recipe());
  EXPECT_EQ(changed(base, keys(recipe({{"CMP", "ogt"}}))),
            (Mask{false, false, false, true}));
}

TEST(ArtifactKeys, SeedChangesEveryStage) {
  auto base = keys(recipe());
  EXPECT_EQ(changed(base, keys(recipe({{"SEED", "8"}}))),
            (Mask{true, true, true, true}));
}
} // namespace
