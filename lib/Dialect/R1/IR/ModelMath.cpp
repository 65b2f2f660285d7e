//===- ModelMath.cpp - Closed-form sizes and costs of r1 models ----------===//

#include "r1/Dialect/R1/ModelMath.h"
#include "r1/Dialect/R1/R1Ops.h"
#include "r1/Dialect/R1/R1Schema.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace r1;

DictionaryAttr r1::resolveModelConfig(ModelOp op) {
  StringRef arch = op.getArch();
  DictionaryAttr cfg = resolveConfig(op.getConfig(), getModelSchema(arch));
  Builder b(op.getContext());
  NamedAttrList attrs(cfg);
  int64_t dim = getInt(cfg, "dim"), heads = getInt(cfg, "heads");
  if (!cfg.get("vocab_size"))
    if (auto tok = op.getTokenizer().getDefiningOp<TokenizerOp>())
      if (auto v = tok.getVocabSizeValue())
        attrs.set("vocab_size", b.getI64IntegerAttr(*v));
  if (arch == "deepseek") {
    if (!cfg.get("ffn"))
      attrs.set("ffn", b.getI64IntegerAttr(4 * dim));
  } else {
    if (!cfg.get("kv_heads"))
      attrs.set("kv_heads", b.getI64IntegerAttr(heads));
    if (!cfg.get("head_dim") && heads > 0)
      attrs.set("head_dim", b.getI64IntegerAttr(dim / heads));
  }
  return attrs.getDictionary(op.getContext());
}

ModelDims r1::getModelDims(StringRef arch, DictionaryAttr c) {
  ModelDims d;
  d.arch = arch.str();
  d.vocab = getInt(c, "vocab_size");
  d.dim = getInt(c, "dim");
  d.layers = getInt(c, "layers");
  d.heads = getInt(c, "heads");
  d.maxSeq = getInt(c, "max_seq");
  d.ffn = getInt(c, "ffn");
  if (auto t = dyn_cast_or_null<BoolAttr>(c.get("tie_embeddings")))
    d.tied = t.getValue();
  if (arch == "deepseek") {
    d.denseLayers = getInt(c, "dense_layers");
    DictionaryAttr mla = getDict(c, "mla"), moe = getDict(c, "moe");
    d.qRank = getInt(mla, "q_rank");
    d.kvRank = getInt(mla, "kv_rank");
    d.nopeDim = getInt(mla, "nope_dim");
    d.ropeDim = getInt(mla, "rope_dim");
    d.vDim = getInt(mla, "v_dim");
    d.experts = getInt(moe, "experts");
    d.shared = getInt(moe, "shared");
    d.topK = getInt(moe, "top_k");
    d.expertDim = getInt(moe, "expert_dim");
  } else {
    d.kvHeads = getInt(c, "kv_heads", d.heads);
    d.headDim = getInt(c, "head_dim", d.heads ? d.dim / d.heads : 0);
    if (auto q = dyn_cast_or_null<BoolAttr>(c.get("qkv_bias")))
      d.qkvBias = q.getValue();
  }
  return d;
}

/// Parameters of one MoE layer's FFN (gate, routed and shared experts).
static int64_t moeFfnParams(const ModelDims &d) {
  int64_t D = d.dim, E = d.experts, ed = d.expertDim;
  return E * D + E * 3 * D * ed + 3 * D * (d.shared * ed);
}

int64_t r1::paramCount(const ModelDims &d) {
  int64_t V = d.vocab, D = d.dim, L = d.layers, H = d.heads;
  int64_t total = V * D + D + (d.tied ? 0 : V * D);
  if (d.arch == "deepseek") {
    int64_t qk = d.nopeDim + d.ropeDim;
    int64_t attn =
        d.qRank == 0 ? D * H * qk : D * d.qRank + d.qRank + d.qRank * H * qk;
    attn += D * (d.kvRank + d.ropeDim) + d.kvRank +
            d.kvRank * H * (d.nopeDim + d.vDim) + H * d.vDim * D;
    int64_t denseLayers = std::min(d.denseLayers, L);
    total += L * (2 * D + attn) + denseLayers * 3 * D * d.ffn +
             (L - denseLayers) * moeFfnParams(d);
    return total;
  }
  int64_t hd = d.headDim, kvh = d.kvHeads;
  int64_t attn = D * H * hd + 2 * D * kvh * hd + H * hd * D;
  if (d.qkvBias)
    attn += H * hd + 2 * kvh * hd;
  total += L * (2 * D + attn + 3 * D * d.ffn);
  return total;
}

