//===- R1Schema.cpp - Field schemas of r1 configuration dictionaries -----===//

#include "R1/R1Schema.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace r1;

namespace {
using K = FieldKind;

//===- Models -------------------------------------------------------------===//

const Field mlaFields[] = {
    {"q_rank", K::NonNegInt, "0"},    {"kv_rank", K::PosInt, nullptr},
    {"nope_dim", K::PosInt, nullptr}, {"rope_dim", K::PosInt, nullptr},
    {"v_dim", K::PosInt, nullptr},
};
const Field moeFields[] = {
    {"experts", K::PosInt, nullptr},
    {"shared", K::NonNegInt, "1"},
    {"top_k", K::PosInt, nullptr},
    {"expert_dim", K::PosInt, nullptr},
    {"score", K::Enum, "\"softmax\"", "softmax|sigmoid"},
    {"groups", K::PosInt, "1"},
    {"topk_groups", K::PosInt, "1"},
    {"route_scale", K::PosFloat, "1.0"},
    {"balance", K::Enum, "\"bias\"", "bias|none"},
    {"bias_rate", K::Float, "1.0e-3"},
    {"aux_weight", K::Float, "0.0"},
};
const Field yarnFields[] = {
    {"factor", K::PosFloat, nullptr},
    {"original_max_seq", K::PosInt, nullptr},
    {"beta_fast", K::PosFloat, "32.0"},
    {"beta_slow", K::PosFloat, "1.0"},
    {"mscale", K::PosFloat, "1.0"},
};
const Field deepseekFields[] = {
    {"vocab_size", K::PosInt, ""},
    {"dim", K::PosInt, nullptr},
    {"layers", K::PosInt, nullptr},
    {"heads", K::PosInt, nullptr},
    {"dense_layers", K::NonNegInt, "1"},
    {"max_seq", K::PosInt, nullptr},
    {"ffn", K::PosInt, ""},
    {"norm_eps", K::PosFloat, "1.0e-6"},
    {"rope_theta", K::PosFloat, "10000.0"},
    {"tie_embeddings", K::Bool, "false"},
    {"mla", K::Dict, nullptr, nullptr, mlaFields},
    {"moe", K::Dict, nullptr, nullptr, moeFields},
    {"yarn", K::Dict, "", nullptr, yarnFields},
};
const Field denseFields[] = {
    {"vocab_size", K::PosInt, ""},       {"dim", K::PosInt, nullptr},
    {"layers", K::PosInt, nullptr},      {"heads", K::PosInt, nullptr},
    {"kv_heads", K::PosInt, ""},         {"head_dim", K::PosInt, ""},
    {"ffn", K::PosInt, nullptr},         {"max_seq", K::PosInt, "2048"},
    {"norm_eps", K::PosFloat, "1.0e-6"}, {"rope_theta", K::PosFloat, "10000.0"},
    {"qkv_bias", K::Bool, "false"},      {"tie_embeddings", K::Bool, "false"},
};

//===- Datasets -----------------------------------------------------------===//

const Field arithFields[] = {
    {"count", K::PosInt, nullptr},
    {"digits", K::Range, "[1, 3]"},
    {"terms", K::Range, ""},
    {"ops", K::Str, ""},
    {"style", K::Enum, "\"plain\"", "plain|cot"},
    {"split", K::Enum, "\"train\"", "train|test"},
    {"seed", K::NonNegInt, ""},
};
const Field countdownFields[] = {
    {"count", K::PosInt, nullptr},
    {"numbers", K::Range, "[3, 4]"},
    {"max_number", K::PosInt, "25"},
    {"split", K::Enum, "\"train\"", "train|test"},
    {"seed", K::NonNegInt, ""},
};
const Field kkFields[] = {
    {"count", K::PosInt, nullptr},
    {"people", K::Range, "[2, 3]"},
    {"split", K::Enum, "\"train\"", "train|test"},
    {"seed", K::NonNegInt, ""},
};
const Field jsonlFields[] = {
    {"path", K::Str, nullptr}, {"text", K::Str, ""},   {"prompt", K::Str, ""},
    {"response", K::Str, ""},  {"answer", K::Str, ""},
};

//===- Rewards ------------------------------------------------------------===//

const Field tagFields[] = {{"tag", K::Str, "\"answer\""}};
const Field countdownRewardFields[] = {{"tag", K::Str, "\"answer\""},
                                       {"format_score", K::Float, "0.1"}};
const Field kkRewardFields[] = {
    {"tag", K::Str, "\"answer\""},
    {"scheme", K::Enum, "\"binary\"", "binary|logic_rl"}};
const Field formatFields[] = {{"strict", K::Bool, "false"}};
const Field tagCountFields[] = {{"newlines", K::Bool, "false"}};
const Field languageFields[] = {
    {"script", K::Enum, "", "latin|ascii|cyrillic|greek|cjk|arabic"},
    {"alphabet", K::Str, ""}};
const Field lengthFields[] = {{"target", K::PosInt, nullptr}};
const Field overlongFields[] = {{"max_len", K::PosInt, nullptr},
                                {"buffer", K::NonNegInt, "0"}};
const Field codeFields[] = {{"tag", K::Str, "\"answer\""},
                            {"timeout", K::PosFloat, "5.0"},
                            {"memory_mb", K::PosInt, "256"}};

struct Named {
  const char *name;
  ArrayRef<Field> fields;
};

const Named datasetSources[] = {
    {"task.arith", arithFields},
    {"task.countdown", countdownFields},
    {"task.kk", kkFields},
    {"jsonl", jsonlFields},
};

const Named rewardKinds[] = {
    {"answer_match", tagFields},
    {"math_equiv", tagFields},
    {"countdown", countdownRewardFields},
    {"kk", kkRewardFields},
    {"think_format", formatFields},
    {"tag_count", tagCountFields},
    {"language", languageFields},
    {"language_consistency", languageFields},
    {"length", lengthFields},
    {"overlong", overlongFields},
    {"code_exec", codeFields},
};

//===- Stages -------------------------------------------------------------===//
// Names and defaults follow the front end's signature table
// (lib/Frontend/Signatures.cpp); SchemaTest checks that they agree.

const Field pretrainFields[] = {
    {"steps", K::PosInt, "1000"},   {"batch", K::PosInt, "16"},
    {"seq_len", K::PosInt, ""},     {"lr", K::PosFloat, "1.0e-3"},
    {"warmup", K::NonNegInt, "0"},  {"weight_decay", K::Float, "0.1"},
    {"grad_clip", K::Float, "1.0"}, {"save_every", K::NonNegInt, "100"},
};
const Field sftFields[] = {
    {"epochs", K::PosInt, "1"},     {"steps", K::PosInt, ""},
    {"batch", K::PosInt, "16"},     {"lr", K::PosFloat, "3.0e-4"},
    {"warmup", K::NonNegInt, "0"},  {"weight_decay", K::Float, "0.0"},
    {"grad_clip", K::Float, "1.0"}, {"save_every", K::NonNegInt, "100"},
};
const Field grpoFields[] = {
    {"group", K::PosInt, "8"},
    {"steps", K::PosInt, "100"},
    {"batch", K::PosInt, "8"},
    {"lr", K::PosFloat, "1.0e-5"},
    {"temperature", K::PosFloat, "1.0"},
    {"top_p", K::Prob, "1.0"},
    {"max_new", K::PosInt, "128"},
    {"updates", K::PosInt, "1"},
    {"minibatch", K::PosInt, ""},
    {"scale", K::Enum, "\"std\"", "std|none"},
    {"dynamic_sampling", K::Bool, "false"},
    {"ref_reset", K::NonNegInt, "0"},
    {"kl_reward", K::Float, "0.0"},
    {"curriculum", K::Enum, "\"none\"", "none|difficulty"},
    {"warmup", K::NonNegInt, "0"},
    {"weight_decay", K::Float, "0.0"},
    {"grad_clip", K::Float, "1.0"},
    {"save_every", K::NonNegInt, "50"},
};
const Field ppoFields[] = {
    {"steps", K::PosInt, "100"},        {"batch", K::PosInt, "8"},
    {"lr", K::PosFloat, "1.0e-5"},      {"critic_lr", K::PosFloat, "1.0e-5"},
    {"clip", K::PosFloat, "0.2"},       {"vf_coef", K::Float, "0.5"},
    {"gamma", K::Prob, "1.0"},          {"lam", K::Prob, "0.95"},
    {"kl_reward", K::Float, "0.0"},     {"temperature", K::PosFloat, "1.0"},
    {"top_p", K::Prob, "1.0"},          {"max_new", K::PosInt, "128"},
    {"updates", K::PosInt, "4"},        {"grad_clip", K::Float, "1.0"},
    {"save_every", K::NonNegInt, "50"},
};
const Field rejectFields[] = {
    {"samples", K::PosInt, "4"},         {"per_prompt", K::PosInt, "1"},
    {"temperature", K::PosFloat, "0.6"}, {"top_p", K::Prob, "0.95"},
    {"max_new", K::PosInt, "128"},
};
const Field mixFields[] = {
    {"ratio", K::Ratio, nullptr},
};
const Field distillFields[] = {
    {"kd_weight", K::Float, "0.0"}, {"kd_temperature", K::PosFloat, "1.0"},
    {"epochs", K::PosInt, "1"},     {"steps", K::PosInt, ""},
    {"batch", K::PosInt, "16"},     {"lr", K::PosFloat, "3.0e-4"},
    {"warmup", K::NonNegInt, "0"},  {"weight_decay", K::Float, "0.0"},
    {"grad_clip", K::Float, "1.0"}, {"save_every", K::NonNegInt, "100"},
};
const Field evalFields[] = {
    {"metrics", K::Metrics, nullptr},
    {"temperature", K::PosFloat, "0.6"},
    {"top_p", K::Prob, "0.95"},
    {"max_new", K::PosInt, "256"},
};
const Field exportFields[] = {
    {"path", K::Str, nullptr},
    {"format", K::Str, "\"native\""},
};

const Named stageKinds[] = {
    {"r1.pretrain", pretrainFields},
    {"r1.sft", sftFields},
    {"r1.grpo", grpoFields},
    {"r1.ppo", ppoFields},
    {"r1.reject_sample", rejectFields},
    {"r1.mix", mixFields},
    {"r1.distill", distillFields},
    {"r1.eval", evalFields},
    {"r1.export", exportFields},
};

ArrayRef<Field> lookupIn(ArrayRef<Named> table, StringRef name) {
  for (const Named &n : table)
    if (name == n.name)
      return n.fields;
  return {};
}

std::string joinNames(ArrayRef<Named> table) {
  std::string out;
  for (const Named &n : table)
    out += (out.empty() ? "" : ", ") + std::string(n.name);
  return out;
}

std::string fieldNames(ArrayRef<Field> schema) {
  std::string out;
  for (const Field &f : schema)
    out += (out.empty() ? "" : ", ") + std::string(f.name);
  return out;
}

std::optional<int64_t> asInt(Attribute a) {
  if (auto i = dyn_cast_or_null<IntegerAttr>(a))
    if (!i.getType().isInteger(1))
      return i.getInt();
  return std::nullopt;
}

std::optional<double> asNumber(Attribute a) {
  if (auto f = dyn_cast_or_null<FloatAttr>(a))
    return f.getValueAsDouble();
  if (auto i = asInt(a))
    return double(*i);
  return std::nullopt;
}

/// The value of a Range or Ratio field as integers, if well-formed.
std::optional<SmallVector<int64_t>> asInts(Attribute a) {
  auto arr = dyn_cast_or_null<ArrayAttr>(a);
  if (!arr)
    return std::nullopt;
  SmallVector<int64_t> out;
  for (Attribute e : arr) {
    auto v = asInt(e);
    if (!v)
      return std::nullopt;
    out.push_back(*v);
  }
  return out;
}

LogicalResult checkMetric(Attribute a,
                          function_ref<InFlightDiagnostic()> emitError) {
  auto d = dyn_cast<DictionaryAttr>(a);
  if (!d)
    return emitError() << "each eval metric must be a dictionary "
                          "{metric = \"pass\" | \"cons\", at = N, k = K}";
  StringRef metric = getStr(d, "metric");
  if (metric != "pass" && metric != "cons")
    return emitError() << "eval metric must be \"pass\" or \"cons\", got "
                       << d.get("metric");
  for (NamedAttribute na : d) {
    StringRef n = na.getName().getValue();
    if (n != "metric" && n != "at" && n != "k")
      return emitError() << "unknown eval metric field '" << n
                         << "' (known: metric, at, k)";
    if (n != "metric" && (!asInt(na.getValue()) || *asInt(na.getValue()) < 1))
      return emitError() << "eval metric field '" << n
                         << "' must be a positive integer";
  }
  if (!d.get("at"))
    return emitError() << "eval metric " << metric << " needs 'at'";
  if (auto k = asInt(d.get("k")))
    if (*k < getInt(d, "at"))
      return emitError() << metric << "@" << getInt(d, "at")
                         << " needs k >= " << getInt(d, "at") << ", got " << *k;
  return success();
}

LogicalResult checkValue(const Field &f, Attribute v, StringRef path,
                         function_ref<InFlightDiagnostic()> emitError) {
  auto bad = [&](StringRef what) {
    return emitError() << "field '" << path << "' must be " << what << ", got "
                       << v;
  };
  switch (f.kind) {
  case K::PosInt:
    if (!asInt(v) || *asInt(v) <= 0)
      return bad("a positive integer");
    return success();
  case K::NonNegInt:
    if (!asInt(v) || *asInt(v) < 0)
      return bad("a non-negative integer");
    return success();
  case K::Float:
    if (!asNumber(v))
      return bad("a number");
    return success();
  case K::PosFloat:
    if (!asNumber(v) || !(*asNumber(v) > 0))
      return bad("a positive number");
    return success();
  case K::Prob:
    if (!asNumber(v) || !(*asNumber(v) >= 0 && *asNumber(v) <= 1))
      return bad("a number in [0, 1]");
    return success();
  case K::Bool:
    if (!isa<BoolAttr>(v))
      return bad("true or false");
    return success();
  case K::Str:
    if (!isa<StringAttr>(v))
      return bad("a string");
    return success();
  case K::Enum: {
    auto s = dyn_cast<StringAttr>(v);
    SmallVector<StringRef> choices;
    StringRef(f.choices).split(choices, '|');
    if (!s || !llvm::is_contained(choices, s.getValue()))
      return bad("one of \"" + llvm::join(choices, "\", \"") + "\"");
    return success();
  }
  case K::Range: {
    auto r = asInts(v);
    if (!r || r->size() != 2 || (*r)[0] < 1 || (*r)[0] > (*r)[1])
      return bad("a range [lo, hi] with 1 <= lo <= hi");
    return success();
  }
  case K::Ratio: {
    auto r = asInts(v);
    if (!r || r->empty() || llvm::any_of(*r, [](int64_t x) { return x <= 0; }))
      return bad("a non-empty array of positive integers");
    return success();
  }
  case K::Dict: {
    auto d = dyn_cast<DictionaryAttr>(v);
    if (!d)
      return bad("a dictionary");
    return checkConfig(d, f.sub, emitError, path);
  }
  case K::Metrics: {
    auto arr = dyn_cast<ArrayAttr>(v);
    if (!arr || arr.empty())
      return bad("a non-empty array of metrics");
    for (Attribute m : arr)
      if (failed(checkMetric(m, emitError)))
        return failure();
    return success();
  }
  }
  return success();
}
} // namespace

