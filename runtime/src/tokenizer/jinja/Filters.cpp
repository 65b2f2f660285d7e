//===- Filters.cpp - jinja2's filters, with transformers' tojson ----------===//
//
// Each filter follows jinja2 3.1's definition (filters.py); tojson is the
// one transformers installs: json.dumps(x, ensure_ascii=False, indent=None,
// separators=None, sort_keys=False), without HTML escaping.
//
//===----------------------------------------------------------------------===//

#include "Builtins.h"
#include "Unicode.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>

namespace r1jinja {

namespace {

using FilterFn = Value (*)(const Value &v, CallArgs &args);

/// jinja2's make_attrgetter: "a.b.0" looks up a, then b, then item 0.
Value attrPath(const Value &v, const std::string &path) {
  Value cur = v;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string part =
        path.substr(start, dot == std::string::npos ? dot : dot - start);
    bool digits =
        !part.empty() && std::all_of(part.begin(), part.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c)) != 0;
        });
    cur = digits ? getItem(cur, Value::integer(std::atoll(part.c_str())))
                 : getItem(cur, Value::string(part));
    if (dot == std::string::npos)
      return cur;
    start = dot + 1;
  }
}

int64_t length(const Value &v) {
  switch (v.kind()) {
  case Kind::Undefined:
    return 0;
  case Kind::String:
    return static_cast<int64_t>(codePointCount(v.str()));
  case Kind::List:
    return static_cast<int64_t>(v.items().size());
  case Kind::Dict:
    return static_cast<int64_t>(v.dict().size());
  default:
    throw EvalError{"object of type '" + typeName(v) + "' has no len()"};
  }
}

/// Python's int(str): optional sign, digits with single underscores,
/// surrounding whitespace.
bool parseInt(const std::string &text, int64_t base, int64_t &out) {
  std::string s = stripChars(text, nullptr, true, true);
  s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
  if (s.empty())
    return false;
  char *end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, static_cast<int>(base));
  if (errno || *end || s[0] == ' ' || s[0] == '\t' || s[0] == '\n')
    return false;
  out = v;
  return true;
}

bool parseFloat(const std::string &text, double &out) {
  std::string s = stripChars(text, nullptr, true, true);
  if (s.empty())
    return false;
  char *end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return *end == 0;
}

Value filterInt(const Value &v, CallArgs &args) {
  Params p("int", args, {"default", "base"});
  Value dflt = p.get(0, Value::integer(0));
  int64_t base = p.get(1) ? needInt(*p.get(1), "base") : 10;
  switch (v.kind()) {
  case Kind::Int:
  case Kind::Bool:
    return Value::integer(v.asInt());
  case Kind::Float:
    if (std::isfinite(v.asFloat()))
      return Value::integer(static_cast<int64_t>(std::trunc(v.asFloat())));
    return dflt;
  case Kind::String: {
    int64_t i;
    if (parseInt(v.str(), base, i))
      return Value::integer(i);
    double f;
    if (parseFloat(v.str(), f) && std::isfinite(f))
      return Value::integer(static_cast<int64_t>(std::trunc(f)));
    return dflt;
  }
  default:
    return dflt;
  }
}

Value filterFloat(const Value &v, CallArgs &args) {
  Params p("float", args, {"default"});
  Value dflt = p.get(0, Value::number(0.0));
  if (v.isNumber())
    return Value::number(v.asFloat());
  double f;
  if (v.is(Kind::String) && parseFloat(v.str(), f))
    return Value::number(f);
  return dflt;
}

Value filterToJson(const Value &v, CallArgs &args) {
  Params p("tojson", args,
           {"ensure_ascii", "indent", "separators", "sort_keys"});
  JsonOptions o;
  o.ensureAscii = truthy(p.get(0, Value::boolean(false)));
  if (const Value *ind = p.get(1); ind && !ind->is(Kind::None)) {
    if (ind->is(Kind::String))
      o.indent = ind->str();
    else
      o.indent = std::string(
          static_cast<size_t>(std::max<int64_t>(0, needInt(*ind, "indent"))),
          ' ');
    o.itemSep = ",";
  }
  if (const Value *sep = p.get(2); sep && !sep->is(Kind::None)) {
    if (!sep->is(Kind::List) || sep->items().size() != 2)
      throw EvalError{"tojson separators must be an (item, key) pair"};
    o.itemSep = needString(sep->items()[0], "item separator");
    o.keySep = needString(sep->items()[1], "key separator");
  }
  o.sortKeys = truthy(p.get(3, Value::boolean(false)));
  return Value::string(toJson(v, o));
}

