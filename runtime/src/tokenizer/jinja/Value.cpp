//===- Value.cpp - Template values with Python semantics ------------------===//

#include "Value.h"

#include "Unicode.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace r1jinja {

const Value *Dict::find(const std::string &key) const {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &items_[it->second].second;
}

void Dict::set(const std::string &key, Value v) {
  auto it = index_.find(key);
  if (it != index_.end()) {
    items_[it->second].second = std::move(v);
    return;
  }
  index_.emplace(key, items_.size());
  items_.emplace_back(key, std::move(v));
}

Value Value::undefined(std::string hint) {
  Value v;
  v.s_ = std::move(hint);
  return v;
}
Value Value::none() {
  Value v;
  v.kind_ = Kind::None;
  return v;
}
Value Value::boolean(bool b) {
  Value v;
  v.kind_ = Kind::Bool;
  v.b_ = b;
  return v;
}
Value Value::integer(int64_t i) {
  Value v;
  v.kind_ = Kind::Int;
  v.i_ = i;
  return v;
}
Value Value::number(double f) {
  Value v;
  v.kind_ = Kind::Float;
  v.f_ = f;
  return v;
}
Value Value::string(std::string s) {
  Value v;
  v.kind_ = Kind::String;
  v.s_ = std::move(s);
  return v;
}
Value Value::list(List items, bool tuple) {
  Value v;
  v.kind_ = Kind::List;
  v.tuple_ = tuple;
  v.list_ = std::make_shared<List>(std::move(items));
  return v;
}
Value Value::dict(Dict d) {
  Value v;
  v.kind_ = Kind::Dict;
  v.dict_ = std::make_shared<Dict>(std::move(d));
  return v;
}
Value Value::namespace_(Dict d) {
  Value v = dict(std::move(d));
  v.kind_ = Kind::Namespace;
  return v;
}
Value Value::function(std::string name, Function fn) {
  Value v;
  v.kind_ = Kind::Function;
  v.s_ = std::move(name);
  v.fn_ = std::make_shared<Function>(std::move(fn));
  return v;
}

Value Value::fromJson(const nlohmann::ordered_json &j) {
  switch (j.type()) {
  case nlohmann::ordered_json::value_t::null:
    return none();
  case nlohmann::ordered_json::value_t::boolean:
    return boolean(j.get<bool>());
  case nlohmann::ordered_json::value_t::number_integer:
    return integer(j.get<int64_t>());
  case nlohmann::ordered_json::value_t::number_unsigned: {
    uint64_t u = j.get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX))
      return number(static_cast<double>(u));
    return integer(static_cast<int64_t>(u));
  }
  case nlohmann::ordered_json::value_t::number_float:
    return number(j.get<double>());
  case nlohmann::ordered_json::value_t::string:
    return string(j.get<std::string>());
  case nlohmann::ordered_json::value_t::array: {
    List items;
    for (const auto &e : j)
      items.push_back(fromJson(e));
    return list(std::move(items));
  }
  case nlohmann::ordered_json::value_t::object: {
    Dict d;
    for (const auto &[k, e] : j.items())
      d.set(k, fromJson(e));
    return dict(std::move(d));
  }
  default:
    throw EvalError{"context holds a JSON value of an unsupported type"};
  }
}

void failUndefined(const Value &v) { throw EvalError{v.str()}; }

std::string typeName(const Value &v) {
  switch (v.kind()) {
  case Kind::Undefined:
    return "Undefined";
  case Kind::None:
    return "NoneType";
  case Kind::Bool:
    return "bool";
  case Kind::Int:
    return "int";
  case Kind::Float:
    return "float";
  case Kind::String:
    return "str";
  case Kind::List:
    return v.isTuple() ? "tuple" : "list";
  case Kind::Dict:
    return "dict";
  case Kind::Namespace:
    return "Namespace";
  case Kind::Function:
    return "function";
  }
  return "object";
}

bool truthy(const Value &v) {
  switch (v.kind()) {
  case Kind::Undefined:
  case Kind::None:
    return false;
  case Kind::Bool:
    return v.asBool();
  case Kind::Int:
    return v.asInt() != 0;
  case Kind::Float:
    return v.asFloat() != 0.0;
  case Kind::String:
    return !v.str().empty();
  case Kind::List:
    return !v.items().empty();
  case Kind::Dict:
    return v.dict().size() != 0;
  case Kind::Namespace:
  case Kind::Function:
    return true;
  }
  return true;
}

