//===- R1Ops.td - Operations of the r1 dialect ------------*- tablegen -*-===//

#ifndef R1_OPS_TD
#define R1_OPS_TD

include "r1/Dialect/R1/R1Dialect.td"
include "r1/Dialect/R1/R1Types.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Pipeline
//===----------------------------------------------------------------------===//

def R1_PipelineOp : R1_Op<"pipeline", [
    IsolatedFromAbove, NoTerminator, SingleBlock, Symbol]> {
  let summary = "A whole training recipe: its declarations and stages";
  let description = [{
    Holds the tokenizer, models, datasets, rewards, losses and stages of one
    recipe, in definition order. Each named op carries its name in
    `sym_name`; names are unique within the pipeline (the verifier checks
    it), but they are not MLIR symbols because the ops also yield SSA values. `seed` seeds every stage; the other
    pipeline settings (`threads`, `device`, `run_dir`) sit in `settings`. Example:

    ```mlir
    r1.pipeline @r1_tiny seed = 17 {
      %tok = r1.tokenizer chars "0123456789+-*="
      ...
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       DefaultValuedAttr<I64Attr, "0">:$seed,
                       OptionalAttr<DictionaryAttr>:$settings);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $sym_name (`seed` `=` $seed^)? (`settings` $settings^)?
    attr-dict-with-keyword $body
  }];
  let skipDefaultBuilders = 1;
  let builders = [OpBuilder<(ins "llvm::StringRef":$name, "int64_t":$seed)>];
  let extraClassDeclaration = [{
    /// The single block holding the declarations and stages.
    mlir::Block &getBodyBlock() { return getBody().front(); }
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Declarations: tokenizer, models, datasets, rewards, losses
//===----------------------------------------------------------------------===//

def R1_TokenizerOp : R1_Op<"tokenizer", [HasParent<"PipelineOp">]> {
  let summary = "Declares a tokenizer";
  let description = [{
    `chars "<alphabet>"` (ids 0..2 are `<pad>`, `<bos>`, `<eos>`, then each
    distinct code point of the alphabet in first-occurrence order), `bytes`
    (259 ids) or `hf "<dir>/tokenizer.json"`. `vocab_size` is required for
    `hf` (the front end reads it from the file) and derived otherwise.
    `gguf "<file.gguf>"` is the tokenizer embedded in a GGUF model.
    `digest` ("sha256:<hex>") is the content digest of an `hf` tokenizer's
    file; it enters the artifact keys of everything that uses the tokenizer.
  }];
  let arguments = (ins StrAttr:$kind, OptionalAttr<StrAttr>:$spec,
                       OptionalAttr<I64Attr>:$vocab_size,
                       OptionalAttr<StrAttr>:$digest);
  let results = (outs R1_TokenizerType:$result);
  let assemblyFormat = [{
    custom<Keyword>($kind) ($spec^)? (`vocab` $vocab_size^)?
    (`digest` $digest^)? attr-dict
  }];
  let extraClassDeclaration = [{
    /// The number of token ids, or std::nullopt when it cannot be known.
    std::optional<int64_t> getVocabSizeValue();
  }];
  let hasVerifier = 1;
}

def R1_ModelOp : R1_Op<"model", [HasParent<"PipelineOp">,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>]> {
  let summary = "Declares a randomly initialized model";
  let description = [{
    The result type names the architecture (`deepseek` or `dense`); `config`
    holds its hyperparameters with the field names of the `.r1p` language
    (nested `mla`, `moe` and `yarn` dictionaries for deepseek). The verifier
    checks field names, types and the local consistency of shapes.
    `source` marks a pretrained model (`hf(...)`, `gguf(...)` in .r1p):
    `{format = "hf" | "gguf", path = ABSOLUTE, digest = "sha256:..."}`;
    `digest` covers the files that define the weights and enters the
    artifact keys.
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, R1_TokenizerType:$tokenizer,
                       DictionaryAttr:$config,
                       OptionalAttr<DictionaryAttr>:$source);
  let results = (outs R1_ModelType:$result);
  let assemblyFormat = [{
    $sym_name `(` $tokenizer `)` $config (`from` $source^)?
    attr-dict-with-keyword `:` qualified(type($result))
  }];
  let extraClassDeclaration = [{
    /// The architecture keyword, `deepseek` or `dense`.
    llvm::StringRef getArch() { return getResult().getType().getArch(); }
  }];
  let hasVerifier = 1;
}

def R1_PretrainedOp : R1_Op<"pretrained", [HasParent<"PipelineOp">, Pure]> {
  let summary = "A pretrained model's weights used as a checkpoint";
  let description = [{
    The weights a pretrained model (an `r1.model` with a `source`: `hf(...)`
    or `gguf(...)` in .r1p) brings, typed as a checkpoint of its
    architecture, so that the stages that take trained weights (sft, grpo,
    ppo, reject_sample, distill's teacher, eval, export) can start from it
    with no training stage in between. It is a conversion, not a stage: it
    has no artifact, the plan names the model (`{"model": NAME}`), and the
    model's source digest reaches the consumers' artifact keys through the
    operand. `r1-verify-recipe` refuses it on a model without a source
    (random initialization), which must be trained first.

    ```mlir
    %w = r1.pretrained %policy : !r1.model<dense> -> !r1.ckpt<dense>
    ```
  }];
  let arguments = (ins R1_ModelType:$model);
  let results = (outs R1_CkptType:$result);
  let assemblyFormat = [{
    $model attr-dict `:` qualified(type($model)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def R1_DatasetOp : R1_Op<"dataset", [HasParent<"PipelineOp">,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>]> {
  let summary = "Declares a dataset: a procedural task or a JSONL file";
  let description = [{
    `source` is `task.arith`, `task.countdown`, `task.kk` or `jsonl`; `config`
    holds its arguments. The result kind must be the one the source yields.
    `digest` ("sha256:<hex>") is the content digest of a `jsonl` file; it
    enters the artifact keys, so editing the file re-runs what reads it.
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, StrAttr:$source,
                       DictionaryAttr:$config, OptionalAttr<StrAttr>:$digest);
  let results = (outs R1_DatasetType:$result);
  let assemblyFormat = [{
    $sym_name custom<Keyword>($source) $config (`digest` $digest^)?
    attr-dict-with-keyword `:` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def R1_RewardOp : R1_Op<"reward", [HasParent<"PipelineOp">,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>]> {
  let summary = "Declares a rule-based reward verifier";
  let arguments = (ins SymbolNameAttr:$sym_name, StrAttr:$kind,
                       DictionaryAttr:$config);
  let results = (outs R1_RewardType:$result);
  let assemblyFormat = [{
    $sym_name custom<Keyword>($kind) $config attr-dict-with-keyword
  }];
  let hasVerifier = 1;
}

def R1_RewardExprOp : R1_Op<"reward.expr", [
    HasParent<"PipelineOp">, IsolatedFromAbove, Pure, SingleBlock,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmBlockArgumentNames"]>]> {
  let summary = "A reward computed from other rewards";
  let description = [{
    The body maps the scores of `inputs` (one f32 block argument each) to a
    combined f32 score, like `accuracy + 0.1 * format`, or to an i1 predicate,
    like `accuracy == 1 and format == 1` (a keep filter for rejection
    sampling). The body holds upstream `arith` and `math` ops.
  }];
  let arguments = (ins Variadic<R1_RewardType>:$inputs);
  let results = (outs R1_RewardType:$result);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "`(` $inputs `)` $body attr-dict";
  let extraClassDeclaration = [{
    /// True when the body yields an i1 predicate rather than an f32 score.
    bool isPredicate();
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def R1_LossOp : R1_Op<"loss", [
    HasParent<"PipelineOp">, IsolatedFromAbove, SingleBlock,
    DeclareOpInterfaceMethods<OpAsmOpInterface,
                              ["getAsmBlockArgumentNames", "getAsmResultNames"]>]> {
  let summary = "A per-token policy loss, its reduction and its backward";
  let description = [{
    The body takes one f32 block argument per entry of `params` (names the
    runtime supplies per token: `logp`, `old_logp`, `ref_logp`, `adv`,
    `seq_logratio`) and yields the per-token loss as f32, computed with
    upstream `arith` and `math` ops. `reduce` is `token_mean`, `seq_mean` or
    `seq_sum_norm` (with an optional `max_len`).

    The `grad` region is the backward that `r1-differentiate-loss` writes;
    it is empty (and not printed) before. It takes the body's arguments plus
    the upstream gradient of the per-token loss (`dloss`) and yields, for
    each entry of `grad_params`, the vector-Jacobian product with respect to
    that parameter:

    ```mlir
    %l = r1.loss @l reduce token_mean params ["logp", "adv"] {
    ^bb0(%logp: f32, %adv: f32):
      %0 = arith.mulf %logp, %adv : f32
      r1.yield %0 : f32
    } grad ["logp"] {
    ^bb0(%logp: f32, %adv: f32, %dloss: f32):
      %0 = arith.mulf %dloss, %adv : f32
      r1.yield %0 : f32
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, StrAttr:$reduce,
                       OptionalAttr<I64Attr>:$max_len, StrArrayAttr:$params,
                       OptionalAttr<StrArrayAttr>:$grad_params);
  let results = (outs R1_LossType:$result);
  let regions = (region SizedRegion<1>:$body, MaxSizedRegion<1>:$grad);
  let assemblyFormat = [{
    $sym_name `reduce` custom<Keyword>($reduce) (`(` $max_len^ `)`)?
    `params` $params $body (`grad` $grad_params^ $grad)?
    attr-dict-with-keyword
  }];
  let builders = [
    // A loss without its backward (what the front end builds).
    OpBuilder<(ins "mlir::Type":$result, "llvm::StringRef":$sym_name,
                   "llvm::StringRef":$reduce, "mlir::IntegerAttr":$max_len,
                   "mlir::ArrayAttr":$params), [{
      build($_builder, $_state, result, sym_name, reduce, max_len, params,
            /*grad_params=*/nullptr);
    }]>];
  let extraClassDeclaration = [{
    /// True for the parameters that carry a gradient: `logp` and
    /// `seq_logratio` (which the runtime derives from logp).
    static bool isDifferentiableParam(llvm::StringRef name);
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def R1_YieldOp : R1_Op<"yield", [
    HasParent<"LossOp, RewardExprOp">, Pure, ReturnLike, Terminator]> {
  let summary = "Yields the values of a loss, loss backward or reward body";
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
}

//===----------------------------------------------------------------------===//
// Stages
//===----------------------------------------------------------------------===//

/// A stage: a named step of the recipe with a configuration dictionary. The
/// verifier checks the configuration against the stage kind's schema.
class R1_StageOp<string mnemonic, list<Trait> traits = []>
    : R1_Op<mnemonic, !listconcat(traits, [HasParent<"PipelineOp">,
                                 DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>])> {
  let hasVerifier = 1;
}

def R1_PretrainOp : R1_StageOp<"pretrain"> {
  let summary = "Next-token pretraining on a corpus";
  let arguments = (ins SymbolNameAttr:$sym_name, R1_AnyModelOrCkpt:$init,
                       R1_DatasetType:$data, DictionaryAttr:$config);
  let results = (outs R1_CkptType:$result);
  let assemblyFormat = [{
    $sym_name `(` $init `,` $data `)` $config attr-dict-with-keyword `:`
    functional-type(operands, results)
  }];
}

def R1_SftOp : R1_StageOp<"sft"> {
  let summary = "Supervised fine-tuning on prompt/response pairs";
  let arguments = (ins SymbolNameAttr:$sym_name, R1_AnyModelOrCkpt:$init,
                       R1_DatasetType:$data, DictionaryAttr:$config);
  let results = (outs R1_CkptType:$result);
  let assemblyFormat = [{
    $sym_name `(` $init `,` $data `)` $config attr-dict-with-keyword `:`
    functional-type(operands, results)
  }];
}

def R1_GrpoOp : R1_StageOp<"grpo"> {
  let summary = "Group relative policy optimization";
  let description = [{
    Samples `group` responses per prompt from the policy, scores them with
    `reward`, and minimizes `loss` on group-normalized advantages.
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, R1_AnyModelOrCkpt:$init,
                       R1_DatasetType:$data, R1_RewardType:$reward,
                       R1_LossType:$loss, DictionaryAttr:$config);
  let results = (outs R1_CkptType:$result);
  let assemblyFormat = [{
    $sym_name `(` $init `,` $data `,` $reward `,` $loss `)` $config
    attr-dict-with-keyword `:` functional-type(operands, results)
  }];
}

def R1_PpoOp : R1_StageOp<"ppo"> {
  let summary = "PPO with a learned critic (a baseline for GRPO)";
  let arguments = (ins SymbolNameAttr:$sym_name, R1_AnyModelOrCkpt:$init,
                       R1_DatasetType:$data, R1_RewardType:$reward,
                       DictionaryAttr:$config);
  let results = (outs R1_CkptType:$result);
  let assemblyFormat = [{
    $sym_name `(` $init `,` $data `,` $reward `)` $config
    attr-dict-with-keyword `:` functional-type(operands, results)
  }];
}

def R1_RejectSampleOp : R1_StageOp<"reject_sample"> {
  let summary = "Samples answers and keeps those the predicate accepts";
  let arguments = (ins SymbolNameAttr:$sym_name, R1_AnyModelOrCkpt:$policy,
                       R1_DatasetType:$data, R1_RewardType:$keep,
                       DictionaryAttr:$config);
  let results = (outs R1_DatasetType:$result);
  let assemblyFormat = [{
    $sym_name `(` $policy `,` $data `,` $keep `)` $config
    attr-dict-with-keyword `:` functional-type(operands, results)
  }];
}

def R1_MixOp : R1_StageOp<"mix"> {
  let summary = "Mixes datasets in a fixed ratio";
  let arguments = (ins SymbolNameAttr:$sym_name,
                       Variadic<R1_DatasetType>:$inputs,
                       DictionaryAttr:$config);
  let results = (outs R1_DatasetType:$result);
  let assemblyFormat = [{
    $sym_name `(` $inputs `)` $config attr-dict-with-keyword `:`
    functional-type(operands, results)
  }];
}

def R1_DistillOp : R1_StageOp<"distill"> {
  let summary = "Trains a student on a teacher's samples (optional logit KD)";
  let arguments = (ins SymbolNameAttr:$sym_name, R1_AnyModelOrCkpt:$student,
                       R1_DatasetType:$data, Optional<R1_CkptType>:$teacher,
                       DictionaryAttr:$config);
  let results = (outs R1_CkptType:$result);
  let assemblyFormat = [{
    $sym_name `(` $student `,` $data (`teacher` $teacher^)? `)` $config
    attr-dict-with-keyword `:` functional-type(operands, results)
  }];
}

def R1_EvalOp : R1_StageOp<"eval"> {
  let summary = "Evaluates checkpoints on a held-out prompt set";
  let description = [{
    `config.metrics` lists the metrics as dictionaries `{metric = "pass" |
    "cons", at = N, k = K}`: pass@N averaged over K samples (K defaults to
    N, unbiased estimator) or majority vote over K samples.
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       Variadic<R1_AnyModelOrCkpt>:$models,
                       R1_DatasetType:$data, DictionaryAttr:$config);
  let assemblyFormat = [{
    $sym_name `(` $models `)` `on` $data $config attr-dict-with-keyword `:`
    functional-type(operands, results)
  }];
}

def R1_ExportOp : R1_StageOp<"export"> {
  let summary = "Exports a checkpoint (HF safetensors layout) to a path";
  let arguments = (ins SymbolNameAttr:$sym_name, R1_CkptType:$ckpt,
                       DictionaryAttr:$config);
  let assemblyFormat = [{
    $sym_name `(` $ckpt `)` $config attr-dict-with-keyword `:`
    functional-type(operands, results)
  }];
}

#endif // R1_OPS_TD
