// Generated: r1c test/Pipelines/Inputs/r1_tiny_sketch.r1p --emit=mlir -o test/Target/Inputs/r1_tiny_sketch.mlir
// (the compiled IR r1c-translate --r1-to-plan-json reads; regenerate it
// when the recipe or the dialect's printed form changes).
module {
  r1.pipeline @r1_tiny seed = 17 {
    %0 = r1.tokenizer chars "0123456789+-*/=() <>abcdefghijklmnopqrstuvwxyz:?\0A"
    %base = r1.model @base(%0) {dense_layers = 1 : i64, dim = 128 : i64, ffn = 512 : i64, heads = 4 : i64, layers = 4 : i64, max_seq = 256 : i64, mla = {kv_rank = 64 : i64, nope_dim = 32 : i64, q_rank = 0 : i64, rope_dim = 16 : i64, v_dim = 32 : i64}, moe = {aux_weight = 0.000000e+00 : f64, balance = "bias", bias_rate = 1.000000e-03 : f64, expert_dim = 128 : i64, experts = 8 : i64, groups = 1 : i64, route_scale = 1.000000e+00 : f64, score = "sigmoid", shared = 1 : i64, top_k = 2 : i64, topk_groups = 1 : i64}, norm_eps = 9.9999999999999995E-7 : f64, rope_theta = 1.000000e+04 : f64, tie_embeddings = false} attributes {r1.active_params = 927104 : i64, r1.flops_per_token = 2168576 : i64, r1.kv_bytes_per_token_layer = 160 : i64, r1.mha_kv_bytes_per_token_layer = 640 : i64, r1.params = 1811840 : i64} : !r1.model<deepseek>
    %student = r1.model @student(%0) {dim = 96 : i64, ffn = 256 : i64, head_dim = 24 : i64, heads = 4 : i64, kv_heads = 4 : i64, layers = 3 : i64, max_seq = 2048 : i64, norm_eps = 9.9999999999999995E-7 : f64, qkv_bias = false, rope_theta = 1.000000e+04 : f64, tie_embeddings = false} attributes {r1.active_params = 342432 : i64, r1.flops_per_token = 1854528 : i64, r1.kv_bytes_per_token_layer = 384 : i64, r1.mha_kv_bytes_per_token_layer = 384 : i64, r1.params = 342432 : i64} : !r1.model<dense>
    %corpus = r1.dataset @corpus task.arith {count = 50000 : i64, digits = [1, 3], split = "train", style = "plain"} : !r1.dataset<prompt>
    %coldstart = r1.dataset @coldstart task.arith {count = 2000 : i64, digits = [1, 3], split = "train", style = "cot"} : !r1.dataset<prompt>
    %problems = r1.dataset @problems task.countdown {count = 20000 : i64, max_number = 25 : i64, numbers = [3, 4], split = "train"} : !r1.dataset<prompt>
    %heldout = r1.dataset @heldout task.countdown {count = 500 : i64, max_number = 25 : i64, numbers = [3, 4], split = "test"} : !r1.dataset<prompt>
    %chat = r1.dataset @chat jsonl {path = "data/general.jsonl", prompt = "q", response = "a"} : !r1.dataset<pairs>
    %accuracy = r1.reward @accuracy answer_match {tag = "answer"}
    %format = r1.reward @format think_format {strict = false}
    %grpo = r1.loss @grpo reduce token_mean params ["logp", "old_logp", "ref_logp", "adv"] {
    ^bb0(%logp: f32, %old_logp: f32, %ref_logp: f32, %adv: f32):
      %cst = arith.constant 1.000000e+00 : f32
      %cst_0 = arith.constant 1.000000e-03 : f32
      %cst_1 = arith.constant 1.280000e+00 : f32
      %cst_2 = arith.constant 8.000000e-01 : f32
      %4 = arith.subf %logp, %old_logp : f32
      %5 = math.exp %4 : f32
      %6 = arith.mulf %5, %adv : f32
      %7 = arith.maximumf %5, %cst_2 : f32
      %8 = arith.minimumf %7, %cst_1 : f32
      %9 = arith.mulf %8, %adv : f32
      %10 = arith.minimumf %6, %9 : f32
      %11 = arith.negf %10 : f32
      %12 = arith.subf %ref_logp, %logp : f32
      %13 = math.exp %12 : f32
      %14 = arith.subf %ref_logp, %logp : f32
      %15 = arith.subf %13, %14 : f32
      %16 = arith.subf %15, %cst : f32
      %17 = arith.mulf %16, %cst_0 : f32
      %18 = arith.addf %11, %17 : f32
      r1.yield %18 : f32
    } grad ["logp"] {
    ^bb0(%logp: f32, %old_logp: f32, %ref_logp: f32, %adv: f32, %dloss: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %cst_0 = arith.constant 5.000000e-01 : f32
      %cst_1 = arith.constant 1.000000e-03 : f32
      %cst_2 = arith.constant 1.280000e+00 : f32
      %cst_3 = arith.constant 8.000000e-01 : f32
      %4 = arith.subf %logp, %old_logp : f32
      %5 = math.exp %4 : f32
      %6 = arith.mulf %5, %adv : f32
      %7 = arith.maximumf %5, %cst_3 : f32
      %8 = arith.minimumf %7, %cst_2 : f32
      %9 = arith.mulf %8, %adv : f32
      %10 = arith.subf %ref_logp, %logp : f32
      %11 = math.exp %10 : f32
      %12 = arith.mulf %dloss, %cst_1 : f32
      %13 = arith.mulf %12, %11 : f32
      %14 = arith.negf %13 : f32
      %15 = arith.addf %12, %14 : f32
      %16 = arith.negf %dloss : f32
      %17 = arith.mulf %16, %cst_0 : f32
      %18 = arith.cmpf oeq, %6, %9 : f32
      %19 = arith.select %18, %17, %16 : f32
      %20 = arith.cmpf ogt, %6, %9 : f32
      %21 = arith.select %20, %cst, %19 : f32
      %22 = arith.cmpf olt, %6, %9 : f32
      %23 = arith.select %22, %cst, %19 : f32
      %24 = arith.mulf %23, %adv : f32
      %25 = arith.cmpf oge, %5, %cst_3 : f32
      %26 = arith.cmpf ole, %5, %cst_2 : f32
      %27 = arith.andi %25, %26 : i1
      %28 = arith.select %27, %24, %cst : f32
      %29 = arith.mulf %21, %adv : f32
      %30 = arith.addf %28, %29 : f32
      %31 = arith.mulf %30, %5 : f32
      %32 = arith.addf %15, %31 : f32
      r1.yield %32 : f32
    }
    %base_lm = r1.pretrain @base_lm(%base, %corpus) {batch = 16 : i64, grad_clip = 1.000000e+00 : f64, lr = 3.000000e-03 : f64, save_every = 100 : i64, steps = 3000 : i64, warmup = 0 : i64, weight_decay = 1.000000e-01 : f64} attributes {r1.flops = 79942385664000 : i64, r1.key = "a8a68825ae7f6ad71009dd4c5da58350", r1.tokens = 12288000 : i64} : (!r1.model<deepseek>, !r1.dataset<prompt>) -> !r1.ckpt<deepseek>
    %cold = r1.sft @cold(%base_lm, %coldstart) {batch = 16 : i64, epochs = 2 : i64, grad_clip = 1.000000e+00 : f64, lr = 3.000000e-04 : f64, save_every = 100 : i64, warmup = 0 : i64, weight_decay = 0.000000e+00 : f64} attributes {r1.flops = 6661865472000 : i64, r1.key = "82f7be092c94222c3f5c2232c866df75", r1.tokens = 1024000 : i64} : (!r1.ckpt<deepseek>, !r1.dataset<prompt>) -> !r1.ckpt<deepseek>
    %1 = r1.reward.expr(%accuracy, %format) {
    ^bb0(%accuracy_0: f32, %format_1: f32):
      %cst = arith.constant 1.000000e-01 : f32
      %4 = arith.mulf %format_1, %cst : f32
      %5 = arith.addf %accuracy_0, %4 : f32
      r1.yield %5 : f32
    }
    %reason = r1.grpo @reason(%cold, %problems, %1, %grpo) {batch = 8 : i64, curriculum = "none", dynamic_sampling = false, grad_clip = 1.000000e+00 : f64, group = 8 : i64, kl_reward = 0.000000e+00 : f64, lr = 1.000000e-05 : f64, max_new = 128 : i64, ref_reset = 0 : i64, save_every = 50 : i64, scale = "std", steps = 200 : i64, temperature = 1.000000e+00 : f64, top_p = 1.000000e+00 : f64, updates = 1 : i64, warmup = 0 : i64, weight_decay = 0.000000e+00 : f64} attributes {r1.flops = 21317969510400 : i64, r1.key = "e1dfed4cc54f1ebf4ddd8ca68e8d6100", r1.tokens = 1638400 : i64} : (!r1.ckpt<deepseek>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<deepseek>
    %2 = r1.reward.expr(%accuracy, %format) {
    ^bb0(%accuracy_0: f32, %format_1: f32):
      %cst = arith.constant 1.000000e+00 : f32
      %4 = arith.cmpf oeq, %accuracy_0, %cst : f32
      %5 = arith.cmpf oeq, %format_1, %cst : f32
      %6 = arith.andi %4, %5 : i1
      r1.yield %6 : i1
    }
    %traces = r1.reject_sample @traces(%reason, %problems, %2) {max_new = 128 : i64, per_prompt = 1 : i64, samples = 4 : i64, temperature = 6.000000e-01 : f64, top_p = 0.94999999999999996 : f64} attributes {r1.flops = 22206218240000 : i64, r1.key = "34d1d21f34cca0087e18449cf354e8d5", r1.tokens = 10240000 : i64} : (!r1.ckpt<deepseek>, !r1.dataset<prompt>, !r1.reward) -> !r1.dataset<pairs>
    %mixed_data = r1.mix @mixed_data(%traces, %chat) {ratio = [3, 1]} attributes {r1.flops = 0 : i64, r1.key = "8ada0211f2f8e65862fd2dca94c912b9", r1.tokens = 0 : i64} : (!r1.dataset<pairs>, !r1.dataset<pairs>) -> !r1.dataset<pairs>
    %mixed = r1.sft @mixed(%base_lm, %mixed_data) {batch = 16 : i64, epochs = 2 : i64, grad_clip = 1.000000e+00 : f64, lr = 3.000000e-04 : f64, save_every = 100 : i64, warmup = 0 : i64, weight_decay = 0.000000e+00 : f64} attributes {r1.flops = 0 : i64, r1.key = "ff6fcab4413ba8816067364df9754c67", r1.tokens = 0 : i64} : (!r1.ckpt<deepseek>, !r1.dataset<pairs>) -> !r1.ckpt<deepseek>
    %3 = r1.reward.expr(%accuracy, %format) {
    ^bb0(%accuracy_0: f32, %format_1: f32):
      %cst = arith.constant 1.000000e-01 : f32
      %4 = arith.mulf %format_1, %cst : f32
      %5 = arith.addf %accuracy_0, %4 : f32
      r1.yield %5 : f32
    }
    %final = r1.grpo @final(%mixed, %problems, %3, %grpo) {batch = 8 : i64, curriculum = "none", dynamic_sampling = false, grad_clip = 1.000000e+00 : f64, group = 8 : i64, kl_reward = 0.000000e+00 : f64, lr = 1.000000e-05 : f64, max_new = 128 : i64, ref_reset = 0 : i64, save_every = 50 : i64, scale = "std", steps = 200 : i64, temperature = 1.000000e+00 : f64, top_p = 1.000000e+00 : f64, updates = 1 : i64, warmup = 0 : i64, weight_decay = 0.000000e+00 : f64} attributes {r1.flops = 21317969510400 : i64, r1.key = "430faf80875a4ba9c1e5722961a053bb", r1.tokens = 1638400 : i64} : (!r1.ckpt<deepseek>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<deepseek>
    %small = r1.distill @small(%student, %traces) {batch = 16 : i64, epochs = 3 : i64, grad_clip = 1.000000e+00 : f64, kd_temperature = 1.000000e+00 : f64, kd_weight = 0.000000e+00 : f64, lr = 3.000000e-04 : f64, save_every = 100 : i64, warmup = 0 : i64, weight_decay = 0.000000e+00 : f64} attributes {r1.flops = 683653201920000 : i64, r1.key = "94bda398e77aafd15baa7b42a97be7a8", r1.tokens = 122880000 : i64} : (!r1.model<dense>, !r1.dataset<pairs>) -> !r1.ckpt<dense>
    r1.eval @eval(%cold, %reason, %final, %small) on %heldout {max_new = 256 : i64, metrics = [{at = 1 : i64, k = 4 : i64, metric = "pass"}, {at = 8 : i64, k = 8 : i64, metric = "cons"}], temperature = 6.000000e-01 : f64, top_p = 0.94999999999999996 : f64} attributes {r1.flops = 8560902144000 : i64, r1.key = "6806ee6bef7a2d9a44bde46e2db96217", r1.tokens = 4096000 : i64} : (!r1.ckpt<deepseek>, !r1.ckpt<deepseek>, !r1.ckpt<deepseek>, !r1.ckpt<dense>, !r1.dataset<prompt>) -> ()
  }
}
