//===- MLIRGen.cpp - Lowering of the checked .r1p AST to the r1 dialect --===//

#include "r1/MLIRGen/MLIRGen.h"
#include "r1/Dialect/R1/R1Ops.h"
#include "r1/Dialect/R1/R1Schema.h"
#include "r1/Frontend/Signatures.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace r1;
using namespace r1::ast;

namespace {
class MLIRGenImpl {
public:
  explicit MLIRGenImpl(MLIRContext &ctx) : ctx(ctx), b(&ctx) {}

  OwningOpRef<ModuleOp> gen(const Pipeline &p) {
    OwningOpRef<ModuleOp> module = ModuleOp::create(p.getLoc());
    b.setInsertionPointToEnd(module->getBody());
    auto pipeline = PipelineOp::create(b, p.getLoc(), p.getName(), p.seed);
    SmallVector<NamedAttribute> settings;
    for (StringRef name : {"threads", "device", "run_dir"})
      if (const Expr *e = p.getSetting(name))
        settings.push_back(b.getNamedAttr(name, attr(e)));
    if (!settings.empty())
      pipeline.setSettingsAttr(b.getDictionaryAttr(settings));
    b.setInsertionPointToEnd(&pipeline.getBodyBlock());
    for (const auto &decl : p.getDecls())
      if (failed(genDecl(*decl)))
        return nullptr;
    // Built-in losses that no stage uses would only clutter the plan.
    for (Operation *op : builtinLosses)
      if (op->use_empty())
        op->erase();
    return module;
  }

private:
  MLIRContext &ctx;
  OpBuilder b;
  llvm::DenseMap<const Decl *, Value> values;
  /// The r1.pretrained checkpoint of each model used as one.
  llvm::DenseMap<Value, Value> pretrained;
  Value tokenizer;
  SmallVector<Operation *> builtinLosses;
  unsigned evalCount = 0;

  //===--- Attributes -----------------------------------------------------===//

  /// A call argument's value as an attribute (numbers, strings, words,
  /// ranges and ratios).
  Attribute attr(const Expr *e) {
    if (auto *i = dyn_cast<IntExpr>(e))
      return b.getI64IntegerAttr(i->getValue());
    if (auto *f = dyn_cast<FloatExpr>(e))
      return b.getF64FloatAttr(f->getValue());
    if (auto *v = dyn_cast<BoolExpr>(e))
      return b.getBoolAttr(v->getValue());
    if (auto *s = dyn_cast<StringExpr>(e))
      return b.getStringAttr(s->getValue());
    if (auto *n = dyn_cast<NameExpr>(e))
      return b.getStringAttr(n->getName());
    if (auto *r = dyn_cast<RangeExpr>(e))
      return b.getI64ArrayAttr({r->getLo(), r->getHi()});
    if (auto *r = dyn_cast<RatioExpr>(e))
      return b.getI64ArrayAttr(r->getParts());
    if (auto *l = dyn_cast<ListExpr>(e)) {
      SmallVector<Attribute> elements;
      for (const auto &x : l->getElements())
        if (Attribute a = attr(x.get()))
          elements.push_back(a);
        else
          return nullptr;
      return b.getArrayAttr(elements);
    }
    if (auto *blk = dyn_cast<BlockExpr>(e)) {
      SmallVector<NamedAttribute> fields;
      for (const Arg &a : blk->getFields())
        if (Attribute v = attr(a.value.get()))
          fields.push_back(b.getNamedAttr(a.name, v));
        else
          return nullptr;
      return b.getDictionaryAttr(fields);
    }
    if (auto *u = dyn_cast<UnaryExpr>(e))
      if (u->getOp() == UnaryExpr::Op::Neg) {
        Attribute inner = attr(u->getOperand());
        if (auto i = dyn_cast_or_null<IntegerAttr>(inner))
          return b.getI64IntegerAttr(-i.getInt());
        if (auto f = dyn_cast_or_null<FloatAttr>(inner))
          return b.getF64FloatAttr(-f.getValueAsDouble());
      }
    return nullptr;
  }

