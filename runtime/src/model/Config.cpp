//===- Config.cpp - Parse plan.json model sections ------------------------===//

#include "r1rt/model/Config.h"

#include "r1rt/Error.h"

namespace r1rt {
namespace {

using json = nlohmann::json;

/// Typed field access with one-line errors naming the field.
class Reader {
public:
  Reader(const json &j, std::string where) : j(j), where(std::move(where)) {
    if (!j.is_object())
      fail("{}: expected a JSON object, got {}; regenerate plan.json with r1c",
           this->where, j.type_name());
  }

  int64_t integer(const char *key, std::optional<int64_t> def = {},
                  bool positive = true) const {
    const json *v = find(key, def.has_value());
    if (!v)
      return *def;
    if (!v->is_number_integer())
      fail("{}.{}: expected an integer, got {}; fix the model declaration",
           where, key, v->dump());
    int64_t x = v->get<int64_t>();
    if (positive ? x <= 0 : x < 0)
      fail("{}.{}: expected a {} integer, got {}; fix the model declaration",
           where, key, positive ? "positive" : "non-negative", x);
    return x;
  }

  double number(const char *key, std::optional<double> def = {}) const {
    const json *v = find(key, def.has_value());
    if (!v)
      return *def;
    if (!v->is_number())
      fail("{}.{}: expected a number, got {}; fix the model declaration", where,
           key, v->dump());
    return v->get<double>();
  }

  bool boolean(const char *key, bool def) const {
    const json *v = find(key, true);
    if (!v)
      return def;
    if (!v->is_boolean())
      fail("{}.{}: expected true or false, got {}; fix the model declaration",
           where, key, v->dump());
    return v->get<bool>();
  }

  std::string choice(const char *key, std::optional<std::string> def,
                     std::initializer_list<const char *> allowed) const {
    const json *v = find(key, def.has_value());
    if (!v)
      return *def;
    std::string options;
    for (const char *a : allowed)
      options += (options.empty() ? "" : ", ") + std::string(a);
    if (v->is_string())
      for (const char *a : allowed)
        if (v->get<std::string>() == a)
          return a;
    fail("{}.{}: expected one of {}, got {}; fix the model declaration", where,
         key, options, v->dump());
  }

  /// A nested object; nullptr when absent or null and optional.
  const json *object(const char *key, bool optional) const {
    const json *v = find(key, optional);
    if (!v || v->is_null())
      return nullptr;
    if (!v->is_object())
      fail("{}.{}: expected an object, got {}; fix the model declaration",
           where, key, v->dump());
    return v;
  }

  std::string sub(const char *key) const { return where + "." + key; }

private:
  const json *find(const char *key, bool optional) const {
    auto it = j.find(key);
    if (it != j.end())
      return &*it;
    if (!optional)
      fail("{}: required field '{}' is missing; add it to the model "
           "declaration or regenerate plan.json with r1c",
           where, key);
    return nullptr;
  }

