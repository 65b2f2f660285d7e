//===- Rollout.cpp - Sampling completions and scoring them ----------------===//

#include "Rollout.h"
#include "r1rt/Error.h"
#include "r1rt/train/PromptIds.h"

#include <algorithm>
#include <cmath>

using nlohmann::json;

namespace r1rt::stages {

double evalScoreExpr(const json &e, const std::map<std::string, double> &env) {
  const std::string op = e.at("op").get<std::string>();
  if (op == "const")
    return e.at("value").get<double>();
  if (op == "param") {
    auto it = env.find(e.at("name").get<std::string>());
    if (it == env.end())
      fail("reward expression reads '{}', which is not one of its terms",
           e.at("name").get<std::string>());
    return it->second;
  }
  const json &args = e.at("args");
  std::vector<double> a;
  for (const json &arg : args)
    a.push_back(evalScoreExpr(arg, env));
  auto need = [&](size_t n) {
    if (a.size() != n)
      fail("reward expression: op '{}' takes {} argument(s), got {}", op, n,
           a.size());
  };
  auto b = [](bool v) { return v ? 1.0 : 0.0; };
  if (op == "neg" || op == "exp" || op == "log" || op == "abs" || op == "not") {
    need(1);
    if (op == "neg") return -a[0];
    if (op == "exp") return std::exp(a[0]);
    if (op == "log") return std::log(a[0]);
    if (op == "abs") return std::fabs(a[0]);
    return b(a[0] == 0.0);
  }
  if (op == "where" || op == "clamp") {
    need(3);
    return op == "where" ? (a[0] != 0.0 ? a[1] : a[2])
                         : std::min(std::max(a[0], a[1]), a[2]);
  }
  need(2);
  if (op == "add") return a[0] + a[1];
  if (op == "sub") return a[0] - a[1];
  if (op == "mul") return a[0] * a[1];
  if (op == "div") return a[0] / a[1];
  if (op == "min") return std::min(a[0], a[1]);
  if (op == "max") return std::max(a[0], a[1]);
  if (op == "lt") return b(a[0] < a[1]);
  if (op == "le") return b(a[0] <= a[1]);
  if (op == "gt") return b(a[0] > a[1]);
  if (op == "ge") return b(a[0] >= a[1]);
  if (op == "eq") return b(a[0] == a[1]);
  if (op == "ne") return b(a[0] != a[1]);
  if (op == "and") return b(a[0] != 0.0 && a[1] != 0.0);
  if (op == "or") return b(a[0] != 0.0 || a[1] != 0.0);
  fail("reward expression: unknown op '{}'", op);
}

RewardSet RewardSet::fromStage(const Plan &plan, const PlanStage &stage,
                               const std::string &field) {
  const json &spec = stage.raw.contains(field) ? stage.raw[field] : json();
  if (!spec.is_object() || !spec.contains("terms") ||
      !spec["terms"].is_array() || !spec.contains("expr"))
    fail("plan.json: stage '{}' ({}) needs a \"{}\" object with \"terms\" and "
         "\"expr\"; recompile the plan with r1c",
         stage.name, stage.kind, field);
  RewardSet set;
  set.expr = spec["expr"];
  std::map<std::string, double> probe;
  for (const json &t : spec["terms"]) {
    std::string name = t.get<std::string>();
    if (!plan.rewards.contains(name))
      fail("plan.json: stage '{}' uses reward '{}', which \"rewards\" lacks",
           stage.name, name);
    const json &r = plan.rewards[name];
    try {
      set.fns.push_back(reward::makeReward(
          r.value("kind", std::string()), r.value("args", json::object())));
    } catch (const Error &e) {
      fail("plan.json: rewards.{}: {}", name, e.what());
    }
    set.names.push_back(name);
    probe[name] = 0.0;
  }
  try { // Check the expression once, so a bad tree fails before any sampling.
    (void)evalScoreExpr(set.expr, probe);
  } catch (const json::exception &e) {
    fail("plan.json: stage '{}': malformed \"{}\" expression: {}", stage.name,
         field, e.what());
  } catch (const Error &e) {
    fail("plan.json: stage '{}': \"{}\": {}", stage.name, field, e.what());
  }
  return set;
}

std::vector<double> RewardSet::scoreTerms(std::string_view completion,
                                          const data::Record &record) const {
  std::vector<double> out;
  for (const auto &fn : fns)
    out.push_back(fn->score(completion, record));
  return out;
}

double RewardSet::combine(const std::vector<double> &scores) const {
  std::map<std::string, double> env;
  for (size_t i = 0; i < names.size(); ++i)
    env[names[i]] = scores[i];
  return evalScoreExpr(expr, env);
}

int64_t promptChunkCount(size_t n) {
  return (int64_t(n) + kPromptsPerChunk - 1) / kPromptsPerChunk;
}

std::vector<const data::Record *>
promptChunk(const std::vector<data::Record> &records, int64_t c) {
  std::vector<const data::Record *> prompts;
  for (int64_t i = c * kPromptsPerChunk;
       i < std::min<int64_t>(records.size(), (c + 1) * kPromptsPerChunk); ++i)
    prompts.push_back(&records[i]);
  return prompts;
}

double passAtEstimate(int64_t k, int64_t c, int64_t a) {
  if (k - c < a)
    return 1.0;
  double miss = 1.0; // C(k-c, a) / C(k, a) as a product of ratios
  for (int64_t i = 0; i < a; ++i)
    miss *= double(k - c - i) / double(k - i);
  return 1.0 - miss;
}

uint64_t mixSeed(uint64_t a, uint64_t b) {
  uint64_t z = a + 0x9E3779B97F4A7C15ull * (b + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

Rollouts sampleCompletions(CausalLM &model, const Tokenizer &tokenizer,
                           const std::vector<const data::Record *> &records,
                           int64_t n, SamplingOptions options,
                           uint64_t seedBase, uint64_t firstSample,
                           const std::string &stageName) {
  Rollouts out;
  std::vector<uint64_t> seeds;
  size_t longest = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    std::vector<int64_t> ids;
    try {
      ids = promptIds(tokenizer, *records[i]);
    } catch (const Error &e) {
      fail("stage '{}': prompt of record {}: {}", stageName, i + 1, e.what());
    }
    longest = std::max(longest, ids.size());
    for (int64_t j = 0; j < n; ++j) {
      out.prompts.push_back(ids);
      seeds.push_back(mixSeed(seedBase, firstSample + out.prompts.size() - 1));
    }
  }
  int64_t room = model.maxSeq() - static_cast<int64_t>(longest);
  if (room < 1)
    fail("stage '{}': a prompt of {} tokens fills the model's max_seq {}",
         stageName, longest, model.maxSeq());
  options.maxNewTokens = std::min(options.maxNewTokens, room);
  torch::NoGradGuard noGrad;
  model.eval();
  out.gen = Generator(model, &tokenizer).generate(out.prompts, seeds, options);
  model.train();
  for (size_t r = 0; r < out.prompts.size(); ++r)
    out.completions.push_back(tokenizer.decode(out.gen.row(r)));
  return out;
}

} // namespace r1rt::stages
