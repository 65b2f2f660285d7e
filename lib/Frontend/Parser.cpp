//===- Parser.cpp - Recursive-descent parser for .r1p ---------------------===//
//
// One token of lookahead; every parse function documents its grammar rule.
// The parser stops at the first syntax error (no recovery). Expression
// nesting is bounded both in recursion and in the depth of the tree it
// builds, so hostile input cannot exhaust the stack in later passes.
//
//===----------------------------------------------------------------------===//

#include "Parser.h"
#include "Lexer.h"
#include "Sema.h"

#include "mlir/IR/Diagnostics.h"

using namespace r1;
using namespace r1::ast;
using mlir::failure;
using mlir::FailureOr;
using mlir::LogicalResult;
using mlir::success;

namespace {

/// An expression together with the depth of its tree.
struct ParsedExpr {
  std::unique_ptr<Expr> expr;
  unsigned depth = 1;
};

class Parser {
public:
  Parser(const llvm::SourceMgr &sourceMgr, unsigned bufferId,
         mlir::MLIRContext *context)
      : lexer(sourceMgr, bufferId, context) {
    tok = lexer.lexToken();
  }

  FailureOr<ParsedFile> parseFile(bool isLibrary);

private:
  //===--- Token helpers --------------------------------------------------===//
  mlir::Location loc() const { return lexer.getLoc(tok); }
  void consume() { tok = lexer.lexToken(); }
  /// Reports `message` at the current token (unless it is a lexer error,
  /// which was already reported).
  LogicalResult emitError(const llvm::Twine &message) {
    if (tok.is(Token::error))
      return failure();
    mlir::emitError(loc(), message);
    return failure();
  }
  LogicalResult emitErrorAt(mlir::Location at, const llvm::Twine &message) {
    if (tok.is(Token::error))
      return failure();
    mlir::emitError(at, message);
    return failure();
  }
  /// Consumes a token of `kind` or reports "expected X <context>".
  LogicalResult expect(Token::Kind kind, const llvm::Twine &context) {
    if (tok.is(kind)) {
      consume();
      return success();
    }
    return emitError("expected " + Token::describe(kind) + " " + context +
                     ", found " + describeCurrent());
  }
  std::string describeCurrent() const {
    if (tok.is(Token::identifier) || tok.is(Token::integer) ||
        tok.is(Token::floating))
      return ("'" + tok.getSpelling() + "'").str();
    return Token::describe(tok.getKind()).str();
  }
  /// Parses a name (identifier) into `name`/`at`.
  LogicalResult parseName(std::string &name, mlir::Location &at,
                          const llvm::Twine &context) {
    if (tok.isNot(Token::identifier)) {
      if (tok.isKeyword())
        return emitError("'" + tok.getSpelling() +
                         "' is a keyword and cannot be used as a name " +
                         context);
      return emitError("expected a name " + context + ", found " +
                       describeCurrent());
    }
    name = tok.getSpelling().str();
    at = loc();
    consume();
    return success();
  }

  //===--- Declarations ---------------------------------------------------===//
  FailureOr<std::unique_ptr<Pipeline>> parsePipeline();
  LogicalResult parseItem(Pipeline &pipeline);
  FailureOr<std::unique_ptr<LossDecl>> parseLoss();
  FailureOr<std::unique_ptr<Decl>> parseModel();
  LogicalResult parseFields(std::vector<Field> &fields,
                            std::vector<SubBlock> *blocks,
                            llvm::StringRef context);
  FailureOr<std::unique_ptr<Decl>> parseEval();
  FailureOr<std::unique_ptr<CallExpr>> parseCallDecl(llvm::StringRef what);

