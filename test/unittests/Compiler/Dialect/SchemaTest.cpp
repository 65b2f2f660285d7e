//===- SchemaTest.cpp - The dialect's schemas agree with the front end ---===//
//
// The front end (lib/Frontend/Signatures.cpp) and the dialect
// (lib/Dialect/R1/IR/R1Schema.cpp) each describe what stages, datasets,
// rewards and models accept; both expand include/r1/Dialect/R1/Params.def.
// Every value-typed parameter of the front end must be a field of the
// dialect with the same default (the dialect turns .r1p defaults into
// attribute syntax), so that MLIRGen's output verifies and plan.json
// defaults match the language docs.
//
//===----------------------------------------------------------------------===//

#include "r1/Frontend/Signatures.h"
#include "r1/Dialect/R1/R1Schema.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace r1;

namespace {
/// True for parameters that become operands (or are spelled differently in
/// the IR: `balance = bias(rate)` becomes balance + bias_rate).
bool isStructural(const ParamSignature &p) {
  switch (p.type) {
  case ParamType::ModelOrCkpt:
  case ParamType::Checkpoint:
  case ParamType::Dataset:
  case ParamType::Reward:
  case ParamType::Predicate:
  case ParamType::Loss:
  case ParamType::Balance:
    return true;
  default:
    return false;
  }
}

/// Compares a front-end default (".r1p" syntax) with a dialect default
/// (MLIR attribute syntax) numerically or textually.
void expectSameDefault(const ParamSignature &p, const Field &f,
                       llvm::StringRef where) {
  SCOPED_TRACE((where + "." + p.name).str());
  if (!p.defaultValue) {
    EXPECT_TRUE(!f.defaultValue || !*f.defaultValue)
        << "the dialect has a default the front end lacks";
    return;
  }
  ASSERT_TRUE(f.defaultValue && *f.defaultValue)
      << "front-end default '" << p.defaultValue << "' missing in the dialect";
  mlir::MLIRContext ctx;
  mlir::Attribute d = mlir::parseAttribute(f.defaultValue, &ctx);
  ASSERT_TRUE(d);
  std::string fe = p.defaultValue;
  if (auto s = llvm::dyn_cast<mlir::StringAttr>(d)) {
    EXPECT_EQ(s.getValue().str(), fe);
  } else if (auto b = llvm::dyn_cast<mlir::BoolAttr>(d)) {
    EXPECT_EQ(b.getValue() ? "true" : "false", fe);
  } else if (auto i = llvm::dyn_cast<mlir::IntegerAttr>(d)) {
    EXPECT_DOUBLE_EQ(double(i.getInt()), std::stod(fe));
  } else if (auto x = llvm::dyn_cast<mlir::FloatAttr>(d)) {
    EXPECT_DOUBLE_EQ(x.getValueAsDouble(), std::stod(fe));
  } else if (auto a = llvm::dyn_cast<mlir::ArrayAttr>(d)) {
    ASSERT_EQ(a.size(), 2u); // ranges: "1..3" vs [1, 3]
    std::string range =
        std::to_string(llvm::cast<mlir::IntegerAttr>(a[0]).getInt()) + ".." +
        std::to_string(llvm::cast<mlir::IntegerAttr>(a[1]).getInt());
    EXPECT_EQ(range, fe);
  }
}

void expectCovered(const Signature &sig, llvm::ArrayRef<Field> schema,
                   llvm::StringRef where) {
  for (const ParamSignature &p : sig.params) {
    if (isStructural(p) || llvm::StringRef(p.name).empty())
      continue;
    const Field *f = llvm::find_if(schema, [&](const Field &f) {
      return llvm::StringRef(f.name) == p.name;
    });
    ASSERT_NE(f, schema.end())
        << where.str() << ": front-end parameter '" << p.name
        << "' is not a field of the dialect schema";
    expectSameDefault(p, *f, where);
  }
}

TEST(Schema, StagesAgreeWithTheFrontEnd) {
  for (const StageSignature &s : getStageSignatures())
    expectCovered(s.sig, getStageSchema(("r1." + std::string(s.sig.name))),
                  s.sig.name);
}

TEST(Schema, BlockArgumentsAgreeWithTheFrontEnd) {
  // lora { ... } of sft and grpo: a nested dictionary field of the stage.
  for (const char *stage : {"r1.sft", "r1.grpo"}) {
    llvm::ArrayRef<Field> schema = getStageSchema(stage);
    const Field *f = llvm::find_if(schema, [](const Field &f) {
      return llvm::StringRef(f.name) == "lora";
    });
    ASSERT_NE(f, schema.end()) << stage;
    EXPECT_EQ(f->kind, FieldKind::Dict);
    ASSERT_NE(lookupBlockArg("lora"), nullptr);
    expectCovered(*lookupBlockArg("lora"), f->sub, stage);
    EXPECT_EQ(f->sub.size(), 3u);
  }
  EXPECT_EQ(lookupBlockArg("nope"), nullptr);
}

TEST(Schema, DatasetsAgreeWithTheFrontEnd) {
  for (const Signature &s : getDatasetSignatures()) {
    if (llvm::StringRef(s.name) == "mix") {
      expectCovered(s, getStageSchema("r1.mix"), "mix");
      continue;
    }
    EXPECT_TRUE(isKnownDatasetSource(s.name)) << s.name;
    expectCovered(s, getDatasetSchema(s.name), s.name);
  }
}

TEST(Schema, RewardsAgreeWithTheFrontEnd) {
  for (const Signature &s : getRewardSignatures()) {
    EXPECT_TRUE(isKnownRewardKind(s.name)) << s.name;
    expectCovered(s, getRewardSchema(s.name), s.name);
  }
}

TEST(Schema, ModelsAgreeWithTheFrontEnd) {
  for (const char *arch : {"deepseek", "dense"})
    expectCovered(*lookupModelBlock(arch), getModelSchema(arch), arch);
  llvm::ArrayRef<Field> ds = getModelSchema("deepseek");
  for (const char *block : {"mla", "moe", "yarn"}) {
    const Field *f = llvm::find_if(
        ds, [&](const Field &f) { return llvm::StringRef(f.name) == block; });
    ASSERT_NE(f, ds.end());
    expectCovered(*lookupModelBlock(block), f->sub, block);
  }
}
} // namespace
