//===- Value.h - Template values with Python semantics ----------*- C++ -*-===//
//
// A template value is what a Python object is to jinja2: undefined, None,
// bool, int, float, str, list/tuple, dict, a namespace() or a callable.
// Lists, dicts and namespaces are shared by reference, as in Python. Strings
// are UTF-8; operations that Python defines per code point (len, slicing)
// decode on demand. Helpers here give Python's str(), repr(), truthiness,
// equality, ordering and json.dumps() formatting.
//
//===----------------------------------------------------------------------===//

#ifndef R1JINJA_VALUE_H
#define R1JINJA_VALUE_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace r1jinja {

/// A failure while evaluating; the evaluator adds the line and column.
struct EvalError {
  std::string message;
};

class Value;
using List = std::vector<Value>;

/// An insertion-ordered str-keyed map, like a Python dict from JSON.
class Dict {
public:
  const Value *find(const std::string &key) const;
  void set(const std::string &key, Value v);
  const std::vector<std::pair<std::string, Value>> &items() const {
    return items_;
  }
  size_t size() const { return items_.size(); }

private:
  std::vector<std::pair<std::string, Value>> items_;
  std::unordered_map<std::string, size_t> index_;
};

/// Positional and keyword arguments of a call.
struct CallArgs {
  std::vector<Value> pos;
  std::vector<std::pair<std::string, Value>> kw;
};
using Function = std::function<Value(CallArgs &)>;

enum class Kind {
  Undefined,
  None,
  Bool,
  Int,
  Float,
  String,
  List,
  Dict,
  Namespace,
  Function
};

class Value {
public:
  Value() = default;
  static Value undefined(std::string hint);
  static Value none();
  static Value boolean(bool b);
  static Value integer(int64_t i);
  static Value number(double f);
  static Value string(std::string s);
  static Value list(List items, bool tuple = false);
  static Value dict(Dict d);
  static Value namespace_(Dict d);
  static Value function(std::string name, Function fn);
  static Value fromJson(const nlohmann::ordered_json &j);

  Kind kind() const { return kind_; }
  bool is(Kind k) const { return kind_ == k; }
  bool isUndefined() const { return kind_ == Kind::Undefined; }
  bool isNumber() const {
    return kind_ == Kind::Int || kind_ == Kind::Float || kind_ == Kind::Bool;
  }
  bool isTuple() const { return tuple_; }

  bool asBool() const { return b_; }
  int64_t asInt() const { return kind_ == Kind::Bool ? b_ : i_; }
  double asFloat() const {
    return kind_ == Kind::Float ? f_ : static_cast<double>(asInt());
  }
  /// The text of a String, the hint of an Undefined, the name of a Function.
  const std::string &str() const { return s_; }
  List &items() const { return *list_; }
  Dict &dict() const { return *dict_; }
  const Function &fn() const { return *fn_; }

private:
  Kind kind_ = Kind::Undefined;
  bool b_ = false, tuple_ = false;
  int64_t i_ = 0;
  double f_ = 0;
  std::string s_ = "value is undefined";
  std::shared_ptr<List> list_;
  std::shared_ptr<Dict> dict_;
  std::shared_ptr<Function> fn_;
};

/// Throws the "'x' is undefined" error an undefined value carries.
[[noreturn]] void failUndefined(const Value &v);
/// Python's type name: str, int, float, bool, NoneType, list, tuple, dict.
std::string typeName(const Value &v);
bool truthy(const Value &v);
/// Python's str(); Undefined prints as "".
std::string toStr(const Value &v);
std::string repr(const Value &v);
/// Python's float repr: shortest round-trip digits, "1.0", "1e+16".
std::string formatFloat(double f);
bool equals(const Value &a, const Value &b);
/// Python's ordering: -1, 0 or 1; throws for incomparable types.
int compare(const Value &a, const Value &b, const char *op);

struct JsonOptions {
  bool ensureAscii = false;
  std::optional<std::string> indent;
  std::string itemSep = ", ", keySep = ": ";
  bool sortKeys = false;
};
/// Python's json.dumps(v, ...); throws for values JSON cannot hold.
std::string toJson(const Value &v, const JsonOptions &opts);

} // namespace r1jinja

#endif // R1JINJA_VALUE_H
