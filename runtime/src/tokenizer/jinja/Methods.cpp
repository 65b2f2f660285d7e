//===- Methods.cpp - The str and dict methods templates call --------------===//
//
// Python's str methods on UTF-8 text (by code point) and dict.items/keys/
// values/get. Case mapping is ASCII-only; other str methods that Python has
// are refused when called, so a template never gets silently wrong text.
//
//===----------------------------------------------------------------------===//

#include "Builtins.h"
#include "Unicode.h"

#include <algorithm>
#include <cctype>

namespace r1jinja {

namespace {

using Method = Value (*)(const Value &self, CallArgs &args);

std::u32string toCps(const Value &v, const std::string &what) {
  return decodeUtf8(needString(v, what));
}

/// Python's str.split / str.rsplit.
List split(const std::string &s, const Value *sepV, int64_t maxsplit,
           bool fromRight) {
  std::u32string cps = decodeUtf8(s);
  if (fromRight)
    std::reverse(cps.begin(), cps.end());
  std::vector<std::u32string> parts;
  if (!sepV || sepV->is(Kind::None)) {
    size_t i = 0, n = cps.size();
    while (true) {
      while (i < n && isPySpace(cps[i]))
        ++i;
      if (i == n)
        break;
      if (maxsplit >= 0 && static_cast<int64_t>(parts.size()) == maxsplit) {
        size_t end = n;
        while (end > i && isPySpace(cps[end - 1]))
          --end;
        parts.push_back(cps.substr(i, end - i));
        break;
      }
      size_t j = i;
      while (j < n && !isPySpace(cps[j]))
        ++j;
      parts.push_back(cps.substr(i, j - i));
      i = j;
    }
  } else {
    std::u32string sep = toCps(*sepV, "separator");
    if (sep.empty())
      throw EvalError{"empty separator"};
    if (fromRight)
      std::reverse(sep.begin(), sep.end());
    size_t i = 0;
    while (true) {
      size_t j = cps.find(sep, i);
      if (j == std::u32string::npos ||
          (maxsplit >= 0 && static_cast<int64_t>(parts.size()) == maxsplit)) {
        parts.push_back(cps.substr(i));
        break;
      }
      parts.push_back(cps.substr(i, j - i));
      i = j + sep.size();
    }
  }
  if (fromRight) {
    std::reverse(parts.begin(), parts.end());
    for (auto &p : parts)
      std::reverse(p.begin(), p.end());
  }
  List out;
  for (auto &p : parts)
    out.push_back(Value::string(encodeUtf8(p)));
  return out;
}

std::string mapAscii(const std::string &s, int (*f)(int)) {
  std::string out = s;
  for (char &c : out)
    if (static_cast<unsigned char>(c) < 0x80)
      c = static_cast<char>(f(static_cast<unsigned char>(c)));
  return out;
}

std::string title(const std::string &s) {
  std::string out = s;
  bool prevCased = false;
  for (char &c : out) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      prevCased = false;
      continue;
    }
    c = static_cast<char>(prevCased ? std::tolower(u) : std::toupper(u));
    prevCased = std::isalpha(u);
  }
  return out;
}

std::string replace(const std::string &s, const std::string &from,
                    const std::string &to, int64_t count) {
  std::string out;
  if (from.empty()) {
    // Python inserts `to` around every code point.
    std::u32string cps = decodeUtf8(s);
    int64_t done = 0;
    for (char32_t c : cps) {
      if (count < 0 || done < count) {
        out += to;
        ++done;
      }
      appendUtf8(out, c);
    }
    if (count < 0 || done < count)
      out += to;
    return out;
  }
  size_t i = 0;
  for (int64_t done = 0; count < 0 || done < count; ++done) {
    size_t j = s.find(from, i);
    if (j == std::string::npos)
      break;
    out.append(s, i, j - i);
    out += to;
    i = j + from.size();
  }
  out.append(s, i, std::string::npos);
  return out;
}

