//===- Parser.cpp - Jinja2 statements and expressions to a tree -----------===//
//
// Grammar (jinja2's, lowest precedence first):
//   expr     ::= or ('if' or ('else' expr)?)*
//   or       ::= and ('or' and)*        and ::= not ('and' not)*
//   not      ::= 'not' not | compare
//   compare  ::= math1 (('=='|'!='|'<'|'<='|'>'|'>='|'in'|'not' 'in') math1)*
//   math1    ::= concat (('+'|'-') concat)*     concat ::= math2 ('~' math2)*
//   math2    ::= pow (('*'|'/'|'//'|'%') pow)*  pow ::= unary ('**' unary)*
//   unary    ::= ('-'|'+') unary | primary postfix* (filter | test | call)*
//   postfix  ::= '.' name | '.' int | '[' subscript ']' | call
//
//===----------------------------------------------------------------------===//

#include "Parser.h"

#include "Builtins.h"
#include "r1rt/tokenizer/jinja/ChatTemplate.h"

#include <algorithm>
#include <cstdlib>

namespace r1jinja {

namespace {

/// Tags jinja2 knows but this subset refuses.
const char *const kRefusedTags[] = {
    "include", "extends", "block",      "import", "from",  "with", "filter",
    "call",    "raw",     "autoescape", "do",     "trans", "print"};

class Parser {
public:
  explicit Parser(std::vector<Token> toks) : toks_(std::move(toks)) {}

  Template run() {
    Template t;
    while (cur().kind != Tok::Eof)
      parseOne(t.body);
    return t;
  }

private:
  // --- token stream ---
  const Token &cur() const { return toks_[pos_]; }
  const Token &look(size_t n = 1) const {
    return toks_[std::min(pos_ + n, toks_.size() - 1)];
  }
  const Token &take() {
    const Token &t = toks_[pos_];
    if (pos_ + 1 < toks_.size())
      ++pos_;
    return t;
  }
  bool isOp(const char *op) const {
    return cur().kind == Tok::Op && cur().text == op;
  }
  bool isName(const char *name) const {
    return cur().kind == Tok::Name && cur().text == name;
  }
  static Loc loc(const Token &t) { return {t.line, t.col}; }

  [[noreturn]] void fail(const Token &t, const std::string &what) const {
    throw TemplateError(t.line, t.col, what);
  }
  [[noreturn]] void refuse(const Token &t, const std::string &what) const {
    fail(t, "unsupported construct '" + what + "'");
  }
  static std::string describe(const Token &t) {
    switch (t.kind) {
    case Tok::Eof:
      return "end of template";
    case Tok::VarEnd:
      return "'}}'";
    case Tok::BlockEnd:
      return "'%}'";
    case Tok::String:
      return "string literal";
    default:
      return "'" + t.text + "'";
    }
  }
  void expectOp(const char *op) {
    if (!isOp(op))
      fail(cur(), std::string("expected '") + op + "', got " + describe(cur()));
    take();
  }
  void expectBlockEnd() {
    if (cur().kind != Tok::BlockEnd)
      fail(cur(), "expected '%}', got " + describe(cur()));
    take();
  }
  std::string expectName() {
    if (cur().kind != Tok::Name)
      fail(cur(), "expected a name, got " + describe(cur()));
    return take().text;
  }

  // --- statements ---

  [[noreturn]] void unclosed(const Token &opener, const std::string &what,
                             const char *end) const {
    fail(opener,
         "unclosed '{% " + what + " %}' (expected '{% " + end + " %}')");
  }

  /// Parses statements until a block tag whose keyword is in `ends`, consumes
  /// `{%` and the keyword, and returns the keyword; the end of the template
  /// there is an unclosed `opener`.
  std::string parseBody(Body &out, std::initializer_list<const char *> ends,
                        const Token &opener, const std::string &what) {
    while (true) {
      if (cur().kind == Tok::Eof)
        unclosed(opener, what, *(ends.end() - 1));
      if (cur().kind == Tok::BlockBegin && look().kind == Tok::Name) {
        const std::string &kw = look().text;
        bool isEnd = std::any_of(ends.begin(), ends.end(),
                                 [&](const char *e) { return kw == e; });
        if (isEnd) {
          take();
          return take().text;
        }
        if (kw.rfind("end", 0) == 0 || kw == "elif" || kw == "else")
          fail(look(), "unexpected '" + kw + "' (expected '" +
                           *(ends.end() - 1) + "')");
      }
      parseOne(out);
    }
  }

