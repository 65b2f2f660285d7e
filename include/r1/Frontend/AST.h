//===- AST.h - Abstract syntax tree of .r1p pipelines -----------*- C++ -*-===//
//
// The AST produced by the parser and annotated by Sema. After a successful
// `r1::parsePipeline` every name reference points at its declaration, every
// checked call has its arguments normalized (all named, in signature order,
// defaults filled in), and every model carries its fully resolved config.
// MLIRGen reads these facts and never redoes semantic analysis.
//
// Kinds are enums with `classof`, so `llvm::isa/dyn_cast` work without RTTI.
//
//===----------------------------------------------------------------------===//

#ifndef R1_FRONTEND_AST_H
#define R1_FRONTEND_AST_H

#include "mlir/IR/Location.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Casting.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace r1 {
struct StageSignature;

namespace ast {

class Decl;
class LetStmt;

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

/// Base class of every expression node.
class Expr {
public:
  /// The concrete kind of an expression, for `classof`.
  enum class Kind {
    Int,
    Float,
    Bool,
    String,
    Name,
    Range,
    Ratio,
    Unary,
    Binary,
    Call,
    List,
    Block
  };

  /// The type Sema computes for an expression in a stage/dataset argument or
  /// a loss body. `Unknown` before Sema.
  enum class Type {
    Unknown,
    Number,     ///< an int or float scalar (in a loss: a per-token f32)
    Bool,       ///< a comparison / and / or / not (1.0 or 0.0 in a loss)
    String,     ///< a string literal
    Symbol,     ///< an enum word such as `plain`, `sigmoid`, `test`
    Range,      ///< `1..3`
    Ratio,      ///< `3:1`
    Model,      ///< a `model` declaration (fresh weights)
    Checkpoint, ///< a training stage's output
    Dataset,    ///< a `dataset`, a `mix(...)` or a `reject_sample` output
    Reward,     ///< a reward, or a weighted sum of rewards
    Predicate,  ///< a boolean combination of reward comparisons
    Loss,       ///< a `loss` declaration
  };

  Expr(Kind kind, mlir::Location loc) : kind(kind), loc(loc) {}
  virtual ~Expr() = default;

  /// The node kind.
  Kind getKind() const { return kind; }
  /// The location of the expression's first token (operator for binaries).
  mlir::Location getLoc() const { return loc; }
  /// The type assigned by Sema.
  Type getType() const { return type; }
  /// Sets the type (Sema only).
  void setType(Type t) { type = t; }

private:
  Kind kind;
  mlir::Location loc;
  Type type = Type::Unknown;
};

/// An integer literal, e.g. `128`.
class IntExpr : public Expr {
public:
  IntExpr(mlir::Location loc, int64_t value)
      : Expr(Kind::Int, loc), value(value) {}
  int64_t getValue() const { return value; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Int; }

private:
  int64_t value;
};

/// A floating-point literal, e.g. `3e-3` or `0.95`.
class FloatExpr : public Expr {
public:
  FloatExpr(mlir::Location loc, double value)
      : Expr(Kind::Float, loc), value(value) {}
  double getValue() const { return value; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Float; }

private:
  double value;
};

/// `true` or `false`.
class BoolExpr : public Expr {
public:
  BoolExpr(mlir::Location loc, bool value)
      : Expr(Kind::Bool, loc), value(value) {}
  bool getValue() const { return value; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Bool; }

private:
  bool value;
};

/// A string literal; the value has its escapes already decoded.
class StringExpr : public Expr {
public:
  StringExpr(mlir::Location loc, std::string value)
      : Expr(Kind::String, loc), value(std::move(value)) {}
  llvm::StringRef getValue() const { return value; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::String; }

private:
  std::string value;
};

/// A bare identifier. Sema resolves it to exactly one target.
class NameExpr : public Expr {
public:
  /// What the name was resolved to.
  enum class Target {
    Unresolved, ///< before Sema
    Decl,       ///< a pipeline declaration: getDecl()
    LossParam,  ///< a loss parameter: getParamIndex()
    Let,        ///< a `let` binding in a loss body: getLet()
    Symbol,     ///< an enum word checked against a signature (`plain`)
  };

