//===- Builtins.h - Filters, tests, attributes and methods ------*- C++ -*-===//
//
// The library of names a template can use besides its variables: jinja2's
// filters (with transformers' tojson) and tests, the str and dict methods
// that real chat templates call, and jinja2's attribute and item lookup
// rules (`a.b` tries the attribute, then the item; a missing key is
// undefined, not an error).
//
//===----------------------------------------------------------------------===//

#ifndef R1JINJA_BUILTINS_H
#define R1JINJA_BUILTINS_H

#include "Value.h"

#include <initializer_list>
#include <optional>
#include <string>

namespace r1jinja {

bool hasFilter(const std::string &name);
bool hasTest(const std::string &name);
/// Applies filter `name` to `base`; throws EvalError.
Value applyFilter(const std::string &name, const Value &base, CallArgs &args);
/// Applies test `name`; throws EvalError.
bool applyTest(const std::string &name, const Value &v, CallArgs &args);

/// Python's `item in seq` (str, list, dict; undefined holds nothing).
bool containsValue(const Value &seq, const Value &item);

/// jinja2's environment.getattr: attribute (method) first, then item.
Value getAttr(const Value &obj, const std::string &name);
/// jinja2's environment.getitem: item first, then attribute.
Value getItem(const Value &obj, const Value &key);
/// obj[start:stop:step] with Python's clamping; null parts are omitted.
Value sliceOf(const Value &obj, const Value *start, const Value *stop,
              const Value *step);
/// The elements a `for` loop or a filter iterates: list items, dict keys,
/// string characters; undefined iterates as empty.
List iterate(const Value &v);

/// The bound str or dict method `name` of `obj` (a Function), if Python has
/// one; unimplemented str methods raise "unsupported construct" when called.
std::optional<Value> methodOf(const Value &obj, const std::string &name);
/// Python's str.strip family: `chars` null strips whitespace.
std::string stripChars(const std::string &s, const Value *chars, bool left,
                       bool right);

/// Binds call arguments to named parameters, Python-style.
class Params {
public:
  Params(const std::string &callee, const CallArgs &args,
         std::initializer_list<const char *> names);
  /// The argument for parameter `i`, or null when it was not passed.
  const Value *get(size_t i) const { return bound_[i]; }
  Value get(size_t i, Value fallback) const {
    return bound_[i] ? *bound_[i] : fallback;
  }

private:
  std::vector<const Value *> bound_;
};

/// Throws "unsupported construct '<what>'".
[[noreturn]] void unsupported(const std::string &what);
/// The string an argument must be, or a TypeError-like EvalError.
const std::string &needString(const Value &v, const std::string &what);
int64_t needInt(const Value &v, const std::string &what);

} // namespace r1jinja

#endif // R1JINJA_BUILTINS_H
