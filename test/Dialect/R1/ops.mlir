// RUN: r1c-opt %s | r1c-opt | FileCheck %s
// RUN: r1c-opt %s --mlir-print-op-generic | r1c-opt | FileCheck %s
// Round trip of every r1 type and op.

// CHECK-LABEL: r1.pipeline @tiny seed = 17 settings {device = "cpu"} {
r1.pipeline @tiny seed = 17 settings {device = "cpu"} {
  // CHECK: %[[TOK:.*]] = r1.tokenizer chars "0123456789+-*/=() <>abcdefghijklmnopqrstuvwxyz:?\0A"
  %tok = r1.tokenizer chars "0123456789+-*/=() <>abcdefghijklmnopqrstuvwxyz:?\0A"
  // CHECK: %[[BASE:.*]] = r1.model @base(%[[TOK]]) {dense_layers = 1 : i64, dim = 128 : i64, heads = 4 : i64, layers = 4 : i64, max_seq = 256 : i64, mla = {kv_rank = 64 : i64, nope_dim = 32 : i64, q_rank = 0 : i64, rope_dim = 16 : i64, v_dim = 32 : i64}, moe = {balance = "bias", bias_rate = 1.000000e-03 : f64, expert_dim = 128 : i64, experts = 8 : i64, score = "sigmoid", shared = 1 : i64, top_k = 2 : i64}} : !r1.model<deepseek>
  %base = r1.model @base(%tok) {dim = 128, layers = 4, heads = 4, dense_layers = 1, max_seq = 256,
      mla = {q_rank = 0, kv_rank = 64, nope_dim = 32, rope_dim = 16, v_dim = 32},
      moe = {experts = 8, shared = 1, top_k = 2, expert_dim = 128, score = "sigmoid", balance = "bias", bias_rate = 1.0e-3 : f64}} : !r1.model<deepseek>
  // CHECK: %[[STUDENT:.*]] = r1.model @student(%[[TOK]]) {{.*}} : !r1.model<dense>
  %student = r1.model @student(%tok) {dim = 96, layers = 3, heads = 4, ffn = 256} : !r1.model<dense>
  // CHECK: %[[CORPUS:.*]] = r1.dataset @corpus task.arith {count = 500 : i64, digits = [1, 3], style = "plain"} : !r1.dataset<prompt>
  %corpus = r1.dataset @corpus task.arith {count = 500, digits = [1, 3], style = "plain"} : !r1.dataset<prompt>
  %cot = r1.dataset @coldstart task.arith {count = 200, style = "cot"} : !r1.dataset<prompt>
  %problems = r1.dataset @problems task.countdown {count = 200, numbers = [3, 4]} : !r1.dataset<prompt>
  %heldout = r1.dataset @heldout task.countdown {count = 50, split = "test"} : !r1.dataset<prompt>
  // CHECK: r1.dataset @chat jsonl {path = "data/general.jsonl", prompt = "q", response = "a"} : !r1.dataset<pairs>
  %chat = r1.dataset @chat jsonl {path = "data/general.jsonl", prompt = "q", response = "a"} : !r1.dataset<pairs>
  %text = r1.dataset @text jsonl {path = "t.jsonl", text = "body"} : !r1.dataset<text>
  // CHECK: %[[ACC:.*]] = r1.reward @accuracy answer_match {tag = "answer"}
  %acc = r1.reward @accuracy answer_match {tag = "answer"}
  // CHECK: %[[FMT:.*]] = r1.reward @format think_format {}
  %fmt = r1.reward @format think_format {}
  // CHECK: r1.reward.expr(%[[ACC]], %[[FMT]]) {
  // CHECK-NEXT: ^bb0(%accuracy{{.*}}: f32, %format{{.*}}: f32):
  %rw = r1.reward.expr(%acc, %fmt) {
  ^bb0(%a: f32, %f: f32):
    %c = arith.constant 0.1 : f32
    %s = arith.mulf %c, %f : f32
    %r = arith.addf %a, %s : f32
    r1.yield %r : f32
  }
  // CHECK: r1.reward.expr
  // CHECK: r1.yield %{{.*}} : i1
  %keep = r1.reward.expr(%acc, %fmt) {
  ^bb0(%a: f32, %f: f32):
    %one = arith.constant 1.0 : f32
    %x = arith.cmpf oeq, %a, %one : f32
    %y = arith.cmpf oeq, %f, %one : f32
    %z = arith.andi %x, %y : i1
    r1.yield %z : i1
  }
  // CHECK: r1.loss @grpo reduce token_mean params ["logp", "old_logp", "adv"] {
  // CHECK-NEXT: ^bb0(%logp: f32, %old_logp: f32, %adv: f32):
  %loss = r1.loss @grpo reduce token_mean params ["logp", "old_logp", "adv"] {
  ^bb0(%lp: f32, %olp: f32, %adv: f32):
    %d = arith.subf %lp, %olp : f32
    %ratio = math.exp %d : f32
    %pg = arith.mulf %ratio, %adv : f32
    %neg = arith.negf %pg : f32
    r1.yield %neg : f32
  }
  // CHECK: r1.loss @drg reduce seq_sum_norm(256) params ["logp", "adv"]
  %drg = r1.loss @drg reduce seq_sum_norm(256) params ["logp", "adv"] {
  ^bb0(%lp: f32, %adv: f32):
    %m = arith.mulf %lp, %adv : f32
    r1.yield %m : f32
  }
  // CHECK: %[[LM:.*]] = r1.pretrain @base_lm(%[[BASE]], %[[CORPUS]]) {lr = 3.000000e-03 : f64, steps = 30 : i64} : (!r1.model<deepseek>, !r1.dataset<prompt>) -> !r1.ckpt<deepseek>
  %lm = r1.pretrain @base_lm(%base, %corpus) {steps = 30, lr = 3.0e-3 : f64} : (!r1.model<deepseek>, !r1.dataset<prompt>) -> !r1.ckpt<deepseek>
  // CHECK: r1.sft @cold
  %cold = r1.sft @cold(%lm, %cot) {epochs = 2} : (!r1.ckpt<deepseek>, !r1.dataset<prompt>) -> !r1.ckpt<deepseek>
  // CHECK: r1.grpo @reason
  %reason = r1.grpo @reason(%cold, %problems, %rw, %loss) {group = 8, steps = 20} : (!r1.ckpt<deepseek>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<deepseek>
  // CHECK: r1.ppo @ppo_base
  %ppo = r1.ppo @ppo_base(%cold, %problems, %acc) {steps = 5} : (!r1.ckpt<deepseek>, !r1.dataset<prompt>, !r1.reward) -> !r1.ckpt<deepseek>
  // CHECK: r1.reject_sample @traces
  %traces = r1.reject_sample @traces(%reason, %problems, %keep) {samples = 4} : (!r1.ckpt<deepseek>, !r1.dataset<prompt>, !r1.reward) -> !r1.dataset<pairs>
  // CHECK: r1.mix @mixed_data(%{{.*}}, %{{.*}}) {ratio = [3, 1]}
  %mixed_data = r1.mix @mixed_data(%traces, %chat) {ratio = [3, 1]} : (!r1.dataset<pairs>, !r1.dataset<pairs>) -> !r1.dataset<pairs>
  %mixed = r1.sft @mixed(%lm, %mixed_data) {epochs = 2} : (!r1.ckpt<deepseek>, !r1.dataset<pairs>) -> !r1.ckpt<deepseek>
  // CHECK: r1.distill @small(%[[STUDENT]], %{{.*}}) {epochs = 3 : i64}
  %small = r1.distill @small(%student, %traces) {epochs = 3} : (!r1.model<dense>, !r1.dataset<pairs>) -> !r1.ckpt<dense>
  // CHECK: r1.distill @small_kd(%[[STUDENT]], %{{.*}} teacher %{{.*}}) {kd_weight = 5.000000e-01 : f64}
  %small_kd = r1.distill @small_kd(%student, %traces teacher %reason) {kd_weight = 0.5 : f64} : (!r1.model<dense>, !r1.dataset<pairs>, !r1.ckpt<deepseek>) -> !r1.ckpt<dense>
  // CHECK: r1.eval @eval(%{{.*}}, %{{.*}}) on %{{.*}} {metrics = [{at = 1 : i64, k = 4 : i64, metric = "pass"}, {at = 8 : i64, metric = "cons"}]}
  r1.eval @eval(%cold, %small) on %heldout {metrics = [{metric = "pass", at = 1, k = 4}, {metric = "cons", at = 8}]} : (!r1.ckpt<deepseek>, !r1.ckpt<dense>, !r1.dataset<prompt>) -> ()
  // CHECK: r1.export @out(%{{.*}}) {path = "out/final"}
  r1.export @out(%mixed) {path = "out/final"} : (!r1.ckpt<deepseek>) -> ()
  // CHECK: %[[SMOL:.*]] = r1.model @smol(%{{.*}}) {{.*}} from {format = "hf", path = "/models/smol"} : !r1.model<dense>
  %smol = r1.model @smol(%tok) {dim = 32, layers = 1, heads = 2, ffn = 64} from {format = "hf", path = "/models/smol"} : !r1.model<dense>
  // CHECK: %[[W:.*]] = r1.pretrained %[[SMOL]] : !r1.model<dense> -> !r1.ckpt<dense>
  %smol_w = r1.pretrained %smol : !r1.model<dense> -> !r1.ckpt<dense>
  // CHECK: r1.export @smol_out(%[[W]])
  r1.export @smol_out(%smol_w) {path = "out/smol"} : (!r1.ckpt<dense>) -> ()
  // CHECK: r1.tokenizer bytes
  // CHECK: r1.tokenizer hf "tok/tokenizer.json" vocab 1000
}
r1.pipeline @other {
  %b = r1.tokenizer bytes
}
r1.pipeline @third {
  %h = r1.tokenizer hf "tok/tokenizer.json" vocab 1000
}
