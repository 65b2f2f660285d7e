//===- Dense.cpp - Qwen2/Llama-style causal LM ----------------------------===//

#include "r1rt/model/Dense.h"

#include "r1rt/Error.h"

#include <cmath>

namespace r1rt {

GqaAttention::GqaAttention(const DenseConfig &c) : config(c) {
  const int64_t q = c.heads * c.headDim, kv = c.kvHeads * c.headDim;
  q_proj = register_module("q_proj", Linear(c.dim, q, c.qkvBias));
  k_proj = register_module("k_proj", Linear(c.dim, kv, c.qkvBias));
  v_proj = register_module("v_proj", Linear(c.dim, kv, c.qkvBias));
  o_proj = register_module("o_proj", Linear(q, c.dim, false));
  if (c.qkNorm) {
    q_norm = register_module("q_norm",
                             std::make_shared<RmsNorm>(c.headDim, c.normEps));
    k_norm = register_module("k_norm",
                             std::make_shared<RmsNorm>(c.headDim, c.normEps));
  }
  invFreq = ropeInvFreq(c.headDim, c.ropeTheta, std::nullopt);
  if (c.ropeLlama3)
    invFreq = ropeLlama3(invFreq, *c.ropeLlama3);
}

std::tuple<torch::Tensor, torch::Tensor, torch::Tensor>
GqaAttention::project(const torch::Tensor &x, const torch::Tensor &positions) {
  const int64_t b = x.size(0), t = x.size(1), hd = config.headDim;
  torch::Tensor q = q_proj(x).view({b, t, config.heads, hd});
  torch::Tensor k = k_proj(x).view({b, t, config.kvHeads, hd});
  torch::Tensor v = v_proj(x).view({b, t, config.kvHeads, hd});
  if (q_norm) {
    q = q_norm->forward(q);
    k = k_norm->forward(k);
  }
  auto [cos, sin] = ropeCosSin(invFreq, positions, x.scalar_type());
  // HF's cos/sin are cat(freqs, freqs); the half-split rotation uses one copy.
  return {applyRopeHalf(q, cos, sin), applyRopeHalf(k, cos, sin), v};
}

torch::Tensor GqaAttention::attend(const torch::Tensor &q,
                                   const torch::Tensor &k,
                                   const torch::Tensor &v,
                                   const torch::Tensor &visible) {
  const double scale = 1.0 / std::sqrt(double(config.headDim));
  // Plain multi-head attention keeps its einsum form; grouped heads read
  // their shared kv head in place instead of repeating it.
  torch::Tensor o = config.heads == config.kvHeads
                        ? attention(q, k.transpose(1, 2), v.transpose(1, 2),
                                    visible, scale)
                        : groupedAttention(q, k, v, visible, scale);
  return o_proj(o.flatten(2));
}

torch::Tensor GqaAttention::forward(const torch::Tensor &x,
                                    const torch::Tensor &positions) {
  auto [q, k, v] = project(x, positions);
  return attend(q, k.transpose(1, 2), v.transpose(1, 2),
                causalMask(x.size(1), x.device()));
}

torch::Tensor GqaAttention::forwardCached(const torch::Tensor &x,
                                          const torch::Tensor &positions,
                                          const torch::Tensor &visible,
                                          int64_t used, torch::Tensor &kCache,
                                          torch::Tensor &vCache) {
  auto [q, k, v] = project(x, positions);
  k = k.transpose(1, 2);
  v = v.transpose(1, 2);
  torch::Tensor idx = positions.view({x.size(0), 1, x.size(1), 1});
  kCache.scatter_(2, idx.expand_as(k), k.to(kCache.scalar_type()));
  vCache.scatter_(2, idx.expand_as(v), v.to(vCache.scalar_type()));
  return attend(q, kCache.narrow(2, 0, used).to(x.scalar_type()),
                vCache.narrow(2, 0, used).to(x.scalar_type()), visible);
}

DenseLayer::DenseLayer(const DenseConfig &c) {
  self_attn = register_module("self_attn", std::make_shared<GqaAttention>(c));
  mlp = register_module("mlp", std::make_shared<SwiGlu>(c.dim, c.ffn));
  input_layernorm = register_module(
      "input_layernorm", std::make_shared<RmsNorm>(c.dim, c.normEps));
  post_attention_layernorm = register_module(
      "post_attention_layernorm", std::make_shared<RmsNorm>(c.dim, c.normEps));
}

int64_t GqaCache::batch() const { return k.at(0).size(0); }
int64_t GqaCache::capacity() const { return k.at(0).size(2); }

void GqaCache::selectRows(const torch::Tensor &rows) {
  for (size_t i = 0; i < k.size(); ++i) {
    k[i] = k[i].index_select(0, rows.to(k[i].device()));
    v[i] = v[i].index_select(0, rows.to(v[i].device()));
  }
}

std::vector<torch::Tensor> GqaCache::tensors() const {
  std::vector<torch::Tensor> out;
  for (size_t i = 0; i < k.size(); ++i) {
    out.push_back(k[i]);
    out.push_back(v[i]);
  }
  return out;
}

DenseModel::DenseModel(const DenseConfig &c) : config(c) {
  auto backbone =
      register_module("model", std::make_shared<torch::nn::Module>());
  embed_tokens = backbone->register_module(
      "embed_tokens", torch::nn::Embedding(c.vocabSize, c.dim));
  auto list = backbone->register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.layers; ++i) {
    layers.push_back(std::make_shared<DenseLayer>(c));
    list->push_back(layers.back());
  }
  norm = backbone->register_module("norm",
                                   std::make_shared<RmsNorm>(c.dim, c.normEps));
  if (!c.tieEmbeddings)
    lm_head = register_module("lm_head", Linear(c.dim, c.vocabSize, false));
}