ArrayRef<Field> r1::getModelSchema(StringRef arch) {
  if (arch == "deepseek")
    return deepseekFields;
  if (arch == "dense")
    return denseFields;
  return {};
}
ArrayRef<Field> r1::getDatasetSchema(StringRef source) {
  return lookupIn(datasetSources, source);
}
ArrayRef<Field> r1::getRewardSchema(StringRef kind) {
  return lookupIn(rewardKinds, kind);
}
ArrayRef<Field> r1::getStageSchema(StringRef opName) {
  return lookupIn(stageKinds, opName);
}
bool r1::isKnownDatasetSource(StringRef source) {
  return llvm::any_of(datasetSources,
                      [&](const Named &n) { return source == n.name; });
}
bool r1::isKnownRewardKind(StringRef kind) {
  return llvm::any_of(rewardKinds,
                      [&](const Named &n) { return kind == n.name; });
}
std::string r1::knownRewardKinds() { return joinNames(rewardKinds); }
std::string r1::knownDatasetSources() { return joinNames(datasetSources); }

LogicalResult r1::checkConfig(DictionaryAttr config, ArrayRef<Field> schema,
                              function_ref<InFlightDiagnostic()> emitError,
                              StringRef what) {
  bool nested = what != "config";
  auto path = [&](StringRef name) {
    return nested ? (what + "." + name).str() : name.str();
  };
  for (NamedAttribute na : config) {
    StringRef name = na.getName().getValue();
    const Field *f =
        llvm::find_if(schema, [&](const Field &f) { return name == f.name; });
    if (f == schema.end())
      return emitError() << "unknown field '" << path(name)
                         << "' (known: " << fieldNames(schema) << ")";
    if (failed(checkValue(*f, na.getValue(), path(name), emitError)))
      return failure();
  }
  for (const Field &f : schema)
    if (!f.defaultValue && !config.get(f.name))
      return emitError() << "missing required field '" << path(f.name) << "'";
  return success();
}

