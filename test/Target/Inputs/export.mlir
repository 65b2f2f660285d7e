// Generated: r1c test/Target/Inputs/export.r1p --emit=mlir -o test/Target/Inputs/export.mlir
// (the compiled IR r1c-translate --r1-to-plan-json reads; regenerate it
// when the recipe or the dialect's printed form changes).
module {
  r1.pipeline @ex {
    %0 = r1.tokenizer bytes
    %m = r1.model @m(%0) {dim = 32 : i64, ffn = 64 : i64, head_dim = 16 : i64, heads = 2 : i64, kv_heads = 2 : i64, layers = 1 : i64, max_seq = 2048 : i64, norm_eps = 9.9999999999999995E-7 : f64, qkv_bias = false, rope_theta = 1.000000e+04 : f64, tie_embeddings = false} attributes {r1.active_params = 26912 : i64, r1.flops_per_token = 168320 : i64, r1.kv_bytes_per_token_layer = 128 : i64, r1.mha_kv_bytes_per_token_layer = 128 : i64, r1.params = 26912 : i64} : !r1.model<dense>
    %d = r1.dataset @d task.arith {count = 10 : i64, digits = [1, 3], split = "train", style = "plain"} : !r1.dataset<prompt>
    %lm = r1.pretrain @lm(%m, %d) {batch = 16 : i64, grad_clip = 1.000000e+00 : f64, lr = 1.000000e-03 : f64, save_every = 100 : i64, steps = 1 : i64, warmup = 0 : i64, weight_decay = 1.000000e-01 : f64} attributes {r1.flops = 16546529280 : i64, r1.key = "cc7443d886798dce357ef97984616b70", r1.tokens = 32768 : i64} : (!r1.model<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
    r1.export @out(%lm) {format = "native", path = "out/final"} attributes {r1.flops = 0 : i64, r1.key = "bd60177641761257599016fa880e84b8", r1.tokens = 0 : i64} : (!r1.ckpt<dense>) -> ()
  }
}
