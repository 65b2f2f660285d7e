//===- HfConfig.cpp - config.json <-> plan.json model object --------------===//
//
// Import reads both config.json schemas: transformers 5's "rope_parameters"
// and the legacy "rope_theta" + "rope_scaling". Export writes the legacy
// keys, which transformers 4 and 5 both read. Defaults for absent keys are
// those of the transformers config classes.
//
//===----------------------------------------------------------------------===//

#include "r1fmt/HfConfig.h"

#include <fmt/format.h>

#include <cmath>
#include <optional>

namespace r1fmt {

namespace {

using json = nlohmann::json;

/// Thrown inside this file only; turned into an Error at the API.
struct Fail {
  std::string message;
};

/// Typed reads of config.json keys with one-line errors.
class Keys {
public:
  Keys(const json &j, std::string origin) : j(j), origin(std::move(origin)) {}

  [[noreturn]] void fail(const std::string &what) const {
    throw Fail{origin + ": " + what};
  }
  [[noreturn]] void unsupported(const std::string &key, const json &v,
                                const std::string &why) const {
    fail(fmt::format("key '{}' = {} is not supported ({})", key, v.dump(),
                     why));
  }

  /// The value, or nullptr when absent or null.
  const json *get(const std::string &key) const {
    auto it = j.find(key);
    return it == j.end() || it->is_null() ? nullptr : &*it;
  }

  int64_t integer(const std::string &key,
                  std::optional<int64_t> def = {}) const {
    const json *v = get(key);
    if (!v) {
      if (!def)
        fail(fmt::format("required key '{}' is missing", key));
      return *def;
    }
    if (!v->is_number_integer() || v->get<int64_t>() < 0)
      fail(fmt::format("key '{}' = {}, expected a non-negative integer", key,
                       v->dump()));
    return v->get<int64_t>();
  }

  double number(const std::string &key, std::optional<double> def = {}) const {
    const json *v = get(key);
    if (!v) {
      if (!def)
        fail(fmt::format("required key '{}' is missing", key));
      return *def;
    }
    if (!v->is_number())
      fail(fmt::format("key '{}' = {}, expected a number", key, v->dump()));
    return v->get<double>();
  }

  bool boolean(const std::string &key, bool def) const {
    const json *v = get(key);
    if (!v)
      return def;
    if (!v->is_boolean())
      fail(fmt::format("key '{}' = {}, expected true or false", key,
                       v->dump()));
    return v->get<bool>();
  }

  std::string string(const std::string &key, const std::string &def) const {
    const json *v = get(key);
    if (!v)
      return def;
    if (!v->is_string())
      fail(fmt::format("key '{}' = {}, expected a string", key, v->dump()));
    return v->get<std::string>();
  }

  /// `key` must be absent, null or `expected`.
  void require(const std::string &key, const json &expected,
               const std::string &why) const {
    const json *v = get(key);
    if (v && *v != expected)
      unsupported(key, *v, why);
  }