  /// The arguments of a call that are plain values, as a config dictionary;
  /// `skip` names the ones that become operands.
  FailureOr<DictionaryAttr> config(const CallExpr &call,
                                   ArrayRef<StringRef> skip = {}) {
    SmallVector<NamedAttribute> out;
    for (const Arg &a : call.getArgs()) {
      if (llvm::is_contained(skip, StringRef(a.name)))
        continue;
      Attribute v = attr(a.value.get());
      if (!v)
        return emitError(a.loc)
               << "argument '" << a.name << "' cannot be stored in the plan";
      out.push_back(b.getNamedAttr(a.name, v));
    }
    return b.getDictionaryAttr(out);
  }

  //===--- Declarations ---------------------------------------------------===//

  LogicalResult genDecl(const Decl &d) {
    switch (d.getKind()) {
    case Decl::Kind::Setting:
      return success();
    case Decl::Kind::Tokenizer:
      return genTokenizer(cast<TokenizerDecl>(d));
    case Decl::Kind::Model:
      return genModel(cast<ModelDecl>(d));
    case Decl::Kind::Dataset:
      return genDataset(cast<DatasetDecl>(d));
    case Decl::Kind::Reward:
      return genReward(cast<RewardDecl>(d));
    case Decl::Kind::Loss:
      return genLoss(cast<LossDecl>(d));
    case Decl::Kind::Stage:
      return genStage(cast<StageDecl>(d));
    case Decl::Kind::Eval:
      return genEval(cast<EvalDecl>(d));
    }
    return success();
  }

  LogicalResult genTokenizer(const TokenizerDecl &d) {
    StringRef kind = d.tokKind == TokenizerDecl::TokKind::Chars   ? "chars"
                     : d.tokKind == TokenizerDecl::TokKind::Bytes ? "bytes"
                                                                  : "hf";
    auto op = TokenizerOp::create(
        b, d.getLoc(), TokenizerType::get(&ctx), b.getStringAttr(kind),
        kind == "bytes" ? StringAttr() : b.getStringAttr(d.text),
        kind == "hf" && d.vocabSize > 0 ? b.getI64IntegerAttr(d.vocabSize)
                                        : IntegerAttr(),
        d.digest.empty() ? StringAttr() : b.getStringAttr(d.digest));
    tokenizer = op.getResult();
    values[&d] = tokenizer;
    return success();
  }

  NamedAttribute i64(StringRef n, int64_t v) {
    return b.getNamedAttr(n, b.getI64IntegerAttr(v));
  }
  NamedAttribute f64(StringRef n, double v) {
    return b.getNamedAttr(n, b.getF64FloatAttr(v));
  }
  NamedAttribute str(StringRef n, StringRef v) {
    return b.getNamedAttr(n, b.getStringAttr(v));
  }
  NamedAttribute flag(StringRef n, bool v) {
    return b.getNamedAttr(n, b.getBoolAttr(v));
  }

  /// The pipeline's tokenizer when it comes with a pretrained model.
  void genModelTokenizer(const ModelDecl &d) {
    bool gguf = d.source->format == "gguf";
    auto op = TokenizerOp::create(
        b, d.getLoc(), TokenizerType::get(&ctx),
        b.getStringAttr(gguf ? "gguf" : "hf"),
        b.getStringAttr(d.source->tokenizerPath), IntegerAttr(),
        b.getStringAttr(d.source->tokenizerDigest));
    tokenizer = op.getResult();
  }

