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

#endif // R1_PASSES_TD