  NameExpr(mlir::Location loc, std::string name)
      : Expr(Kind::Name, loc), name(std::move(name)) {}
  llvm::StringRef getName() const { return name; }
  Target getTarget() const { return target; }
  /// The declaration this name refers to (Target::Decl), else null.
  const Decl *getDecl() const { return decl; }
  /// The loss parameter index (Target::LossParam), else -1.
  int getParamIndex() const { return paramIndex; }
  /// The let binding (Target::Let), else null.
  const LetStmt *getLet() const { return let; }

  void resolveToDecl(const Decl *d) { target = Target::Decl, decl = d; }
  void resolveToParam(int i) { target = Target::LossParam, paramIndex = i; }
  void resolveToLet(const LetStmt *l) { target = Target::Let, let = l; }
  void resolveToSymbol() { target = Target::Symbol; }

  static bool classof(const Expr *e) { return e->getKind() == Kind::Name; }

private:
  std::string name;
  Target target = Target::Unresolved;
  const Decl *decl = nullptr;
  int paramIndex = -1;
  const LetStmt *let = nullptr;
};

/// An inclusive integer range, `lo..hi`.
class RangeExpr : public Expr {
public:
  RangeExpr(mlir::Location loc, int64_t lo, int64_t hi)
      : Expr(Kind::Range, loc), lo(lo), hi(hi) {}
  int64_t getLo() const { return lo; }
  int64_t getHi() const { return hi; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Range; }

private:
  int64_t lo, hi;
};

/// A ratio of two or more integers, `3:1` or `2:1:1`.
class RatioExpr : public Expr {
public:
  RatioExpr(mlir::Location loc, std::vector<int64_t> parts)
      : Expr(Kind::Ratio, loc), parts(std::move(parts)) {}
  llvm::ArrayRef<int64_t> getParts() const { return parts; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Ratio; }

private:
  std::vector<int64_t> parts;
};

/// A prefix operator: `-x` or `not x`.
class UnaryExpr : public Expr {
public:
  enum class Op { Neg, Not };
  UnaryExpr(mlir::Location loc, Op op, std::unique_ptr<Expr> operand)
      : Expr(Kind::Unary, loc), op(op), operand(std::move(operand)) {}
  Op getOp() const { return op; }
  const Expr *getOperand() const { return operand.get(); }
  Expr *getOperand() { return operand.get(); }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Unary; }

private:
  Op op;
  std::unique_ptr<Expr> operand;
};

/// A binary operator. The location is the operator token.
class BinaryExpr : public Expr {
public:
  enum class Op { Add, Sub, Mul, Div, Lt, Le, Gt, Ge, Eq, Ne, And, Or };
  BinaryExpr(mlir::Location loc, Op op, std::unique_ptr<Expr> lhs,
             std::unique_ptr<Expr> rhs)
      : Expr(Kind::Binary, loc), op(op), lhs(std::move(lhs)),
        rhs(std::move(rhs)) {}
  Op getOp() const { return op; }
  const Expr *getLhs() const { return lhs.get(); }
  const Expr *getRhs() const { return rhs.get(); }
  Expr *getLhs() { return lhs.get(); }
  Expr *getRhs() { return rhs.get(); }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Binary; }

private:
  Op op;
  std::unique_ptr<Expr> lhs, rhs;
};

/// The spelling of a binary operator (`+`, `==`, `and`, ...).
llvm::StringRef spell(BinaryExpr::Op op);
/// The spelling of a unary operator (`-`, `not`).
llvm::StringRef spell(UnaryExpr::Op op);

/// One argument of a call. Positional arguments have an empty name until
/// Sema normalizes the call, after which every argument is named.
struct Arg {
  std::string name;
  std::unique_ptr<Expr> value;
  /// The location of the argument (its name if named, else its value).
  mlir::Location loc;
  /// True when Sema filled in the signature's default value.
  bool isDefault = false;
};