  //===--- Expressions ----------------------------------------------------===//
  FailureOr<ParsedExpr> parseExpr();
  FailureOr<ParsedExpr> parseOr();
  FailureOr<ParsedExpr> parseAnd();
  FailureOr<ParsedExpr> parseNot();
  FailureOr<ParsedExpr> parseComparison();
  FailureOr<ParsedExpr> parseAdditive();
  FailureOr<ParsedExpr> parseMultiplicative();
  FailureOr<ParsedExpr> parseUnary();
  FailureOr<ParsedExpr> parsePrimary();
  FailureOr<ParsedExpr> parseNumber();
  LogicalResult parseArgs(std::vector<Arg> &args, unsigned &depth);
  LogicalResult parseDottedName(std::string &name, mlir::Location &at);
  LogicalResult parseInteger(int64_t &value);
  /// Combines two operands; fails when the tree gets too deep.
  FailureOr<ParsedExpr> makeBinary(mlir::Location at, BinaryExpr::Op op,
                                   ParsedExpr lhs, ParsedExpr rhs);
  /// Guards recursion depth; fails with a diagnostic past the limit.
  LogicalResult enter() {
    if (++nesting > kMaxNestingDepth)
      return emitError("expression nested too deeply (limit " +
                       llvm::Twine(kMaxNestingDepth) +
                       "); split it with 'let' or simplify it");
    return success();
  }

  Lexer lexer;
  Token tok;
  unsigned nesting = 0;
};

/// RAII exit for Parser::enter.
struct NestingScope {
  explicit NestingScope(unsigned &n) : n(n) {}
  ~NestingScope() { --n; }
  unsigned &n;
};

} // namespace

/// file ::= loss* pipeline EOF        (a library file: loss* EOF)
FailureOr<ParsedFile> Parser::parseFile(bool isLibrary) {
  ParsedFile file;
  while (tok.is(Token::kw_loss)) {
    auto loss = parseLoss();
    if (failed(loss))
      return failure();
    file.losses.push_back(std::move(*loss));
  }
  if (isLibrary) {
    if (tok.isNot(Token::eof))
      return emitError("expected 'loss' or end of file in a library, found " +
                       describeCurrent());
    return file;
  }
  if (tok.is(Token::eof))
    return emitError("expected 'pipeline NAME { ... }'; the file has no "
                     "pipeline");
  auto pipeline = parsePipeline();
  if (failed(pipeline))
    return failure();
  if (tok.isNot(Token::eof))
    return emitError("expected end of file after the pipeline, found " +
                     describeCurrent() + "; a file holds one pipeline");
  file.pipeline = std::move(*pipeline);
  return file;
}

/// pipeline ::= 'pipeline' name '{' item* '}'
FailureOr<std::unique_ptr<Pipeline>> Parser::parsePipeline() {
  if (tok.isNot(Token::kw_pipeline))
    return emitError("expected 'pipeline' or 'loss' at top level, found " +
                     describeCurrent());
  consume();
  std::string name;
  mlir::Location at = loc();
  if (failed(parseName(name, at, "after 'pipeline'")) ||
      failed(expect(Token::l_brace, "to open the pipeline body")))
    return failure();
  auto pipeline = std::make_unique<Pipeline>(at, name);
  while (tok.isNot(Token::r_brace)) {
    if (tok.is(Token::eof))
      return emitError("expected '}' to close pipeline '" + name + "'");
    if (failed(parseItem(*pipeline)))
      return failure();
  }
  consume();
  return pipeline;
}

