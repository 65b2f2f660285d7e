// RUN: r1c-opt %s --split-input-file --verify-diagnostics --r1-dead-stage-elim | FileCheck %s
// Stages whose results reach no eval or export are removed with a remark.

// CHECK-LABEL: r1.pipeline @prune
// expected-remark @+1 {{r1-dead-stage-elim: removed 2 stages whose results reach no eval or export: 'side', 'side_sft'}}
r1.pipeline @prune {
  %t = r1.tokenizer bytes
  %m = r1.model @m(%t) {dim = 16, layers = 1, heads = 2, ffn = 32} : !r1.model<dense>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // CHECK: r1.pretrain @lm
  %lm = r1.pretrain @lm(%m, %d) {} : (!r1.model<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  // CHECK-NOT: @side
  %side = r1.pretrain @side(%m, %d) {} : (!r1.model<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  %side_sft = r1.sft @side_sft(%side, %d) {} : (!r1.ckpt<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  // CHECK: r1.sft @tuned
  %tuned = r1.sft @tuned(%lm, %d) {} : (!r1.ckpt<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  // CHECK: r1.export @out
  r1.export @out(%tuned) {path = "out"} : (!r1.ckpt<dense>) -> ()
  // CHECK: r1.eval @e
  r1.eval @e(%lm) on %d {metrics = [{metric = "pass", at = 1}]} : (!r1.ckpt<dense>, !r1.dataset<prompt>) -> ()
}

// -----

// Without any eval or export there is nothing to measure liveness by: the
// pipeline is left as it is, silently.
// CHECK-LABEL: r1.pipeline @no_sinks
r1.pipeline @no_sinks {
  %t = r1.tokenizer bytes
  %m = r1.model @m(%t) {dim = 16, layers = 1, heads = 2, ffn = 32} : !r1.model<dense>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // CHECK: r1.pretrain @lm
  %lm = r1.pretrain @lm(%m, %d) {} : (!r1.model<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
}