/// A call: `task.arith(count = 10)`, `exp(x)`, `mix(a, b, ratio = 3:1)`,
/// `bias(2e-3)`. The callee may be dotted (`task.arith`).
///
/// After Sema, calls that have a signature (tokenizers, datasets, rewards,
/// stages, `mix`, `bias`) list their arguments in signature order, all named,
/// with absent optional arguments that have a default filled in (isDefault);
/// variadic parameters (mix's `inputs`) repeat the same name. Optional
/// arguments without a default stay absent. Integer and number parameters
/// hold an IntExpr / FloatExpr literal (constant expressions are folded),
/// enum words are NameExprs resolved to Target::Symbol, and references are
/// NameExprs resolved to their Decl (a dataset argument may also be an
/// inline `mix(...)` CallExpr). Loss-body calls (`exp`, `min`, ...) keep
/// their positional arguments.
class CallExpr : public Expr {
public:
  CallExpr(mlir::Location loc, std::string callee, std::vector<Arg> args)
      : Expr(Kind::Call, loc), callee(std::move(callee)),
        args(std::move(args)) {}
  llvm::StringRef getCallee() const { return callee; }
  llvm::ArrayRef<Arg> getArgs() const { return args; }
  std::vector<Arg> &getArgsMutable() { return args; }
  /// The first argument called `name`, or null.
  const Arg *findArg(llvm::StringRef name) const;
  /// The value of the first argument called `name`, or null.
  const Expr *getArgValue(llvm::StringRef name) const;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Call; }

private:
  std::string callee;
  std::vector<Arg> args;
};

/// A list of expressions, `[q, k, v]` (a Words argument: bare words).
class ListExpr : public Expr {
public:
  ListExpr(mlir::Location loc, std::vector<std::unique_ptr<Expr>> elements)
      : Expr(Kind::List, loc), elements(std::move(elements)) {}
  llvm::ArrayRef<std::unique_ptr<Expr>> getElements() const { return elements; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::List; }

private:
  std::vector<std::unique_ptr<Expr>> elements;
};

/// A block argument of a call, `lora { rank = 16  alpha = 32 }`: the value
/// of the argument named after the block. After Sema its fields follow the
/// block's signature order (like a call's arguments).
class BlockExpr : public Expr {
public:
  BlockExpr(mlir::Location loc, std::string name, std::vector<Arg> fields)
      : Expr(Kind::Block, loc), name(std::move(name)),
        fields(std::move(fields)) {}
  llvm::StringRef getName() const { return name; }
  llvm::ArrayRef<Arg> getFields() const { return fields; }
  std::vector<Arg> &getFieldsMutable() { return fields; }
  /// The value of the field called `name`, or null.
  const Expr *getFieldValue(llvm::StringRef name) const;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Block; }

private:
  std::string name;
  std::vector<Arg> fields;
};

//===----------------------------------------------------------------------===//
// Resolved model configurations (field names follow the plan.json contract)
//===----------------------------------------------------------------------===//
// Sema fills every field, from the written value or the default declared in
// r1/Dialect/R1/Params.def; the initial values here are only placeholders.

/// Multi-head latent attention (`mla { ... }`).
struct MlaConfig {
  int64_t qRank = 0, kvRank = 0, nopeDim = 0, ropeDim = 0, vDim = 0;
};

/// DeepSeekMoE (`moe { ... }`). `balance` is "bias" or "none".
struct MoeConfig {
  int64_t experts = 0, shared = 0, topK = 0, expertDim = 0;
  std::string score;
  int64_t groups = 0, topkGroups = 0;
  double routeScale = 0.0;
  std::string balance;
  double biasRate = 0.0, auxWeight = 0.0;
};

/// YaRN context extension (`yarn { ... }`).
struct YarnConfig {
  double factor = 0.0;
  int64_t originalMaxSeq = 0;
  double betaFast = 0.0, betaSlow = 0.0, mscale = 0.0;
};