bool affix(const Value &self, CallArgs &args, bool prefix) {
  Params p(prefix ? "startswith" : "endswith", args,
           {"prefix", "start", "end"});
  if (!p.get(0))
    throw EvalError{"startswith() takes at least 1 argument (0 given)"};
  if (p.get(1) || p.get(2))
    unsupported(std::string("method str.") +
                (prefix ? "startswith" : "endswith") + " with start/end");
  const std::string &s = self.str();
  List cands = p.get(0)->is(Kind::List) ? p.get(0)->items() : List{*p.get(0)};
  for (const Value &c : cands) {
    const std::string &a = needString(c, "prefix");
    if (a.size() <= s.size() &&
        (prefix ? s.compare(0, a.size(), a) == 0
                : s.compare(s.size() - a.size(), a.size(), a) == 0))
      return true;
  }
  return false;
}

int64_t find(const Value &self, CallArgs &args, const char *name, bool right) {
  Params p(name, args, {"sub"});
  std::u32string hay = decodeUtf8(self.str());
  std::u32string needle =
      toCps(p.get(0, Value::undefined("sub is missing")), "sub");
  size_t at = right ? hay.rfind(needle) : hay.find(needle);
  return at == std::u32string::npos ? -1 : static_cast<int64_t>(at);
}

Value strMethod(const std::string &name, const Value &self, CallArgs &args) {
  const std::string &s = self.str();
  if (name == "strip" || name == "lstrip" || name == "rstrip") {
    Params p(name, args, {"chars"});
    return Value::string(
        stripChars(s, p.get(0), name != "rstrip", name != "lstrip"));
  }
  if (name == "split" || name == "rsplit") {
    Params p(name, args, {"sep", "maxsplit"});
    int64_t maxsplit = p.get(1) ? needInt(*p.get(1), "maxsplit") : -1;
    return Value::list(split(s, p.get(0), maxsplit, name == "rsplit"));
  }
  if (name == "startswith" || name == "endswith")
    return Value::boolean(affix(self, args, name == "startswith"));
  if (name == "upper" || name == "lower" || name == "title" ||
      name == "capitalize") {
    Params p(name, args, {});
    if (name == "upper")
      return Value::string(mapAscii(s, ::toupper));
    if (name == "lower")
      return Value::string(mapAscii(s, ::tolower));
    if (name == "title")
      return Value::string(title(s));
    std::string out = mapAscii(s, ::tolower);
    if (!out.empty() && static_cast<unsigned char>(out[0]) < 0x80)
      out[0] =
          static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return Value::string(out);
  }
  if (name == "replace") {
    Params p(name, args, {"old", "new", "count"});
    std::string from =
        needString(p.get(0, Value::undefined("replace() needs old")), "old");
    std::string to =
        needString(p.get(1, Value::undefined("replace() needs new")), "new");
    int64_t count = p.get(2) ? needInt(*p.get(2), "count") : -1;
    return Value::string(replace(s, from, to, count));
  }
  if (name == "find" || name == "rfind")
    return Value::integer(find(self, args, name.c_str(), name == "rfind"));
  if (name == "count") {
    Params p(name, args, {"sub"});
    std::string sub =
        needString(p.get(0, Value::undefined("count() needs sub")), "sub");
    if (sub.empty())
      return Value::integer(static_cast<int64_t>(codePointCount(s)) + 1);
    int64_t n = 0;
    for (size_t i = s.find(sub); i != std::string::npos;
         i = s.find(sub, i + sub.size()))
      ++n;
    return Value::integer(n);
  }
  if (name == "join") {
    Params p(name, args, {"iterable"});
    std::string out;
    bool first = true;
    for (const Value &v :
         iterate(p.get(0, Value::undefined("join() needs an iterable")))) {
      out += (first ? "" : s) + needString(v, "sequence item");
      first = false;
    }
    return Value::string(out);
  }
  if (name == "isdigit" || name == "isspace" || name == "isalpha" ||
      name == "isalnum" || name == "islower" || name == "isupper") {
    Params p(name, args, {});
    std::u32string cps = decodeUtf8(s);
    if (cps.empty())
      return Value::boolean(false);
    bool cased = false;
    for (char32_t c : cps) {
      if (name == "isspace") {
        if (!isPySpace(c))
          return Value::boolean(false);
        continue;
      }
      if (c >= 0x80)
        unsupported("method str." + name + " on non-ASCII text");
      int u = static_cast<int>(c);
      bool ok = name == "isdigit"   ? std::isdigit(u)
                : name == "isalpha" ? std::isalpha(u)
                : name == "isalnum" ? std::isalnum(u)
                : name == "islower" ? !std::isupper(u)
                                    : !std::islower(u);
      cased = cased || std::isalpha(u);
      if (!ok)
        return Value::boolean(false);
    }
    if (name == "islower" || name == "isupper")
      return Value::boolean(cased);
    return Value::boolean(true);
  }
  unsupported("method str." + name);
}