torch::Tensor DenseModel::headWeight() {
  return config.tieEmbeddings ? embed_tokens->weight : lm_head->weight;
}

torch::Tensor DenseModel::forward(const torch::Tensor &tokens,
                                  const torch::Tensor &positionsIn) {
  if (tokens.dim() != 2)
    fail("DenseModel: tokens must be [batch, time], got {} dims", tokens.dim());
  torch::Tensor positions =
      positionsIn.defined()
          ? positionsIn
          : defaultPositions(tokens.size(0), tokens.size(1), tokens.device());
  torch::Tensor h = embed_tokens(tokens);
  for (auto &l : layers) {
    h = h + l->self_attn->forward(l->input_layernorm->forward(h), positions);
    h = h + l->mlp->forward(l->post_attention_layernorm->forward(h));
  }
  return norm->forward(h);
}

std::unique_ptr<KVCache> DenseModel::newCache(int64_t batch, int64_t capacity) {
  auto cache = std::make_unique<GqaCache>();
  auto opts = embed_tokens->weight.options().requires_grad(false);
  for (int64_t i = 0; i < config.layers; ++i) {
    cache->k.push_back(
        torch::zeros({batch, config.kvHeads, capacity, config.headDim}, opts));
    cache->v.push_back(
        torch::zeros({batch, config.kvHeads, capacity, config.headDim}, opts));
  }
  return cache;
}

torch::Tensor DenseModel::forwardCached(const torch::Tensor &tokens,
                                        const torch::Tensor &positions,
                                        KVCache &cacheIn) {
  auto *cache = dynamic_cast<GqaCache *>(&cacheIn);
  if (!cache)
    fail("DenseModel::forwardCached: the cache was not made by a DenseModel; "
         "create it with newCache()");
  // One mask and one host read of the furthest position for all layers.
  const int64_t used = positions.max().item<int64_t>() + 1;
  const torch::Tensor visible = positionMask(positions, used);
  torch::Tensor h = embed_tokens(tokens);
  for (size_t i = 0; i < layers.size(); ++i) {
    DenseLayer &l = *layers[i];
    h = h + l.self_attn->forwardCached(l.input_layernorm->forward(h), positions,
                                       visible, used, cache->k[i], cache->v[i]);
    h = h + l.mlp->forward(l.post_attention_layernorm->forward(h));
  }
  return norm->forward(h);
}

} // namespace r1rt