/// A DeepSeek-V3-style model: MLA attention + DeepSeekMoE FFN.
struct DeepseekConfig {
  int64_t vocabSize = 0, dim = 0, layers = 0, heads = 0, denseLayers = 0;
  int64_t maxSeq = 0, ffn = 0;
  double normEps = 0.0, ropeTheta = 0.0;
  bool tieEmbeddings = false;
  MlaConfig mla;
  MoeConfig moe;
  std::optional<YarnConfig> yarn;
};

/// A Qwen2/Llama-style dense model.
struct DenseConfig {
  int64_t vocabSize = 0, dim = 0, layers = 0, heads = 0, kvHeads = 0;
  int64_t headDim = 0, ffn = 0, maxSeq = 0;
  double normEps = 0.0, ropeTheta = 0.0;
  bool qkvBias = false, tieEmbeddings = false;
};

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

/// Base class of everything declared in a pipeline body.
class Decl {
public:
  enum class Kind {
    Setting,
    Tokenizer,
    Model,
    Dataset,
    Reward,
    Loss,
    Stage,
    Eval
  };
  Decl(Kind kind, mlir::Location loc, std::string name)
      : kind(kind), loc(loc), name(std::move(name)) {}
  virtual ~Decl() = default;
  Kind getKind() const { return kind; }
  /// The location of the declared name (or of the keyword when unnamed).
  mlir::Location getLoc() const { return loc; }
  /// The declared name; settings use the setting name, eval is "".
  llvm::StringRef getName() const { return name; }

private:
  Kind kind;
  mlir::Location loc;
  std::string name;
};

/// The word used for a declaration kind in messages ("model", "stage", ...).
llvm::StringRef describe(Decl::Kind kind);

/// `seed = 17`: a pipeline-wide setting.
class SettingDecl : public Decl {
public:
  SettingDecl(mlir::Location loc, std::string name, std::unique_ptr<Expr> v)
      : Decl(Kind::Setting, loc, std::move(name)), value(std::move(v)) {}
  const Expr *getValue() const { return value.get(); }
  Expr *getValue() { return value.get(); }
  /// Moves the value out (Sema checks and folds it, then puts it back).
  std::unique_ptr<Expr> takeValue() { return std::move(value); }
  void setValue(std::unique_ptr<Expr> v) { value = std::move(v); }
  static bool classof(const Decl *d) { return d->getKind() == Kind::Setting; }

private:
  std::unique_ptr<Expr> value;
};

/// `tokenizer = chars("...")`, `bytes()` or `hf("dir/tokenizer.json")`.
class TokenizerDecl : public Decl {
public:
  enum class TokKind { Chars, Bytes, Hf };
  TokenizerDecl(mlir::Location loc, std::unique_ptr<CallExpr> spec)
      : Decl(Kind::Tokenizer, loc, "tokenizer"), spec(std::move(spec)) {}
  const CallExpr *getSpec() const { return spec.get(); }
  CallExpr *getSpec() { return spec.get(); }
  static bool classof(const Decl *d) { return d->getKind() == Kind::Tokenizer; }

  // Filled in by Sema.
  TokKind tokKind = TokKind::Chars;
  /// chars: the alphabet as written; hf: the path as written.
  std::string text;
  /// chars: 3 + #distinct code points; bytes: 259; hf: 0 (unknown).
  int64_t vocabSize = 0;
  /// hf: "sha256:..." of tokenizer.json when FrontendOptions::digestFiles
  /// and the file exists, else empty.
  std::string digest;

private:
  std::unique_ptr<CallExpr> spec;
};

/// `name = value` inside a model block or sub-block. After Sema the fields
/// follow the block's signature order with defaults filled in (isDefault),
/// exactly like call arguments.
using Field = Arg;

/// A nested block inside a model: `mla { ... }`, `moe { ... }`, `yarn {...}`.
struct SubBlock {
  std::string name;
  std::vector<Field> fields;
  mlir::Location loc;
};

