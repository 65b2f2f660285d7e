//===- Signatures.cpp - The table of .r1p call and block signatures -------===//
//
// Keep docs/language.md ("Stage signatures", "Datasets", "Rewards", "Models")
// in step with this file.
//
//===----------------------------------------------------------------------===//

#include "Frontend/Signatures.h"

using namespace r1;
using ast::Expr;
using ast::StageKind;

namespace {
using P = ParamSignature;
using T = ParamType;
using C = Constraint;

// Shorthands: positional required / required / optional with default.
constexpr P pos(const char *n, T t, unsigned caps, const char *doc) {
  return {n, t, true, true, false, nullptr, nullptr, C::None, caps, doc};
}
constexpr P req(const char *n, T t, C c, const char *doc) {
  return {n, t, true, false, false, nullptr, nullptr, c, 0, doc};
}
constexpr P opt(const char *n, T t, const char *def, C c, const char *doc) {
  return {n, t, false, false, false, def, nullptr, c, 0, doc};
}
constexpr P sym(const char *n, const char *def, const char *choices,
                const char *doc) {
  return {n, T::Symbol, false, false, false, def, choices, C::None, 0, doc};
}

constexpr unsigned kText = ast::CapText, kPairs = ast::CapPairs,
                   kVerif = ast::CapVerifiable;

//===--- Stages -----------------------------------------------------------===//

const P pretrainParams[] = {
    pos("model", T::ModelOrCkpt, 0,
        "model to train from scratch, or a "
        "checkpoint to continue"),
    pos("data", T::Dataset, kText, "text corpus"),
    opt("steps", T::Int, "1000", C::Positive, "optimizer steps"),
    opt("batch", T::Int, "16", C::Positive, "sequences per step"),
    opt("seq_len", T::Int, nullptr, C::Positive,
        "tokens per sequence (default: the model's max_seq)"),
    opt("lr", T::Float, "1e-3", C::Positive, "peak AdamW learning rate"),
    opt("warmup", T::Int, "0", C::NonNegative, "linear warm-up steps"),
    opt("weight_decay", T::Float, "0.1", C::NonNegative, "AdamW decay"),
    opt("grad_clip", T::Float, "1.0", C::NonNegative,
        "global grad-norm clip (0 = off)"),
    opt("save_every", T::Int, "100", C::NonNegative,
        "checkpoint interval in steps (0 = only at the end)"),
};

const P sftParams[] = {
    pos("init", T::Checkpoint, 0, "checkpoint to fine-tune"),
    pos("data", T::Dataset, kPairs, "prompt/response pairs"),
    opt("epochs", T::Int, "1", C::Positive, "passes over the data"),
    opt("steps", T::Int, nullptr, C::Positive,
        "optimizer steps (overrides epochs)"),
    opt("batch", T::Int, "16", C::Positive, "pairs per step"),
    opt("lr", T::Float, "3e-4", C::Positive, "peak AdamW learning rate"),
    opt("warmup", T::Int, "0", C::NonNegative, "linear warm-up steps"),
    opt("weight_decay", T::Float, "0.0", C::NonNegative, "AdamW decay"),
    opt("grad_clip", T::Float, "1.0", C::NonNegative, "grad-norm clip"),
    opt("save_every", T::Int, "100", C::NonNegative, "checkpoint interval"),
};

const P grpoParams[] = {
    pos("policy", T::Checkpoint, 0, "initial policy (and reference)"),
    pos("prompts", T::Dataset, kVerif, "prompts with verifiable answers"),
    req("rewards", T::Reward, C::None, "reward or weighted sum of rewards"),
    opt("loss", T::Loss, "grpo", C::None, "per-token loss"),
    opt("group", T::Int, "8", C::Positive, "samples per prompt (G >= 2)"),
    opt("steps", T::Int, "100", C::Positive, "rollout/update iterations"),
    opt("batch", T::Int, "8", C::Positive, "prompts per step"),
    opt("lr", T::Float, "1e-5", C::Positive, "AdamW learning rate"),
    opt("temperature", T::Float, "1.0", C::Positive, "sampling temperature"),
    opt("top_p", T::Float, "1.0", C::UnitOpen, "nucleus sampling mass"),
    opt("max_new", T::Int, "128", C::Positive, "max response tokens"),
    opt("updates", T::Int, "1", C::Positive,
        "policy updates per rollout batch"),
    opt("minibatch", T::Int, nullptr, C::Positive,
        "sequences per update (default: the whole rollout)"),
    sym("scale", "std", "std|none",
        "advantage scaling: (r-mean)/std, or r-mean (Dr. GRPO)"),
    opt("dynamic_sampling", T::Bool, "false", C::None,
        "drop groups whose rewards all agree"),
    opt("ref_reset", T::Int, "0", C::NonNegative,
        "reset the reference to the policy every N steps (0 = never)"),
    opt("kl_reward", T::Float, "0.0", C::NonNegative,
        "KL coefficient subtracted from the reward"),
    sym("curriculum", "none", "none|difficulty", "prompt ordering"),
    opt("warmup", T::Int, "0", C::NonNegative, "linear warm-up steps"),
    opt("weight_decay", T::Float, "0.0", C::NonNegative, "AdamW decay"),
    opt("grad_clip", T::Float, "1.0", C::NonNegative, "grad-norm clip"),
    opt("save_every", T::Int, "50", C::NonNegative, "checkpoint interval"),
};

const P rejectParams[] = {
    pos("policy", T::Checkpoint, 0, "model that samples"),
    pos("prompts", T::Dataset, kVerif, "prompts with verifiable answers"),
    req("keep", T::Predicate, C::None, "which samples to keep"),
    opt("samples", T::Int, "4", C::Positive, "samples per prompt"),
    opt("per_prompt", T::Int, "1", C::Positive, "max kept per prompt"),
    opt("temperature", T::Float, "0.6", C::Positive, "sampling temperature"),
    opt("top_p", T::Float, "0.95", C::UnitOpen, "nucleus sampling mass"),
    opt("max_new", T::Int, "128", C::Positive, "max response tokens"),
};

const P distillParams[] = {
    pos("student", T::ModelOrCkpt, 0, "student model or checkpoint"),
    pos("data", T::Dataset, kPairs, "teacher samples (pairs)"),
    opt("teacher", T::Checkpoint, nullptr, C::None,
        "teacher for logit KD (needs kd_weight > 0)"),
    opt("kd_weight", T::Float, "0.0", C::NonNegative,
        "weight of the logit KL term"),
    opt("kd_temperature", T::Float, "1.0", C::Positive, "KD softmax temp."),
    opt("epochs", T::Int, "1", C::Positive, "passes over the data"),
    opt("steps", T::Int, nullptr, C::Positive, "steps (overrides epochs)"),
    opt("batch", T::Int, "16", C::Positive, "pairs per step"),
    opt("lr", T::Float, "3e-4", C::Positive, "peak AdamW learning rate"),
    opt("warmup", T::Int, "0", C::NonNegative, "linear warm-up steps"),
    opt("weight_decay", T::Float, "0.0", C::NonNegative, "AdamW decay"),
    opt("grad_clip", T::Float, "1.0", C::NonNegative, "grad-norm clip"),
    opt("save_every", T::Int, "100", C::NonNegative, "checkpoint interval"),
};

const P ppoParams[] = {
    pos("policy", T::Checkpoint, 0, "initial policy (and reference)"),
    pos("prompts", T::Dataset, kVerif, "prompts with verifiable answers"),
    req("rewards", T::Reward, C::None, "reward or weighted sum"),
    opt("steps", T::Int, "100", C::Positive, "rollout/update iterations"),
    opt("batch", T::Int, "8", C::Positive, "prompts per step"),
    opt("lr", T::Float, "1e-5", C::Positive, "policy learning rate"),
    opt("critic_lr", T::Float, "1e-5", C::Positive, "critic learning rate"),
    opt("clip", T::Float, "0.2", C::Positive, "PPO ratio clip epsilon"),
    opt("vf_coef", T::Float, "0.5", C::NonNegative, "value loss weight"),
    opt("gamma", T::Float, "1.0", C::Unit, "discount"),
    opt("lam", T::Float, "0.95", C::Unit, "GAE lambda"),
    opt("kl_reward", T::Float, "0.0", C::NonNegative,
        "KL coefficient subtracted from the reward"),
    opt("temperature", T::Float, "1.0", C::Positive, "sampling temperature"),
    opt("top_p", T::Float, "1.0", C::UnitOpen, "nucleus sampling mass"),
    opt("max_new", T::Int, "128", C::Positive, "max response tokens"),
    opt("updates", T::Int, "4", C::Positive, "updates per rollout batch"),
    opt("grad_clip", T::Float, "1.0", C::NonNegative, "grad-norm clip"),
    opt("save_every", T::Int, "50", C::NonNegative, "checkpoint interval"),
};

const P exportParams[] = {
    pos("ckpt", T::Checkpoint, 0, "checkpoint to export"),
    req("path", T::String, C::None,
        "output directory (relative: to the runtime's working directory)"),
    sym("format", "native", "native|hf",
        "native: model.safetensors + config.json as trained; hf: a "
        "Hugging Face directory transformers loads"),
};

const StageSignature stageSigs[] = {
    {StageKind::Pretrain,
     {"pretrain", pretrainParams, "next-token training"},
     Expr::Type::Checkpoint},
    {StageKind::Sft,
     {"sft", sftParams, "supervised fine-tuning"},
     Expr::Type::Checkpoint},
    {StageKind::Grpo,
     {"grpo", grpoParams, "group relative policy opt."},
     Expr::Type::Checkpoint},
    {StageKind::RejectSample,
     {"reject_sample", rejectParams, "sample, filter, emit a dataset"},
     Expr::Type::Dataset},
    {StageKind::Distill,
     {"distill", distillParams, "train a student"},
     Expr::Type::Checkpoint},
    {StageKind::Ppo,
     {"ppo", ppoParams, "PPO with a critic (baseline)"},
     Expr::Type::Checkpoint},
    {StageKind::Export,
     {"export", exportParams, "write a checkpoint to a directory"},
     Expr::Type::Unknown},
};

//===--- Datasets ---------------------------------------------------------===//

const P arithParams[] = {
    req("count", T::Int, C::Positive, "number of examples"),
    opt("digits", T::Range, "1..3", C::Positive, "operand digit counts"),
    opt("terms", T::Range, nullptr, C::Positive,
        "operands per expression, within 2..4 (default 2..3)"),
    opt("ops", T::String, nullptr, C::None,
        "operators drawn from, a subset of \"+-*\" (default all three)"),
    sym("style", "plain", "plain|cot", "plain answers or <think> traces"),
    sym("split", "train", "train|test", "which split to generate"),
    opt("seed", T::Int, nullptr, C::NonNegative, "generator seed"),
};
const P countdownParams[] = {
    req("count", T::Int, C::Positive, "number of problems"),
    opt("numbers", T::Range, "3..4", C::Positive, "how many numbers"),
    opt("max_number", T::Int, "25", C::Positive,
        "source numbers lie in 1..max_number"),
    sym("split", "train", "train|test", "which split to generate"),
    opt("seed", T::Int, nullptr, C::NonNegative, "generator seed"),
};
const P kkParams[] = {
    req("count", T::Int, C::Positive, "number of puzzles"),
    opt("people", T::Range, "2..3", C::Positive, "people per puzzle"),
    sym("split", "train", "train|test", "which split to generate"),
    opt("seed", T::Int, nullptr, C::NonNegative, "generator seed"),
};
const P jsonlParams[] = {
    {"path", T::String, true, true, false, nullptr, nullptr, C::None, 0,
     "file, relative to the pipeline file"},
    opt("text", T::String, nullptr, C::None, "field holding plain text"),
    opt("prompt", T::String, nullptr, C::None, "field holding the prompt"),
    opt("response", T::String, nullptr, C::None, "field holding a response"),
    opt("answer", T::String, nullptr, C::None, "field holding the answer"),
};
const P mixParams[] = {
    {"inputs", T::Dataset, true, true, true, nullptr, nullptr, C::None, 0,
     "datasets to mix (two or more)"},
    opt("ratio", T::Ratio, nullptr, C::None,
        "sampling weights, one per input (default: equal)"),
};
const Signature datasetSigs[] = {
    {"task.arith", arithParams, "arithmetic problems"},
    {"task.countdown", countdownParams, "countdown equations"},
    {"task.kk", kkParams, "Knights & Knaves puzzles"},
    {"jsonl", jsonlParams, "records from a JSON-lines file"},
    {"mix", mixParams, "weighted mixture of datasets"},
};

//===--- Rewards ----------------------------------------------------------===//

const P tagParams[] = {
    opt("tag", T::String, "answer", C::None, "tag holding the answer"),
};
const P noParams[] = {
    {"", T::Int, false, false, false, nullptr, nullptr, C::None, 0, ""},
};
const P countdownRewardParams[] = {
    opt("tag", T::String, "answer", C::None, "tag holding the equation"),
    opt("format_score", T::Float, "0.1", C::NonNegative,
        "score of a well-formed but wrong answer (TinyZero)"),
};
const P kkRewardParams[] = {
    opt("tag", T::String, "answer", C::None, "tag holding the answer"),
    sym("scheme", "binary", "binary|logic_rl", "binary, or Logic-RL's scores"),
};
const P formatParams[] = {
    opt("strict", T::Bool, "false", C::None, "only whitespace around the tags"),
};
const P tagCountParams[] = {
    opt("newlines", T::Bool, "false", C::None,
        "count open-r1's tag strings with newlines"),
};
const P languageParams[] = {
    {"script", T::Symbol, false, false, false, nullptr,
     "latin|ascii|cyrillic|greek|cjk|arabic", C::None, 0,
     "target script (runtime default: latin)"},
    opt("alphabet", T::String, nullptr, C::None,
        "count characters of this alphabet instead of a script"),
};
const P lengthParams[] = {
    req("target", T::Int, C::Positive, "target response length (tokens)"),
};
const P overlongParams[] = {
    req("max_len", T::Int, C::Positive, "hard length limit (tokens)"),
    opt("buffer", T::Int, "0", C::NonNegative,
        "soft zone before max_len with a linear penalty (DAPO)"),
};
const P codeParams[] = {
    opt("tag", T::String, "answer", C::None, "tag holding the program"),
    opt("timeout", T::Float, "5.0", C::Positive, "seconds per test"),
    opt("memory_mb", T::Int, "256", C::Positive, "address-space limit"),
};
const Signature rewardSigs[] = {
    {"answer_match", tagParams, "1 if the tagged answer equals the reference"},
    {"math_equiv", tagParams, "1 if both parse as equal numbers"},
    {"countdown", countdownRewardParams, "TinyZero's countdown score"},
    {"kk", kkRewardParams, "1 if every knight/knave is assigned right"},
    {"think_format", formatParams, "1 if <think>..</think><answer>..</answer>"},
    {"tag_count", tagCountParams, "0.25 per tag that occurs exactly once"},
    {"language", languageParams, "fraction of text in the target script"},
    {"language_consistency", languageParams, "alias of language"},
    {"length", lengthParams, "-|len - target| / target"},
    {"overlong", overlongParams, "DAPO overlong penalty (<= 0)"},
    {"code_exec", codeParams, "fraction of tests passed in a sandbox"},
};

//===--- Tokenizers, settings, eval, bias ---------------------------------===//

const P charsParams[] = {
    {"alphabet", T::String, true, true, false, nullptr, nullptr, C::None, 0,
     "every character the text may use"},
};
const P hfParams[] = {
    {"path", T::String, true, true, false, nullptr, nullptr, C::None, 0,
     "tokenizer.json, relative to the pipeline file"},
};
const P hfModelParams[] = {
    {"path", T::String, true, true, false, nullptr, nullptr, C::None, 0,
     "model directory (config.json, tokenizer.json, *.safetensors), "
     "relative to the pipeline file"},
};
const P ggufModelParams[] = {
    {"path", T::String, true, true, false, nullptr, nullptr, C::None, 0,
     "GGUF file, relative to the pipeline file"},
};
const Signature modelSourceSigs[] = {
    {"hf", hfModelParams, "a Hugging Face model directory"},
    {"gguf", ggufModelParams, "a GGUF file (llama.cpp)"},
};

const Signature tokenizerSigs[] = {
    {"chars", charsParams, "one id per code point of the alphabet"},
    {"bytes", llvm::ArrayRef<P>(noParams, size_t(0)), "one id per byte"},
    {"hf", hfParams, "a Hugging Face tokenizer.json"},
};

const P settingParams[] = {
    opt("seed", T::Int, "0", C::NonNegative, "global random seed"),
    opt("threads", T::Int, nullptr, C::Positive, "CPU threads"),
    sym("device", "auto", "auto|cpu|cuda", "where to run"),
    opt("run_dir", T::String, nullptr, C::None,
        "artifact directory (default runs/)"),
};
const Signature settingsSig = {"settings", settingParams, "pipeline settings"};

const P evalParams[] = {
    opt("temperature", T::Float, "0.6", C::Positive, "sampling temperature"),
    opt("top_p", T::Float, "0.95", C::UnitOpen, "nucleus sampling mass"),
    opt("max_new", T::Int, "256", C::Positive, "max response tokens"),
};
const Signature evalSig = {"eval", evalParams, "eval settings"};

const P biasParams[] = {
    {"rate", T::Float, true, true, false, nullptr, nullptr, C::Positive, 0,
     "bias update speed (gamma)"},
};
const Signature biasSig = {"bias", biasParams, "aux-loss-free balancing"};

//===--- Models -----------------------------------------------------------===//

const P deepseekParams[] = {
    opt("vocab_size", T::Int, nullptr, C::Positive,
        "must match the tokenizer when written"),
    req("dim", T::Int, C::Positive, "hidden size"),
    req("layers", T::Int, C::Positive, "transformer blocks"),
    req("heads", T::Int, C::Positive, "attention heads"),
    opt("dense_layers", T::Int, "1", C::NonNegative,
        "leading blocks with a dense FFN"),
    req("max_seq", T::Int, C::Positive, "longest sequence"),
    opt("ffn", T::Int, nullptr, C::Positive, "dense FFN size (4 * dim)"),
    opt("norm_eps", T::Float, "1e-6", C::Positive, "RMSNorm epsilon"),
    opt("rope_theta", T::Float, "10000.0", C::Positive, "RoPE base"),
    opt("tie_embeddings", T::Bool, "false", C::None, "share embedding/head"),
};
const P mlaParams[] = {
    opt("q_rank", T::Int, "0", C::NonNegative, "query low rank (0 = full)"),
    req("kv_rank", T::Int, C::Positive, "latent KV size"),
    req("nope_dim", T::Int, C::Positive, "per-head non-rotary dims"),
    req("rope_dim", T::Int, C::Positive, "per-head rotary dims (even)"),
    req("v_dim", T::Int, C::Positive, "per-head value dims"),
};
const P moeParams[] = {
    req("experts", T::Int, C::Positive, "routed experts"),
    opt("shared", T::Int, "1", C::NonNegative, "always-on experts"),
    req("top_k", T::Int, C::Positive, "experts per token"),
    req("expert_dim", T::Int, C::Positive, "expert FFN size"),
    sym("score", "softmax", "softmax|sigmoid", "gate scoring"),
    opt("groups", T::Int, "1", C::Positive, "expert groups"),
    opt("topk_groups", T::Int, "1", C::Positive, "groups a token may use"),
    opt("route_scale", T::Float, "1.0", C::Positive, "routed weight scale"),
    {"balance", T::Balance, false, false, false, "bias(1e-3)", nullptr, C::None,
     0, "bias(rate) or none"},
    opt("aux_weight", T::Float, "0.0", C::NonNegative,
        "sequence-wise aux loss weight"),
};
const P yarnParams[] = {
    req("factor", T::Float, C::Positive, "context extension factor (>= 1)"),
    req("original_max_seq", T::Int, C::Positive, "pre-extension length"),
    opt("beta_fast", T::Float, "32", C::Positive, "YaRN beta_fast"),
    opt("beta_slow", T::Float, "1", C::Positive, "YaRN beta_slow"),
    opt("mscale", T::Float, "1.0", C::Positive, "attention scale factor"),
};
const P denseParams[] = {
    opt("vocab_size", T::Int, nullptr, C::Positive,
        "must match the tokenizer when written"),
    req("dim", T::Int, C::Positive, "hidden size"),
    req("layers", T::Int, C::Positive, "transformer blocks"),
    req("heads", T::Int, C::Positive, "query heads"),
    opt("kv_heads", T::Int, nullptr, C::Positive, "KV heads (= heads)"),
    opt("head_dim", T::Int, nullptr, C::Positive, "per-head size (dim/heads)"),
    req("ffn", T::Int, C::Positive, "SwiGLU intermediate size"),
    opt("max_seq", T::Int, "2048", C::Positive, "longest sequence"),
    opt("norm_eps", T::Float, "1e-6", C::Positive, "RMSNorm epsilon"),
    opt("rope_theta", T::Float, "10000.0", C::Positive, "RoPE base"),
    opt("qkv_bias", T::Bool, "false", C::None, "biases on q, k, v"),
    opt("tie_embeddings", T::Bool, "false", C::None, "share embedding/head"),
};
const Signature modelSigs[] = {
    {"deepseek", deepseekParams, "MLA + DeepSeekMoE"},
    {"dense", denseParams, "Qwen2/Llama style"},
    {"mla", mlaParams, "multi-head latent attention"},
    {"moe", moeParams, "DeepSeekMoE"},
    {"yarn", yarnParams, "YaRN context extension"},
};
} // namespace