  LogicalResult genModel(const ModelDecl &d) {
    if (d.source && !tokenizer)
      genModelTokenizer(d);
    SmallVector<NamedAttribute> cfg;
    StringRef arch;
    if (d.arch == ModelDecl::Arch::Deepseek) {
      arch = "deepseek";
      const DeepseekConfig &c = d.deepseek;
      cfg = {i64("dim", c.dim),
             i64("layers", c.layers),
             i64("heads", c.heads),
             i64("dense_layers", c.denseLayers),
             i64("max_seq", c.maxSeq),
             i64("ffn", c.ffn),
             f64("norm_eps", c.normEps),
             f64("rope_theta", c.ropeTheta),
             flag("tie_embeddings", c.tieEmbeddings)};
      cfg.push_back(b.getNamedAttr(
          "mla",
          b.getDictionaryAttr(
              {i64("q_rank", c.mla.qRank), i64("kv_rank", c.mla.kvRank),
               i64("nope_dim", c.mla.nopeDim), i64("rope_dim", c.mla.ropeDim),
               i64("v_dim", c.mla.vDim)})));
      const MoeConfig &m = c.moe;
      cfg.push_back(b.getNamedAttr(
          "moe",
          b.getDictionaryAttr(
              {i64("experts", m.experts), i64("shared", m.shared),
               i64("top_k", m.topK), i64("expert_dim", m.expertDim),
               str("score", m.score), i64("groups", m.groups),
               i64("topk_groups", m.topkGroups),
               f64("route_scale", m.routeScale), str("balance", m.balance),
               f64("bias_rate", m.biasRate), f64("aux_weight", m.auxWeight)})));
      if (c.yarn)
        cfg.push_back(b.getNamedAttr(
            "yarn", b.getDictionaryAttr(
                        {f64("factor", c.yarn->factor),
                         i64("original_max_seq", c.yarn->originalMaxSeq),
                         f64("beta_fast", c.yarn->betaFast),
                         f64("beta_slow", c.yarn->betaSlow),
                         f64("mscale", c.yarn->mscale)})));
      if (c.vocabSize > 0 && !tokenizerVocabKnown())
        cfg.push_back(i64("vocab_size", c.vocabSize));
    } else {
      arch = "dense";
      const DenseConfig &c = d.dense;
      cfg = {i64("dim", c.dim),
             i64("layers", c.layers),
             i64("heads", c.heads),
             i64("kv_heads", c.kvHeads),
             i64("head_dim", c.headDim),
             i64("ffn", c.ffn),
             i64("max_seq", c.maxSeq),
             f64("norm_eps", c.normEps),
             f64("rope_theta", c.ropeTheta),
             flag("qkv_bias", c.qkvBias),
             flag("tie_embeddings", c.tieEmbeddings)};
      if (c.vocabSize > 0 && !tokenizerVocabKnown())
        cfg.push_back(i64("vocab_size", c.vocabSize));
    }
    DictionaryAttr source;
    if (d.source) {
      SmallVector<NamedAttribute> src = {str("format", d.source->format),
                                         str("path", d.source->path)};
      if (!d.source->digest.empty())
        src.push_back(str("digest", d.source->digest));
      source = b.getDictionaryAttr(src);
    }
    auto op = ModelOp::create(b, d.getLoc(), ModelType::get(&ctx, arch),
                              d.getName(), tokenizer, b.getDictionaryAttr(cfg),
                              source);
    values[&d] = op.getResult();
    return success();
  }

  bool tokenizerVocabKnown() {
    auto tok = tokenizer.getDefiningOp<TokenizerOp>();
    return tok && tok.getVocabSizeValue().has_value();
  }

  /// A dataset value: a declared dataset or an inline `mix(...)`.
  FailureOr<Value> datasetValue(const Expr *e, StringRef mixName) {
    if (auto *n = dyn_cast<NameExpr>(e))
      return lookup(n);
    if (auto *call = dyn_cast<CallExpr>(e))
      if (call->getCallee() == "mix")
        return genMix(*call, mixName, call->getLoc());
    return emitError(e->getLoc()) << "expected a dataset";
  }

  FailureOr<Value> lookup(const NameExpr *n) {
    auto it = values.find(n->getDecl());
    if (it == values.end())
      return emitError(n->getLoc())
             << "'" << n->getName() << "' has no value in the pipeline IR";
    return it->second;
  }

  FailureOr<Value> genMix(const CallExpr &call, StringRef name, Location loc) {
    SmallVector<Value> inputs;
    for (const Arg &a : call.getArgs())
      if (a.name == "inputs") {
        auto v = datasetValue(a.value.get(), (name + "_in").str());
        if (failed(v))
          return failure();
        inputs.push_back(*v);
      }
    auto cfg = config(call, {"inputs"});
    if (failed(cfg))
      return failure();
    NamedAttrList attrs(*cfg);
    if (!attrs.get("ratio"))
      attrs.set("ratio",
                b.getI64ArrayAttr(SmallVector<int64_t>(inputs.size(), 1)));
    // The mix holds what every input can provide.
    StringRef kind = "prompt";
    for (Value in : inputs) {
      StringRef k = cast<DatasetType>(in.getType()).getKind();
      if (k == "text" || (k == "pairs" && kind == "prompt"))
        kind = k;
    }
    auto op = MixOp::create(b, loc, DatasetType::get(&ctx, kind), name, inputs,
                            attrs.getDictionary(&ctx));
    return op.getResult();
  }