/// Where a pretrained model comes from (`hf("dir")`, `gguf("file")`),
/// filled in by Sema.
struct ModelSource {
  /// "hf" or "gguf".
  std::string format;
  /// The directory or file, absolute.
  std::string path;
  /// "sha256:..." over the files that define the model (weights, config,
  /// tokenizer) when FrontendOptions::digestFiles, else empty.
  std::string digest;
  /// "sha256:..." of the model's tokenizer.json as canonical JSON.
  std::string tokenizerDigest;
  /// hf: the tokenizer.json path (absolute); gguf: the GGUF file.
  std::string tokenizerPath;
  /// Whether the model comes with a chat template.
  bool hasChatTemplate = false;
};

/// `model base = deepseek { ... }`, `model s = dense { ... }`, or a
/// pretrained model `model p = hf("dir")` / `gguf("file.gguf")`.
class ModelDecl : public Decl {
public:
  enum class Arch { Deepseek, Dense };
  ModelDecl(mlir::Location loc, std::string name, std::string archName,
            mlir::Location archLoc, std::vector<Field> fields,
            std::vector<SubBlock> blocks)
      : Decl(Kind::Model, loc, std::move(name)), archName(std::move(archName)),
        archLoc(archLoc), fields(std::move(fields)), blocks(std::move(blocks)) {
  }
  /// A pretrained model: `hf(...)` / `gguf(...)`; null for a block model.
  ModelDecl(mlir::Location loc, std::string name,
            std::unique_ptr<CallExpr> sourceCall)
      : Decl(Kind::Model, loc, std::move(name)),
        archName(sourceCall->getCallee()), archLoc(sourceCall->getLoc()),
        sourceCall(std::move(sourceCall)) {}
  llvm::StringRef getArchName() const { return archName; }
  mlir::Location getArchLoc() const { return archLoc; }
  /// The `hf(...)`/`gguf(...)` call of a pretrained model, else null.
  const CallExpr *getSourceCall() const { return sourceCall.get(); }
  CallExpr *getSourceCall() { return sourceCall.get(); }
  llvm::ArrayRef<Field> getFields() const { return fields; }
  llvm::ArrayRef<SubBlock> getBlocks() const { return blocks; }
  std::vector<Field> &getFieldsMutable() { return fields; }
  std::vector<SubBlock> &getBlocksMutable() { return blocks; }
  static bool classof(const Decl *d) { return d->getKind() == Kind::Model; }

  // Filled in by Sema: every field resolved, defaults applied.
  Arch arch = Arch::Deepseek;
  DeepseekConfig deepseek; ///< valid when arch == Deepseek
  DenseConfig dense;       ///< valid when arch == Dense
  /// Pretrained models: where the weights come from.
  std::optional<ModelSource> source;

private:
  std::string archName;
  mlir::Location archLoc;
  std::vector<Field> fields;
  std::vector<SubBlock> blocks;
  std::unique_ptr<CallExpr> sourceCall;
};

/// What a dataset can feed; Sema computes it (a bit set).
enum DataCaps : unsigned {
  CapNone = 0,
  CapText = 1,       ///< plain text for pretraining
  CapPairs = 2,      ///< prompt + response pairs for SFT / distillation
  CapVerifiable = 4, ///< prompts with a checkable answer for RL / eval
};

/// `dataset d = task.arith(...)`, `jsonl("f", ...)` or `mix(a, b, ...)`.
class DatasetDecl : public Decl {
public:
  DatasetDecl(mlir::Location loc, std::string name,
              std::unique_ptr<CallExpr> source)
      : Decl(Kind::Dataset, loc, std::move(name)), source(std::move(source)) {}
  const CallExpr *getSource() const { return source.get(); }
  CallExpr *getSource() { return source.get(); }
  static bool classof(const Decl *d) { return d->getKind() == Kind::Dataset; }

  /// Filled in by Sema: a DataCaps bit set.
  unsigned caps = CapNone;
  /// jsonl: "sha256:..." of the file when FrontendOptions::digestFiles and
  /// the file exists, else empty. It enters the artifact keys.
  std::string digest;

private:
  std::unique_ptr<CallExpr> source;
};

