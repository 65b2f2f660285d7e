// RUN: r1c-translate --r1-to-plan-json --r1-source-dir=%r1c_src/test/Pipelines/Inputs %S/Inputs/r1_tiny_sketch.mlir -o %t.json
// RUN: %python %S/Inputs/flatten_json.py %t.json | FileCheck %s
// Golden check of the key fields of plan.json for the demo recipe
// (test/Pipelines/Inputs/r1_tiny_sketch.r1p, compiled to
// Inputs/r1_tiny_sketch.mlir). Lines are `path = value`, sorted by path (see
// Inputs/flatten_json.py). test/Pipelines/plan-bundle.test checks the bundle
// r1c compile writes around it.

// Datasets carry every argument, defaults resolved.
// CHECK: datasets.chat.args.path = "data/general.jsonl"
// CHECK: datasets.chat.kind = "pairs"
// CHECK: datasets.coldstart.args.digits = [1, 3]
// CHECK: datasets.coldstart.args.style = "cot"
// CHECK: datasets.coldstart.kind = "prompt"
// CHECK: datasets.problems.args.count = 20000
// CHECK: datasets.problems.args.numbers = [3, 4]
// CHECK: datasets.problems.args.split = "train"
// CHECK: datasets.problems.source = "task.countdown"

// The user's grpo loss as an expression tree: -min(r*A, clamp(r,.8,1.28)*A)
// + 0.001 * k3. clamp is its own node (torch.clamp), not min(max(...)).
// CHECK: losses.grpo.body.args[0].args[0].args[0].args[0].args[0].args[0].name = "logp"
// CHECK: losses.grpo.body.args[0].args[0].args[0].args[0].args[0].args[1].name = "old_logp"
// CHECK: losses.grpo.body.args[0].args[0].args[0].args[0].args[0].op = "sub"
// CHECK: losses.grpo.body.args[0].args[0].args[0].args[0].op = "exp"
// CHECK: losses.grpo.body.args[0].args[0].args[0].args[1].name = "adv"
// CHECK: losses.grpo.body.args[0].args[0].args[0].op = "mul"
// CHECK: losses.grpo.body.args[0].args[0].args[1].args[0].args[0].op = "exp"
// CHECK: losses.grpo.body.args[0].args[0].args[1].args[0].args[1].value = 0.8
// CHECK: losses.grpo.body.args[0].args[0].args[1].args[0].args[2].value = 1.28
// CHECK: losses.grpo.body.args[0].args[0].args[1].args[0].op = "clamp"
// CHECK: losses.grpo.body.args[0].args[0].op = "min"
// CHECK: losses.grpo.body.args[0].op = "neg"
// CHECK: losses.grpo.body.args[1].args[0].args[0].args[0].op = "exp"
// CHECK: losses.grpo.body.args[1].args[0].args[1].value = 1
// CHECK: losses.grpo.body.args[1].args[1].value = 0.001
// CHECK: losses.grpo.body.args[1].op = "mul"
// CHECK: losses.grpo.body.op = "add"
// The backward of r1-differentiate-loss sits next to it (plan-loss-grad.mlir
// checks its trees).
// CHECK: losses.grpo.grad.logp.op = "add"
// CHECK: losses.grpo.params = ["logp", "old_logp", "ref_logp", "adv"]
// CHECK: losses.grpo.reduce.kind = "token_mean"

// Exact parameter counts (closed form; the runtime reports the same).
// CHECK: model_costs.base.active_params = 927104
// CHECK: model_costs.base.kv_bytes_per_token_layer = 160
// CHECK: model_costs.base.mha_kv_bytes_per_token_layer = 640
// CHECK: model_costs.base.params = 1811840
// CHECK: model_costs.student.params = 342432

