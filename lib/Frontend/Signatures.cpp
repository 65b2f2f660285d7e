//===- Signatures.cpp - The table of .r1p call and block signatures -------===//
//
// Stages, datasets, rewards, settings, model blocks and block arguments
// (lora) come from r1/Dialect/R1/Params.def; tokenizers and model sources,
// which the dialect has no schema for, are declared here. docs/language.md's
// tables are generated from these tables by r1c-docgen.
//
//===----------------------------------------------------------------------===//

#include "r1/Frontend/Signatures.h"

using namespace r1;
using ast::Expr;
using ast::StageKind;

namespace {
using P = ParamSignature;
using T = ParamType;
using C = Constraint;

// Shorthands: positional required / required / optional with default.
constexpr P pos(const char *n, T t, unsigned caps, const char *doc) {
  return {n, t, true, true, false, nullptr, nullptr, C::None, caps, doc};
}
constexpr P req(const char *n, T t, C c, const char *doc) {
  return {n, t, true, false, false, nullptr, nullptr, c, 0, doc};
}
constexpr P opt(const char *n, T t, const char *def, C c, const char *doc) {
  return {n, t, false, false, false, def, nullptr, c, 0, doc};
}
constexpr P sym(const char *n, const char *def, const char *choices,
                const char *doc) {
  return {n, T::Symbol, false, false, false, def, choices, C::None, 0, doc};
}

//===--- Parameters (r1/Dialect/R1/Params.def) ---------------------------===//

// One array of parameters per signature.
#define R1_STAGE(ID, NAME, RESULT, DOC) const P stage##ID##Params[] = {
#define R1_DATASET(ID, NAME, DOC) const P dataset##ID##Params[] = {
#define R1_REWARD(ID, NAME, DOC) const P reward##ID##Params[] = {
#define R1_SETTINGS(ID, NAME, DOC) const P settings##ID##Params[] = {
#define R1_MODEL(ID, NAME, DOC) const P model##ID##Params[] = {
#define R1_BLOCK(ID, NAME, DOC) const P block##ID##Params[] = {
#define R1_END };
#define R1_POS(NAME, TYPE, CAPS, DOC) pos(#NAME, T::TYPE, ast::Cap##CAPS, DOC),
#define R1_VARIADIC(NAME, TYPE, DOC)                                           \
  {#NAME, T::TYPE, true, true, true, nullptr, nullptr, C::None, 0, DOC},
#define R1_REQ(NAME, TYPE, CONSTRAINT, DOC)                                    \
  req(#NAME, T::TYPE, C::CONSTRAINT, DOC),
#define R1_OPT(NAME, TYPE, DEFAULT, CONSTRAINT, DOC)                           \
  opt(#NAME, T::TYPE, DEFAULT, C::CONSTRAINT, DOC),
#define R1_SYM(NAME, DEFAULT, CHOICES, DOC) sym(#NAME, DEFAULT, CHOICES, DOC),
#define R1_WORDS(NAME, CHOICES, DOC)                                           \
  {#NAME, T::Words, true, false, false, nullptr, CHOICES, C::None, 0, DOC},
#define R1_BLOCKARG(NAME, DOC)                                                 \
  {#NAME, T::Block, false, false, false, nullptr, nullptr, C::None, 0, DOC},
#include "r1/Dialect/R1/Params.def"

const StageSignature stageSigs[] = {
#define R1_STAGE(ID, NAME, RESULT, DOC)                                        \
  {StageKind::ID, {NAME, stage##ID##Params, DOC}, Expr::Type::RESULT},
#include "r1/Dialect/R1/Params.def"
};

const Signature datasetSigs[] = {
#define R1_DATASET(ID, NAME, DOC) {NAME, dataset##ID##Params, DOC},
#include "r1/Dialect/R1/Params.def"
};

const Signature rewardSigs[] = {
#define R1_REWARD(ID, NAME, DOC) {NAME, reward##ID##Params, DOC},
#define R1_REWARD_ALIAS(ID, NAME, OF, DOC) {NAME, reward##OF##Params, DOC},
#include "r1/Dialect/R1/Params.def"
};

#define R1_SETTINGS(ID, NAME, DOC)                                             \
  const Signature settings##ID##Sig = {NAME, settings##ID##Params, DOC};
#include "r1/Dialect/R1/Params.def"

const Signature blockSigs[] = {
#define R1_BLOCK(ID, NAME, DOC) {NAME, block##ID##Params, DOC},
#include "r1/Dialect/R1/Params.def"
};

//===--- Tokenizers, model sources, bias ----------------------------------===//

const P noParams[] = {
    {"", T::Int, false, false, false, nullptr, nullptr, C::None, 0, ""},
};
const P charsParams[] = {
    {"alphabet", T::String, true, true, false, nullptr, nullptr, C::None, 0,
     "every character the text may use"},
};
const P hfParams[] = {
    {"path", T::String, true, true, false, nullptr, nullptr, C::None, 0,
     "tokenizer.json, relative to the pipeline file"},
};
const P hfModelParams[] = {
    {"path", T::String, true, true, false, nullptr, nullptr, C::None, 0,
     "model directory (config.json, tokenizer.json, *.safetensors), "
     "relative to the pipeline file"},
};
const P ggufModelParams[] = {
    {"path", T::String, true, true, false, nullptr, nullptr, C::None, 0,
     "GGUF file, relative to the pipeline file"},
};
const Signature modelSourceSigs[] = {
    {"hf", hfModelParams, "a Hugging Face model directory"},
    {"gguf", ggufModelParams, "a GGUF file (llama.cpp)"},
};

const Signature tokenizerSigs[] = {
    {"chars", charsParams, "one id per code point of the alphabet"},
    {"bytes", llvm::ArrayRef<P>(noParams, size_t(0)), "one id per byte"},
    {"hf", hfParams, "a Hugging Face tokenizer.json"},
};

const P biasParams[] = {
    {"rate", T::Float, true, true, false, nullptr, nullptr, C::Positive, 0,
     "bias update speed (gamma)"},
};
const Signature biasSig = {"bias", biasParams, "aux-loss-free balancing"};

//===--- Models -----------------------------------------------------------===//

// Sub-blocks (deepseek's mla, moe, yarn) are looked up by name; Sema knows
// which architecture takes which.
const Signature modelSigs[] = {
#define R1_MODEL(ID, NAME, DOC) {NAME, model##ID##Params, DOC},
#include "r1/Dialect/R1/Params.def"
};
} // namespace

const ParamSignature *Signature::find(llvm::StringRef n) const {
  for (const ParamSignature &p : params)
    if (n == p.name)
      return &p;
  return nullptr;
}

llvm::ArrayRef<StageSignature> r1::getStageSignatures() { return stageSigs; }
llvm::ArrayRef<Signature> r1::getDatasetSignatures() { return datasetSigs; }
llvm::ArrayRef<Signature> r1::getRewardSignatures() { return rewardSigs; }
llvm::ArrayRef<Signature> r1::getTokenizerSignatures() { return tokenizerSigs; }
llvm::ArrayRef<Signature> r1::getModelSourceSignatures() {
  return modelSourceSigs;
}
const Signature &r1::getSettingsSignature() { return settingsPipelineSig; }
const Signature &r1::getEvalSettingsSignature() { return settingsEvalSig; }
const Signature &r1::getBiasSignature() { return biasSig; }

const Signature *r1::lookupBlockArg(llvm::StringRef name) {
  return lookup(blockSigs, name);
}

const Signature *r1::lookupModelBlock(llvm::StringRef name) {
  return lookup(modelSigs, name);
}

const Signature *r1::lookup(llvm::ArrayRef<Signature> sigs,
                            llvm::StringRef name) {
  for (const Signature &s : sigs)
    if (name == s.name)
      return &s;
  return nullptr;
}

const StageSignature *r1::lookupStage(llvm::StringRef name) {
  for (const StageSignature &s : stageSigs)
    if (name == s.sig.name)
      return &s;
  return nullptr;
}

llvm::StringRef r1::spell(StageKind kind) {
  for (const StageSignature &s : stageSigs)
    if (s.kind == kind)
      return s.sig.name;
  return "?";
}
