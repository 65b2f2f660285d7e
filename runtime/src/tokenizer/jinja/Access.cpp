//===- Access.cpp - jinja2's attribute, item, slice and iteration rules ---===//

#include "Builtins.h"
#include "Unicode.h"

namespace r1jinja {

void unsupported(const std::string &what) {
  throw EvalError{"unsupported construct '" + what + "'"};
}

const std::string &needString(const Value &v, const std::string &what) {
  if (v.isUndefined())
    failUndefined(v);
  if (!v.is(Kind::String))
    throw EvalError{what + " must be a string, not '" + typeName(v) + "'"};
  return v.str();
}

int64_t needInt(const Value &v, const std::string &what) {
  if (v.isUndefined())
    failUndefined(v);
  if (!v.is(Kind::Int) && !v.is(Kind::Bool))
    throw EvalError{what + " must be an integer, not '" + typeName(v) + "'"};
  return v.asInt();
}

Params::Params(const std::string &callee, const CallArgs &args,
               std::initializer_list<const char *> names)
    : bound_(names.size(), nullptr) {
  if (args.pos.size() > names.size())
    throw EvalError{callee + "() takes at most " +
                    std::to_string(names.size()) + " arguments (" +
                    std::to_string(args.pos.size()) + " given)"};
  for (size_t i = 0; i < args.pos.size(); ++i)
    bound_[i] = &args.pos[i];
  for (const auto &[key, v] : args.kw) {
    size_t i = 0;
    for (const char *n : names) {
      if (key == n)
        break;
      ++i;
    }
    if (i == names.size())
      throw EvalError{callee + "() got an unexpected keyword argument '" + key +
                      "'"};
    if (bound_[i])
      throw EvalError{callee + "() got multiple values for argument '" + key +
                      "'"};
    bound_[i] = &v;
  }
}

namespace {
/// jinja2's object_type_repr, used in undefined hints.
std::string objectRepr(const Value &v) {
  if (v.is(Kind::None))
    return "None";
  return typeName(v) + " object";
}

Value noAttribute(const Value &obj, const std::string &name) {
  return Value::undefined("'" + objectRepr(obj) + "' has no attribute '" +
                          name + "'");
}

Value noElement(const Value &obj, const Value &key) {
  if (key.is(Kind::String))
    return noAttribute(obj, key.str());
  return Value::undefined(objectRepr(obj) + " has no element " + repr(key));
}

/// Python's index normalization; false when out of range.
bool normIndex(int64_t &i, size_t n) {
  if (i < 0)
    i += static_cast<int64_t>(n);
  return i >= 0 && static_cast<size_t>(i) < n;
}
} // namespace

Value getAttr(const Value &obj, const std::string &name) {
  switch (obj.kind()) {
  case Kind::Undefined:
    failUndefined(obj);
  case Kind::String:
  case Kind::Dict:
    if (auto m = methodOf(obj, name))
      return *m;
    if (obj.is(Kind::Dict))
      if (const Value *v = obj.dict().find(name))
        return *v;
    return noAttribute(obj, name);
  case Kind::Namespace:
    if (const Value *v = obj.dict().find(name))
      return *v;
    return noAttribute(obj, name);
  default:
    return noAttribute(obj, name);
  }
}

Value getItem(const Value &obj, const Value &key) {
  switch (obj.kind()) {
  case Kind::Undefined:
    failUndefined(obj);
  case Kind::List:
    if (key.is(Kind::Int) || key.is(Kind::Bool)) {
      int64_t i = key.asInt();
      if (normIndex(i, obj.items().size()))
        return obj.items()[i];
      return noElement(obj, key);
    }
    break;
  case Kind::String:
    if (key.is(Kind::Int) || key.is(Kind::Bool)) {
      std::u32string cps = decodeUtf8(obj.str());
      int64_t i = key.asInt();
      if (normIndex(i, cps.size())) {
        std::string out;
        appendUtf8(out, cps[i]);
        return Value::string(out);
      }
      return noElement(obj, key);
    }
    break;
  case Kind::Dict:
  case Kind::Namespace:
    if (key.is(Kind::String))
      if (const Value *v = obj.dict().find(key.str()))
        return *v;
    break;
  default:
    break;
  }
  if (key.is(Kind::String))
    return getAttr(obj, key.str());
  return noElement(obj, key);
}

Value sliceOf(const Value &obj, const Value *start, const Value *stop,
              const Value *step) {
  if (obj.isUndefined())
    failUndefined(obj);
  if (!obj.is(Kind::String) && !obj.is(Kind::List))
    return Value::undefined("'" + objectRepr(obj) + "' cannot be sliced");
  auto idx = [](const Value *v, bool &given) -> int64_t {
    given = v && !v->is(Kind::None);
    if (!given)
      return 0;
    if (!v->is(Kind::Int) && !v->is(Kind::Bool))
      throw EvalError{"slice indices must be integers or None"};
    return v->asInt();
  };
  bool hasStart, hasStop, hasStep;
  int64_t b = idx(start, hasStart);
  int64_t e = idx(stop, hasStop);
  int64_t st = idx(step, hasStep);
  if (!hasStep)
    st = 1;
  if (st == 0)
    throw EvalError{"slice step cannot be zero"};
  std::u32string cps;
  size_t n;
  if (obj.is(Kind::String)) {
    cps = decodeUtf8(obj.str());
    n = cps.size();
  } else {
    n = obj.items().size();
  }
  int64_t len = static_cast<int64_t>(n);
  // CPython's PySlice_AdjustIndices.
  auto adjust = [&](int64_t v, bool given, int64_t dflt) {
    if (!given)
      return dflt;
    if (v < 0) {
      v += len;
      if (v < 0)
        v = st < 0 ? -1 : 0;
    } else if (v >= len) {
      v = st < 0 ? len - 1 : len;
    }
    return v;
  };
  b = adjust(b, hasStart, st < 0 ? len - 1 : 0);
  e = adjust(e, hasStop, st < 0 ? -1 : len);
  std::vector<size_t> picks;
  for (int64_t i = b; st > 0 ? i < e : i > e; i += st)
    picks.push_back(static_cast<size_t>(i));
  if (obj.is(Kind::String)) {
    std::u32string out;
    for (size_t i : picks)
      out.push_back(cps[i]);
    return Value::string(encodeUtf8(out));
  }
  List out;
  for (size_t i : picks)
    out.push_back(obj.items()[i]);
  return Value::list(std::move(out), obj.isTuple());
}

List iterate(const Value &v) {
  switch (v.kind()) {
  case Kind::Undefined:
    return {};
  case Kind::List:
    return v.items();
  case Kind::Dict: {
    List keys;
    for (const auto &kv : v.dict().items())
      keys.push_back(Value::string(kv.first));
    return keys;
  }
  case Kind::String: {
    List chars;
    for (char32_t c : decodeUtf8(v.str())) {
      std::string s;
      appendUtf8(s, c);
      chars.push_back(Value::string(s));
    }
    return chars;
  }
  default:
    throw EvalError{"'" + typeName(v) + "' object is not iterable"};
  }
}

} // namespace r1jinja