// Models follow the shared schema, vocab from chars(): 3 + 49 code points.
// CHECK: models.base.arch = "deepseek"
// CHECK: models.base.ffn = 512
// CHECK: models.base.mla.kv_rank = 64
// CHECK: models.base.mla.q_rank = 0
// CHECK: models.base.moe.balance = "bias"
// CHECK: models.base.moe.bias_rate = 0.001
// CHECK: models.base.moe.score = "sigmoid"
// CHECK: models.base.moe.top_k = 2
// CHECK: models.base.vocab_size = 52
// CHECK: models.base.yarn = null
// CHECK: models.student.arch = "dense"
// CHECK: models.student.head_dim = 24
// CHECK: models.student.kv_heads = 4
// CHECK: models.student.max_seq = 2048
// CHECK: models.student.vocab_size = 52
// CHECK: pipeline = "r1_tiny"
// CHECK: rewards.accuracy.args.tag = "answer"
// CHECK: rewards.accuracy.kind = "answer_match"
// CHECK: rewards.format.kind = "think_format"
// CHECK: schema_version = 1
// CHECK: seed = 17
// CHECK: source_dir = "{{.*}}Inputs"

// Stages in topological order with resolved configs and inputs.
// CHECK: stages[0].config.lr = 0.003
// CHECK: stages[0].config.seq_len = 256
// CHECK: stages[0].config.steps = 3000
// CHECK: stages[0].inputs.data.dataset = "corpus"
// CHECK: stages[0].inputs.init.model = "base"
// CHECK: stages[0].key = "{{[0-9a-f]+}}"
// CHECK: stages[0].kind = "pretrain"
// CHECK: stages[0].name = "base_lm"
// CHECK: stages[1].config.epochs = 2
// CHECK: stages[1].inputs.init.stage = "base_lm"
// CHECK: stages[1].name = "cold"
// CHECK: stages[2].config.group = 8
// CHECK: stages[2].inputs.init.stage = "cold"
// CHECK: stages[2].kind = "grpo"
// CHECK: stages[2].loss = "grpo"
// CHECK: stages[2].reward.expr.args[0].name = "accuracy"
// CHECK: stages[2].reward.expr.args[1].args[0].name = "format"
// CHECK: stages[2].reward.expr.args[1].args[1].value = 0.1
// CHECK: stages[2].reward.expr.op = "add"
// CHECK: stages[2].reward.predicate = false
// CHECK: stages[2].reward.terms = ["accuracy", "format"]
// CHECK: stages[3].config.samples = 4
// CHECK: stages[3].keep.expr.args[0].args[0].name = "accuracy"
// CHECK: stages[3].keep.expr.args[0].op = "eq"
// CHECK: stages[3].keep.expr.op = "and"
// CHECK: stages[3].keep.predicate = true
// CHECK: stages[3].kind = "reject_sample"
// CHECK: stages[3].output.kind = "pairs"
// CHECK: stages[4].config.ratio = [3, 1]
// CHECK: stages[4].inputs.inputs[0].stage = "traces"
// CHECK: stages[4].inputs.inputs[1].dataset = "chat"
// CHECK: stages[4].kind = "mix"
// CHECK: stages[5].inputs.data.stage = "mixed_data"
// CHECK: stages[5].inputs.init.stage = "base_lm"
// CHECK: stages[5].name = "mixed"
// CHECK: stages[6].name = "final"
// CHECK: stages[7].inputs.data.stage = "traces"
// CHECK: stages[7].inputs.student.model = "student"
// CHECK: stages[7].kind = "distill"
// CHECK: stages[8].config.metrics[0].at = 1
// CHECK: stages[8].config.metrics[0].k = 4
// CHECK: stages[8].config.metrics[0].metric = "pass"
// CHECK: stages[8].config.metrics[1].at = 8
// CHECK: stages[8].config.metrics[1].metric = "cons"
// CHECK: stages[8].config.temperature = 0.6
// CHECK: stages[8].config.top_p = 0.95
// CHECK: stages[8].inputs.models[0].stage = "cold"
// CHECK: stages[8].inputs.models[1].stage = "reason"
// CHECK: stages[8].inputs.models[2].stage = "final"
// CHECK: stages[8].inputs.models[3].stage = "small"
// CHECK: stages[8].kind = "eval"
// CHECK: tokenizer.alphabet = "0123456789+-*/=() <>abcdefghijklmnopqrstuvwxyz:?\n"
// CHECK: tokenizer.kind = "chars"
// CHECK: tokenizer.vocab_size = 52