  const json &j;
  std::string where;
};

DeepSeekConfig parseDeepSeek(const Reader &r) {
  DeepSeekConfig c;
  c.vocabSize = r.integer("vocab_size");
  c.dim = r.integer("dim");
  c.layers = r.integer("layers");
  c.heads = r.integer("heads");
  c.denseLayers = r.integer("dense_layers", 1, /*positive=*/false);
  c.maxSeq = r.integer("max_seq");
  c.ffn = r.integer("ffn", 4 * c.dim);
  c.normEps = r.number("norm_eps", 1e-6);
  c.ropeTheta = r.number("rope_theta", 10000.0);
  c.tieEmbeddings = r.boolean("tie_embeddings", false);

  Reader m(*r.object("mla", false), r.sub("mla"));
  c.mla.qRank = m.integer("q_rank", 0, /*positive=*/false);
  c.mla.kvRank = m.integer("kv_rank");
  c.mla.nopeDim = m.integer("nope_dim");
  c.mla.ropeDim = m.integer("rope_dim");
  c.mla.vDim = m.integer("v_dim");
  if (c.mla.ropeDim % 2)
    fail("{}.rope_dim: must be even (RoPE rotates pairs), got {}", r.sub("mla"),
         c.mla.ropeDim);

  if (c.denseLayers < c.layers) {
    Reader e(*r.object("moe", false), r.sub("moe"));
    c.moe.experts = e.integer("experts");
    c.moe.shared = e.integer("shared", 1, /*positive=*/false);
    c.moe.topK = e.integer("top_k");
    c.moe.expertDim = e.integer("expert_dim");
    c.moe.score = e.choice("score", "softmax", {"softmax", "sigmoid"});
    c.moe.groups = e.integer("groups", 1);
    c.moe.topkGroups = e.integer("topk_groups", 1);
    c.moe.routeScale = e.number("route_scale", 1.0);
    c.moe.balance = e.choice("balance", "bias", {"bias", "none"});
    c.moe.biasRate = e.number("bias_rate", 1e-3);
    c.moe.auxWeight = e.number("aux_weight", 0.0);
    if (c.moe.topK > c.moe.experts)
      fail("{}.top_k: {} exceeds experts = {}; lower top_k", r.sub("moe"),
           c.moe.topK, c.moe.experts);
    if (c.moe.experts % c.moe.groups)
      fail("{}.groups: experts = {} is not divisible by groups = {}",
           r.sub("moe"), c.moe.experts, c.moe.groups);
    if (c.moe.topkGroups > c.moe.groups ||
        c.moe.topK > c.moe.topkGroups * (c.moe.experts / c.moe.groups))
      fail("{}.topk_groups: {} of {} groups cannot supply top_k = {} experts",
           r.sub("moe"), c.moe.topkGroups, c.moe.groups, c.moe.topK);
  }
  if (const json *y = r.object("yarn", true)) {
    Reader yr(*y, r.sub("yarn"));
    YarnConfig yc;
    yc.factor = yr.number("factor");
    yc.originalMaxSeq = yr.integer("original_max_seq");
    yc.betaFast = yr.number("beta_fast", 32);
    yc.betaSlow = yr.number("beta_slow", 1);
    yc.mscale = yr.number("mscale", 1.0);
    c.yarn = yc;
  }
  return c;
}

DenseConfig parseDense(const Reader &r) {
  DenseConfig c;
  c.vocabSize = r.integer("vocab_size");
  c.dim = r.integer("dim");
  c.layers = r.integer("layers");
  c.heads = r.integer("heads");
  c.kvHeads = r.integer("kv_heads", c.heads);
  c.headDim = r.integer("head_dim", c.dim / c.heads);
  c.ffn = r.integer("ffn");
  c.maxSeq = r.integer("max_seq", 2048);
  c.normEps = r.number("norm_eps", 1e-6);
  c.ropeTheta = r.number("rope_theta", 10000.0);
  c.qkvBias = r.boolean("qkv_bias", false);
  c.qkNorm = r.boolean("qk_norm", false);
  c.tieEmbeddings = r.boolean("tie_embeddings", false);
  if (const json *l3 = r.object("rope_llama3", true)) {
    Reader lr(*l3, r.sub("rope_llama3"));
    Llama3RopeConfig lc;
    lc.factor = lr.number("factor");
    lc.lowFreqFactor = lr.number("low_freq_factor");
    lc.highFreqFactor = lr.number("high_freq_factor");
    lc.originalMaxSeq = lr.integer("original_max_seq");
    if (lc.factor <= 0 || lc.highFreqFactor <= lc.lowFreqFactor)
      fail("{}: needs factor > 0 and high_freq_factor > low_freq_factor, "
           "got {}, {}, {}",
           r.sub("rope_llama3"), lc.factor, lc.lowFreqFactor,
           lc.highFreqFactor);
    c.ropeLlama3 = lc;
  }
  if (c.heads % c.kvHeads)
    fail("{}: heads = {} is not a multiple of kv_heads = {}", r.sub("kv_heads"),
         c.heads, c.kvHeads);
  if (c.headDim % 2)
    fail("{}: must be even for RoPE, got {}", r.sub("head_dim"), c.headDim);
  return c;
}

} // namespace

ModelConfig ModelConfig::fromJson(const nlohmann::json &j,
                                  const std::string &where) {
  Reader r(j, where);
  ModelConfig m;
  m.arch = r.choice("arch", std::nullopt, {"deepseek", "dense"});
  if (m.arch == "deepseek")
    m.deepseek = parseDeepSeek(r);
  else
    m.dense = parseDense(r);
  return m;
}

nlohmann::json ModelConfig::toJson() const {
  json j;
  j["arch"] = arch;
  if (arch == "dense") {
    const DenseConfig &c = dense;
    j.update({{"vocab_size", c.vocabSize},
              {"dim", c.dim},
              {"layers", c.layers},
              {"heads", c.heads},
              {"kv_heads", c.kvHeads},
              {"head_dim", c.headDim},
              {"ffn", c.ffn},
              {"max_seq", c.maxSeq},
              {"norm_eps", c.normEps},
              {"rope_theta", c.ropeTheta},
              {"qkv_bias", c.qkvBias},
              {"qk_norm", c.qkNorm},
              {"tie_embeddings", c.tieEmbeddings}});
    if (c.ropeLlama3)
      j["rope_llama3"] = {{"factor", c.ropeLlama3->factor},
                          {"low_freq_factor", c.ropeLlama3->lowFreqFactor},
                          {"high_freq_factor", c.ropeLlama3->highFreqFactor},
                          {"original_max_seq", c.ropeLlama3->originalMaxSeq}};
    else
      j["rope_llama3"] = nullptr;
    return j;
  }
  const DeepSeekConfig &c = deepseek;
  j.update({{"vocab_size", c.vocabSize},
            {"dim", c.dim},
            {"layers", c.layers},
            {"heads", c.heads},
            {"dense_layers", c.denseLayers},
            {"max_seq", c.maxSeq},
            {"ffn", c.ffn},
            {"norm_eps", c.normEps},
            {"rope_theta", c.ropeTheta},
            {"tie_embeddings", c.tieEmbeddings}});
  j["mla"] = {{"q_rank", c.mla.qRank},
              {"kv_rank", c.mla.kvRank},
              {"nope_dim", c.mla.nopeDim},
              {"rope_dim", c.mla.ropeDim},
              {"v_dim", c.mla.vDim}};
  j["moe"] = {{"experts", c.moe.experts},
              {"shared", c.moe.shared},
              {"top_k", c.moe.topK},
              {"expert_dim", c.moe.expertDim},
              {"score", c.moe.score},
              {"groups", c.moe.groups},
              {"topk_groups", c.moe.topkGroups},
              {"route_scale", c.moe.routeScale},
              {"balance", c.moe.balance},
              {"bias_rate", c.moe.biasRate},
              {"aux_weight", c.moe.auxWeight}};
  if (c.yarn)
    j["yarn"] = {{"factor", c.yarn->factor},
                 {"original_max_seq", c.yarn->originalMaxSeq},
                 {"beta_fast", c.yarn->betaFast},
                 {"beta_slow", c.yarn->betaSlow},
                 {"mscale", c.yarn->mscale}};
  else
    j["yarn"] = nullptr;
  return j;
}

} // namespace r1rt
