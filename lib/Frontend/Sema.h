//===- Sema.h - Semantic analysis of a parsed .r1p pipeline -----*- C++ -*-===//
//
// Internal to the front end. Sema resolves names, checks kinds and values
// against Signatures.h, normalizes call arguments and fills model configs.
// Every diagnostic goes through mlir::emitError / emitWarning with a
// FileLineColLoc; related locations are attached as notes.
//
//===----------------------------------------------------------------------===//

#ifndef R1_FRONTEND_SEMA_H
#define R1_FRONTEND_SEMA_H

#include "DidYouMean.h"
#include "r1/Frontend/AST.h"
#include "r1/Frontend/FrontendOptions.h"
#include "r1/Frontend/Signatures.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"

#include <optional>

namespace r1 {

/// "a model", "a reject_sample stage, which produces a dataset", ...
std::string describeRef(const ast::Decl *decl);

/// True for a pretrained model (`hf(...)`, `gguf(...)`), whose weights may be
/// used wherever a checkpoint is expected.
bool isPretrained(const ast::Decl *decl);

/// Attaches "train it first: pretrain(NAME, DATA)" to an error about a
/// random-init model used as a checkpoint.
void noteTrainFirst(mlir::InFlightDiagnostic &diag, const ast::NameExpr &name);

/// Checks one pipeline in place.
class Sema {
public:
  Sema(mlir::MLIRContext *context, const FrontendOptions &options,
       std::string baseDir)
      : context(context), options(options), baseDir(std::move(baseDir)) {}

  /// Runs every check; failure when at least one error was emitted.
  mlir::LogicalResult run(ast::Pipeline &pipeline);

private:
  //===--- Diagnostics (Sema.cpp) -----------------------------------------===//
  mlir::InFlightDiagnostic error(mlir::Location loc, const llvm::Twine &msg);
  void warning(mlir::Location loc, const llvm::Twine &msg);

  //===--- Names (Sema.cpp) -----------------------------------------------===//
  /// Resolves a pipeline-level name used by the current declaration; null
  /// (after an error) when undefined or defined later.
  const ast::Decl *resolve(ast::NameExpr &name);
  /// The type a reference to `decl` has.
  static ast::Expr::Type typeOf(const ast::Decl *decl);
  /// What a dataset-valued expression can feed (CapNone on error).
  unsigned capsOf(const ast::Expr *expr) const;

  //===--- Arguments (Sema.cpp) -------------------------------------------===//
  /// Maps `args` onto `sig` (see CallExpr), checking each value.
  mlir::LogicalResult normalize(std::vector<ast::Arg> &args,
                                const Signature &sig, mlir::Location callLoc,
                                llvm::StringRef what);
  /// Checks (and folds) one argument value against its parameter.
  mlir::LogicalResult checkValue(ast::Arg &arg, const ParamSignature &param,
                                 llvm::StringRef what);
  mlir::LogicalResult checkRef(ast::Arg &arg, const ParamSignature &param,
                               llvm::StringRef what);
  /// A Words argument: `[a, b]`, non-empty, words of `param.choices`, no
  /// repeats.
  mlir::LogicalResult checkWords(ast::Expr &value, const ParamSignature &param,
                                 llvm::StringRef argDesc);
  mlir::LogicalResult checkRewardExpr(ast::Expr &expr);
  mlir::LogicalResult checkPredicate(ast::Expr &expr);
  /// An inline dataset call (`mix(...)`) or a dataset declaration's source.
  mlir::LogicalResult checkDatasetCall(ast::CallExpr &call, unsigned &caps,
                                       llvm::StringRef what);
  /// The default of `param`, built at `loc`.
  std::unique_ptr<ast::Expr> makeDefault(const ParamSignature &param,
                                         mlir::Location loc);

  //===--- Declarations (SemaDecls.cpp, SemaModels.cpp, SemaLoss.cpp) ----===//
  void checkSetting(ast::Pipeline &pipeline, ast::SettingDecl &decl);
  void checkTokenizer(ast::TokenizerDecl &decl);
  void checkModel(ast::ModelDecl &decl);
  void checkDeepseek(ast::ModelDecl &decl);
  void checkDense(ast::ModelDecl &decl);

  //===--- Pretrained models (SemaSources.cpp) ----------------------------===//
  /// `model p = hf("dir")` / `gguf("file")`: reads the config (never the
  /// weights), fills the dense config and the ModelSource.
  void checkModelSource(ast::ModelDecl &decl);
  /// The model a model-or-checkpoint expression starts from (following
  /// stages' first argument), or null.
  const ast::ModelDecl *rootModel(const ast::Expr *expr) const;
  /// What identifies a model's tokenizer: its tokenizer digest for a
  /// pretrained model, else the pipeline tokenizer's.
  std::string tokenizerIdentity(const ast::ModelDecl *model) const;
  /// distill: the teacher and the student must share a tokenizer.
  void checkDistillTokenizers(ast::StageDecl &decl);
  /// Every pretrained model must bring the same tokenizer (plan.json v1
  /// holds one per pipeline).
  void checkSharedTokenizer(ast::Pipeline &pipeline);
  /// `chat = true` datasets need a tokenizer with a chat template.
  void checkChatDatasets(ast::Pipeline &pipeline);
  void checkDataset(ast::DatasetDecl &decl);
  void checkReward(ast::RewardDecl &decl);
  void checkLoss(ast::LossDecl &decl);
  void checkStage(ast::StageDecl &decl);
  /// `lora { ... }` of sft/grpo (SemaLora.cpp): every target is a
  /// projection of the stage's model and the rank fits each one.
  void checkLora(ast::StageDecl &decl, const ast::BlockExpr &lora);
  void checkEval(ast::EvalDecl &decl);
  /// Warns when a file named by the pipeline does not exist.
  void checkFileExists(const ast::Arg *pathArg, llvm::StringRef what);
  /// A path argument made absolute against the pipeline's directory.
  std::string resolvePath(llvm::StringRef path) const;
  /// The content digest of the file named by `pathArg` when
  /// options.digestFiles and it exists, else "".
  std::string digestOf(const ast::Arg *pathArg) const;
  /// The vocabulary size models must use (0 = unknown / hf).
  int64_t tokenizerVocab() const;
  /// A model's vocabulary: its written vocab_size, checked against a known
  /// tokenizer vocabulary, else the tokenizer's (0 when neither is known).
  int64_t modelVocabSize(const ast::ModelDecl &decl);

  mlir::MLIRContext *context;
  const FrontendOptions &options;
  std::string baseDir;
  bool hadError = false;

  const ast::TokenizerDecl *tokenizer = nullptr;
  /// The first pretrained model in the source (pass 1), and the first one
  /// checked successfully, whose tokenizer the pipeline uses.
  const ast::ModelDecl *firstSourced = nullptr;
  const ast::ModelDecl *tokenizerModel = nullptr;
  llvm::StringMap<const ast::Decl *> declByName;
  llvm::DenseMap<const ast::Decl *, unsigned> declIndex;
  llvm::DenseSet<const ast::Decl *> used;
  /// The declaration being checked and its index.
  /// Missing-file warnings, emitted only when there is no error.
  std::vector<std::pair<mlir::Location, std::string>> missingFiles;
  const ast::Decl *current = nullptr;
  unsigned currentIndex = 0;
};

} // namespace r1

#endif // R1_FRONTEND_SEMA_H
