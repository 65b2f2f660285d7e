// RUN: r1c-opt %s --r1-infer-costs | FileCheck %s
// RUN: r1c-opt %s --r1-infer-costs=kv-bytes=4 | FileCheck %s --check-prefix=FP32
// Expected numbers come from a per-tensor enumeration of the DeepSeek-V3 and
// Qwen2 layouts (vocab 259 from the bytes tokenizer), not from the pass.

// CHECK-LABEL: r1.pipeline @costs
r1.pipeline @costs {
  %t = r1.tokenizer bytes
  // Low-rank queries, 1 dense + 2 MoE layers of 8 experts (top 2, 2 shared).
  // CHECK: r1.model @a
  // CHECK-SAME: r1.active_params = 107728 : i64
  // CHECK-SAME: r1.flops_per_token = 197664 : i64
  // CHECK-SAME: r1.kv_bytes_per_token_layer = 40 : i64
  // CHECK-SAME: r1.mha_kv_bytes_per_token_layer = 160 : i64
  // CHECK-SAME: r1.params = 144592 : i64
  // FP32: r1.kv_bytes_per_token_layer = 80 : i64, r1.mha_kv_bytes_per_token_layer = 320 : i64
  %a = r1.model @a(%t) {dim = 64, layers = 3, heads = 4, dense_layers = 1, max_seq = 64, ffn = 128,
      mla = {q_rank = 32, kv_rank = 16, nope_dim = 8, rope_dim = 4, v_dim = 8},
      moe = {experts = 8, shared = 2, top_k = 2, expert_dim = 16}} : !r1.model<deepseek>
  // GQA (2 KV heads for 4), qkv biases, tied embeddings.
  // CHECK: r1.model @b
  // CHECK-SAME: r1.active_params = 59008 : i64
  // CHECK-SAME: r1.flops_per_token = 150784 : i64
  // CHECK-SAME: r1.kv_bytes_per_token_layer = 128 : i64
  // CHECK-SAME: r1.mha_kv_bytes_per_token_layer = 256 : i64
  // CHECK-SAME: r1.params = 59008 : i64
  %b = r1.model @b(%t) {dim = 48, layers = 2, heads = 4, kv_heads = 2, head_dim = 16, ffn = 96,
      max_seq = 128, qkv_bias = true, tie_embeddings = true} : !r1.model<dense>
  %d = r1.dataset @d task.arith {count = 100} : !r1.dataset<prompt>
  // 10 steps x 16 sequences x 64 tokens; 3 forward passes each.
  // CHECK: r1.pretrain @p
  // CHECK-SAME: r1.flops = 6072238080 : i64, r1.tokens = 10240 : i64
  %p = r1.pretrain @p(%a, %d) {steps = 10, batch = 16, seq_len = 64} : (!r1.model<deepseek>, !r1.dataset<prompt>) -> !r1.ckpt<deepseek>
  // 2 epochs x 100 examples x max_seq 128 of the student.
  // CHECK: r1.sft @s
  // CHECK-SAME: r1.tokens = 25600 : i64
  %s = r1.sft @s(%b, %d) {epochs = 2} : (!r1.model<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  // CHECK: r1.eval @e
  // CHECK-SAME: r1.tokens = 204800 : i64
  r1.eval @e(%p, %s) on %d {metrics = [{metric = "pass", at = 1, k = 4}], max_new = 256} : (!r1.ckpt<deepseek>, !r1.ckpt<dense>, !r1.dataset<prompt>) -> ()
}
