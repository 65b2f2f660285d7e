//===- FrontendApiTest.cpp - The AST contract that MLIRGen relies on ------===//
//
// Parses the r1_tiny design sketch (test/Pipelines/Inputs) and checks the
// facts Sema promises in AST.h:
// names resolve to their declarations, call arguments are normalized with
// defaults, model configs are complete, built-in losses come first.
//
//===----------------------------------------------------------------------===//

#include "r1/Frontend/Frontend.h"
#include "r1/Frontend/Signatures.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

using namespace r1;
using namespace r1::ast;

namespace {

struct Parsed {
  mlir::MLIRContext context{mlir::MLIRContext::Threading::DISABLED};
  llvm::SourceMgr sourceMgr;
  std::unique_ptr<Pipeline> pipeline;
  std::vector<std::string> errors;

  explicit Parsed(const std::string &text, const char *name = "t.r1p") {
    sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(text, name), llvm::SMLoc());
    mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
      if (d.getSeverity() == mlir::DiagnosticSeverity::Error)
        errors.push_back(d.str());
      return mlir::success();
    });
    FrontendOptions options;
    options.checkFiles = false;
    auto result = parsePipeline(sourceMgr, &context, options);
    if (succeeded(result))
      pipeline = std::move(*result);
  }
};

std::string readPipeline(const char *relPath) {
  auto buffer = llvm::MemoryBuffer::getFile(std::string(R1C_SOURCE_DIR) + "/" +
                                            relPath);
  EXPECT_TRUE(bool(buffer));
  return buffer ? (*buffer)->getBuffer().str() : "";
}

TEST(FrontendApi, R1TinyResolvedFacts) {
  Parsed p(readPipeline("test/Pipelines/Inputs/r1_tiny_sketch.r1p"));
  ASSERT_TRUE(p.pipeline) << (p.errors.empty() ? "" : p.errors.front());
  const Pipeline &pl = *p.pipeline;
  EXPECT_EQ(pl.getName(), "r1_tiny");
  EXPECT_EQ(pl.seed, 17);

  // The user's grpo shadows the built-in one; the other built-ins lead.
  auto decls = pl.getDecls();
  ASSERT_GE(decls.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    auto *loss = llvm::dyn_cast<LossDecl>(decls[i].get());
    ASSERT_TRUE(loss);
    EXPECT_TRUE(loss->isBuiltin());
    EXPECT_NE(loss->getName(), "grpo");
  }
  auto *grpo = llvm::dyn_cast_or_null<LossDecl>(pl.lookup("grpo"));
  ASSERT_TRUE(grpo);
  EXPECT_FALSE(grpo->isBuiltin());
  EXPECT_EQ(grpo->getReduce(), LossDecl::Reduce::TokenMean);
  ASSERT_EQ(grpo->getLets().size(), 2u);
  // `ratio` inside `pg` resolves to the let; `logp` to parameter 0.
  const auto *pg = grpo->getLets()[1]->getValue();
  ASSERT_TRUE(pg);

  const TokenizerDecl *tok = pl.getTokenizer();
  ASSERT_TRUE(tok);
  EXPECT_EQ(tok->tokKind, TokenizerDecl::TokKind::Chars);
  // 3 specials + 49 distinct characters of the r1_tiny alphabet.
  EXPECT_EQ(tok->vocabSize, 3 + 49);

  auto *base = llvm::dyn_cast_or_null<ModelDecl>(pl.lookup("base"));
  ASSERT_TRUE(base);
  ASSERT_EQ(base->arch, ModelDecl::Arch::Deepseek);
  const DeepseekConfig &ds = base->deepseek;
  EXPECT_EQ(ds.vocabSize, tok->vocabSize);
  EXPECT_EQ(ds.dim, 128);
  EXPECT_EQ(ds.ffn, 4 * 128); // default 4 * dim
  EXPECT_EQ(ds.mla.kvRank, 64);
  EXPECT_EQ(ds.mla.ropeDim, 16);
  EXPECT_EQ(ds.moe.experts, 8);
  EXPECT_EQ(ds.moe.topK, 2);
  EXPECT_EQ(ds.moe.score, "sigmoid");
  EXPECT_EQ(ds.moe.balance, "bias");
  EXPECT_DOUBLE_EQ(ds.moe.biasRate, 1e-3);
  EXPECT_FALSE(ds.yarn.has_value());

  auto *student = llvm::dyn_cast_or_null<ModelDecl>(pl.lookup("student"));
  ASSERT_TRUE(student);
  ASSERT_EQ(student->arch, ModelDecl::Arch::Dense);
  EXPECT_EQ(student->dense.kvHeads, 4);
  EXPECT_EQ(student->dense.headDim, 96 / 4);
  EXPECT_EQ(student->dense.maxSeq, 2048);

  // Stage arguments: all named, in signature order, defaults filled in.
  auto *reason = llvm::dyn_cast_or_null<StageDecl>(pl.lookup("reason"));
  ASSERT_TRUE(reason);
  EXPECT_EQ(reason->stageKind, StageKind::Grpo);
  EXPECT_EQ(reason->resultType, Expr::Type::Checkpoint);
  const CallExpr *call = reason->getCall();
  const Signature &sig = reason->signature->sig;
  size_t sigIndex = 0;
  for (const Arg &arg : call->getArgs()) {
    EXPECT_FALSE(arg.name.empty());
    while (sigIndex < sig.params.size() &&
           arg.name != sig.params[sigIndex].name)
      ++sigIndex;
    EXPECT_LT(sigIndex, sig.params.size()) << arg.name << " out of order";
  }
  auto *policy = llvm::dyn_cast<NameExpr>(call->getArgValue("policy"));
  ASSERT_TRUE(policy);
  EXPECT_EQ(policy->getTarget(), NameExpr::Target::Decl);
  EXPECT_EQ(policy->getDecl(), pl.lookup("cold"));
  auto *lossRef = llvm::dyn_cast<NameExpr>(call->getArgValue("loss"));
  ASSERT_TRUE(lossRef);
  EXPECT_EQ(lossRef->getDecl(), grpo);
  auto *group = llvm::dyn_cast<IntExpr>(call->getArgValue("group"));
  ASSERT_TRUE(group);
  EXPECT_EQ(group->getValue(), 8);
  const Arg *lr = call->findArg("lr");
  ASSERT_TRUE(lr);
  EXPECT_TRUE(lr->isDefault);
  EXPECT_TRUE(llvm::isa<FloatExpr>(lr->value.get()));
  auto *scale = llvm::dyn_cast<NameExpr>(call->getArgValue("scale"));
  ASSERT_TRUE(scale);
  EXPECT_EQ(scale->getTarget(), NameExpr::Target::Symbol);
  EXPECT_EQ(scale->getName(), "std");
  EXPECT_EQ(call->getArgValue("rewards")->getType(), Expr::Type::Reward);

  auto *traces = llvm::dyn_cast_or_null<StageDecl>(pl.lookup("traces"));
  ASSERT_TRUE(traces);
  EXPECT_EQ(traces->resultType, Expr::Type::Dataset);
  EXPECT_EQ(traces->getCall()->getArgValue("keep")->getType(),
            Expr::Type::Predicate);

  // Inline mix: a CallExpr typed Dataset whose inputs resolve.
  auto *mixed = llvm::dyn_cast_or_null<StageDecl>(pl.lookup("mixed"));
  ASSERT_TRUE(mixed);
  auto *mix = llvm::dyn_cast<CallExpr>(mixed->getCall()->getArgValue("data"));
  ASSERT_TRUE(mix);
  EXPECT_EQ(mix->getCallee(), "mix");
  EXPECT_EQ(mix->getType(), Expr::Type::Dataset);
  auto *first = llvm::dyn_cast<NameExpr>(mix->getArgs()[0].value.get());
  ASSERT_TRUE(first);
  EXPECT_EQ(first->getDecl(), traces);

  // The eval block.
  const EvalDecl *eval = nullptr;
  for (const auto &d : decls)
    if (auto *e = llvm::dyn_cast<EvalDecl>(d.get()))
      eval = e;
  ASSERT_TRUE(eval);
  ASSERT_EQ(eval->getMetrics().size(), 2u);
  EXPECT_EQ(eval->getMetrics()[0].samples, 4);
  EXPECT_EQ(eval->getMetrics()[1].kind, EvalMetric::Kind::Cons);
  EXPECT_EQ(eval->getMetrics()[1].samples, 8);
  EXPECT_DOUBLE_EQ(eval->temperature, 0.6);
  EXPECT_EQ(eval->getStages()[3]->getDecl(), pl.lookup("small"));
}