/// item ::= setting | tokenizer | model | dataset | reward | loss | stage
///        | eval
/// setting ::= name '=' expr
/// tokenizer ::= 'tokenizer' '=' call
/// dataset ::= 'dataset' name '=' call
/// reward ::= 'reward' name '=' call
/// stage ::= 'stage' name '=' call
LogicalResult Parser::parseItem(Pipeline &pipeline) {
  auto &decls = pipeline.getDeclsMutable();
  switch (tok.getKind()) {
  case Token::identifier: {
    std::string name = tok.getSpelling().str();
    mlir::Location at = loc();
    consume();
    if (tok.isNot(Token::equal)) {
      // `modle base = ...` is most likely a misspelled keyword.
      static const llvm::StringRef keywords[] = {
          "tokenizer", "model", "dataset", "reward", "loss", "stage", "eval"};
      return emitErrorAt(at, "expected '=' after setting name '" + name +
                                 "', found " + describeCurrent() +
                                 didYouMean(name, keywords));
    }
    consume();
    auto value = parseExpr();
    if (failed(value))
      return failure();
    decls.push_back(
        std::make_unique<SettingDecl>(at, name, std::move(value->expr)));
    return success();
  }
  case Token::kw_tokenizer: {
    mlir::Location at = loc();
    consume();
    if (failed(expect(Token::equal, "after 'tokenizer'")))
      return failure();
    auto call = parseCallDecl("tokenizer");
    if (failed(call))
      return failure();
    decls.push_back(std::make_unique<TokenizerDecl>(at, std::move(*call)));
    return success();
  }
  case Token::kw_model: {
    auto model = parseModel();
    if (failed(model))
      return failure();
    decls.push_back(std::move(*model));
    return success();
  }
  case Token::kw_dataset:
  case Token::kw_reward:
  case Token::kw_stage: {
    Token::Kind kind = tok.getKind();
    llvm::StringRef what = tok.getSpelling();
    consume();
    std::string name;
    mlir::Location at = loc();
    if (failed(parseName(name, at, ("after '" + what + "'").str())) ||
        failed(expect(Token::equal, ("after " + what + " '" + name + "'"))))
      return failure();
    auto call = parseCallDecl(what);
    if (failed(call))
      return failure();
    if (kind == Token::kw_dataset)
      decls.push_back(
          std::make_unique<DatasetDecl>(at, name, std::move(*call)));
    else if (kind == Token::kw_reward)
      decls.push_back(std::make_unique<RewardDecl>(at, name, std::move(*call)));
    else
      decls.push_back(std::make_unique<StageDecl>(at, name, std::move(*call)));
    return success();
  }
  case Token::kw_loss: {
    auto loss = parseLoss();
    if (failed(loss))
      return failure();
    decls.push_back(std::move(*loss));
    return success();
  }
  case Token::kw_eval: {
    auto eval = parseEval();
    if (failed(eval))
      return failure();
    decls.push_back(std::move(*eval));
    return success();
  }
  default:
    return emitError("expected a declaration (setting, tokenizer, model, "
                     "dataset, reward, loss, stage or eval), found " +
                     describeCurrent());
  }
}

/// call-decl ::= dotted-name '(' args? ')'
FailureOr<std::unique_ptr<CallExpr>>
Parser::parseCallDecl(llvm::StringRef what) {
  std::string callee;
  mlir::Location at = loc();
  if (tok.is(Token::kw_eval) && what == "stage")
    return emitError("eval is not a stage kind; write 'eval [STAGES] on "
                     "DATASET { pass@1 }' on its own");
  if (failed(parseDottedName(callee, at)))
    return failure();
  if (tok.isNot(Token::l_paren))
    return emitErrorAt(at, "expected '(' after '" + callee + "': a " + what +
                               " is a call such as " + callee + "(...)");
  std::vector<Arg> args;
  unsigned depth = 1;
  if (failed(parseArgs(args, depth)))
    return failure();
  return std::make_unique<CallExpr>(at, callee, std::move(args));
}

/// dotted-name ::= name ('.' name)*
LogicalResult Parser::parseDottedName(std::string &name, mlir::Location &at) {
  if (failed(parseName(name, at, "here")))
    return failure();
  while (tok.is(Token::period)) {
    consume();
    if (tok.isNot(Token::identifier))
      return emitError("expected a name after '.', found " + describeCurrent());
    name += "." + tok.getSpelling().str();
    consume();
  }
  return success();
}

