//===- Evaluator.cpp - Render a parsed template ---------------------------===//

#include "Evaluator.h"

#include "Builtins.h"
#include "r1rt/tokenizer/jinja/ChatTemplate.h"

#include <cmath>
#include <ctime>
#include <unordered_map>

namespace r1jinja {

namespace {

using Frame = std::unordered_map<std::string, Value>;
enum class Flow { Normal, Break, Continue };

[[noreturn]] void typeError(const char *op, const Value &a, const Value &b) {
  throw EvalError{std::string("unsupported operand type(s) for ") + op + ": '" +
                  typeName(a) + "' and '" + typeName(b) + "'"};
}

/// Python's floor division and modulo on integers.
int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

Value arith(const std::string &op, const Value &a, const Value &b) {
  if (a.isUndefined())
    failUndefined(a);
  if (b.isUndefined())
    failUndefined(b);
  bool nums = a.isNumber() && b.isNumber();
  bool ints = nums && !a.is(Kind::Float) && !b.is(Kind::Float);
  if (op == "+") {
    if (ints)
      return Value::integer(a.asInt() + b.asInt());
    if (nums)
      return Value::number(a.asFloat() + b.asFloat());
    if (a.is(Kind::String) && b.is(Kind::String))
      return Value::string(a.str() + b.str());
    if (a.is(Kind::List) && b.is(Kind::List) && a.isTuple() == b.isTuple()) {
      List out = a.items();
      out.insert(out.end(), b.items().begin(), b.items().end());
      return Value::list(std::move(out), a.isTuple());
    }
    if (a.is(Kind::String))
      throw EvalError{"can only concatenate str (not \"" + typeName(b) +
                      "\") to str"};
    typeError("+", a, b);
  }
  if (op == "*") {
    if (ints)
      return Value::integer(a.asInt() * b.asInt());
    if (nums)
      return Value::number(a.asFloat() * b.asFloat());
    const Value *seq = a.is(Kind::String) || a.is(Kind::List) ? &a : &b;
    const Value *n = seq == &a ? &b : &a;
    if ((seq->is(Kind::String) || seq->is(Kind::List)) &&
        (n->is(Kind::Int) || n->is(Kind::Bool))) {
      int64_t times = n->asInt();
      if (seq->is(Kind::String)) {
        std::string out;
        for (int64_t i = 0; i < times; ++i)
          out += seq->str();
        return Value::string(out);
      }
      List out;
      for (int64_t i = 0; i < times; ++i)
        out.insert(out.end(), seq->items().begin(), seq->items().end());
      return Value::list(std::move(out), seq->isTuple());
    }
    typeError("*", a, b);
  }
  if (a.is(Kind::String) && op == "%")
    unsupported("string % formatting");
  if (!nums)
    typeError(op.c_str(), a, b);
  if (op == "-")
    return ints ? Value::integer(a.asInt() - b.asInt())
                : Value::number(a.asFloat() - b.asFloat());
  if (op == "**") {
    if (ints && b.asInt() >= 0) {
      int64_t r = 1;
      for (int64_t i = 0; i < b.asInt(); ++i)
        r *= a.asInt();
      return Value::integer(r);
    }
    return Value::number(std::pow(a.asFloat(), b.asFloat()));
  }
  bool zero = b.is(Kind::Float) ? b.asFloat() == 0.0 : b.asInt() == 0;
  if (zero)
    throw EvalError{op == "/" ? "division by zero"
                              : "integer division or modulo by zero"};
  if (op == "/")
    return Value::number(a.asFloat() / b.asFloat());
  if (op == "//")
    return ints ? Value::integer(floorDiv(a.asInt(), b.asInt()))
                : Value::number(std::floor(a.asFloat() / b.asFloat()));
  // "%": the result takes the divisor's sign.
  if (ints)
    return Value::integer(a.asInt() -
                          floorDiv(a.asInt(), b.asInt()) * b.asInt());
  double m = std::fmod(a.asFloat(), b.asFloat());
  if (m != 0 && ((m < 0) != (b.asFloat() < 0)))
    m += b.asFloat();
  return Value::number(m);
}

class Evaluator {
public:
  Evaluator(const nlohmann::ordered_json &context) {
    if (!context.is_object())
      throw TemplateError(0, 0, "render context must be a JSON object");
    auto root = std::make_shared<Frame>();
    for (const auto &[k, v] : context.items())
      (*root)[k] = Value::fromJson(v);
    frames_.push_back(root);
    installGlobals();
  }

  std::string run(const Body &body) {
    std::string out;
    out_ = &out;
    exec(body);
    return out;
  }

private:
  // --- variables ---
  Value lookup(const std::string &name) const {
    for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
      auto found = (*it)->find(name);
      if (found != (*it)->end())
        return found->second;
    }
    auto g = globals_.find(name);
    if (g != globals_.end())
      return g->second;
    return Value::undefined("'" + name + "' is undefined");
  }
  void assign(const std::string &name, Value v) {
    (*frames_.back())[name] = std::move(v);
  }

