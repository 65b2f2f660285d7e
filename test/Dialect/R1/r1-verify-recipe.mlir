// RUN: r1c-opt %s --split-input-file --verify-diagnostics --r1-verify-recipe
// One case per diagnostic of r1-verify-recipe, then a recipe it accepts.

r1.pipeline @rl_needs_prompts {
  %t = r1.tokenizer bytes
  %m = r1.model @m(%t) {dim = 16, layers = 1, heads = 2, ffn = 32} : !r1.model<dense>
  %chat = r1.dataset @chat jsonl {path = "c.jsonl", prompt = "q", response = "a"} : !r1.dataset<pairs>
  %r = r1.reward @r answer_match {}
  %l = r1.loss @l reduce token_mean params ["logp"] {
  ^bb0(%a: f32):
    r1.yield %a : f32
  }
  // expected-error @+1 {{grpo stage 'g' needs prompts with verifiable answers; 'chat' is !r1.dataset<pairs>}}
  %g = r1.grpo @g(%m, %chat, %r, %l) {} : (!r1.model<dense>, !r1.dataset<pairs>, !r1.reward, !r1.loss) -> !r1.ckpt<dense>
}

// -----

r1.pipeline @rl_needs_a_reward {
  %t = r1.tokenizer bytes
  %m = r1.model @m(%t) {dim = 16, layers = 1, heads = 2, ffn = 32} : !r1.model<dense>
  %p = r1.dataset @p task.arith {count = 4} : !r1.dataset<prompt>
  %r = r1.reward.expr() {
    %c = arith.constant 1.0 : f32
    r1.yield %c : f32
  }
  %l = r1.loss @l reduce token_mean params ["logp"] {
  ^bb0(%a: f32):
    r1.yield %a : f32
  }
  // expected-error @+1 {{grpo stage 'g' needs at least one reward verifier; its reward is a constant}}
  %g = r1.grpo @g(%m, %p, %r, %l) {} : (!r1.model<dense>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<dense>
}

// -----

r1.pipeline @rl_needs_a_score {
  %t = r1.tokenizer bytes
  %m = r1.model @m(%t) {dim = 16, layers = 1, heads = 2, ffn = 32} : !r1.model<dense>
  %p = r1.dataset @p task.arith {count = 4} : !r1.dataset<prompt>
  %acc = r1.reward @acc answer_match {}
  %keep = r1.reward.expr(%acc) {
  ^bb0(%a: f32):
    %one = arith.constant 1.0 : f32
    %c = arith.cmpf oeq, %a, %one : f32
    r1.yield %c : i1
  }
  // expected-error @+1 {{ppo stage 'g' needs a score as reward, not a predicate}}
  %g = r1.ppo @g(%m, %p, %keep) {} : (!r1.model<dense>, !r1.dataset<prompt>, !r1.reward) -> !r1.ckpt<dense>
}

// -----

r1.pipeline @keep_needs_a_reward {
  %t = r1.tokenizer bytes
  %m = r1.model @m(%t) {dim = 16, layers = 1, heads = 2, ffn = 32} : !r1.model<dense>
  %p = r1.dataset @p task.arith {count = 4} : !r1.dataset<prompt>
  %keep = r1.reward.expr() {
    %c = arith.constant true
    r1.yield %c : i1
  }
  // expected-error @+1 {{reject_sample stage 's' keeps by a predicate that reads no reward}}
  %s = r1.reject_sample @s(%m, %p, %keep) {} : (!r1.model<dense>, !r1.dataset<prompt>, !r1.reward) -> !r1.dataset<pairs>
}

// -----

r1.pipeline @keep_needs_a_predicate {
  %t = r1.tokenizer bytes
  %m = r1.model @m(%t) {dim = 16, layers = 1, heads = 2, ffn = 32} : !r1.model<dense>
  %p = r1.dataset @p task.arith {count = 4} : !r1.dataset<prompt>
  %acc = r1.reward @acc answer_match {}
  // expected-error @+1 {{reject_sample stage 's' needs a predicate as `keep`}}
  %s = r1.reject_sample @s(%m, %p, %acc) {} : (!r1.model<dense>, !r1.dataset<prompt>, !r1.reward) -> !r1.dataset<pairs>
}

// -----

r1.pipeline @sft_needs_pairs {
  %t = r1.tokenizer bytes
  %m = r1.model @m(%t) {dim = 16, layers = 1, heads = 2, ffn = 32} : !r1.model<dense>
  %text = r1.dataset @text jsonl {path = "t.jsonl", text = "body"} : !r1.dataset<text>
  // expected-error @+1 {{sft stage 's' needs prompt/response pairs; 'text' is !r1.dataset<text>}}
  %s = r1.sft @s(%m, %text) {} : (!r1.model<dense>, !r1.dataset<text>) -> !r1.ckpt<dense>
}

// -----

r1.pipeline @distill_shares_tokenizer {
  %t1 = r1.tokenizer bytes
  %t2 = r1.tokenizer chars "0123456789+-*=() \0A"
  // expected-note @+1 {{teacher model declared here}}
  %teacher = r1.model @teacher(%t1) {dim = 16, layers = 1, heads = 2, ffn = 32} : !r1.model<dense>
  %student = r1.model @student(%t2) {dim = 8, layers = 1, heads = 2, ffn = 16} : !r1.model<dense>
  %p = r1.dataset @p task.arith {count = 4} : !r1.dataset<prompt>
  %acc = r1.reward @acc answer_match {}
  %keep = r1.reward.expr(%acc) {
  ^bb0(%a: f32):
    %one = arith.constant 1.0 : f32
    %c = arith.cmpf oeq, %a, %one : f32
    r1.yield %c : i1
  }
  %tuned = r1.sft @tuned(%teacher, %p) {} : (!r1.model<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  %traces = r1.reject_sample @traces(%tuned, %p, %keep) {} : (!r1.ckpt<dense>, !r1.dataset<prompt>, !r1.reward) -> !r1.dataset<pairs>
  // expected-error @+1 {{distill stage 'small': student 'student' and teacher 'teacher' use different tokenizers}}
  %small = r1.distill @small(%student, %traces) {} : (!r1.model<dense>, !r1.dataset<pairs>) -> !r1.ckpt<dense>
}

// -----

r1.pipeline @eval_needs_checkpoints {
  %t = r1.tokenizer bytes
  %m = r1.model @m(%t) {dim = 16, layers = 1, heads = 2, ffn = 32} : !r1.model<dense>
  %p = r1.dataset @p task.arith {count = 4} : !r1.dataset<prompt>
  // expected-error @+1 {{eval 'e' names model 'm', which no stage trained; name a stage's checkpoint}}
  r1.eval @e(%m) on %p {metrics = [{metric = "pass", at = 1}]} : (!r1.model<dense>, !r1.dataset<prompt>) -> ()
}

// -----

r1.pipeline @eval_needs_prompts {
  %t = r1.tokenizer bytes
  %m = r1.model @m(%t) {dim = 16, layers = 1, heads = 2, ffn = 32} : !r1.model<dense>
  %p = r1.dataset @p task.arith {count = 4} : !r1.dataset<prompt>
  %chat = r1.dataset @chat jsonl {path = "c.jsonl", prompt = "q", response = "a"} : !r1.dataset<pairs>
  %c = r1.sft @c(%m, %p) {} : (!r1.model<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  // expected-error @+1 {{eval 'e' needs prompts with verifiable answers; 'chat' is !r1.dataset<pairs>}}
  r1.eval @e(%c) on %chat {metrics = [{metric = "pass", at = 1}]} : (!r1.ckpt<dense>, !r1.dataset<pairs>) -> ()
}

// -----

r1.pipeline @alphabet {
  // expected-note @+1 {{tokenizer declared here}}
  %t = r1.tokenizer chars "0123456789+-*=() \0A"
  // expected-error @+1 {{the tokenizer's alphabet misses '<', '>', '/', 't', 'h', 'i', 'n', 'k', 'a', 's', 'w', 'e', 'r', which dataset 'cot' (task.arith) generates; add them to chars(...)}}
  %cot = r1.dataset @cot task.arith {count = 4, style = "cot"} : !r1.dataset<prompt>
}

// -----

r1.pipeline @format_warning {
  %t = r1.tokenizer bytes
  %m = r1.model @m(%t) {dim = 16, layers = 1, heads = 2, ffn = 32} : !r1.model<dense>
  %plain = r1.dataset @plain task.arith {count = 4} : !r1.dataset<prompt>
  %fmt = r1.reward @fmt think_format {}
  %l = r1.loss @l reduce token_mean params ["logp"] {
  ^bb0(%a: f32):
    r1.yield %a : f32
  }
  %lm = r1.pretrain @lm(%m, %plain) {} : (!r1.model<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  // expected-warning @+1 {{grpo stage 'g' rewards the <think>/<answer> format but starts from 'lm', which never trained on it}}
  %g = r1.grpo @g(%lm, %plain, %fmt, %l) {} : (!r1.ckpt<dense>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<dense>
}

// -----

r1.pipeline @pretrained_needs_a_source {
  %t = r1.tokenizer bytes
  // expected-note @+1 {{train it first: pretrain(m, DATA)}}
  %m = r1.model @m(%t) {dim = 16, layers = 1, heads = 2, ffn = 32} : !r1.model<dense>
  // expected-error @+1 {{model 'm' is used as a checkpoint but has random weights (no hf(...) or gguf(...) source)}}
  %w = r1.pretrained %m : !r1.model<dense> -> !r1.ckpt<dense>
  r1.export @out(%w) {path = "out"} : (!r1.ckpt<dense>) -> ()
}

// -----

// A recipe that satisfies every contract: no diagnostics.
r1.pipeline @accepted {
  %t = r1.tokenizer chars "0123456789+-*=() \0A<>/thinkaswer"
  %m = r1.model @m(%t) {dim = 16, layers = 1, heads = 2, ffn = 32} : !r1.model<dense>
  %cot = r1.dataset @cot task.arith {count = 4, style = "cot"} : !r1.dataset<prompt>
  %fmt = r1.reward @fmt think_format {}
  %l = r1.loss @l reduce token_mean params ["logp"] {
  ^bb0(%a: f32):
    r1.yield %a : f32
  }
  %s = r1.sft @s(%m, %cot) {} : (!r1.model<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  %g = r1.grpo @g(%s, %cot, %fmt, %l) {} : (!r1.ckpt<dense>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<dense>
  r1.eval @e(%g) on %cot {metrics = [{metric = "cons", at = 4}]} : (!r1.ckpt<dense>, !r1.dataset<prompt>) -> ()
  // A pretrained model's weights where a checkpoint is expected.
  %p = r1.model @p(%t) {dim = 16, layers = 1, heads = 2, ffn = 32} from {format = "hf", path = "/m"} : !r1.model<dense>
  %pw = r1.pretrained %p : !r1.model<dense> -> !r1.ckpt<dense>
  %acc = r1.reward @acc answer_match {}
  %pg = r1.grpo @pg(%pw, %cot, %acc, %l) {} : (!r1.ckpt<dense>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<dense>
  r1.export @out(%pw) {path = "out"} : (!r1.ckpt<dense>) -> ()
}
