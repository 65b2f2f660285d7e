// RUN: r1c-opt %s --split-input-file --verify-diagnostics
// One case per verifier message of the r1 dialect.

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{unknown dataset kind 'banana'}}
  %x = r1.dataset @x task.arith {count = 1} : !r1.dataset<banana>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{unknown architecture 'gpt'}}
  %m = r1.model @m(%t) {} : !r1.model<gpt>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %a = r1.dataset @a task.arith {count = 1} : !r1.dataset<prompt>
  // expected-error @+1 {{redefines 'a'; names are unique within a pipeline}}
  %b = r1.dataset @a task.arith {count = 2} : !r1.dataset<prompt>
}

// -----

r1.pipeline @p {
  // expected-error @+1 {{chars tokenizer needs a non-empty alphabet}}
  %t = r1.tokenizer chars ""
}

// -----

r1.pipeline @p {
  // expected-error @+1 {{bytes tokenizer takes no argument}}
  %t = r1.tokenizer bytes "x"
}

// -----

r1.pipeline @p {
  // expected-error @+1 {{hf tokenizer needs the path of tokenizer.json}}
  %t = r1.tokenizer hf
}

// -----

r1.pipeline @p {
  // expected-error @+1 {{unknown tokenizer kind 'sentencepiece'}}
  %t = r1.tokenizer sentencepiece "x"
}

// -----

r1.pipeline @p {
  // expected-error @+1 {{vocab size must exceed 3}}
  %t = r1.tokenizer hf "t.json" vocab 2
}

// -----

