// Generated: r1c test/Target/Inputs/loss-grad.r1p --emit=mlir -o test/Target/Inputs/loss-grad.mlir
// (the compiled IR r1c-translate --r1-to-plan-json reads; regenerate it
// when the recipe or the dialect's printed form changes).
module {
  r1.pipeline @grads {
    %grpo = r1.loss @grpo reduce seq_mean params ["logp", "old_logp", "ref_logp", "adv"] {
    ^bb0(%logp: f32, %old_logp: f32, %ref_logp: f32, %adv: f32):
      %cst = arith.constant -2.000000e+01 : f32
      %cst_0 = arith.constant 4.000000e-02 : f32
      %cst_1 = arith.constant 1.000000e+00 : f32
      %cst_2 = arith.constant 1.200000e+00 : f32
      %cst_3 = arith.constant 8.000000e-01 : f32
      %cst_4 = arith.constant 2.000000e+01 : f32
      %1 = arith.subf %logp, %old_logp : f32
      %2 = arith.maximumf %1, %cst : f32
      %3 = arith.minimumf %2, %cst_4 : f32
      %4 = math.exp %3 : f32
      %5 = arith.mulf %4, %adv : f32
      %6 = arith.maximumf %4, %cst_3 : f32
      %7 = arith.minimumf %6, %cst_2 : f32
      %8 = arith.mulf %7, %adv : f32
      %9 = arith.minimumf %5, %8 : f32
      %10 = arith.negf %9 : f32
      %11 = arith.subf %ref_logp, %logp : f32
      %12 = math.exp %11 : f32
      %13 = arith.subf %ref_logp, %logp : f32
      %14 = arith.subf %12, %13 : f32
      %15 = arith.subf %14, %cst_1 : f32
      %16 = arith.mulf %15, %cst_0 : f32
      %17 = arith.addf %10, %16 : f32
      r1.yield %17 : f32
    } grad ["logp"] {
    ^bb0(%logp: f32, %old_logp: f32, %ref_logp: f32, %adv: f32, %dloss: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %cst_0 = arith.constant 5.000000e-01 : f32
      %cst_1 = arith.constant -2.000000e+01 : f32
      %cst_2 = arith.constant 4.000000e-02 : f32
      %cst_3 = arith.constant 1.200000e+00 : f32
      %cst_4 = arith.constant 8.000000e-01 : f32
      %cst_5 = arith.constant 2.000000e+01 : f32
      %1 = arith.subf %logp, %old_logp : f32
      %2 = arith.maximumf %1, %cst_1 : f32
      %3 = arith.minimumf %2, %cst_5 : f32
      %4 = math.exp %3 : f32
      %5 = arith.mulf %4, %adv : f32
      %6 = arith.maximumf %4, %cst_4 : f32
      %7 = arith.minimumf %6, %cst_3 : f32
      %8 = arith.mulf %7, %adv : f32
      %9 = arith.subf %ref_logp, %logp : f32
      %10 = math.exp %9 : f32
      %11 = arith.mulf %dloss, %cst_2 : f32
      %12 = arith.mulf %11, %10 : f32
      %13 = arith.negf %12 : f32
      %14 = arith.addf %11, %13 : f32
      %15 = arith.negf %dloss : f32
      %16 = arith.mulf %15, %cst_0 : f32
      %17 = arith.cmpf oeq, %5, %8 : f32
      %18 = arith.select %17, %16, %15 : f32
      %19 = arith.cmpf ogt, %5, %8 : f32
      %20 = arith.select %19, %cst, %18 : f32
      %21 = arith.cmpf olt, %5, %8 : f32
      %22 = arith.select %21, %cst, %18 : f32
      %23 = arith.mulf %22, %adv : f32
      %24 = arith.cmpf oge, %4, %cst_4 : f32
      %25 = arith.cmpf ole, %4, %cst_3 : f32
      %26 = arith.andi %24, %25 : i1
      %27 = arith.select %26, %23, %cst : f32
      %28 = arith.mulf %20, %adv : f32
      %29 = arith.addf %27, %28 : f32
      %30 = arith.mulf %29, %4 : f32
      %31 = arith.cmpf oge, %1, %cst_1 : f32
      %32 = arith.cmpf ole, %1, %cst_5 : f32
      %33 = arith.andi %31, %32 : i1
      %34 = arith.select %33, %30, %cst : f32
      %35 = arith.addf %14, %34 : f32
      r1.yield %35 : f32
    }
    %gspo = r1.loss @gspo reduce seq_mean params ["seq_logratio", "adv"] {
    ^bb0(%seq_logratio: f32, %adv: f32):
      %cst = arith.constant 1.000400e+00 : f32
      %cst_0 = arith.constant 9.997000e-01 : f32
      %cst_1 = arith.constant 2.000000e+01 : f32
      %cst_2 = arith.constant -2.000000e+01 : f32
      %1 = arith.maximumf %seq_logratio, %cst_2 : f32
      %2 = arith.minimumf %1, %cst_1 : f32
      %3 = math.exp %2 : f32
      %4 = arith.mulf %3, %adv : f32
      %5 = arith.maximumf %3, %cst_0 : f32
      %6 = arith.minimumf %5, %cst : f32
      %7 = arith.mulf %6, %adv : f32
      %8 = arith.minimumf %4, %7 : f32
      %9 = arith.negf %8 : f32
      r1.yield %9 : f32
    } grad ["seq_logratio"] {
    ^bb0(%seq_logratio: f32, %adv: f32, %dloss: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %cst_0 = arith.constant 5.000000e-01 : f32
      %cst_1 = arith.constant 1.000400e+00 : f32
      %cst_2 = arith.constant 9.997000e-01 : f32
      %cst_3 = arith.constant 2.000000e+01 : f32
      %cst_4 = arith.constant -2.000000e+01 : f32
      %1 = arith.maximumf %seq_logratio, %cst_4 : f32
      %2 = arith.minimumf %1, %cst_3 : f32
      %3 = math.exp %2 : f32
      %4 = arith.mulf %3, %adv : f32
      %5 = arith.maximumf %3, %cst_2 : f32
      %6 = arith.minimumf %5, %cst_1 : f32
      %7 = arith.mulf %6, %adv : f32
      %8 = arith.negf %dloss : f32
      %9 = arith.mulf %8, %cst_0 : f32
      %10 = arith.cmpf oeq, %4, %7 : f32
      %11 = arith.select %10, %9, %8 : f32
      %12 = arith.cmpf ogt, %4, %7 : f32
      %13 = arith.select %12, %cst, %11 : f32
      %14 = arith.cmpf olt, %4, %7 : f32
      %15 = arith.select %14, %cst, %11 : f32
      %16 = arith.mulf %15, %adv : f32
      %17 = arith.cmpf oge, %3, %cst_2 : f32
      %18 = arith.cmpf ole, %3, %cst_1 : f32
      %19 = arith.andi %17, %18 : i1
      %20 = arith.select %19, %16, %cst : f32
      %21 = arith.mulf %13, %adv : f32
      %22 = arith.addf %20, %21 : f32
      %23 = arith.mulf %22, %3 : f32
      %24 = arith.cmpf oge, %seq_logratio, %cst_4 : f32
      %25 = arith.cmpf ole, %seq_logratio, %cst_3 : f32
      %26 = arith.andi %24, %25 : i1
      %27 = arith.select %26, %23, %cst : f32
      r1.yield %27 : f32
    }
    %0 = r1.tokenizer chars "0123456789+-*=() \0A<>/thinkaswer"
    %m = r1.model @m(%0) {dim = 16 : i64, ffn = 32 : i64, head_dim = 8 : i64, heads = 2 : i64, kv_heads = 2 : i64, layers = 1 : i64, max_seq = 2048 : i64, norm_eps = 9.9999999999999995E-7 : f64, qkv_bias = false, rope_theta = 1.000000e+04 : f64, tie_embeddings = false} attributes {r1.active_params = 3696 : i64, r1.flops_per_token = 71840 : i64, r1.kv_bytes_per_token_layer = 64 : i64, r1.mha_kv_bytes_per_token_layer = 64 : i64, r1.params = 3696 : i64} : !r1.model<dense>
    %d = r1.dataset @d task.arith {count = 8 : i64, digits = [1, 3], split = "train", style = "plain"} : !r1.dataset<prompt>
    %acc = r1.reward @acc answer_match {tag = "answer"}
    %scaled = r1.loss @scaled reduce token_mean params ["logp", "adv"] {
    ^bb0(%logp: f32, %adv: f32):
      %1 = math.exp %logp : f32
      %2 = arith.mulf %1, %adv : f32
      r1.yield %2 : f32
    } grad ["logp"] {
    ^bb0(%logp: f32, %adv: f32, %dloss: f32):
      %1 = math.exp %logp : f32
      %2 = arith.mulf %dloss, %adv : f32
      %3 = arith.mulf %2, %1 : f32
      r1.yield %3 : f32
    }
    %clipped = r1.loss @clipped reduce token_mean params ["logp"] {
    ^bb0(%logp: f32):
      %cst = arith.constant 5.000000e-01 : f32
      %cst_0 = arith.constant -5.000000e-01 : f32
      %1 = arith.maximumf %logp, %cst_0 : f32
      %2 = arith.minimumf %1, %cst : f32
      r1.yield %2 : f32
    } grad ["logp"] {
    ^bb0(%logp: f32, %dloss: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %cst_0 = arith.constant 5.000000e-01 : f32
      %cst_1 = arith.constant -5.000000e-01 : f32
      %1 = arith.cmpf oge, %logp, %cst_1 : f32
      %2 = arith.cmpf ole, %logp, %cst_0 : f32
      %3 = arith.andi %1, %2 : i1
      %4 = arith.select %3, %dloss, %cst : f32
      r1.yield %4 : f32
    }
    %split = r1.loss @split reduce token_mean params ["logp", "adv"] {
    ^bb0(%logp: f32, %adv: f32):
      %1 = arith.minimumf %logp, %adv : f32
      %2 = math.absf %1 : f32
      r1.yield %2 : f32
    } grad ["logp"] {
    ^bb0(%logp: f32, %adv: f32, %dloss: f32):
      %cst = arith.constant 5.000000e-01 : f32
      %cst_0 = arith.constant 0.000000e+00 : f32
      %1 = arith.minimumf %logp, %adv : f32
      %2 = arith.cmpf ogt, %1, %cst_0 : f32
      %3 = arith.uitofp %2 : i1 to f32
      %4 = arith.cmpf olt, %1, %cst_0 : f32
      %5 = arith.uitofp %4 : i1 to f32
      %6 = arith.subf %3, %5 : f32
      %7 = arith.mulf %dloss, %6 : f32
      %8 = arith.mulf %7, %cst : f32
      %9 = arith.cmpf oeq, %logp, %adv : f32
      %10 = arith.select %9, %8, %7 : f32
      %11 = arith.cmpf ogt, %logp, %adv : f32
      %12 = arith.select %11, %cst_0, %10 : f32
      r1.yield %12 : f32
    }
    %lm = r1.pretrain @lm(%m, %d) {batch = 16 : i64, grad_clip = 1.000000e+00 : f64, lr = 1.000000e-03 : f64, save_every = 100 : i64, steps = 1 : i64, warmup = 0 : i64, weight_decay = 1.000000e-01 : f64} attributes {r1.flops = 7062159360 : i64, r1.key = "a376ebf5e16a21f846f6f1f065a22eda", r1.tokens = 32768 : i64} : (!r1.model<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
    %a = r1.grpo @a(%lm, %d, %acc, %scaled) {batch = 8 : i64, curriculum = "none", dynamic_sampling = false, grad_clip = 1.000000e+00 : f64, group = 8 : i64, kl_reward = 0.000000e+00 : f64, lr = 1.000000e-05 : f64, max_new = 128 : i64, ref_reset = 0 : i64, save_every = 50 : i64, scale = "std", steps = 1 : i64, temperature = 1.000000e+00 : f64, top_p = 1.000000e+00 : f64, updates = 1 : i64, warmup = 0 : i64, weight_decay = 0.000000e+00 : f64} attributes {r1.flops = 3531079680 : i64, r1.key = "3862d88499ddea247faefd5efc24b6c5", r1.tokens = 8192 : i64} : (!r1.ckpt<dense>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<dense>
    %b = r1.grpo @b(%lm, %d, %acc, %clipped) {batch = 8 : i64, curriculum = "none", dynamic_sampling = false, grad_clip = 1.000000e+00 : f64, group = 8 : i64, kl_reward = 0.000000e+00 : f64, lr = 1.000000e-05 : f64, max_new = 128 : i64, ref_reset = 0 : i64, save_every = 50 : i64, scale = "std", steps = 1 : i64, temperature = 1.000000e+00 : f64, top_p = 1.000000e+00 : f64, updates = 1 : i64, warmup = 0 : i64, weight_decay = 0.000000e+00 : f64} attributes {r1.flops = 3531079680 : i64, r1.key = "af3e1c76cee17e7ea6e2ab03b72d68c8", r1.tokens = 8192 : i64} : (!r1.ckpt<dense>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<dense>
    %c = r1.grpo @c(%lm, %d, %acc, %split) {batch = 8 : i64, curriculum = "none", dynamic_sampling = false, grad_clip = 1.000000e+00 : f64, group = 8 : i64, kl_reward = 0.000000e+00 : f64, lr = 1.000000e-05 : f64, max_new = 128 : i64, ref_reset = 0 : i64, save_every = 50 : i64, scale = "std", steps = 1 : i64, temperature = 1.000000e+00 : f64, top_p = 1.000000e+00 : f64, updates = 1 : i64, warmup = 0 : i64, weight_decay = 0.000000e+00 : f64} attributes {r1.flops = 3531079680 : i64, r1.key = "d89f0e26163268f5712497f863ca87fe", r1.tokens = 8192 : i64} : (!r1.ckpt<dense>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<dense>
    %e = r1.grpo @e(%lm, %d, %acc, %grpo) {batch = 8 : i64, curriculum = "none", dynamic_sampling = false, grad_clip = 1.000000e+00 : f64, group = 8 : i64, kl_reward = 0.000000e+00 : f64, lr = 1.000000e-05 : f64, max_new = 128 : i64, ref_reset = 0 : i64, save_every = 50 : i64, scale = "std", steps = 1 : i64, temperature = 1.000000e+00 : f64, top_p = 1.000000e+00 : f64, updates = 1 : i64, warmup = 0 : i64, weight_decay = 0.000000e+00 : f64} attributes {r1.flops = 3531079680 : i64, r1.key = "9a3a8ce7cf6849a49b045eb71c67ce20", r1.tokens = 8192 : i64} : (!r1.ckpt<dense>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<dense>
    %f = r1.grpo @f(%lm, %d, %acc, %gspo) {batch = 8 : i64, curriculum = "none", dynamic_sampling = false, grad_clip = 1.000000e+00 : f64, group = 8 : i64, kl_reward = 0.000000e+00 : f64, lr = 1.000000e-05 : f64, max_new = 128 : i64, ref_reset = 0 : i64, save_every = 50 : i64, scale = "std", steps = 1 : i64, temperature = 1.000000e+00 : f64, top_p = 1.000000e+00 : f64, updates = 1 : i64, warmup = 0 : i64, weight_decay = 0.000000e+00 : f64} attributes {r1.flops = 3531079680 : i64, r1.key = "d8fefaa2fe6c7dff7318b17480a0c839", r1.tokens = 8192 : i64} : (!r1.ckpt<dense>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<dense>
    r1.eval @eval(%a, %b, %c, %e, %f) on %d {max_new = 256 : i64, metrics = [{at = 1 : i64, k = 1 : i64, metric = "pass"}], temperature = 6.000000e-01 : f64, top_p = 0.94999999999999996 : f64} attributes {r1.flops = 735641600 : i64, r1.key = "f4a12ab993b6ff9c2aac81027939b792", r1.tokens = 10240 : i64} : (!r1.ckpt<dense>, !r1.ckpt<dense>, !r1.ckpt<dense>, !r1.ckpt<dense>, !r1.ckpt<dense>, !r1.dataset<prompt>) -> ()
  }
}