  /// Parses one piece of template: text, {{ }} or a statement.
  void parseOne(Body &out) {
    const Token &t = cur();
    if (t.kind == Tok::BlockBegin) {
      take();
      out.push_back(parseStatement());
      return;
    }
    if (t.kind == Tok::Data || t.kind == Tok::VarBegin) {
      if (t.kind == Tok::Data) {
        auto s = std::make_unique<Stmt>();
        s->kind = StmtKind::Text;
        s->loc = loc(t);
        s->text = t.text;
        take();
        out.push_back(std::move(s));
      } else {
        take();
        auto s = std::make_unique<Stmt>();
        s->kind = StmtKind::Print;
        s->loc = loc(cur());
        s->expr = parseTuple(true);
        if (cur().kind != Tok::VarEnd)
          fail(cur(), "expected '}}', got " + describe(cur()));
        take();
        out.push_back(std::move(s));
      }
      return;
    }
    fail(t, "unexpected " + describe(t));
  }

  StmtPtr parseStatement() {
    const Token &kw = cur();
    if (kw.kind != Tok::Name)
      fail(kw, "expected a statement name after '{%', got " + describe(kw));
    const std::string &name = kw.text;
    if (name == "if")
      return parseIf();
    if (name == "for")
      return parseFor();
    if (name == "set")
      return parseSet();
    if (name == "macro")
      return parseMacro();
    if (name == "generation")
      return parseGeneration();
    if (name == "break" || name == "continue") {
      if (loopDepth_ == 0)
        fail(kw, "'" + name + "' outside of a for loop");
      auto s = std::make_unique<Stmt>();
      s->kind = name == "break" ? StmtKind::Break : StmtKind::Continue;
      s->loc = loc(take());
      expectBlockEnd();
      return s;
    }
    for (const char *r : kRefusedTags)
      if (name == r)
        refuse(kw, name);
    if (name.rfind("end", 0) == 0 || name == "elif" || name == "else")
      fail(kw, "unexpected '" + name + "'");
    refuse(kw, name);
  }

  StmtPtr parseIf() {
    const Token opener = take();
    auto s = std::make_unique<Stmt>();
    s->kind = StmtKind::If;
    s->loc = loc(opener);
    ExprPtr cond = parseTuple(false);
    expectBlockEnd();
    while (true) {
      Body body;
      std::string end =
          parseBody(body, {"elif", "else", "endif"}, opener, "if");
      s->branches.emplace_back(std::move(cond), std::move(body));
      if (end == "endif") {
        expectBlockEnd();
        return s;
      }
      if (end == "elif") {
        cond = parseTuple(false);
        expectBlockEnd();
        continue;
      }
      expectBlockEnd(); // else
      Body elseBody;
      parseBody(elseBody, {"endif"}, opener, "if");
      expectBlockEnd();
      s->branches.emplace_back(nullptr, std::move(elseBody));
      return s;
    }
  }

  StmtPtr parseFor() {
    const Token opener = take();
    auto s = std::make_unique<Stmt>();
    s->kind = StmtKind::For;
    s->loc = loc(opener);
    bool paren = isOp("(");
    if (paren)
      take();
    do {
      s->targets.push_back(expectName());
    } while (isOp(",") && (take(), true));
    if (paren)
      expectOp(")");
    if (!isName("in"))
      fail(cur(), "expected 'in', got " + describe(cur()));
    take();
    s->expr = parseTuple(false);
    if (isName("if")) {
      take();
      s->filter = parseExpression(true);
    }
    if (isName("recursive"))
      refuse(cur(), "recursive for loop");
    expectBlockEnd();
    ++loopDepth_;
    std::string end = parseBody(s->body, {"else", "endfor"}, opener, "for");
    --loopDepth_;
    expectBlockEnd();
    if (end == "else") {
      parseBody(s->elseBody, {"endfor"}, opener, "for");
      expectBlockEnd();
    }
    return s;
  }

  StmtPtr parseSet() {
    const Token opener = take();
    auto s = std::make_unique<Stmt>();
    s->kind = StmtKind::Set;
    s->loc = loc(opener);
    s->targets.push_back(expectName());
    if (isOp(".")) {
      take();
      s->text = expectName();
    } else {
      while (isOp(",")) {
        take();
        s->targets.push_back(expectName());
      }
    }
    if (isOp("=")) {
      take();
      s->expr = parseTuple(true);
      expectBlockEnd();
      return s;
    }
    if (cur().kind != Tok::BlockEnd || !s->text.empty() ||
        s->targets.size() != 1) {
      if (isOp("|"))
        refuse(cur(), "filtered set block");
      fail(cur(), "expected '=', got " + describe(cur()));
    }
    take();
    s->kind = StmtKind::SetBlock;
    parseBody(s->body, {"endset"}, opener, "set");
    expectBlockEnd();
    return s;
  }