  LogicalResult genDataset(const DatasetDecl &d) {
    const CallExpr &call = *d.getSource();
    if (call.getCallee() == "mix") {
      auto v = genMix(call, d.getName(), d.getLoc());
      if (failed(v))
        return failure();
      values[&d] = *v;
      return success();
    }
    auto cfg = config(call);
    if (failed(cfg))
      return failure();
    StringRef kind = datasetKindOf(call.getCallee(), *cfg);
    auto op = DatasetOp::create(
        b, d.getLoc(), DatasetType::get(&ctx, kind), d.getName(),
        call.getCallee(), *cfg,
        d.digest.empty() ? StringAttr() : b.getStringAttr(d.digest));
    values[&d] = op.getResult();
    return success();
  }

  LogicalResult genReward(const RewardDecl &d) {
    auto cfg = config(*d.getSpec());
    if (failed(cfg))
      return failure();
    auto op = RewardOp::create(b, d.getLoc(), RewardType::get(&ctx),
                               d.getName(), d.getSpec()->getCallee(), *cfg);
    values[&d] = op.getResult();
    return success();
  }

  //===--- Scalar expressions (loss and reward bodies) --------------------===//

  /// Builds arith/math ops for an expression; `leaf` maps names.
  struct ScalarGen {
    MLIRGenImpl &g;
    llvm::function_ref<FailureOr<Value>(const NameExpr *)> leaf;

    OpBuilder &b() { return g.b; }

    Value toF32(Value v, Location loc) {
      if (v.getType().isInteger(1))
        return arith::UIToFPOp::create(b(), loc, b().getF32Type(), v);
      return v;
    }
    Value toI1(Value v, Location loc) {
      if (v.getType().isInteger(1))
        return v;
      Value zero = arith::ConstantOp::create(b(), loc, b().getF32FloatAttr(0));
      return arith::CmpFOp::create(b(), loc, arith::CmpFPredicate::UNE, v,
                                   zero);
    }

    FailureOr<Value> num(const Expr *e) {
      auto v = gen(e);
      if (failed(v))
        return failure();
      return toF32(*v, e->getLoc());
    }
    FailureOr<Value> cond(const Expr *e) {
      auto v = gen(e);
      if (failed(v))
        return failure();
      return toI1(*v, e->getLoc());
    }

    FailureOr<Value> gen(const Expr *e) {
      Location loc = e->getLoc();
      if (auto *i = dyn_cast<IntExpr>(e))
        return Value(arith::ConstantOp::create(
            b(), loc, b().getF32FloatAttr(float(i->getValue()))));
      if (auto *f = dyn_cast<FloatExpr>(e))
        return Value(arith::ConstantOp::create(
            b(), loc, b().getF32FloatAttr(float(f->getValue()))));
      if (auto *v = dyn_cast<BoolExpr>(e))
        return Value(arith::ConstantOp::create(b(), loc,
                                               b().getBoolAttr(v->getValue())));
      if (auto *n = dyn_cast<NameExpr>(e))
        return leaf(n);
      if (auto *u = dyn_cast<UnaryExpr>(e)) {
        if (u->getOp() == UnaryExpr::Op::Neg) {
          auto x = num(u->getOperand());
          if (failed(x))
            return failure();
          return Value(arith::NegFOp::create(b(), loc, *x));
        }
        auto x = cond(u->getOperand());
        if (failed(x))
          return failure();
        Value t = arith::ConstantOp::create(b(), loc, b().getBoolAttr(true));
        return Value(arith::XOrIOp::create(b(), loc, *x, t));
      }
      if (auto *bin = dyn_cast<BinaryExpr>(e))
        return binary(*bin);
      if (auto *call = dyn_cast<CallExpr>(e))
        return callOp(*call);
      return emitError(loc) << "this expression has no per-token value";
    }