/// loss ::= 'loss' name '(' [name (',' name)*] ')'
///          'reduce' name ['(' integer ')']
///          '{' ('let' name '=' expr)* 'return' expr '}'
FailureOr<std::unique_ptr<LossDecl>> Parser::parseLoss() {
  consume(); // 'loss'
  std::string name;
  mlir::Location at = loc();
  if (failed(parseName(name, at, "after 'loss'")) ||
      failed(expect(Token::l_paren, "to open the loss parameters")))
    return failure();
  std::vector<LossParam> params;
  if (tok.isNot(Token::r_paren)) {
    while (true) {
      LossParam p{"", loc()};
      if (failed(parseName(p.name, p.loc, "for a loss parameter")))
        return failure();
      params.push_back(std::move(p));
      if (tok.isNot(Token::comma))
        break;
      consume();
    }
  }
  if (failed(expect(Token::r_paren, "to close the loss parameters")))
    return failure();
  if (tok.isNot(Token::kw_reduce))
    return emitError("expected 'reduce token_mean|seq_mean|seq_sum_norm' "
                     "after the parameters of loss '" +
                     name + "'");
  consume();
  std::string reduceName;
  mlir::Location reduceLoc = loc();
  if (failed(parseName(reduceName, reduceLoc, "after 'reduce'")))
    return failure();
  LossDecl::Reduce reduce;
  if (reduceName == "token_mean")
    reduce = LossDecl::Reduce::TokenMean;
  else if (reduceName == "seq_mean")
    reduce = LossDecl::Reduce::SeqMean;
  else if (reduceName == "seq_sum_norm")
    reduce = LossDecl::Reduce::SeqSumNorm;
  else
    return emitErrorAt(reduceLoc, "unknown reduction '" + reduceName +
                                      "'; expected token_mean, seq_mean or "
                                      "seq_sum_norm");
  std::optional<int64_t> maxLen;
  if (tok.is(Token::l_paren)) {
    if (reduce != LossDecl::Reduce::SeqSumNorm)
      return emitError("only seq_sum_norm takes an argument (the "
                       "normalizing length)");
    consume();
    int64_t v;
    if (failed(parseInteger(v)))
      return failure();
    if (v <= 0)
      return emitError("seq_sum_norm length must be positive");
    maxLen = v;
    if (failed(expect(Token::r_paren, "after the seq_sum_norm length")))
      return failure();
  }
  if (failed(expect(Token::l_brace, "to open the body of loss '" + name + "'")))
    return failure();
  std::vector<std::unique_ptr<LetStmt>> lets;
  while (tok.is(Token::kw_let)) {
    consume();
    std::string letName;
    mlir::Location letLoc = loc();
    if (failed(parseName(letName, letLoc, "after 'let'")) ||
        failed(expect(Token::equal, "after 'let " + letName + "'")))
      return failure();
    auto value = parseExpr();
    if (failed(value))
      return failure();
    lets.push_back(
        std::make_unique<LetStmt>(letLoc, letName, std::move(value->expr)));
  }
  if (tok.isNot(Token::kw_return))
    return emitError("expected 'let' or 'return' in the body of loss '" + name +
                     "', found " + describeCurrent());
  consume();
  auto result = parseExpr();
  if (failed(result))
    return failure();
  if (failed(expect(Token::r_brace,
                    "after the return expression of loss '" + name + "'")))
    return failure();
  return std::make_unique<LossDecl>(at, name, std::move(params), reduce, maxLen,
                                    std::move(lets), std::move(result->expr),
                                    false);
}