/// `reward accuracy = answer_match(tag = "answer")`.
class RewardDecl : public Decl {
public:
  RewardDecl(mlir::Location loc, std::string name,
             std::unique_ptr<CallExpr> spec)
      : Decl(Kind::Reward, loc, std::move(name)), spec(std::move(spec)) {}
  const CallExpr *getSpec() const { return spec.get(); }
  CallExpr *getSpec() { return spec.get(); }
  static bool classof(const Decl *d) { return d->getKind() == Kind::Reward; }

private:
  std::unique_ptr<CallExpr> spec;
};

/// `let name = expr` inside a loss body.
class LetStmt {
public:
  LetStmt(mlir::Location loc, std::string name, std::unique_ptr<Expr> value)
      : loc(loc), name(std::move(name)), value(std::move(value)) {}
  mlir::Location getLoc() const { return loc; }
  llvm::StringRef getName() const { return name; }
  const Expr *getValue() const { return value.get(); }
  Expr *getValue() { return value.get(); }

private:
  mlir::Location loc;
  std::string name;
  std::unique_ptr<Expr> value;
};

/// A loss parameter name and where it was written.
struct LossParam {
  std::string name;
  mlir::Location loc;
};

/// `loss name(params) reduce KIND { let ...; return expr }`.
class LossDecl : public Decl {
public:
  enum class Reduce { TokenMean, SeqMean, SeqSumNorm };
  LossDecl(mlir::Location loc, std::string name, std::vector<LossParam> params,
           Reduce reduce, std::optional<int64_t> maxLen,
           std::vector<std::unique_ptr<LetStmt>> lets,
           std::unique_ptr<Expr> result, bool builtin)
      : Decl(Kind::Loss, loc, std::move(name)), params(std::move(params)),
        reduce(reduce), maxLen(maxLen), lets(std::move(lets)),
        result(std::move(result)), builtin(builtin) {}
  llvm::ArrayRef<LossParam> getParams() const { return params; }
  Reduce getReduce() const { return reduce; }
  /// `reduce seq_sum_norm(L)`: L; absent otherwise or when not given.
  std::optional<int64_t> getMaxLen() const { return maxLen; }
  llvm::ArrayRef<std::unique_ptr<LetStmt>> getLets() const { return lets; }
  const Expr *getResult() const { return result.get(); }
  Expr *getResult() { return result.get(); }
  /// True for the prelude's built-in losses (grpo, dr_grpo, dapo, gspo).
  bool isBuiltin() const { return builtin; }
  /// Marks a loss as coming from the prelude.
  void setBuiltin(bool b) { builtin = b; }
  static bool classof(const Decl *d) { return d->getKind() == Kind::Loss; }

private:
  std::vector<LossParam> params;
  Reduce reduce;
  std::optional<int64_t> maxLen;
  std::vector<std::unique_ptr<LetStmt>> lets;
  std::unique_ptr<Expr> result;
  bool builtin;
};

/// The spelling of a reduction (`token_mean`, `seq_mean`, `seq_sum_norm`).
llvm::StringRef spell(LossDecl::Reduce reduce);

/// The kinds of stage (`stage x = KIND(...)`).
enum class StageKind {
  Pretrain,
  Sft,
  Grpo,
  RejectSample,
  Distill,
  Ppo,
  Export
};

/// `stage name = kind(positional..., named = expr, ...)`.
class StageDecl : public Decl {
public:
  StageDecl(mlir::Location loc, std::string name, std::unique_ptr<CallExpr> c)
      : Decl(Kind::Stage, loc, std::move(name)), call(std::move(c)) {}
  /// The stage call; after Sema its args follow the stage's signature.
  const CallExpr *getCall() const { return call.get(); }
  CallExpr *getCall() { return call.get(); }
  static bool classof(const Decl *d) { return d->getKind() == Kind::Stage; }