  void installGlobals() {
    globals_["raise_exception"] =
        Value::function("raise_exception", [](CallArgs &a) -> Value {
          Params p("raise_exception", a, {"message"});
          throw EvalError{"raise_exception: " +
                          toStr(p.get(0, Value::string("")))};
        });
    globals_["strftime_now"] = Value::function("strftime_now", [](CallArgs &a) {
      Params p("strftime_now", a, {"format"});
      std::string fmt = needString(
          p.get(0, Value::undefined("strftime_now() needs a format")),
          "format");
      std::time_t now = std::time(nullptr);
      std::tm local{};
      localtime_r(&now, &local);
      char buf[256];
      size_t n = std::strftime(buf, sizeof buf, fmt.c_str(), &local);
      return Value::string(std::string(buf, n));
    });
    globals_["range"] = Value::function("range", [](CallArgs &a) {
      if (!a.kw.empty() || a.pos.empty() || a.pos.size() > 3)
        throw EvalError{"range() takes 1 to 3 positional arguments"};
      int64_t start = 0, stop, step = 1;
      if (a.pos.size() == 1) {
        stop = needInt(a.pos[0], "range() argument");
      } else {
        start = needInt(a.pos[0], "range() argument");
        stop = needInt(a.pos[1], "range() argument");
        if (a.pos.size() == 3)
          step = needInt(a.pos[2], "range() argument");
      }
      if (step == 0)
        throw EvalError{"range() arg 3 must not be zero"};
      List out;
      for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
        if (out.size() >= 100000)
          throw EvalError{"Range too big. The sandbox blocks ranges larger "
                          "than MAX_RANGE (100000)."};
        out.push_back(Value::integer(i));
      }
      return Value::list(std::move(out));
    });
    auto mapping = [](const char *name, CallArgs &a, bool ns) {
      if (a.pos.size() > 1)
        throw EvalError{std::string(name) +
                        "() takes at most 1 positional argument"};
      Dict d;
      if (!a.pos.empty()) {
        if (!a.pos[0].is(Kind::Dict))
          unsupported(std::string(name) + "() from a non-mapping");
        d = a.pos[0].dict();
      }
      for (const auto &[k, v] : a.kw)
        d.set(k, v);
      if (ns)
        for (const auto &kv : d.items())
          if (!kv.first.empty() && kv.first[0] == '_')
            throw EvalError{"Chat templates cannot store underscore-prefixed "
                            "attributes on a namespace, but got '" +
                            kv.first + "'."};
      return ns ? Value::namespace_(std::move(d)) : Value::dict(std::move(d));
    };
    globals_["namespace"] =
        Value::function("namespace", [mapping](CallArgs &a) {
          return mapping("namespace", a, true);
        });
    globals_["dict"] = Value::function(
        "dict", [mapping](CallArgs &a) { return mapping("dict", a, false); });
  }

  // --- expressions ---

  Value eval(const Expr &e) {
    try {
      return evalUnchecked(e);
    } catch (const EvalError &err) {
      throw TemplateError(e.loc.line, e.loc.col, err.message);
    }
  }

  CallArgs evalArgs(const Expr &e, size_t first) {
    CallArgs a;
    for (size_t i = first; i < e.args.size(); ++i)
      a.pos.push_back(eval(*e.args[i]));
    for (const auto &[k, v] : e.kwargs)
      a.kw.emplace_back(k, eval(*v));
    return a;
  }