Value filterJoin(const Value &v, CallArgs &args) {
  Params p("join", args, {"d", "attribute"});
  std::string sep = toStr(p.get(0, Value::string("")));
  std::string out;
  bool first = true;
  for (const Value &e : iterate(v)) {
    Value item = p.get(1) && !p.get(1)->is(Kind::None)
                     ? attrPath(e, toStr(*p.get(1)))
                     : e;
    out += (first ? "" : sep) + toStr(item);
    first = false;
  }
  return Value::string(out);
}

/// select/reject/selectattr/rejectattr: keep items whose (attribute) value
/// passes the named test (truthiness without one) == `keep`.
Value selectImpl(const Value &v, CallArgs &args, bool byAttr, bool keep,
                 const char *name) {
  size_t first = byAttr ? 1 : 0;
  if (byAttr && args.pos.empty())
    throw EvalError{std::string(name) + "() needs an attribute name"};
  if (!args.kw.empty())
    throw EvalError{std::string(name) + "() takes no keyword arguments"};
  std::string attr = byAttr ? needString(args.pos[0], "attribute") : "";
  std::string test;
  CallArgs testArgs;
  if (args.pos.size() > first) {
    test = needString(args.pos[first], "test name");
    if (!hasTest(test))
      unsupported("test " + test);
    testArgs.pos.assign(args.pos.begin() + first + 1, args.pos.end());
  }
  List out;
  for (const Value &e : iterate(v)) {
    Value x = byAttr ? attrPath(e, attr) : e;
    bool pass = test.empty() ? truthy(x) : applyTest(test, x, testArgs);
    if (pass == keep)
      out.push_back(e);
  }
  return Value::list(std::move(out));
}

Value filterMap(const Value &v, CallArgs &args) {
  List out;
  std::string attr;
  std::optional<Value> dflt;
  for (const auto &[k, val] : args.kw) {
    if (k == "attribute")
      attr = needString(val, "attribute");
    else if (k == "default")
      dflt = val;
    else
      throw EvalError{"map() got an unexpected keyword argument '" + k + "'"};
  }
  if (!attr.empty()) {
    for (const Value &e : iterate(v)) {
      Value x = attrPath(e, attr);
      out.push_back(x.isUndefined() && dflt ? *dflt : x);
    }
    return Value::list(std::move(out));
  }
  if (args.pos.empty())
    throw EvalError{"map() needs a filter name or attribute="};
  std::string filter = needString(args.pos[0], "filter name");
  if (!hasFilter(filter))
    unsupported("filter " + filter);
  CallArgs rest;
  rest.pos.assign(args.pos.begin() + 1, args.pos.end());
  for (const Value &e : iterate(v)) {
    CallArgs copy = rest;
    out.push_back(applyFilter(filter, e, copy));
  }
  return Value::list(std::move(out));
}

Value caseFilter(const Value &v, CallArgs &args, const char *method) {
  CallArgs none;
  Params("filter", args, {});
  return getAttr(Value::string(toStr(v)), method).fn()(none);
}