/// Python str methods not implemented here; calling one is refused.
const char *const kOtherStrMethods[] = {
    "casefold",   "center",       "encode",       "expandtabs", "format",
    "format_map", "index",        "isascii",      "isdecimal",  "isidentifier",
    "isnumeric",  "isprintable",  "istitle",      "ljust",      "maketrans",
    "partition",  "removeprefix", "removesuffix", "rindex",     "rjust",
    "rpartition", "splitlines",   "swapcase",     "translate",  "zfill"};
const char *const kStrMethods[] = {
    "strip",    "lstrip",  "rstrip",  "split",  "rsplit",     "startswith",
    "endswith", "upper",   "lower",   "title",  "capitalize", "replace",
    "find",     "rfind",   "count",   "join",   "isdigit",    "isspace",
    "isalpha",  "isalnum", "islower", "isupper"};

Value dictMethod(const std::string &name, const Value &self, CallArgs &args) {
  if (name == "get") {
    Params p("get", args, {"key", "default"});
    const Value &key = p.get(0, Value::undefined("get() needs a key"));
    if (key.is(Kind::String))
      if (const Value *v = self.dict().find(key.str()))
        return *v;
    return p.get(1, Value::none());
  }
  Params p(name, args, {});
  List out;
  for (const auto &[k, v] : self.dict().items()) {
    if (name == "items")
      out.push_back(Value::list({Value::string(k), v}, true));
    else if (name == "keys")
      out.push_back(Value::string(k));
    else
      out.push_back(v);
  }
  return Value::list(std::move(out));
}

} // namespace

std::string stripChars(const std::string &s, const Value *chars, bool left,
                       bool right) {
  std::u32string cps = decodeUtf8(s);
  std::u32string set;
  bool space = !chars || chars->is(Kind::None);
  if (!space)
    set = toCps(*chars, "strip chars");
  auto strip = [&](char32_t c) {
    return space ? isPySpace(c) : set.find(c) != std::u32string::npos;
  };
  size_t b = 0, e = cps.size();
  while (left && b < e && strip(cps[b]))
    ++b;
  while (right && e > b && strip(cps[e - 1]))
    --e;
  return encodeUtf8(cps.substr(b, e - b));
}

std::optional<Value> methodOf(const Value &obj, const std::string &name) {
  if (obj.is(Kind::String)) {
    bool known =
        std::any_of(std::begin(kStrMethods), std::end(kStrMethods),
                    [&](const char *m) { return name == m; }) ||
        std::any_of(std::begin(kOtherStrMethods), std::end(kOtherStrMethods),
                    [&](const char *m) { return name == m; });
    if (!known)
      return std::nullopt;
    return Value::function("str." + name, [name, obj](CallArgs &args) {
      return strMethod(name, obj, args);
    });
  }
  if (obj.is(Kind::Dict) &&
      (name == "items" || name == "keys" || name == "values" || name == "get"))
    return Value::function("dict." + name, [name, obj](CallArgs &args) {
      return dictMethod(name, obj, args);
    });
  return std::nullopt;
}

} // namespace r1jinja