  StmtPtr parseMacro() {
    const Token opener = take();
    auto s = std::make_unique<Stmt>();
    s->kind = StmtKind::Macro;
    s->loc = loc(opener);
    s->text = expectName();
    expectOp("(");
    while (!isOp(")")) {
      if (!s->params.empty())
        expectOp(",");
      if (isOp("*") || isOp("**"))
        refuse(cur(), "macro varargs");
      std::string param = expectName();
      ExprPtr dflt;
      if (isOp("=")) {
        take();
        dflt = parseExpression(true);
      }
      s->params.emplace_back(param, std::move(dflt));
    }
    take();
    expectBlockEnd();
    int saved = loopDepth_;
    loopDepth_ = 0;
    parseBody(s->body, {"endmacro"}, opener, "macro");
    loopDepth_ = saved;
    if (cur().kind == Tok::Name)
      take(); // optional macro name after endmacro
    expectBlockEnd();
    return s;
  }

  StmtPtr parseGeneration() {
    const Token opener = take();
    auto s = std::make_unique<Stmt>();
    s->kind = StmtKind::Generation;
    s->loc = loc(opener);
    expectBlockEnd();
    parseBody(s->body, {"endgeneration"}, opener, "generation");
    expectBlockEnd();
    return s;
  }

  // --- expressions ---

  ExprPtr node(ExprKind kind, const Token &at) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->loc = loc(at);
    return e;
  }
  ExprPtr binary(const Token &at, const std::string &op, ExprPtr l, ExprPtr r) {
    auto e = node(ExprKind::Binary, at);
    e->name = op;
    e->args.push_back(std::move(l));
    e->args.push_back(std::move(r));
    return e;
  }

  bool isTupleEnd() const {
    return cur().kind == Tok::VarEnd || cur().kind == Tok::BlockEnd ||
           cur().kind == Tok::Eof || isOp(")") || isName("in") ||
           isName("recursive");
  }

  /// expr (',' expr)* : a bare tuple when there is a comma.
  ExprPtr parseTuple(bool condexpr, bool explicitParens = false) {
    const Token start = cur();
    std::vector<ExprPtr> items;
    bool tuple = false;
    while (true) {
      if (!items.empty())
        expectOp(",");
      if (isTupleEnd())
        break;
      items.push_back(parseExpression(condexpr));
      if (isOp(","))
        tuple = true;
      else
        break;
    }
    if (!tuple) {
      if (!items.empty())
        return std::move(items.front());
      if (!explicitParens)
        fail(start, "expected an expression, got " + describe(start));
    }
    auto e = node(ExprKind::ListLit, start);
    e->tuple = true;
    e->args = std::move(items);
    return e;
  }

  ExprPtr parseExpression(bool condexpr) {
    if (!condexpr)
      return parseOr();
    ExprPtr e = parseOr();
    while (isName("if")) {
      const Token at = take();
      ExprPtr cond = parseOr();
      ExprPtr otherwise;
      if (isName("else")) {
        take();
        otherwise = parseExpression(true);
      }
      auto c = node(ExprKind::CondExpr, at);
      c->args.push_back(std::move(cond));
      c->args.push_back(std::move(e));
      c->args.push_back(std::move(otherwise));
      e = std::move(c);
    }
    return e;
  }

  ExprPtr parseOr() {
    ExprPtr e = parseAnd();
    while (isName("or")) {
      const Token at = take();
      e = binary(at, "or", std::move(e), parseAnd());
    }
    return e;
  }

  ExprPtr parseAnd() {
    ExprPtr e = parseNot();
    while (isName("and")) {
      const Token at = take();
      e = binary(at, "and", std::move(e), parseNot());
    }
    return e;
  }

  ExprPtr parseNot() {
    if (isName("not")) {
      const Token at = take();
      auto e = node(ExprKind::Unary, at);
      e->name = "not";
      e->args.push_back(parseNot());
      return e;
    }
    return parseCompare();
  }