DictionaryAttr r1::resolveConfig(DictionaryAttr config,
                                 ArrayRef<Field> schema) {
  MLIRContext *ctx = config.getContext();
  Builder b(ctx);
  SmallVector<NamedAttribute> out;
  for (const Field &f : schema) {
    Attribute v = config.get(f.name);
    if (!v && f.defaultValue && *f.defaultValue)
      v = parseAttribute(f.defaultValue, ctx);
    if (!v)
      continue;
    bool isFloat =
        f.kind == K::Float || f.kind == K::PosFloat || f.kind == K::Prob;
    if (isFloat)
      if (auto n = asNumber(v))
        v = b.getF64FloatAttr(*n);
    if (f.kind == K::Dict)
      if (auto d = dyn_cast<DictionaryAttr>(v))
        v = resolveConfig(d, f.sub);
    out.push_back(b.getNamedAttr(f.name, v));
  }
  // Fields the schema does not know (rejected by verifiers) are kept so that
  // nothing silently disappears.
  for (NamedAttribute na : config)
    if (llvm::none_of(
            out, [&](NamedAttribute o) { return o.getName() == na.getName(); }))
      out.push_back(na);
  return DictionaryAttr::get(ctx, out);
}

int64_t r1::getInt(DictionaryAttr dict, StringRef name, int64_t dflt) {
  if (dict)
    if (auto v = asInt(dict.get(name)))
      return *v;
  return dflt;
}
double r1::getFloat(DictionaryAttr dict, StringRef name, double dflt) {
  if (dict)
    if (auto v = asNumber(dict.get(name)))
      return *v;
  return dflt;
}
StringRef r1::getStr(DictionaryAttr dict, StringRef name, StringRef dflt) {
  if (dict)
    if (auto s = dyn_cast_or_null<StringAttr>(dict.get(name)))
      return s.getValue();
  return dflt;
}
DictionaryAttr r1::getDict(DictionaryAttr dict, StringRef name) {
  return dict ? dyn_cast_or_null<DictionaryAttr>(dict.get(name))
              : DictionaryAttr();
}

std::string r1::getTaskAlphabet(StringRef source, DictionaryAttr cfg) {
  static const char plain[] = "0123456789+-*=() \n";
  static const char tags[] = "<>/thinkaswer";
  static const char r1Tiny[] =
      "0123456789+-*/=() <>abcdefghijklmnopqrstuvwxyz:?\n";
  if (source == "task.arith")
    return getStr(cfg, "style", "plain") == "cot" ? std::string(plain) + tags
                                                  : std::string(plain);
  if (source == "task.countdown" || source == "task.kk")
    return r1Tiny;
  return "";
}