/// model ::= 'model' name '=' name '{' (field | sub-block)* '}'
///          | 'model' name '=' name '(' args ')'     (hf(...), gguf(...))
FailureOr<std::unique_ptr<Decl>> Parser::parseModel() {
  consume(); // 'model'
  std::string name, arch;
  mlir::Location at = loc(), archLoc = loc();
  if (failed(parseName(name, at, "after 'model'")) ||
      failed(expect(Token::equal, "after model '" + name + "'")) ||
      failed(parseName(arch, archLoc, "for the model architecture")))
    return failure();
  if (tok.is(Token::l_paren)) {
    std::vector<Arg> args;
    unsigned depth = 1;
    if (failed(parseArgs(args, depth)))
      return failure();
    return std::unique_ptr<Decl>(std::make_unique<ModelDecl>(
        at, name, std::make_unique<CallExpr>(archLoc, arch, std::move(args))));
  }
  if (failed(
          expect(Token::l_brace, "to open the body of model '" + name + "'")))
    return failure();
  std::vector<Field> fields;
  std::vector<SubBlock> blocks;
  if (failed(parseFields(fields, &blocks, "model '" + name + "'")))
    return failure();
  return std::unique_ptr<Decl>(std::make_unique<ModelDecl>(
      at, name, arch, archLoc, std::move(fields), std::move(blocks)));
}

/// fields ::= (word '=' expr | name '{' (word '=' expr)* '}')* '}'
/// Consumes the closing '}'. Sub-blocks are accepted only when `blocks`.
LogicalResult Parser::parseFields(std::vector<Field> &fields,
                                  std::vector<SubBlock> *blocks,
                                  llvm::StringRef context) {
  while (tok.isNot(Token::r_brace)) {
    if (tok.is(Token::eof))
      return emitError("expected '}' to close " + context);
    if (!tok.isWord())
      return emitError("expected a field name in " + context + ", found " +
                       describeCurrent());
    std::string name = tok.getSpelling().str();
    mlir::Location at = loc();
    consume();
    if (tok.is(Token::l_brace)) {
      if (!blocks)
        return emitError("blocks cannot nest inside " + context);
      consume();
      SubBlock block{name, {}, at};
      if (failed(parseFields(block.fields, nullptr, ("block '" + name + "'"))))
        return failure();
      blocks->push_back(std::move(block));
      continue;
    }
    if (failed(expect(Token::equal, "after field '" + name + "'")))
      return failure();
    auto value = parseExpr();
    if (failed(value))
      return failure();
    fields.push_back(Field{name, std::move(value->expr), at});
  }
  consume();
  return success();
}

/// eval ::= 'eval' '[' name (',' name)* ']' 'on' name
///          '{' eval-item (','? eval-item)* '}'
/// eval-item ::= name '@' integer ['(' args ')'] | word '=' expr
FailureOr<std::unique_ptr<Decl>> Parser::parseEval() {
  mlir::Location at = loc();
  consume(); // 'eval'
  if (failed(expect(Token::l_square, "before the evaluated stages")))
    return failure();
  std::vector<std::unique_ptr<NameExpr>> stages;
  while (true) {
    std::string name;
    mlir::Location nameLoc = loc();
    if (failed(parseName(name, nameLoc, "in the eval stage list")))
      return failure();
    stages.push_back(std::make_unique<NameExpr>(nameLoc, name));
    if (tok.isNot(Token::comma))
      break;
    consume();
  }
  if (failed(expect(Token::r_square, "after the evaluated stages")))
    return failure();
  if (tok.isNot(Token::kw_on))
    return emitError("expected 'on DATASET' after the eval stage list");
  consume();
  std::string dsName;
  mlir::Location dsLoc = loc();
  if (failed(parseName(dsName, dsLoc, "after 'on'")) ||
      failed(expect(Token::l_brace, "to open the eval metrics")))
    return failure();
  std::vector<EvalMetric> metrics;
  std::vector<Arg> settings;
  while (tok.isNot(Token::r_brace)) {
    if (tok.is(Token::eof))
      return emitError("expected '}' to close the eval block");
    if (!tok.isWord())
      return emitError("expected a metric such as pass@1 or cons@8, found " +
                       describeCurrent());
    std::string name = tok.getSpelling().str();
    mlir::Location itemLoc = loc();
    consume();
    if (tok.is(Token::equal)) {
      consume();
      auto value = parseExpr();
      if (failed(value))
        return failure();
      settings.push_back(Arg{name, std::move(value->expr), itemLoc});
    } else {
      if (tok.isNot(Token::at))
        return emitError("expected '@' after metric '" + name +
                         "' (write pass@1 or cons@8)");
      consume();
      int64_t atValue;
      if (failed(parseInteger(atValue)))
        return failure();
      EvalMetric::Kind kind = EvalMetric::Kind::Pass;
      if (name == "cons")
        kind = EvalMetric::Kind::Cons;
      else if (name != "pass")
        return emitErrorAt(itemLoc,
                           "unknown metric '" + name +
                               "'; expected pass@N or cons@N" +
                               (name.size() && name[0] == 'p'
                                    ? llvm::StringRef("; did you mean 'pass'?")
                                    : llvm::StringRef("")));
      EvalMetric metric{kind, atValue, 0, itemLoc, {}};
      if (tok.is(Token::l_paren)) {
        unsigned depth = 1;
        if (failed(parseArgs(metric.args, depth)))
          return failure();
      }
      metrics.push_back(std::move(metric));
    }
    if (tok.is(Token::comma))
      consume();
  }
  consume();
  return std::unique_ptr<Decl>(std::make_unique<EvalDecl>(
      at, std::move(stages), std::make_unique<NameExpr>(dsLoc, dsName),
      std::move(metrics), std::move(settings)));
}