  ExprPtr parseCompare() {
    const Token start = cur();
    ExprPtr first = parseMath1();
    ExprPtr e;
    static const char *const kOps[] = {"==", "!=", "<", "<=", ">", ">="};
    while (true) {
      std::string op;
      if (cur().kind == Tok::Op &&
          std::any_of(std::begin(kOps), std::end(kOps),
                      [&](const char *o) { return cur().text == o; })) {
        op = take().text;
      } else if (isName("in")) {
        take();
        op = "in";
      } else if (isName("not") && look().kind == Tok::Name &&
                 look().text == "in") {
        take();
        take();
        op = "not in";
      } else {
        break;
      }
      if (!e) {
        e = node(ExprKind::Compare, start);
        e->args.push_back(std::move(first));
      }
      e->ops.push_back(op);
      e->args.push_back(parseMath1());
    }
    return e ? std::move(e) : std::move(first);
  }

  ExprPtr parseMath1() {
    ExprPtr e = parseConcat();
    while (isOp("+") || isOp("-")) {
      const Token at = take();
      e = binary(at, at.text, std::move(e), parseConcat());
    }
    return e;
  }

  ExprPtr parseConcat() {
    ExprPtr e = parseMath2();
    while (isOp("~")) {
      const Token at = take();
      e = binary(at, "~", std::move(e), parseMath2());
    }
    return e;
  }

  ExprPtr parseMath2() {
    ExprPtr e = parsePow();
    while (isOp("*") || isOp("/") || isOp("//") || isOp("%")) {
      const Token at = take();
      e = binary(at, at.text, std::move(e), parsePow());
    }
    return e;
  }

  ExprPtr parsePow() {
    ExprPtr e = parseUnary(true);
    while (isOp("**")) {
      const Token at = take();
      e = binary(at, "**", std::move(e), parseUnary(true));
    }
    return e;
  }

  ExprPtr parseUnary(bool withFilter) {
    ExprPtr e;
    if (isOp("-") || isOp("+")) {
      const Token at = take();
      e = node(ExprKind::Unary, at);
      e->name = at.text;
      e->args.push_back(parseUnary(false));
    } else {
      e = parsePrimary();
    }
    e = parsePostfix(std::move(e));
    if (withFilter)
      e = parseFilterExpr(std::move(e));
    return e;
  }

  ExprPtr parsePrimary() {
    const Token t = cur();
    switch (t.kind) {
    case Tok::Name: {
      take();
      auto e = node(ExprKind::Literal, t);
      if (t.text == "true" || t.text == "True")
        e->value = Value::boolean(true);
      else if (t.text == "false" || t.text == "False")
        e->value = Value::boolean(false);
      else if (t.text == "none" || t.text == "None")
        e->value = Value::none();
      else {
        e->kind = ExprKind::Name;
        e->name = t.text;
      }
      return e;
    }
    case Tok::String: {
      std::string s;
      while (cur().kind == Tok::String)
        s += take().text;
      auto e = node(ExprKind::Literal, t);
      e->value = Value::string(std::move(s));
      return e;
    }
    case Tok::Int: {
      take();
      auto e = node(ExprKind::Literal, t);
      errno = 0;
      long long v = std::strtoll(t.text.c_str(), nullptr, 10);
      if (errno == ERANGE)
        refuse(t, "integer literal beyond 64 bits");
      e->value = Value::integer(v);
      return e;
    }
    case Tok::Float: {
      take();
      auto e = node(ExprKind::Literal, t);
      e->value = Value::number(std::strtod(t.text.c_str(), nullptr));
      return e;
    }
    case Tok::Op:
      if (t.text == "(") {
        take();
        ExprPtr e = parseTuple(true, true);
        expectOp(")");
        return e;
      }
      if (t.text == "[") {
        take();
        auto e = node(ExprKind::ListLit, t);
        while (!isOp("]")) {
          if (!e->args.empty())
            expectOp(",");
          if (isOp("]"))
            break;
          e->args.push_back(parseExpression(true));
        }
        take();
        return e;
      }
      if (t.text == "{") {
        take();
        auto e = node(ExprKind::DictLit, t);
        while (!isOp("}")) {
          if (!e->args.empty())
            expectOp(",");
          if (isOp("}"))
            break;
          e->args.push_back(parseExpression(true));
          expectOp(":");
          e->args.push_back(parseExpression(true));
        }
        take();
        return e;
      }
      break;
    default:
      break;
    }
    fail(t, "unexpected " + describe(t));
  }