int64_t r1::activeParamCount(const ModelDims &d) {
  int64_t total = paramCount(d);
  if (d.arch != "deepseek")
    return total;
  int64_t moeLayers = d.layers - std::min(d.denseLayers, d.layers);
  return total - moeLayers * (d.experts - d.topK) * 3 * d.dim * d.expertDim;
}

int64_t r1::forwardFlopsPerToken(const ModelDims &d, int64_t context) {
  // Every active weight is one multiply-add per token, except the embedding
  // table, which is a lookup (when tied it is still used by the LM head).
  int64_t matmul = activeParamCount(d) - (d.tied ? 0 : d.vocab * d.dim);
  int64_t qk = d.arch == "deepseek" ? d.nopeDim + d.ropeDim : d.headDim;
  int64_t v = d.arch == "deepseek" ? d.vDim : d.headDim;
  int64_t attention = 2 * d.layers * d.heads * (qk + v) * (context / 2);
  return 2 * matmul + attention;
}

int64_t r1::kvBytesPerTokenLayer(const ModelDims &d, int64_t bytes) {
  if (d.arch == "deepseek")
    return (d.kvRank + d.ropeDim) * bytes;
  return 2 * d.kvHeads * d.headDim * bytes;
}

int64_t r1::mhaKvBytesPerTokenLayer(const ModelDims &d, int64_t bytes) {
  if (d.arch == "deepseek")
    return d.heads * (d.nopeDim + d.ropeDim + d.vDim) * bytes;
  return 2 * d.heads * d.headDim * bytes;
}

SmallVector<LoraProjection> r1::getLoraProjections(const ModelDims &d) {
  int64_t D = d.dim, L = d.layers, H = d.heads;
  SmallVector<LoraProjection> out;
  auto add = [&](const char *t, int64_t in, int64_t o, int64_t n) {
    if (n > 0)
      out.push_back({t, in, o, n});
  };
  auto swiglu = [&](int64_t hidden, int64_t n) {
    add("gate", D, hidden, n);
    add("up", D, hidden, n);
    add("down", hidden, D, n);
  };
  if (d.arch == "deepseek") {
    int64_t qk = d.nopeDim + d.ropeDim;
    if (d.qRank == 0) {
      add("q", D, H * qk, L);
    } else {
      add("q_a", D, d.qRank, L);
      add("q_b", d.qRank, H * qk, L);
    }
    add("kv_a", D, d.kvRank + d.ropeDim, L);
    add("kv_b", d.kvRank, H * (d.nopeDim + d.vDim), L);
    add("o", H * d.vDim, D, L);
    int64_t dense = std::min(d.denseLayers, L);
    swiglu(d.ffn, dense);
    swiglu(d.expertDim, (L - dense) * d.experts);
    if (d.shared > 0)
      swiglu(d.shared * d.expertDim, L - dense);
    return out;
  }
  add("q", D, H * d.headDim, L);
  add("k", D, d.kvHeads * d.headDim, L);
  add("v", D, d.kvHeads * d.headDim, L);
  add("o", H * d.headDim, D, L);
  swiglu(d.ffn, L);
  return out;
}

LoraCost r1::getLoraCost(const ModelDims &d, int64_t rank,
                         ArrayRef<StringRef> targets) {
  LoraCost cost;
  for (const LoraProjection &p : getLoraProjections(d))
    if (llvm::is_contained(targets, p.target)) {
      cost.adapters += p.count;
      cost.params += p.count * rank * (p.in + p.out);
    }
  return cost;
}