/// args ::= '(' [arg (',' arg)*] ')'
/// arg ::= [word '='] expr
LogicalResult Parser::parseArgs(std::vector<Arg> &args, unsigned &depth) {
  consume(); // '('
  if (tok.is(Token::r_paren)) {
    consume();
    return success();
  }
  while (true) {
    mlir::Location at = loc();
    std::string name;
    if (tok.isWord()) {
      // Look ahead for `name =` without consuming on a plain expression:
      // a word followed by '=' is a named argument.
      Token saved = tok;
      Lexer savedLexer = lexer;
      consume();
      if (tok.is(Token::error))
        return failure();
      if (tok.is(Token::equal)) {
        name = saved.getSpelling().str();
        consume();
      } else {
        tok = saved;
        lexer = savedLexer;
      }
    }
    auto value = parseExpr();
    if (failed(value))
      return failure();
    depth = std::max(depth, value->depth + 1);
    args.push_back(Arg{name, std::move(value->expr), at});
    if (tok.is(Token::comma)) {
      consume();
      continue;
    }
    return expect(Token::r_paren, "to close the argument list");
  }
}

/// expr ::= or-expr
FailureOr<ParsedExpr> Parser::parseExpr() {
  if (failed(enter()))
    return failure();
  NestingScope scope(nesting);
  return parseOr();
}

FailureOr<ParsedExpr> Parser::makeBinary(mlir::Location at, BinaryExpr::Op op,
                                         ParsedExpr lhs, ParsedExpr rhs) {
  unsigned depth = std::max(lhs.depth, rhs.depth) + 1;
  if (depth > kMaxNestingDepth)
    return emitErrorAt(at, "expression nested too deeply (limit " +
                               llvm::Twine(kMaxNestingDepth) +
                               "); split it with 'let' or simplify it");
  return ParsedExpr{std::make_unique<BinaryExpr>(at, op, std::move(lhs.expr),
                                                 std::move(rhs.expr)),
                    depth};
}

/// or-expr ::= and-expr ('or' and-expr)*
FailureOr<ParsedExpr> Parser::parseOr() {
  auto lhs = parseAnd();
  while (succeeded(lhs) && tok.is(Token::kw_or)) {
    mlir::Location at = loc();
    consume();
    auto rhs = parseAnd();
    if (failed(rhs))
      return failure();
    lhs = makeBinary(at, BinaryExpr::Op::Or, std::move(*lhs), std::move(*rhs));
  }
  return lhs;
}

