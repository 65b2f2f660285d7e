//===- Signatures.h - Argument signatures of every .r1p call ----*- C++ -*-===//
//
// What each stage, dataset source, reward, tokenizer, setting and model
// field accepts: name, kind, required or default, value constraint. Stages,
// datasets, rewards and settings are expanded from R1/Params.def; Sema checks
// calls against these tables and fills in defaults from them; r1c-docgen
// prints them into docs/language.md.
//
//===----------------------------------------------------------------------===//

#ifndef R1_FRONTEND_SIGNATURES_H
#define R1_FRONTEND_SIGNATURES_H

#include "r1/Frontend/AST.h"
#include "r1/Dialect/R1/ParamKinds.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace r1 {

/// One parameter of a call or one field of a model block.
struct ParamSignature {
  const char *name;
  ParamType type;
  /// Must be written.
  bool required;
  /// May be passed positionally (positional parameters come first).
  bool positional;
  /// Takes all remaining positional arguments (mix's inputs).
  bool variadic;
  /// Default in .r1p syntax (a number, a word, a string, a range `lo..hi`,
  /// `bias(RATE)`, a loss name), or null: absent unless written.
  const char *defaultValue;
  /// Symbol and Words choices separated by '|'.
  const char *choices;
  Constraint constraint;
  /// Dataset parameters: the DataCaps bits the dataset must have.
  unsigned needCaps;
  /// One-line description for docs and notes.
  const char *doc;
};

/// A callable (stage kind, dataset source, reward, tokenizer) or a block.
struct Signature {
  const char *name;
  llvm::ArrayRef<ParamSignature> params;
  const char *doc;

  /// The parameter called `name`, or null.
  const ParamSignature *find(llvm::StringRef name) const;
};

/// A stage kind: its signature and what it produces.
struct StageSignature {
  ast::StageKind kind;
  Signature sig;
  /// Checkpoint, or Dataset (reject_sample).
  ast::Expr::Type result;
};

/// Every stage kind (pretrain, sft, grpo, reject_sample, distill, ppo).
llvm::ArrayRef<StageSignature> getStageSignatures();
/// Dataset sources: task.arith, task.countdown, task.kk, jsonl, mix.
llvm::ArrayRef<Signature> getDatasetSignatures();
/// Reward functions.
llvm::ArrayRef<Signature> getRewardSignatures();
/// Tokenizers: chars, bytes, hf.
llvm::ArrayRef<Signature> getTokenizerSignatures();
/// Pretrained model sources: hf, gguf (`model p = hf("dir")`).
llvm::ArrayRef<Signature> getModelSourceSignatures();
/// Pipeline settings (`seed = 17`), as one signature named "settings".
const Signature &getSettingsSignature();
/// Eval block settings (temperature, top_p, max_new).
const Signature &getEvalSettingsSignature();
/// Model blocks: "deepseek", "dense", and sub-blocks "mla", "moe", "yarn".
const Signature *lookupModelBlock(llvm::StringRef name);
/// The fields of a block argument (`lora { ... }` of sft and grpo), by the
/// parameter's name; null when absent.
const Signature *lookupBlockArg(llvm::StringRef name);
/// `bias(rate)` for moe balance.
const Signature &getBiasSignature();

/// Looks `name` up in `sigs`; null when absent.
const Signature *lookup(llvm::ArrayRef<Signature> sigs, llvm::StringRef name);
/// Looks a stage kind up by name; null when absent.
const StageSignature *lookupStage(llvm::StringRef name);

/// The spelling of a stage kind ("reject_sample").
llvm::StringRef spell(ast::StageKind kind);

} // namespace r1

#endif // R1_FRONTEND_SIGNATURES_H