TEST(FrontendApi, PreludeLossesAreValidAndDifferentiable) {
  // A pipeline that uses every built-in loss checks them all.
  Parsed p(R"(pipeline q {
    tokenizer = bytes()
    model m = dense { dim = 8 layers = 1 heads = 2 ffn = 16 }
    dataset d = task.countdown(count = 4)
    reward r = countdown()
    stage b = pretrain(m, d)
    stage s1 = grpo(b, d, rewards = r, loss = grpo)
    stage s2 = grpo(s1, d, rewards = r, loss = dr_grpo)
    stage s3 = grpo(s2, d, rewards = r, loss = dapo)
    stage s4 = grpo(s3, d, rewards = r, loss = gspo)
  })");
  ASSERT_TRUE(p.pipeline) << (p.errors.empty() ? "" : p.errors.front());
  for (const char *name : {"grpo", "dr_grpo", "dapo", "gspo"}) {
    auto *loss = llvm::dyn_cast_or_null<LossDecl>(p.pipeline->lookup(name));
    ASSERT_TRUE(loss) << name;
    EXPECT_TRUE(loss->isBuiltin());
  }
  auto reduceOf = [&](const char *n) {
    return llvm::cast<LossDecl>(p.pipeline->lookup(n))->getReduce();
  };
  EXPECT_EQ(reduceOf("grpo"), LossDecl::Reduce::SeqMean);
  EXPECT_EQ(reduceOf("dr_grpo"), LossDecl::Reduce::SeqSumNorm);
  EXPECT_EQ(reduceOf("dapo"), LossDecl::Reduce::TokenMean);
  EXPECT_EQ(reduceOf("gspo"), LossDecl::Reduce::SeqMean);
  EXPECT_FALSE(getPreludeSource().empty());
}

TEST(FrontendApi, ErrorsFailTheParse) {
  Parsed p("pipeline q { tokenizer = bytes() seed = -3 }");
  EXPECT_FALSE(p.pipeline);
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_NE(p.errors[0].find("must not be negative"), std::string::npos);
}

TEST(FrontendApi, DumpIsStable) {
  std::string text = readPipeline("pipelines/r1_zero.r1p");
  Parsed a(text), b(text);
  ASSERT_TRUE(a.pipeline && b.pipeline);
  std::string da, db;
  llvm::raw_string_ostream osa(da), osb(db);
  dump(*a.pipeline, osa);
  dump(*b.pipeline, osb);
  EXPECT_EQ(da, db);
  EXPECT_NE(da.find("stage zero = grpo(policy = base_lm"), std::string::npos);
}

} // namespace