/// and-expr ::= not-expr ('and' not-expr)*
FailureOr<ParsedExpr> Parser::parseAnd() {
  auto lhs = parseNot();
  while (succeeded(lhs) && tok.is(Token::kw_and)) {
    mlir::Location at = loc();
    consume();
    auto rhs = parseNot();
    if (failed(rhs))
      return failure();
    lhs = makeBinary(at, BinaryExpr::Op::And, std::move(*lhs), std::move(*rhs));
  }
  return lhs;
}

/// not-expr ::= 'not' not-expr | comparison
FailureOr<ParsedExpr> Parser::parseNot() {
  if (tok.isNot(Token::kw_not))
    return parseComparison();
  mlir::Location at = loc();
  consume();
  if (failed(enter()))
    return failure();
  NestingScope scope(nesting);
  auto operand = parseNot();
  if (failed(operand))
    return failure();
  return ParsedExpr{std::make_unique<UnaryExpr>(at, UnaryExpr::Op::Not,
                                                std::move(operand->expr)),
                    operand->depth + 1};
}

static std::optional<BinaryExpr::Op> comparisonOp(Token::Kind kind) {
  switch (kind) {
  case Token::less:
    return BinaryExpr::Op::Lt;
  case Token::less_equal:
    return BinaryExpr::Op::Le;
  case Token::greater:
    return BinaryExpr::Op::Gt;
  case Token::greater_equal:
    return BinaryExpr::Op::Ge;
  case Token::equal_equal:
    return BinaryExpr::Op::Eq;
  case Token::not_equal:
    return BinaryExpr::Op::Ne;
  default:
    return std::nullopt;
  }
}

/// comparison ::= additive [('<'|'<='|'>'|'>='|'=='|'!=') additive]
FailureOr<ParsedExpr> Parser::parseComparison() {
  auto lhs = parseAdditive();
  if (failed(lhs))
    return failure();
  auto op = comparisonOp(tok.getKind());
  if (!op)
    return lhs;
  mlir::Location at = loc();
  consume();
  auto rhs = parseAdditive();
  if (failed(rhs))
    return failure();
  if (comparisonOp(tok.getKind()))
    return emitError("comparisons cannot be chained; combine them with "
                     "'and'");
  return makeBinary(at, *op, std::move(*lhs), std::move(*rhs));
}

/// additive ::= multiplicative (('+'|'-') multiplicative)*
FailureOr<ParsedExpr> Parser::parseAdditive() {
  auto lhs = parseMultiplicative();
  while (succeeded(lhs) && (tok.is(Token::plus) || tok.is(Token::minus))) {
    auto op = tok.is(Token::plus) ? BinaryExpr::Op::Add : BinaryExpr::Op::Sub;
    mlir::Location at = loc();
    consume();
    auto rhs = parseMultiplicative();
    if (failed(rhs))
      return failure();
    lhs = makeBinary(at, op, std::move(*lhs), std::move(*rhs));
  }
  return lhs;
}

/// multiplicative ::= unary (('*'|'/') unary)*
FailureOr<ParsedExpr> Parser::parseMultiplicative() {
  auto lhs = parseUnary();
  while (succeeded(lhs) && (tok.is(Token::star) || tok.is(Token::slash))) {
    auto op = tok.is(Token::star) ? BinaryExpr::Op::Mul : BinaryExpr::Op::Div;
    mlir::Location at = loc();
    consume();
    auto rhs = parseUnary();
    if (failed(rhs))
      return failure();
    lhs = makeBinary(at, op, std::move(*lhs), std::move(*rhs));
  }
  return lhs;
}

/// unary ::= '-' unary | primary
FailureOr<ParsedExpr> Parser::parseUnary() {
  if (tok.isNot(Token::minus))
    return parsePrimary();
  mlir::Location at = loc();
  consume();
  if (failed(enter()))
    return failure();
  NestingScope scope(nesting);
  auto operand = parseUnary();
  if (failed(operand))
    return failure();
  return ParsedExpr{std::make_unique<UnaryExpr>(at, UnaryExpr::Op::Neg,
                                                std::move(operand->expr)),
                    operand->depth + 1};
}

