// RUN: r1c-opt %s --r1-compile-pipeline --mlir-print-ir-after-all -o /dev/null 2>&1 | FileCheck %s --check-prefix=PASSES
// RUN: r1c-opt %s --r1-compile-pipeline 2>/dev/null | FileCheck %s
// The registered pipeline composes verify-recipe, canonicalize,
// differentiate-loss (then canonicalize on each loss), dead-stage-elim,
// infer-costs and assign-artifact-keys, in that order.

// PASSES: IR Dump After VerifyRecipePass (r1-verify-recipe)
// PASSES: IR Dump After Canonicalizer (canonicalize)
// PASSES: IR Dump After DifferentiateLossPass (r1-differentiate-loss)
// PASSES: IR Dump After Canonicalizer (canonicalize)
// PASSES-NEXT: %l = r1.loss @l
// PASSES: IR Dump After DeadStageElimPass (r1-dead-stage-elim)
// PASSES: IR Dump After InferCostsPass (r1-infer-costs)
// PASSES: IR Dump After AssignArtifactKeysPass (r1-assign-artifact-keys)

// CHECK-LABEL: r1.pipeline @composed
// CHECK: r1.model @m{{.*}}r1.params = {{[0-9]+}}
// CHECK-NOT: r1.reward.expr
// CHECK: r1.loss @l
// CHECK: } grad ["logp"] {
// CHECK: r1.sft @s({{.*}}) {}
// CHECK-SAME: r1.flops = {{[0-9]+}} : i64, r1.key = "{{[0-9a-f]+}}", r1.tokens = {{[0-9]+}}
// CHECK-NOT: @unused
// CHECK: r1.eval @e
r1.pipeline @composed {
  %t = r1.tokenizer bytes
  %m = r1.model @m(%t) {dim = 16, layers = 1, heads = 2, ffn = 32} : !r1.model<dense>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  %acc = r1.reward @acc answer_match {}
  %fwd = r1.reward.expr(%acc) {
  ^bb0(%a: f32):
    r1.yield %a : f32
  }
  %l = r1.loss @l reduce token_mean params ["logp"] {
  ^bb0(%a: f32):
    r1.yield %a : f32
  }
  %s = r1.sft @s(%m, %d) {} : (!r1.model<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  %unused = r1.grpo @unused(%s, %d, %fwd, %l) {} : (!r1.ckpt<dense>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<dense>
  r1.eval @e(%s) on %d {metrics = [{metric = "pass", at = 1}]} : (!r1.ckpt<dense>, !r1.dataset<prompt>) -> ()
}