const std::map<std::string, FilterFn> &filters() {
  static const std::map<std::string, FilterFn> table = {
      {"trim",
       [](const Value &v, CallArgs &a) {
         Params p("trim", a, {"chars"});
         return Value::string(stripChars(toStr(v), p.get(0), true, true));
       }},
      {"length",
       [](const Value &v, CallArgs &a) {
         Params("length", a, {});
         return Value::integer(length(v));
       }},
      {"count",
       [](const Value &v, CallArgs &a) {
         Params("count", a, {});
         return Value::integer(length(v));
       }},
      {"string",
       [](const Value &v, CallArgs &a) {
         Params("string", a, {});
         return Value::string(toStr(v));
       }},
      {"safe",
       [](const Value &v, CallArgs &a) {
         Params("safe", a, {});
         return v;
       }},
      {"lower",
       [](const Value &v, CallArgs &a) { return caseFilter(v, a, "lower"); }},
      {"upper",
       [](const Value &v, CallArgs &a) { return caseFilter(v, a, "upper"); }},
      {"capitalize",
       [](const Value &v, CallArgs &a) {
         return caseFilter(v, a, "capitalize");
       }},
      {"title",
       [](const Value &v, CallArgs &a) { return caseFilter(v, a, "title"); }},
      {"first",
       [](const Value &v, CallArgs &a) {
         Params("first", a, {});
         List items = iterate(v);
         return items.empty()
                    ? Value::undefined("No first item, sequence was empty.")
                    : items.front();
       }},
      {"last",
       [](const Value &v, CallArgs &a) {
         Params("last", a, {});
         List items = iterate(v);
         return items.empty()
                    ? Value::undefined("No last item, sequence was empty.")
                    : items.back();
       }},
      {"join", filterJoin},
      {"replace",
       [](const Value &v, CallArgs &a) {
         Params p("replace", a, {"old", "new", "count"});
         CallArgs m;
         m.pos.push_back(p.get(0, Value::undefined("replace() needs old")));
         m.pos.push_back(p.get(1, Value::undefined("replace() needs new")));
         if (p.get(2) && !p.get(2)->is(Kind::None))
           m.pos.push_back(*p.get(2));
         return getAttr(Value::string(toStr(v)), "replace").fn()(m);
       }},
      {"default",
       [](const Value &v, CallArgs &a) {
         Params p("default", a, {"default_value", "boolean"});
         bool boolean = truthy(p.get(1, Value::boolean(false)));
         if (v.isUndefined() || (boolean && !truthy(v)))
           return p.get(0, Value::string(""));
         return v;
       }},
      {"int", filterInt},
      {"float", filterFloat},
      {"abs",
       [](const Value &v, CallArgs &a) {
         Params("abs", a, {});
         if (v.is(Kind::Float))
           return Value::number(std::fabs(v.asFloat()));
         int64_t i = needInt(v, "abs() argument");
         return Value::integer(i < 0 ? -i : i);
       }},
      {"items",
       [](const Value &v, CallArgs &a) {
         Params("items", a, {});
         if (v.isUndefined())
           return Value::list({});
         if (!v.is(Kind::Dict))
           throw EvalError{"Can only get item pairs from a mapping."};
         List out;
         for (const auto &[k, e] : v.dict().items())
           out.push_back(Value::list({Value::string(k), e}, true));
         return Value::list(std::move(out));
       }},
      {"list",
       [](const Value &v, CallArgs &a) {
         Params("list", a, {});
         return Value::list(iterate(v));
       }},
      {"reverse",
       [](const Value &v, CallArgs &a) {
         Params("reverse", a, {});
         if (v.is(Kind::String)) {
           std::u32string cps = decodeUtf8(v.str());
           std::reverse(cps.begin(), cps.end());
           return Value::string(encodeUtf8(cps));
         }
         List items = iterate(v);
         std::reverse(items.begin(), items.end());
         return Value::list(std::move(items));
       }},
      {"tojson", filterToJson},
      {"select",
       [](const Value &v, CallArgs &a) {
         return selectImpl(v, a, false, true, "select");
       }},
      {"reject",
       [](const Value &v, CallArgs &a) {
         return selectImpl(v, a, false, false, "reject");
       }},
      {"selectattr",
       [](const Value &v, CallArgs &a) {
         return selectImpl(v, a, true, true, "selectattr");
       }},
      {"rejectattr",
       [](const Value &v, CallArgs &a) {
         return selectImpl(v, a, true, false, "rejectattr");
       }},
      {"map", filterMap},
  };
  return table;
}

} // namespace

bool hasFilter(const std::string &name) {
  return name == "d" || filters().count(name) != 0;
}

Value applyFilter(const std::string &name, const Value &base, CallArgs &args) {
  auto it = filters().find(name == "d" ? "default" : name);
  if (it == filters().end())
    unsupported("filter " + name);
  return it->second(base, args);
}

} // namespace r1jinja