/// integer ::= [0-9]+   (must fit in 64 bits)
LogicalResult Parser::parseInteger(int64_t &value) {
  if (tok.isNot(Token::integer))
    return emitError("expected an integer, found " + describeCurrent());
  if (tok.getSpelling().getAsInteger(10, value))
    return emitError("integer '" + tok.getSpelling() +
                     "' is too large (64-bit limit)");
  consume();
  return success();
}

/// number ::= integer ['..' integer | (':' integer)+] | float
FailureOr<ParsedExpr> Parser::parseNumber() {
  mlir::Location at = loc();
  if (tok.is(Token::floating)) {
    double v;
    if (tok.getSpelling().getAsDouble(v) || !std::isfinite(v))
      return emitError("number '" + tok.getSpelling() + "' is out of range");
    consume();
    return ParsedExpr{std::make_unique<FloatExpr>(at, v), 1};
  }
  int64_t v;
  if (failed(parseInteger(v)))
    return failure();
  if (tok.is(Token::dotdot)) {
    consume();
    int64_t hi;
    if (failed(parseInteger(hi)))
      return failure();
    return ParsedExpr{std::make_unique<RangeExpr>(at, v, hi), 1};
  }
  if (tok.is(Token::colon)) {
    std::vector<int64_t> parts{v};
    while (tok.is(Token::colon)) {
      consume();
      int64_t p;
      if (failed(parseInteger(p)))
        return failure();
      parts.push_back(p);
    }
    return ParsedExpr{std::make_unique<RatioExpr>(at, std::move(parts)), 1};
  }
  return ParsedExpr{std::make_unique<IntExpr>(at, v), 1};
}

/// primary ::= number | string | 'true' | 'false' | '(' expr ')'
///           | dotted-name [args]
FailureOr<ParsedExpr> Parser::parsePrimary() {
  mlir::Location at = loc();
  switch (tok.getKind()) {
  case Token::integer:
  case Token::floating:
    return parseNumber();
  case Token::string: {
    std::string v = tok.getStringValue();
    consume();
    return ParsedExpr{std::make_unique<StringExpr>(at, std::move(v)), 1};
  }
  case Token::kw_true:
  case Token::kw_false: {
    bool v = tok.is(Token::kw_true);
    consume();
    return ParsedExpr{std::make_unique<BoolExpr>(at, v), 1};
  }
  case Token::l_paren: {
    consume();
    auto inner = parseExpr();
    if (failed(inner) ||
        failed(expect(Token::r_paren, "to close the parenthesis")))
      return failure();
    return inner;
  }
  case Token::identifier: {
    std::string name;
    if (failed(parseDottedName(name, at)))
      return failure();
    if (tok.isNot(Token::l_paren))
      return ParsedExpr{std::make_unique<NameExpr>(at, name), 1};
    if (failed(enter()))
      return failure();
    NestingScope scope(nesting);
    std::vector<Arg> args;
    unsigned depth = 1;
    if (failed(parseArgs(args, depth)))
      return failure();
    if (depth > kMaxNestingDepth)
      return emitErrorAt(at, "expression nested too deeply (limit " +
                                 llvm::Twine(kMaxNestingDepth) + ")");
    return ParsedExpr{std::make_unique<CallExpr>(at, name, std::move(args)),
                      depth};
  }
  default:
    if (tok.isKeyword())
      return emitError("'" + tok.getSpelling() +
                       "' is a keyword and cannot start an expression");
    return emitError("expected an expression, found " + describeCurrent());
  }
}

FailureOr<ParsedFile> r1::parseBuffer(const llvm::SourceMgr &sourceMgr,
                                      unsigned bufferId,
                                      mlir::MLIRContext *context,
                                      bool isLibrary) {
  Parser parser(sourceMgr, bufferId, context);
  return parser.parseFile(isLibrary);
}
