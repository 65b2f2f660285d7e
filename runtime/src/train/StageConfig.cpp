//===- StageConfig.cpp - Typed stage configs read from plan.json ----------===//

#include "StageConfig.h"

#include "r1rt/Error.h"

#include <algorithm>

using nlohmann::json;

namespace r1rt::stages {
namespace {

/// Typed access to a stage's config object; every error is one line,
/// "plan error: stage 'NAME' (KIND): ...".
class Reader {
public:
  Reader(const PlanStage &stage, const json &j, std::string prefix = "")
      : stage(stage), j(j), prefix(std::move(prefix)) {
    if (!j.is_object())
      error("{} must be an object, got {}",
            this->prefix.empty() ? std::string("config")
                                 : "field '" + this->prefix.substr(
                                                   0, this->prefix.size() - 1) +
                                       "'",
            j.dump());
  }
  explicit Reader(const PlanStage &stage) : Reader(stage, stage.config) {}

  int64_t integer(const char *key) const {
    return checked(key, require(key), &json::is_number_integer, "an integer")
        .get<int64_t>();
  }
  double number(const char *key) const {
    return checked(key, require(key), &json::is_number, "a number")
        .get<double>();
  }
  bool boolean(const char *key) const {
    return checked(key, require(key), &json::is_boolean, "true or false")
        .get<bool>();
  }
  std::string string(const char *key) const {
    return checked(key, require(key), &json::is_string, "a string")
        .get<std::string>();
  }
  std::optional<int64_t> optionalInteger(const char *key) const {
    const json *v = find(key);
    if (!v)
      return std::nullopt;
    return checked(key, *v, &json::is_number_integer, "an integer")
        .get<int64_t>();
  }
  const json &array(const char *key) const {
    return checked(key, require(key), &json::is_array, "an array");
  }
  /// The object under `key`, or nullptr when absent.
  const json *optionalObject(const char *key) const {
    const json *v = find(key);
    return v ? &checked(key, *v, &json::is_object, "an object") : nullptr;
  }

  /// The optional `lora` object: rank >= 1, alpha > 0, targets non-empty
  /// strings.
  std::optional<LoraConfig> lora() const {
    const json *v = optionalObject("lora");
    if (!v)
      return std::nullopt;
    Reader r(stage, *v, prefix + "lora.");
    LoraConfig c;
    c.rank = r.integer("rank");
    if (c.rank < 1)
      error("field '{}lora.rank' must be at least 1, got {}", prefix, c.rank);
    c.alpha = r.number("alpha");
    if (!(c.alpha > 0))
      error("field '{}lora.alpha' must be positive, got {}", prefix, c.alpha);
    const json &targets = r.array("targets");
    if (targets.empty())
      error("field '{}lora.targets' must not be empty", prefix);
    for (const json &t : targets) {
      if (!t.is_string() || t.get<std::string>().empty())
        error("field '{}lora.targets' must hold projection names, got {}",
              prefix, t.dump());
      if (std::count(c.targets.begin(), c.targets.end(), t))
        error("field '{}lora.targets' names {} twice", prefix, t.dump());
      c.targets.push_back(t.get<std::string>());
    }
    return c;
  }

  OptimizerConfig optimizer() const {
    return {number("lr"), number("weight_decay"), number("grad_clip"),
            integer("warmup"), integer("save_every")};
  }
  /// temperature, top_p and max_new.
  SamplingOptions sampling() const {
    SamplingOptions s;
    s.temperature = number("temperature");
    s.topP = number("top_p");
    s.maxNewTokens = integer("max_new");
    return s;
  }

  template <typename... Args>
  [[noreturn]] void error(fmt::format_string<Args...> format,
                          Args &&...args) const {
    fail("plan error: stage '{}' ({}): {}; recompile the plan with r1c",
         stage.name, stage.kind,
         fmt::format(format, std::forward<Args>(args)...));
  }

private:
  /// The field, or nullptr when absent or null.
  const json *find(const char *key) const {
    auto it = j.find(key);
    return it == j.end() || it->is_null() ? nullptr : &*it;
  }
  const json &require(const char *key) const {
    if (const json *v = find(key))
      return *v;
    error("missing field '{}{}'", prefix, key);
  }
  const json &checked(const char *key, const json &v, bool (json::*is)() const
                      noexcept,
                      const char *what) const {
    if (!(v.*is)())
      error("field '{}{}' must be {}, got {}", prefix, key, what, v.dump());
    return v;
  }

  const PlanStage &stage;
  const json &j;
  std::string prefix;
};

} // namespace

SupervisedConfig SupervisedConfig::read(const PlanStage &stage) {
  Reader r(stage);
  SupervisedConfig c;
  c.batch = r.integer("batch");
  c.optim = r.optimizer();
  if (stage.kind == "pretrain") {
    c.steps = r.integer("steps");
    c.seqLen = r.optionalInteger("seq_len");
  } else {
    c.steps = r.optionalInteger("steps");
    c.epochs = r.integer("epochs");
  }
  if (stage.kind == "sft")
    c.lora = r.lora();
  if (stage.kind == "distill")
    c.kdWeight = r.number("kd_weight");
  return c;
}

GrpoConfig GrpoConfig::read(const PlanStage &stage) {
  Reader r(stage);
  GrpoConfig c;
  c.group = r.integer("group");
  c.steps = r.integer("steps");
  c.batch = r.integer("batch");
  c.updates = r.integer("updates");
  c.refReset = r.integer("ref_reset");
  c.minibatch = r.optionalInteger("minibatch");
  c.optim = r.optimizer();
  c.sampling = r.sampling();
  c.klReward = r.number("kl_reward");
  c.dynamicSampling = r.boolean("dynamic_sampling");
  c.scale = r.string("scale");
  c.curriculum = r.string("curriculum");
  c.lora = r.lora();
  return c;
}

RejectSampleConfig RejectSampleConfig::read(const PlanStage &stage) {
  Reader r(stage);
  return {r.integer("samples"), r.integer("per_prompt"), r.sampling()};
}

MixConfig MixConfig::read(const PlanStage &stage) {
  Reader r(stage);
  MixConfig c;
  for (const json &v : r.array("ratio")) {
    if (!v.is_number_integer() || v.get<int64_t>() < 0)
      r.error("field 'ratio' must hold non-negative integers, got {}",
              v.dump());
    c.ratio.push_back(v.get<unsigned>());
  }
  return c;
}

EvalConfig EvalConfig::read(const PlanStage &stage) {
  Reader r(stage);
  EvalConfig c;
  const json &metrics = r.array("metrics");
  for (size_t i = 0; i < metrics.size(); ++i) {
    Reader m(stage, metrics[i], fmt::format("metrics[{}].", i));
    c.metrics.push_back({m.string("metric"), m.integer("at"), m.integer("k")});
  }
  c.sampling = r.sampling();
  c.untagged = r.string("untagged");
  return c;
}

ExportConfig ExportConfig::read(const PlanStage &stage) {
  Reader r(stage);
  return {r.string("path"), r.string("format")};
}

} // namespace r1rt::stages