const ParamSignature *Signature::find(llvm::StringRef n) const {
  for (const ParamSignature &p : params)
    if (n == p.name)
      return &p;
  return nullptr;
}

llvm::ArrayRef<StageSignature> r1::getStageSignatures() { return stageSigs; }
llvm::ArrayRef<Signature> r1::getDatasetSignatures() { return datasetSigs; }
llvm::ArrayRef<Signature> r1::getRewardSignatures() { return rewardSigs; }
llvm::ArrayRef<Signature> r1::getTokenizerSignatures() { return tokenizerSigs; }
llvm::ArrayRef<Signature> r1::getModelSourceSignatures() {
  return modelSourceSigs;
}
const Signature &r1::getSettingsSignature() { return settingsSig; }
const Signature &r1::getEvalSettingsSignature() { return evalSig; }
const Signature &r1::getBiasSignature() { return biasSig; }

const Signature *r1::lookupModelBlock(llvm::StringRef name) {
  return lookup(modelSigs, name);
}

const Signature *r1::lookup(llvm::ArrayRef<Signature> sigs,
                            llvm::StringRef name) {
  for (const Signature &s : sigs)
    if (name == s.name)
      return &s;
  return nullptr;
}

const StageSignature *r1::lookupStage(llvm::StringRef name) {
  for (const StageSignature &s : stageSigs)
    if (name == s.sig.name)
      return &s;
  return nullptr;
}

llvm::StringRef r1::spell(StageKind kind) {
  for (const StageSignature &s : stageSigs)
    if (s.kind == kind)
      return s.sig.name;
  return "?";
}

llvm::StringRef r1::describe(ParamType type) {
  switch (type) {
  case T::Int:
    return "an integer";
  case T::Float:
    return "a number";
  case T::Bool:
    return "true or false";
  case T::String:
    return "a string";
  case T::Symbol:
    return "a word";
  case T::Range:
    return "a range like 1..3";
  case T::Ratio:
    return "a ratio like 3:1";
  case T::ModelOrCkpt:
    return "a model or a checkpoint";
  case T::Checkpoint:
    return "a checkpoint";
  case T::Dataset:
    return "a dataset";
  case T::Reward:
    return "a reward";
  case T::Predicate:
    return "a condition on rewards";
  case T::Loss:
    return "a loss";
  case T::Balance:
    return "bias(rate) or none";
  }
  return "a value";
}
