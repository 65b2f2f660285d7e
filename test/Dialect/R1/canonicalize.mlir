// RUN: r1c-opt %s --canonicalize | FileCheck %s
// Folders and canonicalization patterns of reward and loss bodies.

// CHECK-LABEL: r1.pipeline @rewards
r1.pipeline @rewards {
  %t = r1.tokenizer bytes
  %m = r1.model @m(%t) {dim = 16, layers = 1, heads = 2, ffn = 32} : !r1.model<dense>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // CHECK: %[[ACC:.*]] = r1.reward @acc
  %acc = r1.reward @acc answer_match {}
  %fmt = r1.reward @fmt think_format {}
  // An expression that only forwards one reward folds to that reward.
  // CHECK-NOT: r1.reward.expr(%[[ACC]]) {
  %same = r1.reward.expr(%acc) {
  ^bb0(%a: f32):
    r1.yield %a : f32
  }
  // A repeated input is merged and an unread input is dropped.
  // CHECK: %[[SUM:.*]] = r1.reward.expr(%[[ACC]]) {
  // CHECK-NEXT: ^bb0(%[[A:.*]]: f32):
  // CHECK-NEXT: %[[S:.*]] = arith.addf %[[A]], %[[A]] : f32
  // CHECK-NEXT: r1.yield %[[S]] : f32
  %sum = r1.reward.expr(%acc, %fmt, %acc) {
  ^bb0(%a: f32, %f: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    r1.yield %s : f32
  }
  %l = r1.loss @l reduce token_mean params ["logp"] {
  ^bb0(%a: f32):
    r1.yield %a : f32
  }
  // CHECK: r1.grpo @g(%{{.*}}, %{{.*}}, %[[ACC]], %{{.*}})
  %g = r1.grpo @g(%m, %d, %same, %l) {} : (!r1.model<dense>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<dense>
  // CHECK: r1.grpo @h(%{{.*}}, %{{.*}}, %[[SUM]], %{{.*}})
  %h = r1.grpo @h(%m, %d, %sum, %l) {} : (!r1.model<dense>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<dense>
}

// CHECK-LABEL: r1.pipeline @losses
r1.pipeline @losses {
  // log(exp(x)) is x; x - (x - y) is y; (x + y) - y is x; constants fold.
  // CHECK: r1.loss @kl reduce seq_mean params ["logp", "ref_logp"] {
  // CHECK-NEXT: ^bb0(%[[LP:.*]]: f32, %[[REF:.*]]: f32):
  // CHECK-NEXT: %[[M:.*]] = arith.mulf %[[LP]], %[[REF]] : f32
  // CHECK-NEXT: r1.yield %[[M]] : f32
  %kl = r1.loss @kl reduce seq_mean params ["logp", "ref_logp"] {
  ^bb0(%lp: f32, %ref: f32):
    %e = math.exp %lp : f32
    %x = math.log %e : f32
    %d = arith.subf %x, %ref : f32
    %y = arith.subf %x, %d : f32
    %z = arith.addf %x, %y : f32
    %w = arith.subf %z, %y : f32
    %m = arith.mulf %w, %y : f32
    r1.yield %m : f32
  }
}