  const json &j;
  std::string origin;
};

/// The RoPE settings of either schema: theta, type and the type's params.
struct Rope {
  double theta = 10000.0;
  std::string type = "default";
  std::string key; ///< "rope_parameters" or "rope_scaling", for errors.
  json params = json::object();
};

Rope readRope(const Keys &k) {
  Rope r;
  r.theta = k.number("rope_theta", 10000.0);
  for (const char *key : {"rope_parameters", "rope_scaling"}) {
    const json *p = k.get(key);
    if (!p)
      continue;
    if (!p->is_object())
      k.fail(fmt::format("key '{}' = {}, expected an object", key, p->dump()));
    Keys pk(*p, k.origin);
    r.key = key;
    r.params = *p;
    r.type = pk.string("rope_type", pk.string("type", "default"));
    r.theta = pk.number("rope_theta", r.theta);
    if (pk.number("partial_rotary_factor", 1.0) != 1.0)
      k.unsupported(std::string(key) + ".partial_rotary_factor",
                    (*p)["partial_rotary_factor"],
                    "r1rt rotates every head dimension");
    break;
  }
  if (const json *prf = k.get("partial_rotary_factor"))
    if (*prf != 1.0 && *prf != 1)
      k.unsupported("partial_rotary_factor", *prf,
                    "r1rt rotates every head dimension");
  return r;
}

void requireSilu(const Keys &k) {
  k.require("hidden_act", "silu", "r1rt's MLPs are SwiGLU (silu)");
}

/// Every layer must be full attention (transformers 5's "layer_types").
void requireFullAttention(const Keys &k) {
  if (const json *lt = k.get("layer_types")) {
    if (!lt->is_array())
      k.fail(fmt::format("key 'layer_types' = {}, expected an array",
                         lt->dump()));
    for (const json &t : *lt)
      if (t != "full_attention")
        k.unsupported("layer_types", t,
                      "r1rt has full causal attention only");
  }
}

json denseFromHf(const Keys &k, const std::string &type) {
  requireSilu(k);
  requireFullAttention(k);
  json m;
  m["arch"] = "dense";
  m["vocab_size"] = k.integer("vocab_size");
  int64_t dim = k.integer("hidden_size");
  int64_t heads = k.integer("num_attention_heads");
  if (heads == 0)
    k.fail("key 'num_attention_heads' is 0");
  m["dim"] = dim;
  m["layers"] = k.integer("num_hidden_layers");
  m["heads"] = heads;
  m["kv_heads"] = k.integer("num_key_value_heads", heads);
  m["head_dim"] = k.integer("head_dim", dim / heads);
  m["ffn"] = k.integer("intermediate_size");
  int64_t maxSeq = k.integer("max_position_embeddings", 2048);
  m["max_seq"] = maxSeq;
  m["norm_eps"] = k.number("rms_norm_eps", 1e-6);
  m["tie_embeddings"] = k.boolean("tie_word_embeddings", false);
  m["qkv_bias"] = type == "qwen2";
  m["qk_norm"] = type == "qwen3";
  if (type == "llama" || type == "qwen3")
    k.require("attention_bias", false,
              "r1rt has no bias on " +
                  std::string(type == "llama" ? "llama's q/k/v/o"
                                              : "qwen3's q/k/v/o") +
                  " projections");
  if (type == "llama")
    k.require("mlp_bias", false, "r1rt's MLPs have no bias");
  if (type == "qwen2" || type == "qwen3")
    k.require("use_sliding_window", false,
              "r1rt has full causal attention only");
  if (type == "mistral")
    if (const json *sw = k.get("sliding_window"))
      if (!sw->is_number_integer() || sw->get<int64_t>() < maxSeq)
        k.unsupported("sliding_window", *sw,
                      "r1rt has full causal attention only; a window at "
                      "least max_position_embeddings long is inactive");

  Rope rope = readRope(k);
  m["rope_theta"] = rope.theta;
  m["rope_llama3"] = nullptr;
  if (rope.type == "llama3") {
    Keys p(rope.params, k.origin);
    m["rope_llama3"] = {
        {"factor", p.number("factor")},
        {"low_freq_factor", p.number("low_freq_factor")},
        {"high_freq_factor", p.number("high_freq_factor")},
        {"original_max_seq", p.integer("original_max_position_embeddings")}};
  } else if (rope.type != "default") {
    k.unsupported(rope.key + ".rope_type", rope.type,
                  "r1rt's dense models know default and llama3 RoPE");
  }
  return m;
}

json deepseekFromHf(const Keys &k, const std::string &type) {
  const bool v3 = type == "deepseek_v3";
  requireSilu(k);
  k.require("attention_bias", false, "r1rt's MLA projections have no bias");
  k.require("mlp_bias", false, "r1rt's MLPs have no bias");
  k.require("moe_layer_freq", 1, "r1rt puts an MoE in every layer after "
                                 "first_k_dense_replace");
  if (k.number("rms_norm_eps", 1e-6) != 1e-6)
    k.unsupported("rms_norm_eps", *k.get("rms_norm_eps"),
                  "transformers' q_a/kv_a norms use 1e-6 whatever it says, "
                  "r1rt uses rms_norm_eps for every norm");
  if (v3)
    k.require("rope_interleave", true,
              "r1rt rotates interleaved pairs in MLA's rope dimensions");
  json m;
  m["arch"] = "deepseek";
  m["vocab_size"] = k.integer("vocab_size");
  int64_t heads = k.integer("num_attention_heads");
  m["dim"] = k.integer("hidden_size");
  int64_t layers = k.integer("num_hidden_layers");
  m["layers"] = layers;
  m["heads"] = heads;
  k.require("num_key_value_heads", heads,
            "MLA expands keys to every head; it must equal "
            "num_attention_heads");
  int64_t denseLayers = k.integer("first_k_dense_replace", v3 ? 3 : 0);
  m["dense_layers"] = denseLayers;
  int64_t maxSeq = k.integer("max_position_embeddings", v3 ? 4096 : 2048);
  m["max_seq"] = maxSeq;
  m["ffn"] = k.integer("intermediate_size");
  m["norm_eps"] = 1e-6;
  m["tie_embeddings"] = k.boolean("tie_word_embeddings", false);
  const json *qRank = k.get("q_lora_rank");
  m["mla"] = {{"q_rank", qRank ? k.integer("q_lora_rank") : 0},
              {"kv_rank", k.integer("kv_lora_rank")},
              {"nope_dim", k.integer("qk_nope_head_dim")},
              {"rope_dim", k.integer("qk_rope_head_dim")},
              {"v_dim", k.integer("v_head_dim")}};

  if (denseLayers < layers) {
    json moe;
    int64_t experts = k.integer("n_routed_experts");
    moe["experts"] = experts;
    int64_t shared = k.integer("n_shared_experts", 1);
    if (shared == 0)
      k.unsupported("n_shared_experts", 0,
                    "transformers always builds the shared expert");
    moe["shared"] = shared;
    moe["top_k"] = k.integer("num_experts_per_tok");
    moe["expert_dim"] = k.integer("moe_intermediate_size");
    moe["route_scale"] = k.number("routed_scaling_factor", 1.0);
    moe["bias_rate"] = 1e-3;
    moe["aux_weight"] = 0.0;
    if (v3) {
      k.require("scoring_func", "sigmoid",
                "transformers' DeepseekV3 router scores with a sigmoid");
      k.require("topk_method", "noaux_tc",
                "transformers' DeepseekV3 router is noaux_tc");
      if (!k.boolean("norm_topk_prob", true))
        k.unsupported("norm_topk_prob", false,
                      "r1rt normalises sigmoid routing weights");
      moe["score"] = "sigmoid";
      moe["balance"] = "bias";
      moe["groups"] = k.integer("n_group", 8);
      moe["topk_groups"] = k.integer("topk_group", 4);
    } else {
      moe["score"] = "softmax";
      moe["balance"] = "none";
      std::string method = k.string("topk_method", "greedy");
      if (method == "greedy") {
        moe["groups"] = 1;
        moe["topk_groups"] = 1;
      } else if (method == "group_limited_greedy") {
        moe["groups"] = k.integer("n_group");
        moe["topk_groups"] = k.integer("topk_group");
      } else {
        k.unsupported("topk_method", method,
                      "DeepseekV2 routing is greedy or group_limited_greedy");
      }
    }
    m["moe"] = moe;
  }

  Rope rope = readRope(k);
  m["rope_theta"] = rope.theta;
  m["yarn"] = nullptr;
  if (rope.type == "yarn") {
    Keys p(rope.params, k.origin);
    std::string where = rope.key + ".";
    double factor = p.number("factor");
    int64_t original = p.integer("original_max_position_embeddings");
    double mscale = p.number("mscale", 0), all = p.number("mscale_all_dim", 0);
    if (mscale == 0 || mscale != all)
      k.unsupported(where + "mscale", rope.params.value("mscale", json()),
                    "r1rt's YaRN needs mscale == mscale_all_dim (as in "
                    "DeepSeek-V3), so that only the softmax scale changes");
    if (p.get("attention_factor"))
      k.unsupported(where + "attention_factor", rope.params["attention_factor"],
                    "r1rt derives it from mscale");
    p.require("truncate", true, "r1rt truncates YaRN's correction range");
    if (maxSeq <= original)
      k.unsupported("max_position_embeddings", maxSeq,
                    "r1rt applies YaRN only beyond "
                    "original_max_position_embeddings, transformers always");
    m["yarn"] = {{"factor", factor},
                 {"original_max_seq", original},
                 {"beta_fast", p.number("beta_fast", 32)},
                 {"beta_slow", p.number("beta_slow", 1)},
                 {"mscale", all}};
  } else if (rope.type != "default") {
    k.unsupported(rope.key + ".rope_type", rope.type,
                  "r1rt's DeepSeek models know default and yarn RoPE");
  }
  return m;
}

json hfFromDense(const Keys &m) {
  bool qkNorm = m.boolean("qk_norm", false), bias = m.boolean("qkv_bias", false);
  if (qkNorm && bias)
    m.fail("qk_norm with qkv_bias has no transformers architecture (Qwen3's "
           "attention_bias also biases o_proj)");
  std::string type = qkNorm ? "qwen3" : bias ? "qwen2" : "llama";
  std::string cls = qkNorm ? "Qwen3ForCausalLM"
                    : bias ? "Qwen2ForCausalLM"
                           : "LlamaForCausalLM";
  int64_t dim = m.integer("dim"), heads = m.integer("heads");
  json c;
  c["architectures"] = {cls};
  c["model_type"] = type;
  c["vocab_size"] = m.integer("vocab_size");
  c["hidden_size"] = dim;
  c["intermediate_size"] = m.integer("ffn");
  c["num_hidden_layers"] = m.integer("layers");
  c["num_attention_heads"] = heads;
  c["num_key_value_heads"] = m.integer("kv_heads", heads);
  c["head_dim"] = m.integer("head_dim", heads ? dim / heads : 0);
  c["max_position_embeddings"] = m.integer("max_seq", 2048);
  c["rms_norm_eps"] = m.number("norm_eps", 1e-6);
  c["rope_theta"] = m.number("rope_theta", 10000.0);
  c["rope_scaling"] = nullptr;
  if (const json *l3 = m.get("rope_llama3")) {
    Keys p(*l3, m.origin);
    c["rope_scaling"] = {
        {"rope_type", "llama3"},
        {"factor", p.number("factor")},
        {"low_freq_factor", p.number("low_freq_factor")},
        {"high_freq_factor", p.number("high_freq_factor")},
        {"original_max_position_embeddings", p.integer("original_max_seq")}};
  }
  c["tie_word_embeddings"] = m.boolean("tie_embeddings", false);
  c["hidden_act"] = "silu";
  if (type == "llama") {
    c["attention_bias"] = false;
    c["mlp_bias"] = false;
  } else {
    c["use_sliding_window"] = false;
    c["sliding_window"] = nullptr;
    if (type == "qwen3")
      c["attention_bias"] = false;
  }
  return c;
}

json hfFromDeepSeek(const Keys &m) {
  if (m.number("norm_eps", 1e-6) != 1e-6)
    m.unsupported("norm_eps", *m.get("norm_eps"),
                  "transformers' q_a/kv_a norms always use 1e-6");
  int64_t layers = m.integer("layers"), heads = m.integer("heads");
  int64_t denseLayers = m.integer("dense_layers", 1);
  const json *mlaJ = m.get("mla");
  if (!mlaJ)
    m.fail("required key 'mla' is missing");
  Keys mla(*mlaJ, m.origin);
  json c;
  c["vocab_size"] = m.integer("vocab_size");
  c["hidden_size"] = m.integer("dim");
  c["intermediate_size"] = m.integer("ffn", 4 * m.integer("dim"));
  c["num_hidden_layers"] = layers;
  c["num_attention_heads"] = heads;
  c["num_key_value_heads"] = heads;
  c["first_k_dense_replace"] = denseLayers;
  c["max_position_embeddings"] = m.integer("max_seq");
  c["rms_norm_eps"] = 1e-6;
  c["rope_theta"] = m.number("rope_theta", 10000.0);
  c["tie_word_embeddings"] = m.boolean("tie_embeddings", false);
  c["hidden_act"] = "silu";
  c["attention_bias"] = false;
  int64_t qRank = mla.integer("q_rank", 0);
  c["q_lora_rank"] = qRank ? json(qRank) : json();
  c["kv_lora_rank"] = mla.integer("kv_rank");
  c["qk_nope_head_dim"] = mla.integer("nope_dim");
  c["qk_rope_head_dim"] = mla.integer("rope_dim");
  c["v_head_dim"] = mla.integer("v_dim");
  std::string type = "deepseek_v3";
  if (denseLayers < layers) {
    const json *moeJ = m.get("moe");
    if (!moeJ)
      m.fail("required key 'moe' is missing");
    Keys moe(*moeJ, m.origin);
    std::string score = moe.string("score", "softmax");
    std::string balance = moe.string("balance", "bias");
    int64_t groups = moe.integer("groups", 1);
    if (score == "sigmoid" && balance == "bias") {
      c["scoring_func"] = "sigmoid";
      c["topk_method"] = "noaux_tc";
      c["norm_topk_prob"] = true;
      c["n_group"] = groups;
      c["topk_group"] = moe.integer("topk_groups", 1);
    } else if (score == "softmax" && balance == "none") {
      type = "deepseek_v2";
      c["topk_method"] = groups > 1 ? "group_limited_greedy" : "greedy";
      c["n_group"] = groups;
      c["topk_group"] = moe.integer("topk_groups", 1);
      c["norm_topk_prob"] = false;
    } else {
      m.fail(fmt::format("moe score '{}' with balance '{}' has no "
                         "transformers router (DeepseekV3: sigmoid + bias, "
                         "DeepseekV2: softmax + none)",
                         score, balance));
    }
    int64_t shared = moe.integer("shared", 1);
    if (shared == 0)
      m.unsupported("moe.shared", 0,
                    "transformers always builds the shared expert");
    c["n_routed_experts"] = moe.integer("experts");
    c["n_shared_experts"] = shared;
    c["num_experts_per_tok"] = moe.integer("top_k");
    c["moe_intermediate_size"] = moe.integer("expert_dim");
    c["routed_scaling_factor"] = moe.number("route_scale", 1.0);
  } else {
    c["n_routed_experts"] = 1;
    c["n_shared_experts"] = 1;
    c["num_experts_per_tok"] = 1;
    c["moe_intermediate_size"] = 1;
    c["n_group"] = 1;
    c["topk_group"] = 1;
  }
  c["model_type"] = type;
  c["architectures"] = {type == "deepseek_v3" ? "DeepseekV3ForCausalLM"
                                              : "DeepseekV2ForCausalLM"};
  if (type == "deepseek_v3")
    c["rope_interleave"] = true;
  c["rope_scaling"] = nullptr;
  const json *y = m.get("yarn");
  // r1rt applies YaRN only when max_seq exceeds original_max_seq.
  if (y && Keys(*y, m.origin).integer("original_max_seq") <
               m.integer("max_seq")) {
    Keys yk(*y, m.origin);
    double ms = yk.number("mscale", 1.0);
    c["rope_scaling"] = {
        {"rope_type", "yarn"},
        {"factor", yk.number("factor")},
        {"original_max_position_embeddings", yk.integer("original_max_seq")},
        {"beta_fast", yk.number("beta_fast", 32)},
        {"beta_slow", yk.number("beta_slow", 1)},
        {"mscale", ms},
        {"mscale_all_dim", ms}};
  }
  return c;
}

} // namespace

Expected<nlohmann::json> r1ModelFromHfConfig(const nlohmann::json &hfConfig,
                                             const std::string &origin) {
  if (!hfConfig.is_object())
    return Error{origin + ": expected a JSON object"};
  Keys k(hfConfig, origin);
  try {
    std::string type = k.string("model_type", "");
    if (type == "llama" || type == "mistral" || type == "qwen2" ||
        type == "qwen3")
      return denseFromHf(k, type);
    if (type == "deepseek_v2" || type == "deepseek_v3")
      return deepseekFromHf(k, type);
    return Error{fmt::format(
        "{}: model_type '{}' is not supported (supported: llama, mistral, "
        "qwen2, qwen3, deepseek_v2, deepseek_v3)",
        origin, type)};
  } catch (const Fail &f) {
    return Error{f.message};
  } catch (const json::exception &e) {
    return Error{origin + ": " + e.what()};
  }
}

Expected<nlohmann::json> hfConfigFromR1Model(const nlohmann::json &model,
                                             const std::string &origin) {
  if (!model.is_object())
    return Error{origin + ": expected a JSON object"};
  Keys m(model, origin);
  try {
    std::string arch = m.string("arch", "");
    json c;
    if (arch == "dense")
      c = hfFromDense(m);
    else if (arch == "deepseek")
      c = hfFromDeepSeek(m);
    else
      return Error{fmt::format("{}: arch '{}' has no transformers "
                               "counterpart (expected dense or deepseek)",
                               origin, arch)};
    c["torch_dtype"] = "float32";
    return c;
  } catch (const Fail &f) {
    return Error{f.message};
  } catch (const json::exception &e) {
    return Error{origin + ": " + e.what()};
  }
}

} // namespace r1fmt