    FailureOr<Value> binary(const BinaryExpr &e) {
      using Op = BinaryExpr::Op;
      Location loc = e.getLoc();
      if (e.getOp() == Op::And || e.getOp() == Op::Or) {
        auto l = cond(e.getLhs()), r = cond(e.getRhs());
        if (failed(l) || failed(r))
          return failure();
        if (e.getOp() == Op::And)
          return Value(arith::AndIOp::create(b(), loc, *l, *r));
        return Value(arith::OrIOp::create(b(), loc, *l, *r));
      }
      auto l = num(e.getLhs()), r = num(e.getRhs());
      if (failed(l) || failed(r))
        return failure();
      using P = arith::CmpFPredicate;
      auto cmp = [&](P p) -> Value {
        return arith::CmpFOp::create(b(), loc, p, *l, *r);
      };
      switch (e.getOp()) {
      case Op::Add:
        return Value(arith::AddFOp::create(b(), loc, *l, *r));
      case Op::Sub:
        return Value(arith::SubFOp::create(b(), loc, *l, *r));
      case Op::Mul:
        return Value(arith::MulFOp::create(b(), loc, *l, *r));
      case Op::Div:
        return Value(arith::DivFOp::create(b(), loc, *l, *r));
      case Op::Lt:
        return cmp(P::OLT);
      case Op::Le:
        return cmp(P::OLE);
      case Op::Gt:
        return cmp(P::OGT);
      case Op::Ge:
        return cmp(P::OGE);
      case Op::Eq:
        return cmp(P::OEQ);
      case Op::Ne:
        return cmp(P::UNE);
      default:
        break;
      }
      return emitError(loc) << "unsupported operator";
    }

    FailureOr<Value> callOp(const CallExpr &c) {
      Location loc = c.getLoc();
      StringRef f = c.getCallee();
      SmallVector<Value> args;
      for (auto [i, a] : llvm::enumerate(c.getArgs())) {
        auto v =
            (f == "where" && i == 0) ? cond(a.value.get()) : num(a.value.get());
        if (failed(v))
          return failure();
        args.push_back(*v);
      }
      auto arity = [&](size_t n) -> LogicalResult {
        if (args.size() == n)
          return success();
        return emitError(loc) << f << " takes " << n << " arguments";
      };
      if ((f == "exp" || f == "log" || f == "abs") && succeeded(arity(1))) {
        if (f == "exp")
          return Value(math::ExpOp::create(b(), loc, args[0]));
        if (f == "log")
          return Value(math::LogOp::create(b(), loc, args[0]));
        return Value(math::AbsFOp::create(b(), loc, args[0]));
      }
      if ((f == "min" || f == "max") && succeeded(arity(2))) {
        if (f == "min")
          return Value(arith::MinimumFOp::create(b(), loc, args[0], args[1]));
        return Value(arith::MaximumFOp::create(b(), loc, args[0], args[1]));
      }
      if (f == "clamp" && succeeded(arity(3))) {
        Value lo = arith::MaximumFOp::create(b(), loc, args[0], args[1]);
        return Value(arith::MinimumFOp::create(b(), loc, lo, args[2]));
      }
      if (f == "where" && succeeded(arity(3)))
        return Value(
            arith::SelectOp::create(b(), loc, args[0], args[1], args[2]));
      return emitError(loc) << "'" << f << "' is not a per-token function";
    }
  };

  LogicalResult genLoss(const LossDecl &d) {
    SmallVector<Attribute> params;
    for (const LossParam &p : d.getParams())
      params.push_back(b.getStringAttr(p.name));
    static const char *const reduces[] = {"token_mean", "seq_mean",
                                          "seq_sum_norm"};
    auto op = LossOp::create(b, d.getLoc(), LossType::get(&ctx), d.getName(),
                             reduces[unsigned(d.getReduce())],
                             d.getMaxLen() ? b.getI64IntegerAttr(*d.getMaxLen())
                                           : IntegerAttr(),
                             b.getArrayAttr(params));
    Block *body = new Block();
    op.getBody().push_back(body);
    for (const LossParam &p : d.getParams())
      body->addArgument(b.getF32Type(), p.loc);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(body);
    llvm::DenseMap<const LetStmt *, Value> lets;
    auto leaf = [&](const NameExpr *n) -> FailureOr<Value> {
      if (n->getTarget() == NameExpr::Target::LossParam)
        return Value(body->getArgument(n->getParamIndex()));
      if (n->getTarget() == NameExpr::Target::Let)
        return lets.lookup(n->getLet());
      return emitError(n->getLoc())
             << "'" << n->getName() << "' is not a loss input";
    };
    ScalarGen gen{*this, leaf};
    for (const auto &let : d.getLets()) {
      auto v = gen.gen(let->getValue());
      if (failed(v))
        return failure();
      lets[let.get()] = *v;
    }
    auto result = gen.num(d.getResult());
    if (failed(result))
      return failure();
    YieldOp::create(b, d.getResult()->getLoc(), ValueRange{*result});
    if (d.isBuiltin())
      builtinLosses.push_back(op);
    values[&d] = op.getResult();
    return success();
  }

