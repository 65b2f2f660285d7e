//===- Tests.cpp - jinja2's tests (`x is defined`, `x is none`, ...) ------===//

#include "Builtins.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

namespace r1jinja {

namespace {

using TestFn = bool (*)(const Value &v, CallArgs &args);

const Value &arg(const char *test, CallArgs &args) {
  if (args.pos.size() != 1 || !args.kw.empty())
    throw EvalError{std::string("test '") + test + "' takes one argument"};
  return args.pos[0];
}

bool noArgs(const char *test, CallArgs &args) {
  if (!args.pos.empty() || !args.kw.empty())
    throw EvalError{std::string("test '") + test + "' takes no arguments"};
  return true;
}

bool contains(const Value &seq, const Value &item);

/// Whether `s` has an ASCII upper (or lower) case letter.
bool hasCase(const std::string &s, bool upper) {
  return std::any_of(s.begin(), s.end(), [&](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return upper ? std::isupper(u) : std::islower(u);
  });
}

#define R1_TEST0(NAME, EXPR)                                                   \
  [](const Value &v, CallArgs &a) { return noArgs(NAME, a) && (EXPR); }

const std::map<std::string, TestFn> &tests() {
  static const std::map<std::string, TestFn> table = {
      {"defined", R1_TEST0("defined", !v.isUndefined())},
      {"undefined", R1_TEST0("undefined", v.isUndefined())},
      {"none", R1_TEST0("none", v.is(Kind::None))},
      {"string", R1_TEST0("string", v.is(Kind::String))},
      {"mapping", R1_TEST0("mapping", v.is(Kind::Dict))},
      // iter() works on undefined (empty), str, list, dict.
      {"iterable", R1_TEST0("iterable", v.isUndefined() || v.is(Kind::String) ||
                                            v.is(Kind::List) || v.is(Kind::Dict))},
      {"sequence", R1_TEST0("sequence", v.isUndefined() || v.is(Kind::String) ||
                                            v.is(Kind::List) || v.is(Kind::Dict))},
      {"number", R1_TEST0("number", v.isNumber())},
      {"integer", R1_TEST0("integer", v.is(Kind::Int))},
      {"float", R1_TEST0("float", v.is(Kind::Float))},
      {"boolean", R1_TEST0("boolean", v.is(Kind::Bool))},
      {"true", R1_TEST0("true", v.is(Kind::Bool) && v.asBool())},
      {"false", R1_TEST0("false", v.is(Kind::Bool) && !v.asBool())},
      {"callable", R1_TEST0("callable", v.is(Kind::Function))},
      {"odd", R1_TEST0("odd", needInt(v, "odd test value") % 2 != 0)},
      {"even", R1_TEST0("even", needInt(v, "even test value") % 2 == 0)},
      {"lower", R1_TEST0("lower", !hasCase(needString(v, "lower test"), true))},
      {"upper", R1_TEST0("upper", !hasCase(needString(v, "upper test"), false))},
      {"divisibleby",
       [](const Value &v, CallArgs &a) {
         int64_t d = needInt(arg("divisibleby", a), "divisor");
         if (d == 0)
           throw EvalError{"integer division or modulo by zero"};
         return needInt(v, "divisibleby test value") % d == 0;
       }},
      {"equalto", [](const Value &v, CallArgs &a) { return equals(v, arg("equalto", a)); }},
      {"eq", [](const Value &v, CallArgs &a) { return equals(v, arg("eq", a)); }},
      {"ne", [](const Value &v, CallArgs &a) { return !equals(v, arg("ne", a)); }},
      {"sameas",
       [](const Value &v, CallArgs &a) {
         const Value &o = arg("sameas", a);
         if (v.is(Kind::None) || v.is(Kind::Bool) || v.isUndefined())
           return v.kind() == o.kind() && equals(v, o);
         return false;
       }},
      {"lt", [](const Value &v, CallArgs &a) { return compare(v, arg("lt", a), "<") < 0; }},
      {"le", [](const Value &v, CallArgs &a) { return compare(v, arg("le", a), "<=") <= 0; }},
      {"gt", [](const Value &v, CallArgs &a) { return compare(v, arg("gt", a), ">") > 0; }},
      {"ge", [](const Value &v, CallArgs &a) { return compare(v, arg("ge", a), ">=") >= 0; }},
      {"in", [](const Value &v, CallArgs &a) { return contains(arg("in", a), v); }},
  };
  return table;
}

bool contains(const Value &seq, const Value &item) {
  switch (seq.kind()) {
  case Kind::Undefined:
    return false;
  case Kind::String:
    if (!item.is(Kind::String))
      throw EvalError{"'in <string>' requires string as left operand, not " +
                      typeName(item)};
    return seq.str().find(item.str()) != std::string::npos;
  case Kind::List:
    return std::any_of(seq.items().begin(), seq.items().end(),
                       [&](const Value &e) { return equals(e, item); });
  case Kind::Dict:
    return item.is(Kind::String) && seq.dict().find(item.str());
  default:
    throw EvalError{"argument of type '" + typeName(seq) + "' is not iterable"};
  }
}

} // namespace

bool containsValue(const Value &seq, const Value &item) {
  return contains(seq, item);
}

bool hasTest(const std::string &name) { return tests().count(name) != 0; }

bool applyTest(const std::string &name, const Value &v, CallArgs &args) {
  auto it = tests().find(name);
  if (it == tests().end())
    unsupported("test " + name);
  return it->second(v, args);
}

} // namespace r1jinja
