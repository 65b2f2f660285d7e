//===- HfConfig.cpp - HF config.json -> plan.json model object ------------===//
//
// Minimal mapping for the dense decoders (llama, qwen2). Every field the
// runtime's dense model needs is read or defaulted as transformers does; a
// feature our model does not have (RoPE scaling, MLP biases, another
// activation) is an error rather than a silent approximation.
//
//===----------------------------------------------------------------------===//

#include "r1fmt/HfConfig.h"

#include <fmt/format.h>

namespace r1fmt {

namespace {
using nlohmann::json;

/// A positive integer field; `dflt` < 0 means required.
Expected<int64_t> posInt(const json &c, const std::string &origin,
                         const char *key, int64_t dflt = -1) {
  auto it = c.find(key);
  if (it == c.end() || it->is_null()) {
    if (dflt >= 0)
      return dflt;
    return Error{fmt::format("{}: missing '{}'", origin, key)};
  }
  if (!it->is_number_integer() || it->get<int64_t>() <= 0)
    return Error{fmt::format("{}: '{}' must be a positive integer, got {}",
                             origin, key, it->dump())};
  return it->get<int64_t>();
}

Expected<double> posFloat(const json &c, const std::string &origin,
                          const char *key, double dflt) {
  auto it = c.find(key);
  if (it == c.end() || it->is_null())
    return dflt;
  if (!it->is_number() || it->get<double>() <= 0)
    return Error{fmt::format("{}: '{}' must be a positive number, got {}",
                             origin, key, it->dump())};
  return it->get<double>();
}

Expected<bool> boolField(const json &c, const std::string &origin,
                         const char *key, bool dflt) {
  auto it = c.find(key);
  if (it == c.end() || it->is_null())
    return dflt;
  if (!it->is_boolean())
    return Error{fmt::format("{}: '{}' must be true or false, got {}", origin,
                             key, it->dump())};
  return it->get<bool>();
}
} // namespace

Expected<nlohmann::json> r1ModelFromHfConfig(const nlohmann::json &c,
                                             const std::string &origin) {
  if (!c.is_object())
    return Error{fmt::format("{}: expected a JSON object", origin)};
  auto type = c.find("model_type");
  if (type == c.end() || !type->is_string())
    return Error{fmt::format("{}: missing the string 'model_type'", origin)};
  std::string modelType = type->get<std::string>();
  if (modelType != "llama" && modelType != "qwen2")
    return Error{fmt::format("{}: unsupported architecture (model_type '{}'; "
                             "supported: llama, qwen2)",
                             origin, modelType)};
  if (auto act = c.find("hidden_act");
      act != c.end() && *act != json("silu"))
    return Error{fmt::format("{}: hidden_act {} is not supported (the dense "
                             "model uses SwiGLU with silu)",
                             origin, act->dump())};
  if (auto rs = c.find("rope_scaling"); rs != c.end() && !rs->is_null())
    return Error{fmt::format("{}: rope_scaling {} is not supported yet",
                             origin, rs->dump())};
  if (auto mb = c.find("mlp_bias"); mb != c.end() && *mb == json(true))
    return Error{fmt::format("{}: mlp_bias = true is not supported", origin)};

  json m;
  m["arch"] = "dense";
  struct IntField {
    const char *hf, *ours;
  };
  for (IntField f : {IntField{"vocab_size", "vocab_size"},
                     IntField{"hidden_size", "dim"},
                     IntField{"num_hidden_layers", "layers"},
                     IntField{"num_attention_heads", "heads"},
                     IntField{"intermediate_size", "ffn"}}) {
    auto v = posInt(c, origin, f.hf);
    if (!v)
      return Error{v.error()};
    m[f.ours] = *v;
  }
  int64_t heads = m["heads"].get<int64_t>(), dim = m["dim"].get<int64_t>();
  auto kv = posInt(c, origin, "num_key_value_heads", heads);
  if (!kv)
    return Error{kv.error()};
  if (heads % *kv)
    return Error{fmt::format("{}: num_key_value_heads {} does not divide "
                             "num_attention_heads {}",
                             origin, *kv, heads)};
  m["kv_heads"] = *kv;
  if (!c.contains("head_dim") && dim % heads)
    return Error{fmt::format("{}: hidden_size {} is not divisible by "
                             "num_attention_heads {} and there is no head_dim",
                             origin, dim, heads)};
  auto headDim = posInt(c, origin, "head_dim", dim / heads);
  if (!headDim)
    return Error{headDim.error()};
  if (*headDim % 2)
    return Error{fmt::format("{}: head_dim {} is odd (RoPE rotates pairs)",
                             origin, *headDim)};
  m["head_dim"] = *headDim;
  auto maxSeq = posInt(c, origin, "max_position_embeddings", 2048);
  if (!maxSeq)
    return Error{maxSeq.error()};
  m["max_seq"] = *maxSeq;
  auto eps = posFloat(c, origin, "rms_norm_eps", 1e-6);
  if (!eps)
    return Error{eps.error()};
  m["norm_eps"] = *eps;
  // rope_theta at the top level, or in rope_parameters (transformers >= 5).
  double thetaDefault = 10000.0;
  if (auto rp = c.find("rope_parameters"); rp != c.end() && rp->is_object()) {
    auto t = posFloat(*rp, origin + " rope_parameters", "rope_theta", 10000.0);
    if (!t)
      return Error{t.error()};
    thetaDefault = *t;
    if (auto rt = rp->find("rope_type");
        rt != rp->end() && *rt != json("default"))
      return Error{fmt::format("{}: rope_type {} is not supported yet", origin,
                               rt->dump())};
  }
  auto theta = posFloat(c, origin, "rope_theta", thetaDefault);
  if (!theta)
    return Error{theta.error()};
  m["rope_theta"] = *theta;
  // Qwen2 always has q/k/v biases; llama has them with attention_bias.
  auto bias = boolField(c, origin, "attention_bias", false);
  if (!bias)
    return Error{bias.error()};
  m["qkv_bias"] = modelType == "qwen2" ? true : *bias;
  auto tie = boolField(c, origin, "tie_word_embeddings", false);
  if (!tie)
    return Error{tie.error()};
  m["tie_embeddings"] = *tie;
  return m;
}

} // namespace r1fmt