std::string formatFloat(double f) {
  if (std::isnan(f))
    return "nan";
  if (std::isinf(f))
    return f > 0 ? "inf" : "-inf";
  if (f == 0)
    return std::signbit(f) ? "-0.0" : "0.0";
  // Shortest %.*e that round-trips, as Python's repr does.
  char buf[40];
  for (int prec = 0; prec < 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*e", prec, f);
    if (std::strtod(buf, nullptr) == f)
      break;
  }
  std::string s = buf;
  bool neg = s[0] == '-';
  if (neg)
    s.erase(0, 1);
  size_t e = s.find('e');
  int exp = std::atoi(s.c_str() + e + 1);
  std::string digits;
  for (size_t i = 0; i < e; ++i)
    if (s[i] != '.')
      digits += s[i];
  int decpt = exp + 1; // value = 0.digits * 10^decpt
  std::string out;
  if (decpt > 16 || decpt <= -4) {
    out = digits.substr(0, 1);
    if (digits.size() > 1)
      out += "." + digits.substr(1);
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    out += eb;
  } else if (decpt <= 0) {
    out = "0." + std::string(-decpt, '0') + digits;
  } else if (static_cast<size_t>(decpt) >= digits.size()) {
    out = digits + std::string(decpt - digits.size(), '0') + ".0";
  } else {
    out = digits.substr(0, decpt) + "." + digits.substr(decpt);
  }
  return neg ? "-" + out : out;
}

namespace {
/// Code points Python's repr() shows as escapes (non-printable).
bool nonPrintable(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD ||
         (c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) ||
         (c >= 0x205F && c <= 0x206F) || c == 0x3000 || c == 0xFEFF ||
         (c >= 0xD800 && c <= 0xDFFF) || (c >= 0xFFF9 && c <= 0xFFFB);
}

std::string reprString(const std::string &s) {
  bool single = s.find('\'') != std::string::npos;
  bool dbl = s.find('"') != std::string::npos;
  char quote = single && !dbl ? '"' : '\'';
  std::string out(1, quote);
  for (char32_t c : decodeUtf8(s)) {
    char buf[16];
    if (c == static_cast<char32_t>(quote) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == ' ' || !nonPrintable(c)) {
      appendUtf8(out, c);
    } else {
      std::snprintf(buf, sizeof buf, c < 0x100 ? "\\x%02x" : "\\u%04x",
                    static_cast<unsigned>(c));
      out += buf;
    }
  }
  return out + quote;
}
} // namespace

std::string repr(const Value &v) {
  switch (v.kind()) {
  case Kind::String:
    return reprString(v.str());
  case Kind::Undefined:
    return "Undefined";
  case Kind::List: {
    std::string out = v.isTuple() ? "(" : "[";
    for (size_t i = 0; i < v.items().size(); ++i)
      out += (i ? ", " : "") + repr(v.items()[i]);
    if (v.isTuple() && v.items().size() == 1)
      out += ",";
    return out + (v.isTuple() ? ")" : "]");
  }
  case Kind::Dict:
  case Kind::Namespace: {
    std::string out = v.is(Kind::Namespace) ? "<Namespace {" : "{";
    bool first = true;
    for (const auto &[k, e] : v.dict().items()) {
      out += (first ? "" : ", ") + reprString(k) + ": " + repr(e);
      first = false;
    }
    return out + (v.is(Kind::Namespace) ? "}>" : "}");
  }
  default:
    return toStr(v);
  }
}

std::string toStr(const Value &v) {
  switch (v.kind()) {
  case Kind::Undefined:
    return "";
  case Kind::None:
    return "None";
  case Kind::Bool:
    return v.asBool() ? "True" : "False";
  case Kind::Int:
    return std::to_string(v.asInt());
  case Kind::Float:
    return formatFloat(v.asFloat());
  case Kind::String:
    return v.str();
  case Kind::Function:
    return "<function " + v.str() + ">";
  default:
    return repr(v);
  }
}

bool equals(const Value &a, const Value &b) {
  if (a.isNumber() && b.isNumber()) {
    if (a.is(Kind::Float) || b.is(Kind::Float))
      return a.asFloat() == b.asFloat();
    return a.asInt() == b.asInt();
  }
  if (a.kind() != b.kind())
    return false;
  switch (a.kind()) {
  case Kind::Undefined:
  case Kind::None:
    return true;
  case Kind::String:
    return a.str() == b.str();
  case Kind::List: {
    if (a.items().size() != b.items().size())
      return false;
    for (size_t i = 0; i < a.items().size(); ++i)
      if (!equals(a.items()[i], b.items()[i]))
        return false;
    return true;
  }
  case Kind::Dict: {
    if (a.dict().size() != b.dict().size())
      return false;
    for (const auto &[k, e] : a.dict().items()) {
      const Value *o = b.dict().find(k);
      if (!o || !equals(e, *o))
        return false;
    }
    return true;
  }
  case Kind::Namespace:
    return &a.dict() == &b.dict();
  default:
    return false;
  }
}

