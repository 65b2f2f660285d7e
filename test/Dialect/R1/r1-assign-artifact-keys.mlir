// RUN: r1c-opt %s --r1-assign-artifact-keys | FileCheck %s
// Keys ignore names, formatting, locations and spelled-out defaults, and
// follow edits downstream only. (ArtifactKeyTest checks that keys *change*.)

// CHECK-LABEL: r1.pipeline @original
// CHECK: r1.pretrain @lm{{.*}}r1.key = "[[$LM:[0-9a-f]{32}]]"
// CHECK: r1.sft @tuned{{.*}}r1.key = "[[$TUNED:[0-9a-f]{32}]]"
// CHECK: r1.grpo @rl{{.*}}r1.key = "[[$RL:[0-9a-f]{32}]]"
r1.pipeline @original seed = 3 {
  %t = r1.tokenizer chars "0123456789+-*=() \0A"
  %m = r1.model @m(%t) {dim = 16, layers = 1, heads = 2, ffn = 32} : !r1.model<dense>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  %acc = r1.reward @acc answer_match {}
  %l = r1.loss @l reduce token_mean params ["logp", "adv"] {
  ^bb0(%lp: f32, %adv: f32):
    %x = arith.mulf %lp, %adv : f32
    %y = arith.negf %x : f32
    r1.yield %y : f32
  }
  %lm = r1.pretrain @lm(%m, %d) {steps = 10} : (!r1.model<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  %tuned = r1.sft @tuned(%lm, %d) {} : (!r1.ckpt<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  %rl = r1.grpo @rl(%tuned, %d, %acc, %l) {steps = 5} : (!r1.ckpt<dense>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<dense>
}

// Every name renamed, reformatted, with locations, and the sft default
// `epochs = 1` and pretraining `batch = 16` spelled out: the same keys.
// CHECK-LABEL: r1.pipeline @renamed
// CHECK: r1.pretrain @base{{.*}}r1.key = "[[$LM]]"
// CHECK: r1.sft @cold{{.*}}r1.key = "[[$TUNED]]"
// CHECK: r1.grpo @reason{{.*}}r1.key = "[[$RL]]"
r1.pipeline @renamed seed = 3 {
  %tok = r1.tokenizer chars "0123456789+-*=() \0A" loc("a.r1p":1:1)
  %net = r1.model @net(%tok) {ffn = 32, heads = 2, layers = 1, dim = 16} : !r1.model<dense> loc("a.r1p":2:1)
  %data = r1.dataset @data task.arith {count = 4, digits = [1, 3]} : !r1.dataset<prompt>
  %correct = r1.reward @correct answer_match {tag = "answer"}
  %loss = r1.loss @loss reduce token_mean params ["logp", "adv"] {
  ^bb0(%a: f32, %b: f32):
    %p = arith.mulf %a, %b : f32 loc("a.r1p":9:9)
    %q = arith.negf %p : f32
    r1.yield %q : f32
  }
  %base = r1.pretrain @base(%net, %data) {steps = 10, batch = 16} : (!r1.model<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  %cold = r1.sft @cold(%base, %data) {epochs = 1} : (!r1.ckpt<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  %reason = r1.grpo @reason(%cold, %data, %correct, %loss)
      {steps = 5} : (!r1.ckpt<dense>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<dense>
}

// Editing the last stage keeps the keys of the stages before it.
// CHECK-LABEL: r1.pipeline @late_edit
// CHECK: r1.pretrain @lm{{.*}}r1.key = "[[$LM]]"
// CHECK: r1.sft @tuned{{.*}}r1.key = "[[$TUNED]]"
// CHECK-NOT: "[[$RL]]"
r1.pipeline @late_edit seed = 3 {
  %t = r1.tokenizer chars "0123456789+-*=() \0A"
  %m = r1.model @m(%t) {dim = 16, layers = 1, heads = 2, ffn = 32} : !r1.model<dense>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  %acc = r1.reward @acc answer_match {}
  %l = r1.loss @l reduce token_mean params ["logp", "adv"] {
  ^bb0(%lp: f32, %adv: f32):
    %x = arith.mulf %lp, %adv : f32
    %y = arith.negf %x : f32
    r1.yield %y : f32
  }
  %lm = r1.pretrain @lm(%m, %d) {steps = 10} : (!r1.model<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  %tuned = r1.sft @tuned(%lm, %d) {} : (!r1.ckpt<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  %rl = r1.grpo @rl(%tuned, %d, %acc, %l) {steps = 6} : (!r1.ckpt<dense>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<dense>
}
