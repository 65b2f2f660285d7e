//===- R1Schema.cpp - Field schemas of r1 configuration dictionaries -----===//
//
// Stage, dataset, reward and model schemas are derived from
// r1/Dialect/R1/Params.def, the declaration the front end's signatures come
// from too: value parameters become fields (operands such as checkpoints do
// not), defaults are turned into attribute syntax.
//
//===----------------------------------------------------------------------===//

#include "r1/Dialect/R1/R1Schema.h"
#include "r1/Dialect/R1/ParamKinds.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Allocator.h"
#include "llvm/Support/StringSaver.h"

using namespace mlir;
using namespace r1;

namespace {
using K = FieldKind;

//===- Schemas from r1/Dialect/R1/Params.def ------------------------------===//

/// A row of Params.def as the dialect sees it.
struct Param {
  const char *name;
  ParamType type;
  Constraint constraint;
  bool required;
  /// .r1p syntax, or null.
  const char *defaultValue;
  const char *choices;
  /// A nested model block or a block argument (a dictionary field named
  /// after it).
  bool block = false;
};

#define R1_STAGE(ID, NAME, RESULT, DOC) const Param stage##ID##Params[] = {
#define R1_DATASET(ID, NAME, DOC) const Param dataset##ID##Params[] = {
#define R1_REWARD(ID, NAME, DOC) const Param reward##ID##Params[] = {
#define R1_SETTINGS(ID, NAME, DOC) const Param settings##ID##Params[] = {
#define R1_MODEL(ID, NAME, DOC) const Param model##ID##Params[] = {
#define R1_BLOCK(ID, NAME, DOC) const Param block##ID##Params[] = {
#define R1_END };
#define R1_SUBBLOCK(NAME, REQUIRED)                                            \
  {#NAME, ParamType::Int, Constraint::None, REQUIRED, nullptr, nullptr, true},
#define R1_POS(NAME, TYPE, CAPS, DOC)                                          \
  {#NAME, ParamType::TYPE, Constraint::None, true, nullptr, nullptr},
#define R1_VARIADIC(NAME, TYPE, DOC)                                           \
  {#NAME, ParamType::TYPE, Constraint::None, true, nullptr, nullptr},
#define R1_REQ(NAME, TYPE, CONSTRAINT, DOC)                                    \
  {#NAME, ParamType::TYPE, Constraint::CONSTRAINT, true, nullptr, nullptr},
#define R1_OPT(NAME, TYPE, DEFAULT, CONSTRAINT, DOC)                           \
  {#NAME, ParamType::TYPE, Constraint::CONSTRAINT, false, DEFAULT, nullptr},
#define R1_SYM(NAME, DEFAULT, CHOICES, DOC)                                    \
  {#NAME, ParamType::Symbol, Constraint::None, false, DEFAULT, CHOICES},
#define R1_WORDS(NAME, CHOICES, DOC)                                           \
  {#NAME, ParamType::Words, Constraint::None, true, nullptr, CHOICES},
#define R1_BLOCKARG(NAME, DOC)                                                 \
  {#NAME, ParamType::Block, Constraint::None, false, nullptr, nullptr, true},
#include "r1/Dialect/R1/Params.def"

struct NamedParams {
  const char *name;
  ArrayRef<Param> params;
};

const NamedParams stageParams[] = {
#define R1_STAGE(ID, NAME, RESULT, DOC) {"r1." NAME, stage##ID##Params},
#include "r1/Dialect/R1/Params.def"
};
const NamedParams datasetParams[] = {
#define R1_DATASET(ID, NAME, DOC) {NAME, dataset##ID##Params},
#include "r1/Dialect/R1/Params.def"
};
const NamedParams modelParams[] = {
#define R1_MODEL(ID, NAME, DOC) {NAME, model##ID##Params},
#include "r1/Dialect/R1/Params.def"
};
const NamedParams blockParams[] = {
#define R1_BLOCK(ID, NAME, DOC) {NAME, block##ID##Params},
#include "r1/Dialect/R1/Params.def"
};
const NamedParams rewardParams[] = {
#define R1_REWARD(ID, NAME, DOC) {NAME, reward##ID##Params},
#define R1_REWARD_ALIAS(ID, NAME, OF, DOC) {NAME, reward##OF##Params},
#include "r1/Dialect/R1/Params.def"
};

/// The field kind checking a value parameter of `type` under `c`. The IR is
/// as strict as the front end except that non-negative floats are only
/// checked to be numbers and (0, 1] is checked as [0, 1].
FieldKind fieldKindOf(ParamType type, Constraint c) {
  switch (type) {
  case ParamType::Int:
    return c == Constraint::Positive ? K::PosInt : K::NonNegInt;
  case ParamType::Float:
    if (c == Constraint::Positive)
      return K::PosFloat;
    if (c == Constraint::Unit || c == Constraint::UnitOpen)
      return K::Prob;
    return K::Float;
  case ParamType::Bool:
    return K::Bool;
  case ParamType::Symbol:
    return K::Enum;
  case ParamType::Range:
    return K::Range;
  case ParamType::Ratio:
    return K::Ratio;
  case ParamType::Words:
    return K::Words;
  default:
    return K::Str;
  }
}

/// A .r1p default as MLIR attribute syntax: "2e-5" -> "2.0e-5",
/// "cot" -> "\"cot\"", "2..5" -> "[2, 5]".
std::string toAttrSyntax(ParamType type, StringRef value) {
  switch (type) {
  case ParamType::Float: {
    std::string out = value.str();
    if (value.contains('.'))
      return out;
    size_t e = value.find_first_of("eE");
    return e == StringRef::npos ? out + ".0" : out.insert(e, ".0");
  }
  case ParamType::String:
  case ParamType::Symbol:
    return "\"" + value.str() + "\"";
  case ParamType::Range: {
    auto [lo, hi] = value.split("..");
    return ("[" + lo + ", " + hi + "]").str();
  }
  default:
    return value.str();
  }
}

/// The value parameters of `params` as schema fields, with defaults in
/// attribute syntax (kept alive for the process).
/// Sub-block rows become dictionary fields whose `sub` the caller fills in;
/// `balance = bias(RATE)` becomes balance ("bias" or "none") and bias_rate.
std::vector<Field> toFields(ArrayRef<Param> params) {
  static llvm::BumpPtrAllocator alloc;
  static llvm::StringSaver saver(alloc);
  auto saved = [&](ParamType type, StringRef value) {
    return saver.save(toAttrSyntax(type, value)).data();
  };
  std::vector<Field> fields;
  for (const Param &p : params) {
    if (p.block) {
      fields.push_back({p.name, K::Dict, p.required ? nullptr : ""});
      continue;
    }
    if (p.type == ParamType::Balance) {
      StringRef dflt = p.defaultValue ? p.defaultValue : "none";
      StringRef rate = dflt;
      bool bias = rate.consume_front("bias(") && rate.consume_back(")");
      fields.push_back({p.name, K::Enum,
                        saved(ParamType::Symbol, bias ? "bias" : "none"),
                        "bias|none"});
      fields.push_back(
          {"bias_rate", K::Float, bias ? saved(ParamType::Float, rate) : ""});
      continue;
    }
    if (!isValueParam(p.type))
      continue;
    const char *dflt = nullptr; // required
    if (!p.required)
      dflt = p.defaultValue ? saved(p.type, p.defaultValue) : "";
    fields.push_back({p.name, fieldKindOf(p.type, p.constraint), dflt,
                      p.choices});
  }
  return fields;
}

struct Named {
  std::string name;
  std::vector<Field> fields;
};

std::vector<Named> toSchemas(ArrayRef<NamedParams> table) {
  std::vector<Named> out;
  for (const NamedParams &n : table)
    out.push_back({n.name, toFields(n.params)});
  return out;
}

/// Dataset sources. `mix` is the r1.mix op, whose schema is below.
const std::vector<Named> &datasetSources() {
  static const std::vector<Named> schemas = [] {
    std::vector<Named> all = toSchemas(datasetParams);
    llvm::erase_if(all, [](const Named &n) { return n.name == "mix"; });
    return all;
  }();
  return schemas;
}

/// Model blocks by name, nested blocks' fields filled in.
const std::vector<Named> &modelBlocks() {
  static const std::vector<Named> schemas = [] {
    std::vector<Named> all = toSchemas(modelParams);
    for (Named &n : all)
      for (Field &f : n.fields)
        if (f.kind == K::Dict)
          for (const Named &sub : all)
            if (sub.name == f.name)
              f.sub = sub.fields; // `all` does not grow from here on
    return all;
  }();
  return schemas;
}

const std::vector<Named> &rewardKinds() {
  static const std::vector<Named> schemas = toSchemas(rewardParams);
  return schemas;
}

/// MLIRGen always writes mix's ratio (equal weights by default).
const Field mixFields[] = {
    {"ratio", K::Ratio, nullptr},
};

ArrayRef<Field> lookupIn(ArrayRef<Named> table, StringRef name);

/// Block arguments of stages (lora), by name.
const std::vector<Named> &blockArgs() {
  static const std::vector<Named> schemas = toSchemas(blockParams);
  return schemas;
}

/// Stage ops, r1.mix, and r1.eval (its metrics and its settings block).
const std::vector<Named> &stageKinds() {
  static const std::vector<Named> schemas = [] {
    std::vector<Named> all = toSchemas(stageParams);
    for (Named &n : all)
      for (Field &f : n.fields)
        if (f.kind == K::Dict)
          f.sub = lookupIn(blockArgs(), f.name);
    all.push_back({"r1.mix", {std::begin(mixFields), std::end(mixFields)}});
    std::vector<Field> eval = {{"metrics", K::Metrics, nullptr}};
    for (const Field &f : toFields(settingsEvalParams))
      eval.push_back(f);
    all.push_back({"r1.eval", std::move(eval)});
    return all;
  }();
  return schemas;
}

ArrayRef<Field> lookupIn(ArrayRef<Named> table, StringRef name) {
  for (const Named &n : table)
    if (name == n.name)
      return n.fields;
  return {};
}

std::string joinNames(ArrayRef<Named> table) {
  std::string out;
  for (const Named &n : table)
    out += (out.empty() ? "" : ", ") + n.name;
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
  case K::Words: {
    auto arr = dyn_cast<ArrayAttr>(v);
    SmallVector<StringRef> choices;
    StringRef(f.choices).split(choices, '|');
    llvm::StringSet<> seen;
    if (!arr || arr.empty() || llvm::any_of(arr, [&](Attribute e) {
          auto s = dyn_cast<StringAttr>(e);
          return !s || !llvm::is_contained(choices, s.getValue()) ||
                 !seen.insert(s.getValue()).second;
        }))
      return bad("a non-empty array of distinct strings of \"" +
                 llvm::join(choices, "\", \"") + "\"");
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
  // Architectures only; mla, moe and yarn are nested in deepseek's.
  if (arch != "deepseek" && arch != "dense")
    return {};
  return lookupIn(modelBlocks(), arch);
}
ArrayRef<Field> r1::getDatasetSchema(StringRef source) {
  return lookupIn(datasetSources(), source);
}
ArrayRef<Field> r1::getRewardSchema(StringRef kind) {
  return lookupIn(rewardKinds(), kind);
}
ArrayRef<Field> r1::getStageSchema(StringRef opName) {
  return lookupIn(stageKinds(), opName);
}
bool r1::isKnownDatasetSource(StringRef source) {
  return llvm::any_of(datasetSources(),
                      [&](const Named &n) { return source == n.name; });
}
bool r1::isKnownRewardKind(StringRef kind) {
  return llvm::any_of(rewardKinds(),
                      [&](const Named &n) { return kind == n.name; });
}
std::string r1::knownRewardKinds() { return joinNames(rewardKinds()); }
std::string r1::knownDatasetSources() { return joinNames(datasetSources()); }

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
    return getStr(cfg, "style") == "cot" ? std::string(plain) + tags
                                                  : std::string(plain);
  if (source == "task.countdown" || source == "task.kk")
    return r1Tiny;
  return "";
}