  // Filled in by Sema.
  StageKind stageKind = StageKind::Pretrain;
  const StageSignature *signature = nullptr;
  /// The result type: Checkpoint, Dataset for reject_sample, Unknown for
  /// export (which produces nothing).
  Expr::Type resultType = Expr::Type::Unknown;

private:
  std::unique_ptr<CallExpr> call;
};

/// One metric of an eval block: `pass@1(k = 4)` or `cons@8`.
struct EvalMetric {
  enum class Kind { Pass, Cons };
  Kind kind;
  /// The number after `@`.
  int64_t at;
  /// Samples drawn per prompt (Sema). `pass@N(k = K)`: K (default N), and
  /// pass@N is the unbiased estimator over K samples; `cons@N`: N.
  int64_t samples = 0;
  mlir::Location loc;
  /// The arguments as written (`k = 4`).
  std::vector<Arg> args;
};

/// `eval [s1, s2] on dataset { metrics and settings }`.
class EvalDecl : public Decl {
public:
  EvalDecl(mlir::Location loc, std::vector<std::unique_ptr<NameExpr>> stages,
           std::unique_ptr<NameExpr> dataset, std::vector<EvalMetric> metrics,
           std::vector<Arg> settings)
      : Decl(Kind::Eval, loc, ""), stages(std::move(stages)),
        dataset(std::move(dataset)), metrics(std::move(metrics)),
        settings(std::move(settings)) {}
  /// The evaluated stages (each resolves to a checkpoint-producing stage).
  llvm::ArrayRef<std::unique_ptr<NameExpr>> getStages() const { return stages; }
  const NameExpr *getDataset() const { return dataset.get(); }
  NameExpr *getDataset() { return dataset.get(); }
  llvm::ArrayRef<EvalMetric> getMetrics() const { return metrics; }
  std::vector<EvalMetric> &getMetricsMutable() { return metrics; }
  /// `temperature = 0.6` style settings written in the block.
  llvm::ArrayRef<Arg> getSettings() const { return settings; }
  std::vector<Arg> &getSettingsMutable() { return settings; }
  static bool classof(const Decl *d) { return d->getKind() == Kind::Eval; }

  // Filled in by Sema from the settings (defaults follow DeepSeek-R1).
  double temperature = 0.6;
  double topP = 0.95;
  int64_t maxNew = 256;
  std::string untagged = "zero";

private:
  std::vector<std::unique_ptr<NameExpr>> stages;
  std::unique_ptr<NameExpr> dataset;
  std::vector<EvalMetric> metrics;
  std::vector<Arg> settings;
};

//===----------------------------------------------------------------------===//
// The pipeline
//===----------------------------------------------------------------------===//

/// A whole `.r1p` file: `pipeline NAME { decls }`.
class Pipeline {
public:
  Pipeline(mlir::Location loc, std::string name) : loc(loc), name(name) {}
  mlir::Location getLoc() const { return loc; }
  llvm::StringRef getName() const { return name; }

  /// Every declaration in definition order. Built-in losses that the user
  /// did not shadow come first (isBuiltin()), then the user's declarations
  /// in source order. Names are unique among named decls.
  llvm::ArrayRef<std::unique_ptr<Decl>> getDecls() const { return decls; }
  std::vector<std::unique_ptr<Decl>> &getDeclsMutable() { return decls; }

  /// The declaration called `name` (not settings), or null.
  const Decl *lookup(llvm::StringRef name) const;
  /// The tokenizer (Sema guarantees exactly one).
  const TokenizerDecl *getTokenizer() const;
  /// The value of setting `name`, or null when not written.
  const Expr *getSetting(llvm::StringRef name) const;

  /// Filled in by Sema: `seed` (default 0).
  int64_t seed = 0;

private:
  mlir::Location loc;
  std::string name;
  std::vector<std::unique_ptr<Decl>> decls;
};

/// Prints the stable, indented dump used by `r1c --emit=ast`.
void dump(const Pipeline &pipeline, llvm::raw_ostream &os);

} // namespace ast
} // namespace r1

#endif // R1_FRONTEND_AST_H
