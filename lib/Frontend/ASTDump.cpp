//===- ASTDump.cpp - Stable text dump of the AST (--emit=ast) -------------===//
//
// One line per declaration, sub-lines for bodies; binary expressions are
// fully parenthesized; every declaration shows its <line:col>. Resolved
// facts (defaults, model configs, dataset kinds, stage results) are printed
// so that lit tests can check Sema's output.
//
//===----------------------------------------------------------------------===//

#include "r1/Frontend/AST.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdio>

using namespace r1::ast;

namespace {
class Dumper {
public:
  explicit Dumper(llvm::raw_ostream &os) : os(os) {}

  void dumpPipeline(const Pipeline &p);

private:
  void loc(mlir::Location l);
  void number(double v);
  void expr(const Expr *e);
  void args(llvm::ArrayRef<Arg> as);
  void decl(const Decl &d);
  void model(const ModelDecl &m);

  llvm::raw_ostream &os;
};
} // namespace

void Dumper::loc(mlir::Location l) {
  if (auto flc = llvm::dyn_cast<mlir::FileLineColLoc>(l))
    os << " <" << flc.getLine() << ":" << flc.getColumn() << ">";
}

void Dumper::number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.12g", v);
  llvm::StringRef s(buf);
  os << s;
  if (std::isfinite(v) && !s.contains('.') && !s.contains('e'))
    os << ".0";
}

void Dumper::expr(const Expr *e) {
  switch (e->getKind()) {
  case Expr::Kind::Int:
    os << llvm::cast<IntExpr>(e)->getValue();
    return;
  case Expr::Kind::Float:
    number(llvm::cast<FloatExpr>(e)->getValue());
    return;
  case Expr::Kind::Bool:
    os << (llvm::cast<BoolExpr>(e)->getValue() ? "true" : "false");
    return;
  case Expr::Kind::String: {
    os << '"';
    for (unsigned char c : llvm::cast<StringExpr>(e)->getValue()) {
      if (c == '\n')
        os << "\\n";
      else if (c == '\t')
        os << "\\t";
      else if (c == '"' || c == '\\')
        os << '\\' << c;
      else if (c < 0x20 || c == 0x7f)
        os << "\\x" << llvm::hexdigit(c >> 4, true)
           << llvm::hexdigit(c & 15, true);
      else
        os << c;
    }
    os << '"';
    return;
  }
  case Expr::Kind::Name:
    os << llvm::cast<NameExpr>(e)->getName();
    return;
  case Expr::Kind::Range: {
    auto *r = llvm::cast<RangeExpr>(e);
    os << r->getLo() << ".." << r->getHi();
    return;
  }
  case Expr::Kind::Ratio:
    llvm::interleave(llvm::cast<RatioExpr>(e)->getParts(), os, ":");
    return;
  case Expr::Kind::Unary: {
    auto *u = llvm::cast<UnaryExpr>(e);
    os << "(" << spell(u->getOp())
       << (u->getOp() == UnaryExpr::Op::Not ? " " : "");
    expr(u->getOperand());
    os << ")";
    return;
  }
  case Expr::Kind::Binary: {
    auto *b = llvm::cast<BinaryExpr>(e);
    os << "(";
    expr(b->getLhs());
    os << " " << spell(b->getOp()) << " ";
    expr(b->getRhs());
    os << ")";
    return;
  }
  case Expr::Kind::Call: {
    auto *c = llvm::cast<CallExpr>(e);
    os << c->getCallee() << "(";
    args(c->getArgs());
    os << ")";
    return;
  }
  case Expr::Kind::List:
    os << "[";
    llvm::interleaveComma(llvm::cast<ListExpr>(e)->getElements(), os,
                          [&](const auto &x) { expr(x.get()); });
    os << "]";
    return;
  case Expr::Kind::Block: {
    auto *b = llvm::cast<BlockExpr>(e);
    os << b->getName() << " { ";
    args(b->getFields());
    os << " }";
    return;
  }
  }
}

void Dumper::args(llvm::ArrayRef<Arg> as) {
  llvm::interleaveComma(as, os, [&](const Arg &a) {
    if (!a.name.empty() && !llvm::isa<BlockExpr>(a.value.get()))
      os << a.name << " = ";
    expr(a.value.get());
  });
}

static const char *boolStr(bool b) { return b ? "true" : "false"; }

