//===- Parser.cpp - Recursive-descent parser for .r1p: declarations -----===//
//
// Files, the pipeline block and its declarations (settings, tokenizer,
// models, datasets, rewards, losses, stages, eval); expressions and call
// arguments are in ParseExpr.cpp. One token of lookahead; every parse
// function documents its grammar rule.
// The parser stops at the first syntax error (no recovery). Expression
// nesting is bounded both in recursion and in the depth of the tree it
// builds, so hostile input cannot exhaust the stack in later passes.
//
//===----------------------------------------------------------------------===//

#include "DidYouMean.h"
#include "ParserImpl.h"

using namespace r1;
using namespace r1::ast;
using namespace r1::detail;
using mlir::failure;
using mlir::FailureOr;
using mlir::LogicalResult;
using mlir::success;

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

FailureOr<ParsedFile> r1::parseBuffer(const llvm::SourceMgr &sourceMgr,
                                      unsigned bufferId,
                                      mlir::MLIRContext *context,
                                      bool isLibrary) {
  Parser parser(sourceMgr, bufferId, context);
  return parser.parseFile(isLibrary);
}