  /// A reward argument: a declared reward, or an expression over rewards
  /// (an r1.reward.expr yielding f32, or i1 for a predicate).
  FailureOr<Value> rewardValue(const Expr *e) {
    if (auto *n = dyn_cast<NameExpr>(e))
      return lookup(n);
    // Collect the rewards read, in order of first use.
    llvm::SetVector<const Decl *> leaves;
    SmallVector<const Expr *> work{e};
    while (!work.empty()) {
      const Expr *x = work.pop_back_val();
      if (auto *n = dyn_cast<NameExpr>(x)) {
        if (n->getTarget() == NameExpr::Target::Decl)
          leaves.insert(n->getDecl());
      } else if (auto *u = dyn_cast<UnaryExpr>(x)) {
        work.push_back(u->getOperand());
      } else if (auto *bin = dyn_cast<BinaryExpr>(x)) {
        work.push_back(bin->getRhs());
        work.push_back(bin->getLhs());
      } else if (auto *c = dyn_cast<CallExpr>(x)) {
        for (const Arg &a : llvm::reverse(c->getArgs()))
          work.push_back(a.value.get());
      }
    }
    SmallVector<Value> inputs;
    for (const Decl *d : leaves) {
      auto it = values.find(d);
      if (it == values.end())
        return emitError(e->getLoc()) << "reward '" << d->getName()
                                      << "' has no value in the pipeline IR";
      inputs.push_back(it->second);
    }
    auto op =
        RewardExprOp::create(b, e->getLoc(), RewardType::get(&ctx), inputs);
    Block *body = new Block();
    op.getBody().push_back(body);
    for (const Decl *d : leaves)
      body->addArgument(b.getF32Type(), d->getLoc());
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(body);
    auto leaf = [&](const NameExpr *n) -> FailureOr<Value> {
      auto it = llvm::find(leaves, n->getDecl());
      if (it == leaves.end())
        return emitError(n->getLoc())
               << "'" << n->getName() << "' is not a reward";
      return Value(body->getArgument(it - leaves.begin()));
    };
    ScalarGen gen{*this, leaf};
    bool predicate = e->getType() == Expr::Type::Predicate;
    auto v = predicate ? gen.cond(e) : gen.num(e);
    if (failed(v))
      return failure();
    YieldOp::create(b, e->getLoc(), ValueRange{*v});
    return op.getResult();
  }

  //===--- Stages ---------------------------------------------------------===//

  /// The architecture of a model or checkpoint value.
  static StringRef archOf(Value v) {
    if (auto m = dyn_cast<ModelType>(v.getType()))
      return m.getArch();
    return cast<CkptType>(v.getType()).getArch();
  }

  /// Weights where a checkpoint is expected: a model value (a pretrained
  /// one; Sema refuses the others) goes through one r1.pretrained per model.
  Value asCheckpoint(Value weights, Location loc) {
    auto model = dyn_cast<ModelType>(weights.getType());
    if (!model)
      return weights;
    Value &ckpt = pretrained[weights];
    if (!ckpt)
      ckpt = PretrainedOp::create(b, loc, CkptType::get(&ctx, model.getArch()),
                                  weights);
    return ckpt;
  }