  ExprPtr parsePostfix(ExprPtr e) {
    while (true) {
      if (isOp(".")) {
        const Token at = take();
        if (cur().kind == Tok::Name) {
          auto g = node(ExprKind::GetAttr, at);
          g->name = take().text;
          g->args.push_back(std::move(e));
          e = std::move(g);
        } else if (cur().kind == Tok::Int) {
          auto g = node(ExprKind::GetItem, at);
          g->args.push_back(std::move(e));
          g->args.push_back(parsePrimary());
          e = std::move(g);
        } else {
          fail(cur(),
               "expected an attribute name after '.', got " + describe(cur()));
        }
      } else if (isOp("[")) {
        e = parseSubscript(std::move(e));
      } else if (isOp("(")) {
        e = parseCall(std::move(e), ExprKind::Call, "");
      } else {
        return e;
      }
    }
  }

  /// '[' expr ']' or '[' start? ':' stop? (':' step?)? ']'
  ExprPtr parseSubscript(ExprPtr obj) {
    const Token at = take();
    std::vector<ExprPtr> parts;
    bool slice = false;
    auto part = [&]() -> ExprPtr {
      if (isOp(":") || isOp("]"))
        return nullptr;
      return parseExpression(true);
    };
    parts.push_back(part());
    if (isOp(":")) {
      slice = true;
      take();
      parts.push_back(part());
      if (isOp(":")) {
        take();
        parts.push_back(part());
      }
    }
    if (isOp(","))
      refuse(cur(), "tuple subscript");
    expectOp("]");
    if (!slice) {
      if (!parts[0])
        fail(at, "expected an expression in '[]'");
      auto e = node(ExprKind::GetItem, at);
      e->args.push_back(std::move(obj));
      e->args.push_back(std::move(parts[0]));
      return e;
    }
    parts.resize(3);
    auto e = node(ExprKind::Slice, at);
    e->args.push_back(std::move(obj));
    for (auto &p : parts)
      e->args.push_back(std::move(p));
    return e;
  }

  /// '(' (expr | name '=' expr) (',' ...)* ')' appended to `e`.
  ExprPtr parseCall(ExprPtr callee, ExprKind kind, const std::string &name,
                    const Token *at = nullptr) {
    const Token open = cur();
    auto e = node(kind, at ? *at : open);
    e->name = name;
    e->args.push_back(std::move(callee));
    if (!isOp("("))
      return e;
    take();
    while (!isOp(")")) {
      if (e->args.size() > 1 || !e->kwargs.empty()) {
        expectOp(",");
        if (isOp(")"))
          break;
      }
      if (isOp("*") || isOp("**"))
        refuse(cur(), std::string(cur().text) + "args in a call");
      if (cur().kind == Tok::Name && look().kind == Tok::Op &&
          look().text == "=") {
        std::string key = take().text;
        take();
        e->kwargs.emplace_back(key, parseExpression(true));
      } else {
        if (!e->kwargs.empty())
          fail(cur(), "positional argument follows keyword argument");
        e->args.push_back(parseExpression(true));
      }
    }
    take();
    return e;
  }

  ExprPtr parseFilterExpr(ExprPtr e) {
    while (true) {
      if (isOp("|")) {
        take();
        const Token nameTok = cur();
        std::string name = expectName();
        if (!hasFilter(name))
          refuse(nameTok, "filter " + name);
        e = parseCall(std::move(e), ExprKind::Filter, name, &nameTok);
      } else if (isName("is")) {
        e = parseTest(std::move(e));
      } else if (isOp("(")) {
        e = parseCall(std::move(e), ExprKind::Call, "");
      } else {
        return e;
      }
    }
  }

  ExprPtr parseTest(ExprPtr e) {
    take(); // is
    bool negated = false;
    if (isName("not")) {
      take();
      negated = true;
    }
    const Token nameTok = cur();
    std::string name = expectName();
    if (!hasTest(name))
      refuse(nameTok, "test " + name);
    ExprPtr t;
    if (isOp("(")) {
      t = parseCall(std::move(e), ExprKind::Test, name, &nameTok);
    } else {
      t = node(ExprKind::Test, nameTok);
      t->name = name;
      t->args.push_back(std::move(e));
      const Tok k = cur().kind;
      bool argStart = k == Tok::Name || k == Tok::String || k == Tok::Int ||
                      k == Tok::Float || isOp("(") || isOp("[") || isOp("{");
      if (argStart && !isName("else") && !isName("or") && !isName("and")) {
        if (isName("is"))
          fail(cur(), "tests cannot be chained with 'is'");
        t->args.push_back(parsePostfix(parsePrimary()));
      }
    }
    t->negated = negated;
    return t;
  }

  std::vector<Token> toks_;
  size_t pos_ = 0;
  int loopDepth_ = 0;
};

} // namespace

Template parseTemplate(std::vector<Token> tokens) {
  return Parser(std::move(tokens)).run();
}

} // namespace r1jinja