r1.pipeline @p {
  // expected-error @+1 {{vocab size is derived for chars tokenizers}}
  %t = r1.tokenizer chars "ab" vocab 10
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{unknown field 'dimm' (known: vocab_size, dim, layers}}
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, dimm = 3, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{missing required field 'dim'}}
  %m = r1.model @m(%t) {layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{field 'dim' must be a positive integer, got 0}}
  %m = r1.model @m(%t) {dim = 0, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{dense_layers (3) exceeds layers (2)}}
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, dense_layers = 3, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{mla.rope_dim must be even}}
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 3, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{moe.top_k (5) exceeds moe.experts (4)}}
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 5, expert_dim = 8}} : !r1.model<deepseek>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{moe.groups (3) does not divide moe.experts (4)}}
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8, groups = 3}} : !r1.model<deepseek>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{moe.topk_groups (3) exceeds moe.groups (2)}}
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8, groups = 2, topk_groups = 3}} : !r1.model<deepseek>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{missing required field 'mla.kv_rank'}}
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{field 'moe.score' must be one of "softmax", "sigmoid"}}
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8, score = "relu"}} : !r1.model<deepseek>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{field 'tie_embeddings' must be true or false}}
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, tie_embeddings = 1, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{field 'norm_eps' must be a positive number}}
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, norm_eps = -1.0, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{field 'mla' must be a dictionary}}
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = 3, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{kv_heads (3) does not divide heads (4)}}
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 4, kv_heads = 3, ffn = 8} : !r1.model<dense>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{heads (4) does not divide dim (18); set head_dim}}
  %m = r1.model @m(%t) {dim = 18, layers = 2, heads = 4, ffn = 8} : !r1.model<dense>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{head_dim must be even}}
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 4, head_dim = 5, ffn = 8} : !r1.model<dense>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{unknown dataset source 'task.sudoku'}}
  %d = r1.dataset @d task.sudoku {count = 1} : !r1.dataset<prompt>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{jsonl needs either 'text', or 'prompt' with 'response' and/or 'answer'}}
  %d = r1.dataset @d jsonl {path = "f"} : !r1.dataset<text>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{task.arith with this config yields !r1.dataset<prompt>, not !r1.dataset<text>}}
  %d = r1.dataset @d task.arith {count = 1} : !r1.dataset<text>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{field 'digits' must be a range [lo, hi] with 1 <= lo <= hi}}
  %d = r1.dataset @d task.arith {count = 1, digits = [3, 1]} : !r1.dataset<prompt>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{field 'path' must be a string}}
  %d = r1.dataset @d jsonl {path = 3, text = "t"} : !r1.dataset<text>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{field 'seed' must be a non-negative integer}}
  %d = r1.dataset @d task.arith {count = 1, seed = -1} : !r1.dataset<prompt>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{unknown reward 'vibes' (known: answer_match}}
  %r = r1.reward @r vibes {}
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %r = r1.reward @r answer_match {}
  // expected-error @+1 {{body takes 0 arguments but 1 are expected}}
  %e = r1.reward.expr(%r) {
  ^bb0:
    %c = arith.constant 1.0 : f32
    r1.yield %c : f32
  }
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %r = r1.reward @r answer_match {}
  // expected-error @+1 {{body argument #0 must be f32, got 'f64'}}
  %e = r1.reward.expr(%r) {
  ^bb0(%a: f64):
    %c = arith.constant 1.0 : f32
    r1.yield %c : f32
  }
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %r = r1.reward @r answer_match {}
  // expected-error @+1 {{body must yield f32 or i1, got 'i32'}}
  %e = r1.reward.expr(%r) {
  ^bb0(%a: f32):
    %c = arith.constant 1 : i32
    r1.yield %c : i32
  }
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %r = r1.reward @r answer_match {}
  // expected-error @+1 {{body must end in r1.yield of one value}}
  %e = r1.reward.expr(%r) {
  ^bb0(%a: f32):
    r1.yield %a, %a : f32, f32
  }
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{unknown reduction 'sum'}}
  %l = r1.loss @l reduce sum params ["logp"] {
  ^bb0(%a: f32):
    r1.yield %a : f32
  }
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{max_len applies only to seq_sum_norm}}
  %l = r1.loss @l reduce token_mean(8) params ["logp"] {
  ^bb0(%a: f32):
    r1.yield %a : f32
  }
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{max_len must be positive, got 0}}
  %l = r1.loss @l reduce seq_sum_norm(0) params ["logp"] {
  ^bb0(%a: f32):
    r1.yield %a : f32
  }
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{unknown loss parameter 'logits'}}
  %l = r1.loss @l reduce token_mean params ["logits"] {
  ^bb0(%a: f32):
    r1.yield %a : f32
  }
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{loss parameter 'logp' is repeated}}
  %l = r1.loss @l reduce token_mean params ["logp", "logp"] {
  ^bb0(%a: f32, %b: f32):
    r1.yield %a : f32
  }
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{body must yield f32, got 'i1'}}
  %l = r1.loss @l reduce token_mean params ["logp"] {
  ^bb0(%a: f32):
    %c = arith.cmpf olt, %a, %a : f32
    r1.yield %c : i1
  }
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // expected-error @+1 {{result architecture 'dense' differs from the initial weights' 'deepseek'}}
  %c = r1.pretrain @c(%m, %d) {} : (!r1.model<deepseek>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // expected-error @+1 {{field 'lr' must be a positive number, got "fast"}}
  %c = r1.pretrain @c(%m, %d) {lr = "fast"} : (!r1.model<deepseek>, !r1.dataset<prompt>) -> !r1.ckpt<deepseek>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // expected-error @+1 {{field 'weight_decay' must be a number}}
  %c = r1.sft @c(%m, %d) {weight_decay = "x"} : (!r1.model<deepseek>, !r1.dataset<prompt>) -> !r1.ckpt<deepseek>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  %r = r1.reward @r answer_match {}
  %l = r1.loss @l reduce token_mean params ["logp"] {
  ^bb0(%a: f32):
    r1.yield %a : f32
  }
  // expected-error @+1 {{field 'top_p' must be a number in [0, 1], got 1.5}}
  %c = r1.grpo @c(%m, %d, %r, %l) {top_p = 1.5} : (!r1.model<deepseek>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<deepseek>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  %r = r1.reward @r answer_match {}
  // expected-error @+1 {{yields prompt/response pairs; the result type must be !r1.dataset<pairs>}}
  %s = r1.reject_sample @s(%m, %d, %r) {} : (!r1.model<deepseek>, !r1.dataset<prompt>, !r1.reward) -> !r1.dataset<text>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  %r = r1.reward @r answer_match {}
  // expected-error @+1 {{per_prompt (3) exceeds samples (2)}}
  %s = r1.reject_sample @s(%m, %d, %r) {samples = 2, per_prompt = 3} : (!r1.model<deepseek>, !r1.dataset<prompt>, !r1.reward) -> !r1.dataset<pairs>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // expected-error @+1 {{mixes at least two datasets, got 1}}
  %x = r1.mix @x(%d) {ratio = [1]} : (!r1.dataset<prompt>) -> !r1.dataset<prompt>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // expected-error @+1 {{ratio has 3 parts for 2 datasets}}
  %x = r1.mix @x(%d, %d) {ratio = [1, 2, 3]} : (!r1.dataset<prompt>, !r1.dataset<prompt>) -> !r1.dataset<prompt>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // expected-error @+1 {{field 'ratio' must be a non-empty array of positive integers}}
  %x = r1.mix @x(%d, %d) {ratio = [1, 0]} : (!r1.dataset<prompt>, !r1.dataset<prompt>) -> !r1.dataset<prompt>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // expected-error @+1 {{kd_weight > 0 needs a teacher checkpoint}}
  %c = r1.distill @c(%m, %d) {kd_weight = 0.5} : (!r1.model<deepseek>, !r1.dataset<prompt>) -> !r1.ckpt<deepseek>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // expected-error @+1 {{evaluates at least one checkpoint}}
  r1.eval @e() on %d {metrics = [{metric = "pass", at = 1}]} : (!r1.dataset<prompt>) -> ()
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // expected-error @+1 {{field 'metrics' must be a non-empty array of metrics}}
  r1.eval @e(%m) on %d {metrics = []} : (!r1.model<deepseek>, !r1.dataset<prompt>) -> ()
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // expected-error @+1 {{each eval metric must be a dictionary}}
  r1.eval @e(%m) on %d {metrics = [3]} : (!r1.model<deepseek>, !r1.dataset<prompt>) -> ()
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // expected-error @+1 {{eval metric must be "pass" or "cons"}}
  r1.eval @e(%m) on %d {metrics = [{metric = "acc", at = 1}]} : (!r1.model<deepseek>, !r1.dataset<prompt>) -> ()
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // expected-error @+1 {{unknown eval metric field 'n' (known: metric, at, k)}}
  r1.eval @e(%m) on %d {metrics = [{metric = "pass", at = 1, n = 2}]} : (!r1.model<deepseek>, !r1.dataset<prompt>) -> ()
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // expected-error @+1 {{eval metric field 'at' must be a positive integer}}
  r1.eval @e(%m) on %d {metrics = [{metric = "pass", at = 0}]} : (!r1.model<deepseek>, !r1.dataset<prompt>) -> ()
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // expected-error @+1 {{eval metric pass needs 'at'}}
  r1.eval @e(%m) on %d {metrics = [{metric = "pass", k = 2}]} : (!r1.model<deepseek>, !r1.dataset<prompt>) -> ()
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // expected-error @+1 {{pass@4 needs k >= 4, got 2}}
  r1.eval @e(%m) on %d {metrics = [{metric = "pass", at = 4, k = 2}]} : (!r1.model<deepseek>, !r1.dataset<prompt>) -> ()
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  %c = r1.pretrain @c(%m, %d) {} : (!r1.model<deepseek>, !r1.dataset<prompt>) -> !r1.ckpt<deepseek>
  // expected-error @+1 {{missing required field 'path'}}
  r1.export @x(%c) {} : (!r1.ckpt<deepseek>) -> ()
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  %m = r1.model @m(%t) {dim = 16, layers = 2, heads = 2, max_seq = 32, mla = {kv_rank = 8, nope_dim = 8, rope_dim = 4, v_dim = 8}, moe = {experts = 4, top_k = 2, expert_dim = 8}} : !r1.model<deepseek>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  %r = r1.reward @r answer_match {}
  %l = r1.loss @l reduce token_mean params ["logp"] {
  ^bb0(%a: f32):
    r1.yield %a : f32
  }
  // expected-error @+1 {{field 'dynamic_sampling' must be true or false}}
  %c = r1.grpo @c(%m, %d, %r, %l) {dynamic_sampling = 1} : (!r1.model<deepseek>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<deepseek>
}

// -----

// A backward without grad_params (only the generic form can say it).
r1.pipeline @p {
  // expected-error @+1 {{needs both `grad_params` and a `grad` region, or neither}}
  %l = "r1.loss"() <{sym_name = "l", reduce = "token_mean", params = ["logp"]}> ({
  ^bb0(%a: f32):
    r1.yield %a : f32
  }, {
  ^bb0(%a: f32, %g: f32):
    r1.yield %g : f32
  }) : () -> !r1.loss
}

// -----

r1.pipeline @p {
  // expected-error @+1 {{grad parameter 'seq_logratio' is not a parameter of the loss}}
  %l = r1.loss @l reduce token_mean params ["logp"] {
  ^bb0(%a: f32):
    r1.yield %a : f32
  } grad ["seq_logratio"] {
  ^bb0(%a: f32, %g: f32):
    r1.yield %g : f32
  }
}

// -----

r1.pipeline @p {
  // expected-error @+1 {{grad parameter 'adv' carries no gradient (only logp and seq_logratio do)}}
  %l = r1.loss @l reduce token_mean params ["logp", "adv"] {
  ^bb0(%a: f32, %b: f32):
    r1.yield %a : f32
  } grad ["adv"] {
  ^bb0(%a: f32, %b: f32, %g: f32):
    r1.yield %g : f32
  }
}

// -----

r1.pipeline @p {
  // expected-error @+1 {{grad parameter 'logp' is repeated}}
  %l = r1.loss @l reduce token_mean params ["logp"] {
  ^bb0(%a: f32):
    r1.yield %a : f32
  } grad ["logp", "logp"] {
  ^bb0(%a: f32, %g: f32):
    r1.yield %g, %g : f32, f32
  }
}

// -----

r1.pipeline @p {
  // expected-error @+1 {{grad region must take 2 f32 arguments (the parameters and the upstream gradient)}}
  %l = r1.loss @l reduce token_mean params ["logp"] {
  ^bb0(%a: f32):
    r1.yield %a : f32
  } grad ["logp"] {
  ^bb0(%a: f32):
    r1.yield %a : f32
  }
}

// -----

r1.pipeline @p {
  // expected-error @+1 {{grad region must yield 1 f32 value(s), one per grad parameter}}
  %l = r1.loss @l reduce token_mean params ["logp"] {
  ^bb0(%a: f32):
    r1.yield %a : f32
  } grad ["logp"] {
  ^bb0(%a: f32, %g: f32):
    r1.yield
  }
}

// -----

// expected-error @+1 {{'r1.pipeline' op seed must be non-negative, got -1}}
r1.pipeline @p seed = -1 {
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer chars "abc"
  // expected-error @+1 {{unknown dataset kind 'prefs'; expected text, prompt or pairs}}
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prefs>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer bytes
  %m = r1.model @m(%t) {dim = 32, layers = 1, heads = 2, ffn = 64} from {format = "hf", path = "/m"} : !r1.model<dense>
  // expected-error @+1 {{'r1.pretrained' op checkpoint architecture 'deepseek' differs from the model's 'dense'}}
  %w = r1.pretrained %m : !r1.model<dense> -> !r1.ckpt<deepseek>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer bytes
  %m = r1.model @m(%t) {dim = 32, layers = 1, heads = 2, ffn = 64} : !r1.model<dense>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // expected-error @+1 {{'r1.sft' op field 'lora.targets' must be a non-empty array of distinct strings of "q", "k", "v", "o", "gate", "up", "down", "q_a", "q_b", "kv_a", "kv_b", got ["q", "q"]}}
  %s = r1.sft @s(%m, %d) {lora = {rank = 4, alpha = 8.0, targets = ["q", "q"]}} : (!r1.model<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer bytes
  %m = r1.model @m(%t) {dim = 32, layers = 1, heads = 2, ffn = 64} : !r1.model<dense>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // expected-error @+1 {{'r1.sft' op missing required field 'lora.rank'}}
  %s = r1.sft @s(%m, %d) {lora = {alpha = 8.0, targets = ["q"]}} : (!r1.model<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
}

// -----

r1.pipeline @p {
  %t = r1.tokenizer bytes
  %m = r1.model @m(%t) {dim = 32, layers = 1, heads = 2, ffn = 64} : !r1.model<dense>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  // expected-error @+1 {{'r1.pretrain' op unknown field 'lora' (known: }}
  %s = r1.pretrain @s(%m, %d) {lora = {rank = 4, alpha = 8.0, targets = ["q"]}} : (!r1.model<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
}