int compare(const Value &a, const Value &b, const char *op) {
  if (a.isNumber() && b.isNumber()) {
    if (a.is(Kind::Float) || b.is(Kind::Float))
      return a.asFloat() < b.asFloat() ? -1 : a.asFloat() > b.asFloat();
    return a.asInt() < b.asInt() ? -1 : a.asInt() > b.asInt();
  }
  if (a.is(Kind::String) && b.is(Kind::String))
    return a.str() < b.str() ? -1
                             : a.str() > b.str(); // UTF-8 = code point order
  if (a.is(Kind::List) && b.is(Kind::List)) {
    size_t n = std::min(a.items().size(), b.items().size());
    for (size_t i = 0; i < n; ++i)
      if (!equals(a.items()[i], b.items()[i]))
        return compare(a.items()[i], b.items()[i], op);
    return a.items().size() < b.items().size()
               ? -1
               : a.items().size() > b.items().size();
  }
  if (a.isUndefined())
    failUndefined(a);
  if (b.isUndefined())
    failUndefined(b);
  throw EvalError{std::string("'") + op +
                  "' not supported between instances of '" + typeName(a) +
                  "' and '" + typeName(b) + "'"};
}

namespace {
void jsonString(std::string &out, const std::string &s, bool ascii) {
  out += '"';
  char buf[16];
  for (char32_t c : decodeUtf8(s)) {
    switch (c) {
    case '"':
      out += "\\\"";
      continue;
    case '\\':
      out += "\\\\";
      continue;
    case '\n':
      out += "\\n";
      continue;
    case '\r':
      out += "\\r";
      continue;
    case '\t':
      out += "\\t";
      continue;
    case '\b':
      out += "\\b";
      continue;
    case '\f':
      out += "\\f";
      continue;
    default:
      break;
    }
    if (c < 0x20 || (ascii && c >= 0x7F)) {
      if (c >= 0x10000) {
        char32_t v = c - 0x10000;
        std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x",
                      static_cast<unsigned>(0xD800 | (v >> 10)),
                      static_cast<unsigned>(0xDC00 | (v & 0x3FF)));
      } else {
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      }
      out += buf;
    } else {
      appendUtf8(out, c);
    }
  }
  out += '"';
}

void jsonValue(std::string &out, const Value &v, const JsonOptions &o,
               int depth) {
  auto newline = [&](int d) {
    if (!o.indent)
      return;
    out += '\n';
    for (int i = 0; i < d; ++i)
      out += *o.indent;
  };
  switch (v.kind()) {
  case Kind::None:
    out += "null";
    return;
  case Kind::Bool:
    out += v.asBool() ? "true" : "false";
    return;
  case Kind::Int:
    out += std::to_string(v.asInt());
    return;
  case Kind::Float: {
    double f = v.asFloat();
    out += std::isnan(f)   ? "NaN"
           : std::isinf(f) ? (f > 0 ? "Infinity" : "-Infinity")
                           : formatFloat(f);
    return;
  }
  case Kind::String:
    jsonString(out, v.str(), o.ensureAscii);
    return;
  case Kind::List: {
    if (v.items().empty()) {
      out += "[]";
      return;
    }
    out += '[';
    for (size_t i = 0; i < v.items().size(); ++i) {
      if (i)
        out += o.itemSep;
      newline(depth + 1);
      jsonValue(out, v.items()[i], o, depth + 1);
    }
    newline(depth);
    out += ']';
    return;
  }
  case Kind::Dict: {
    if (v.dict().size() == 0) {
      out += "{}";
      return;
    }
    std::vector<const std::pair<std::string, Value> *> items;
    for (const auto &kv : v.dict().items())
      items.push_back(&kv);
    if (o.sortKeys)
      std::stable_sort(items.begin(), items.end(),
                       [](auto *x, auto *y) { return x->first < y->first; });
    out += '{';
    for (size_t i = 0; i < items.size(); ++i) {
      if (i)
        out += o.itemSep;
      newline(depth + 1);
      jsonString(out, items[i]->first, o.ensureAscii);
      out += o.keySep;
      jsonValue(out, items[i]->second, o, depth + 1);
    }
    newline(depth);
    out += '}';
    return;
  }
  default:
    throw EvalError{"Object of type " + typeName(v) +
                    " is not JSON serializable"};
  }
}
} // namespace

std::string toJson(const Value &v, const JsonOptions &opts) {
  std::string out;
  jsonValue(out, v, opts, 0);
  return out;
}

} // namespace r1jinja