void Dumper::model(const ModelDecl &m) {
  if (m.arch == ModelDecl::Arch::Dense) {
    const DenseConfig &c = m.dense;
    os << "    vocab_size=" << c.vocabSize << " dim=" << c.dim
       << " layers=" << c.layers << " heads=" << c.heads
       << " kv_heads=" << c.kvHeads << " head_dim=" << c.headDim
       << " ffn=" << c.ffn << " max_seq=" << c.maxSeq << " norm_eps=";
    number(c.normEps);
    os << " rope_theta=";
    number(c.ropeTheta);
    os << " qkv_bias=" << boolStr(c.qkvBias)
       << " tie_embeddings=" << boolStr(c.tieEmbeddings) << "\n";
    return;
  }
  const DeepseekConfig &c = m.deepseek;
  os << "    vocab_size=" << c.vocabSize << " dim=" << c.dim
     << " layers=" << c.layers << " heads=" << c.heads
     << " dense_layers=" << c.denseLayers << " max_seq=" << c.maxSeq
     << " ffn=" << c.ffn << " norm_eps=";
  number(c.normEps);
  os << " rope_theta=";
  number(c.ropeTheta);
  os << " tie_embeddings=" << boolStr(c.tieEmbeddings) << "\n";
  os << "    mla q_rank=" << c.mla.qRank << " kv_rank=" << c.mla.kvRank
     << " nope_dim=" << c.mla.nopeDim << " rope_dim=" << c.mla.ropeDim
     << " v_dim=" << c.mla.vDim << "\n";
  os << "    moe experts=" << c.moe.experts << " shared=" << c.moe.shared
     << " top_k=" << c.moe.topK << " expert_dim=" << c.moe.expertDim
     << " score=" << c.moe.score << " groups=" << c.moe.groups
     << " topk_groups=" << c.moe.topkGroups << " route_scale=";
  number(c.moe.routeScale);
  os << " balance=" << c.moe.balance << " bias_rate=";
  number(c.moe.biasRate);
  os << " aux_weight=";
  number(c.moe.auxWeight);
  os << "\n";
  if (!c.yarn) {
    os << "    yarn none\n";
    return;
  }
  os << "    yarn factor=";
  number(c.yarn->factor);
  os << " original_max_seq=" << c.yarn->originalMaxSeq << " beta_fast=";
  number(c.yarn->betaFast);
  os << " beta_slow=";
  number(c.yarn->betaSlow);
  os << " mscale=";
  number(c.yarn->mscale);
  os << "\n";
}

void Dumper::decl(const Decl &d) {
  switch (d.getKind()) {
  case Decl::Kind::Setting:
    os << "  setting " << d.getName() << " = ";
    expr(llvm::cast<SettingDecl>(d).getValue());
    loc(d.getLoc());
    os << "\n";
    return;
  case Decl::Kind::Tokenizer: {
    auto &t = llvm::cast<TokenizerDecl>(d);
    os << "  tokenizer ";
    expr(t.getSpec());
    os << " vocab_size=" << t.vocabSize;
    loc(d.getLoc());
    os << "\n";
    return;
  }
  case Decl::Kind::Model: {
    auto &m = llvm::cast<ModelDecl>(d);
    os << "  model " << m.getName() << " = ";
    if (m.getSourceCall())
      expr(m.getSourceCall());
    else
      os << m.getArchName();
    loc(d.getLoc());
    os << "\n";
    model(m);
    return;
  }
  case Decl::Kind::Dataset: {
    auto &ds = llvm::cast<DatasetDecl>(d);
    os << "  dataset " << ds.getName() << " = ";
    expr(ds.getSource());
    os << " caps=";
    llvm::SmallVector<llvm::StringRef> caps;
    if (ds.caps & CapText)
      caps.push_back("text");
    if (ds.caps & CapPairs)
      caps.push_back("pairs");
    if (ds.caps & CapVerifiable)
      caps.push_back("verifiable");
    os << (caps.empty() ? "none" : llvm::join(caps, "|"));
    loc(d.getLoc());
    os << "\n";
    return;
  }
  case Decl::Kind::Reward:
    os << "  reward " << d.getName() << " = ";
    expr(llvm::cast<RewardDecl>(d).getSpec());
    loc(d.getLoc());
    os << "\n";
    return;
  case Decl::Kind::Loss: {
    auto &l = llvm::cast<LossDecl>(d);
    if (l.isBuiltin()) {
      os << "  builtin loss " << l.getName() << "\n";
      return;
    }
    os << "  loss " << l.getName() << "(";
    llvm::interleaveComma(l.getParams(), os,
                          [&](const LossParam &p) { os << p.name; });
    os << ") reduce " << spell(l.getReduce());
    if (l.getMaxLen())
      os << "(" << *l.getMaxLen() << ")";
    loc(d.getLoc());
    os << "\n";
    for (const auto &let : l.getLets()) {
      os << "    let " << let->getName() << " = ";
      expr(let->getValue());
      os << "\n";
    }
    os << "    return ";
    expr(l.getResult());
    os << "\n";
    return;
  }
  case Decl::Kind::Stage: {
    auto &s = llvm::cast<StageDecl>(d);
    os << "  stage " << s.getName() << " = ";
    expr(s.getCall());
    os << " -> "
       << (s.resultType == Expr::Type::Dataset ? "dataset" : "checkpoint");
    loc(d.getLoc());
    os << "\n";
    return;
  }
  case Decl::Kind::Eval: {
    auto &e = llvm::cast<EvalDecl>(d);
    os << "  eval [";
    llvm::interleaveComma(e.getStages(), os,
                          [&](const auto &n) { os << n->getName(); });
    os << "] on " << e.getDataset()->getName() << " temperature=";
    number(e.temperature);
    os << " top_p=";
    number(e.topP);
    os << " max_new=" << e.maxNew;
    loc(d.getLoc());
    os << "\n";
    for (const EvalMetric &m : e.getMetrics())
      os << "    " << (m.kind == EvalMetric::Kind::Pass ? "pass" : "cons")
         << "@" << m.at << " samples=" << m.samples << "\n";
    return;
  }
  }
}

void Dumper::dumpPipeline(const Pipeline &p) {
  os << "pipeline " << p.getName() << " seed=" << p.seed;
  loc(p.getLoc());
  os << "\n";
  for (const auto &d : p.getDecls())
    decl(*d);
}

void r1::ast::dump(const Pipeline &pipeline, llvm::raw_ostream &os) {
  Dumper(os).dumpPipeline(pipeline);
}
