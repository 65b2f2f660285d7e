//===- Passes.td - Passes of the r1 dialect ---------------*- tablegen -*-===//

#ifndef R1_PASSES_TD
#define R1_PASSES_TD

include "mlir/Pass/PassBase.td"

def VerifyRecipePass : Pass<"r1-verify-recipe", "::r1::PipelineOp"> {
  let summary = "Checks the contracts that cross ops in a recipe";
  let description = [{
    Errors: a GRPO/PPO stage or rejection sampler whose prompts are not
    verifiable (`!r1.dataset<prompt>`) or whose reward reads no verifier; a
    `chars` tokenizer that misses characters a task generates; a distilled
    student whose tokenizer differs from its teacher's; an eval of an
    untrained model; SFT or distillation on plain text. Warning: an RL stage
    that rewards the `<think>/<answer>` format starting from a checkpoint
    that never trained on it.
  }];
}

def InferCostsPass : Pass<"r1-infer-costs", "::r1::PipelineOp"> {
  let summary = "Annotates models and stages with sizes and cost estimates";
  let description = [{
    Models get `r1.params`, `r1.active_params`, `r1.flops_per_token`,
    `r1.kv_bytes_per_token_layer` and `r1.mha_kv_bytes_per_token_layer`.
    Stages get `r1.tokens` and `r1.flops` (integers; training counts 3
    forward passes per token, sampling and scoring 1).
  }];
  let options = [
    Option<"kvBytes", "kv-bytes", "int64_t", /*default=*/"2",
           "Bytes per cached element (2 for bf16)">,
  ];
}

def DeadStageElimPass : Pass<"r1-dead-stage-elim", "::r1::PipelineOp"> {
  let summary = "Removes stages whose results reach no eval and no export";
  let description = [{
    A stage is live when an `r1.eval` or `r1.export` uses its result,
    directly or through other stages. Dead stages are erased with a remark
    naming them. A pipeline without any eval or export is left unchanged.
  }];
}

def AssignArtifactKeysPass : Pass<"r1-assign-artifact-keys", "::r1::PipelineOp"> {
  let summary = "Gives every stage a Merkle content hash (`r1.key`)";
  let description = [{
    The key of a stage hashes its op name, its config with defaults resolved,
    the pipeline seed and the keys of its inputs (declarations hash the same
    way). Names, locations and cost annotations are not hashed, so renaming
    a stage or reformatting the source changes no key, and editing a stage
    changes only its key and those of the stages downstream of it.
  }];
}

def DifferentiateLossPass : Pass<"r1-differentiate-loss", "::r1::PipelineOp"> {
  let summary = "Writes the reverse-mode backward of every loss body";
  let description = [{
    For each `r1.loss`, fills the `grad` region with the vector-Jacobian
    product of the per-token loss: the region takes the body's arguments
    plus the upstream gradient `dloss` and yields d(loss)/d(p) * dloss for
    every differentiable parameter p the loss declares (`logp`, and
    `seq_logratio`, which the runtime derives from logp and chains back to
    it); `grad_params` names them. Parameters the runtime detaches
    (`old_logp`, `ref_logp`, `adv`) get none.

    The backward recomputes the forward values it needs and uses the
    subgradients of PyTorch autograd, so that it equals what autograd gives
    on the runtime's interpretation of the same expression: `minimumf` and
    `maximumf` split the gradient equally on ties (`torch.minimum/maximum`);
    `clamp(x, lo, hi)` (lowered as `minimumf(maximumf(x, lo), hi)`) passes
    it for lo <= x <= hi (`torch.clamp`); `absf` has sign(x), 0 at 0;
    `select` routes it to the taken branch; comparisons and constants have
    none. An op on the path from a differentiable parameter to the loss
    with no rule is an error at that op. The pass regenerates an existing
    backward and leaves dead forward values out; run `canonicalize` after
    it to fold constants.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // R1_PASSES_TD