  Value evalUnchecked(const Expr &e) {
    switch (e.kind) {
    case ExprKind::Literal:
      return e.value;
    case ExprKind::Name:
      return lookup(e.name);
    case ExprKind::ListLit: {
      List items;
      for (const auto &a : e.args)
        items.push_back(eval(*a));
      return Value::list(std::move(items), e.tuple);
    }
    case ExprKind::DictLit: {
      Dict d;
      for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
        Value k = eval(*e.args[i]);
        if (!k.is(Kind::String))
          unsupported("dict literal key of type " + typeName(k));
        d.set(k.str(), eval(*e.args[i + 1]));
      }
      return Value::dict(std::move(d));
    }
    case ExprKind::GetAttr:
      return getAttr(eval(*e.args[0]), e.name);
    case ExprKind::GetItem:
      return getItem(eval(*e.args[0]), eval(*e.args[1]));
    case ExprKind::Slice: {
      Value obj = eval(*e.args[0]);
      Value parts[3];
      const Value *ptrs[3] = {nullptr, nullptr, nullptr};
      for (int i = 0; i < 3; ++i)
        if (e.args[i + 1]) {
          parts[i] = eval(*e.args[i + 1]);
          ptrs[i] = &parts[i];
        }
      return sliceOf(obj, ptrs[0], ptrs[1], ptrs[2]);
    }
    case ExprKind::Call: {
      Value callee = eval(*e.args[0]);
      CallArgs a = evalArgs(e, 1);
      if (callee.isUndefined())
        failUndefined(callee);
      if (!callee.is(Kind::Function))
        throw EvalError{"'" + typeName(callee) + "' object is not callable"};
      return callee.fn()(a);
    }
    case ExprKind::Filter: {
      Value base = eval(*e.args[0]);
      CallArgs a = evalArgs(e, 1);
      return applyFilter(e.name, base, a);
    }
    case ExprKind::Test: {
      Value v = eval(*e.args[0]);
      CallArgs a = evalArgs(e, 1);
      return Value::boolean(applyTest(e.name, v, a) != e.negated);
    }
    case ExprKind::Unary: {
      Value v = eval(*e.args[0]);
      if (e.name == "not")
        return Value::boolean(!truthy(v));
      if (v.isUndefined())
        failUndefined(v);
      if (!v.isNumber())
        throw EvalError{"bad operand type for unary " + e.name + ": '" +
                        typeName(v) + "'"};
      if (e.name == "+")
        return v.is(Kind::Float) ? v : Value::integer(v.asInt());
      return v.is(Kind::Float) ? Value::number(-v.asFloat())
                               : Value::integer(-v.asInt());
    }
    case ExprKind::Binary: {
      Value a = eval(*e.args[0]);
      if (e.name == "and")
        return truthy(a) ? eval(*e.args[1]) : a;
      if (e.name == "or")
        return truthy(a) ? a : eval(*e.args[1]);
      Value b = eval(*e.args[1]);
      if (e.name == "~")
        return Value::string(toStr(a) + toStr(b));
      return arith(e.name, a, b);
    }
    case ExprKind::Compare: {
      Value left = eval(*e.args[0]);
      for (size_t i = 0; i < e.ops.size(); ++i) {
        Value right = eval(*e.args[i + 1]);
        const std::string &op = e.ops[i];
        bool ok;
        if (op == "==")
          ok = equals(left, right);
        else if (op == "!=")
          ok = !equals(left, right);
        else if (op == "in")
          ok = containsValue(right, left);
        else if (op == "not in")
          ok = !containsValue(right, left);
        else {
          int c = compare(left, right, op.c_str());
          ok = op == "<"    ? c < 0
               : op == "<=" ? c <= 0
               : op == ">"  ? c > 0
                            : c >= 0;
        }
        if (!ok)
          return Value::boolean(false);
        left = std::move(right);
      }
      return Value::boolean(true);
    }
    case ExprKind::CondExpr:
      if (truthy(eval(*e.args[0])))
        return eval(*e.args[1]);
      if (e.args[2])
        return eval(*e.args[2]);
      return Value::undefined(
          "the inline if-expression on line " + std::to_string(e.loc.line) +
          " evaluated to false and no else section was defined.");
    }
    return Value();
  }

  // --- statements ---

  Flow exec(const Body &body) {
    for (const auto &s : body) {
      Flow f = execOne(*s);
      if (f != Flow::Normal)
        return f;
    }
    return Flow::Normal;
  }

  /// Binds `targets` to `v`, unpacking when there are several.
  void bind(const std::vector<std::string> &targets, const Value &v, Frame &f) {
    if (targets.size() == 1) {
      f[targets[0]] = v;
      return;
    }
    List items = iterate(v);
    if (items.size() != targets.size())
      throw EvalError{items.size() < targets.size()
                          ? "not enough values to unpack (expected " +
                                std::to_string(targets.size()) + ", got " +
                                std::to_string(items.size()) + ")"
                          : "too many values to unpack (expected " +
                                std::to_string(targets.size()) + ")"};
    for (size_t i = 0; i < targets.size(); ++i)
      f[targets[i]] = items[i];
  }

  Flow execOne(const Stmt &s) {
    try {
      return execUnchecked(s);
    } catch (const EvalError &err) {
      throw TemplateError(s.loc.line, s.loc.col, err.message);
    }
  }

  std::string capture(const Body &body) {
    std::string buf;
    std::string *saved = out_;
    out_ = &buf;
    exec(body);
    out_ = saved;
    return buf;
  }

  Flow execUnchecked(const Stmt &s) {
    switch (s.kind) {
    case StmtKind::Text:
      *out_ += s.text;
      return Flow::Normal;
    case StmtKind::Print:
      *out_ += toStr(eval(*s.expr));
      return Flow::Normal;
    case StmtKind::If:
      for (const auto &[cond, body] : s.branches)
        if (!cond || truthy(eval(*cond)))
          return exec(body);
      return Flow::Normal;
    case StmtKind::For:
      return execFor(s);
    case StmtKind::Set: {
      Value v = eval(*s.expr);
      if (s.text.empty()) {
        bind(s.targets, v, *frames_.back());
        return Flow::Normal;
      }
      Value ns = lookup(s.targets[0]);
      if (!ns.is(Kind::Namespace))
        throw EvalError{"cannot assign attribute on non-namespace object"};
      if (s.text[0] == '_')
        throw EvalError{"Chat templates cannot store underscore-prefixed "
                        "attributes on a namespace, but got '" +
                        s.text + "'."};
      ns.dict().set(s.text, std::move(v));
      return Flow::Normal;
    }
    case StmtKind::SetBlock:
      assign(s.targets[0], Value::string(capture(s.body)));
      return Flow::Normal;
    case StmtKind::Macro:
      assign(s.text, makeMacro(s));
      return Flow::Normal;
    case StmtKind::Break:
      return Flow::Break;
    case StmtKind::Continue:
      return Flow::Continue;
    case StmtKind::Generation:
      return exec(s.body);
    }
    return Flow::Normal;
  }

  Flow execFor(const Stmt &s) {
    Value iterable = eval(*s.expr);
    List all = iterate(iterable);
    List items;
    if (s.filter) {
      for (const Value &v : all) {
        frames_.push_back(std::make_shared<Frame>());
        bind(s.targets, v, *frames_.back());
        bool keep = truthy(eval(*s.filter));
        frames_.pop_back();
        if (keep)
          items.push_back(v);
      }
    } else {
      items = std::move(all);
    }
    if (items.empty()) {
      frames_.push_back(std::make_shared<Frame>());
      Flow f = exec(s.elseBody);
      frames_.pop_back();
      return f; // break/continue here belong to an outer loop
    }
    int64_t n = static_cast<int64_t>(items.size());
    for (int64_t i = 0; i < n; ++i) {
      Dict loop;
      loop.set("index", Value::integer(i + 1));
      loop.set("index0", Value::integer(i));
      loop.set("revindex", Value::integer(n - i));
      loop.set("revindex0", Value::integer(n - i - 1));
      loop.set("first", Value::boolean(i == 0));
      loop.set("last", Value::boolean(i == n - 1));
      loop.set("length", Value::integer(n));
      loop.set("depth", Value::integer(1));
      loop.set("depth0", Value::integer(0));
      if (i > 0)
        loop.set("previtem", items[i - 1]);
      if (i + 1 < n)
        loop.set("nextitem", items[i + 1]);
      loop.set("cycle", Value::function("loop.cycle", [i](CallArgs &a) {
                 if (a.pos.empty())
                   throw EvalError{"no items for cycling given"};
                 return a.pos[static_cast<size_t>(i) % a.pos.size()];
               }));
      auto frame = std::make_shared<Frame>();
      (*frame)["loop"] = Value::dict(std::move(loop));
      bind(s.targets, items[i], *frame);
      frames_.push_back(frame);
      Flow f;
      try {
        f = exec(s.body);
      } catch (...) {
        frames_.pop_back();
        throw;
      }
      frames_.pop_back();
      if (f == Flow::Break)
        break;
    }
    return Flow::Normal;
  }

  Value makeMacro(const Stmt &s) {
    const Stmt *def = &s;
    return Value::function(s.text, [this, def](CallArgs &a) {
      if (a.pos.size() > def->params.size())
        throw EvalError{"macro '" + def->text + "' takes not more than " +
                        std::to_string(def->params.size()) + " argument(s)"};
      auto frame = std::make_shared<Frame>();
      std::vector<std::shared_ptr<Frame>> saved = frames_;
      frames_ = {saved.front(), frame};
      try {
        for (size_t i = 0; i < def->params.size(); ++i) {
          const auto &[name, dflt] = def->params[i];
          Value v =
              Value::undefined("parameter '" + name + "' was not provided");
          if (i < a.pos.size())
            v = a.pos[i];
          else if (dflt)
            v = eval(*dflt);
          for (const auto &[k, kv] : a.kw)
            if (k == name)
              v = kv;
          (*frame)[name] = v;
        }
        for (const auto &[k, kv] : a.kw) {
          bool known = false;
          for (const auto &p : def->params)
            known = known || p.first == k;
          if (!known)
            throw EvalError{"macro '" + def->text +
                            "' takes no keyword argument '" + k + "'"};
        }
        std::string out = capture(def->body);
        frames_ = saved;
        return Value::string(out);
      } catch (...) {
        frames_ = saved;
        throw;
      }
    });
  }

  std::vector<std::shared_ptr<Frame>> frames_;
  Frame globals_;
  std::string *out_ = nullptr;
};

} // namespace

std::string renderTemplate(const Template &t,
                           const nlohmann::ordered_json &context) {
  return Evaluator(context).run(t.body);
}

} // namespace r1jinja