  LogicalResult genStage(const StageDecl &d) {
    const CallExpr &call = *d.getCall();
    Location loc = d.getLoc();
    StringRef name = d.getName();
    auto value = [&](StringRef arg) -> FailureOr<Value> {
      const Expr *e = call.getArgValue(arg);
      if (!e)
        return emitError(loc) << "stage '" << name << "' lacks '" << arg << "'";
      if (auto *n = dyn_cast<NameExpr>(e))
        return lookup(n);
      return datasetValue(e, (name + "_" + arg).str());
    };
    SmallVector<StringRef, 4> operandArgs;
    switch (d.stageKind) {
    case StageKind::Pretrain:
      operandArgs = {"model", "data"};
      break;
    case StageKind::Sft:
      operandArgs = {"init", "data"};
      break;
    case StageKind::Grpo:
      operandArgs = {"policy", "prompts", "rewards", "loss"};
      break;
    case StageKind::Ppo:
      operandArgs = {"policy", "prompts", "rewards"};
      break;
    case StageKind::RejectSample:
      operandArgs = {"policy", "prompts", "keep"};
      break;
    case StageKind::Distill:
      operandArgs = {"student", "data", "teacher"};
      break;
    case StageKind::Export:
      operandArgs = {"ckpt"};
      break;
    }
    SmallVector<Value, 4> ops;
    for (StringRef arg : operandArgs) {
      if (arg == "teacher" && !call.getArgValue(arg)) {
        ops.push_back(Value());
        continue;
      }
      FailureOr<Value> v = (arg == "rewards" || arg == "keep")
                               ? rewardValue(call.getArgValue(arg))
                               : value(arg);
      if (failed(v))
        return failure();
      const ParamSignature *param = d.signature->sig.find(arg);
      if (param && param->type == ParamType::Checkpoint)
        *v = asCheckpoint(*v, call.getArgValue(arg)->getLoc());
      ops.push_back(*v);
    }
    auto cfg = config(call, operandArgs);
    if (failed(cfg))
      return failure();
    Type ckpt = CkptType::get(&ctx, archOf(ops[0]));
    Value result;
    switch (d.stageKind) {
    case StageKind::Pretrain:
      result = PretrainOp::create(b, loc, ckpt, name, ops[0], ops[1], *cfg);
      break;
    case StageKind::Sft:
      result = SftOp::create(b, loc, ckpt, name, ops[0], ops[1], *cfg);
      break;
    case StageKind::Grpo:
      result = GrpoOp::create(b, loc, ckpt, name, ops[0], ops[1], ops[2],
                              ops[3], *cfg);
      break;
    case StageKind::Ppo:
      result = PpoOp::create(b, loc, ckpt, name, ops[0], ops[1], ops[2], *cfg);
      break;
    case StageKind::RejectSample:
      result = RejectSampleOp::create(b, loc, DatasetType::get(&ctx, "pairs"),
                                      name, ops[0], ops[1], ops[2], *cfg);
      break;
    case StageKind::Distill:
      result =
          DistillOp::create(b, loc, ckpt, name, ops[0], ops[1], ops[2], *cfg);
      break;
    case StageKind::Export:
      ExportOp::create(b, loc, name, ops[0], *cfg);
      break;
    }
    values[&d] = result;
    return success();
  }

  LogicalResult genEval(const EvalDecl &d) {
    SmallVector<Value> models;
    for (const auto &n : d.getStages()) {
      auto v = lookup(n.get());
      if (failed(v))
        return failure();
      models.push_back(asCheckpoint(*v, n->getLoc()));
    }
    auto data = lookup(d.getDataset());
    if (failed(data))
      return failure();
    SmallVector<Attribute> metrics;
    for (const EvalMetric &m : d.getMetrics())
      metrics.push_back(b.getDictionaryAttr(
          {str("metric", m.kind == EvalMetric::Kind::Pass ? "pass" : "cons"),
           i64("at", m.at), i64("k", m.samples > 0 ? m.samples : m.at)}));
    DictionaryAttr cfg =
        b.getDictionaryAttr({b.getNamedAttr("metrics", b.getArrayAttr(metrics)),
                             f64("temperature", d.temperature),
                             f64("top_p", d.topP), i64("max_new", d.maxNew),
                             str("untagged", d.untagged)});
    std::string name =
        evalCount++ == 0 ? "eval" : "eval_" + std::to_string(evalCount - 1);
    models.push_back(*data);
    EvalOp::create(b, d.getLoc(), TypeRange{}, b.getStringAttr(name),
                   ValueRange(models).drop_back(), *data, cfg);
    return success();
  }
};
} // namespace

OwningOpRef<ModuleOp> r1::mlirGen(MLIRContext &context,
                                  const Pipeline &pipeline) {
  context.loadDialect<R1Dialect>();
  return MLIRGenImpl(context).gen(pipeline);
}
