//===- DeepSeek.cpp - DeepSeek-V3-style causal LM -------------------------===//

#include "r1rt/model/DeepSeek.h"

#include "r1rt/Error.h"

namespace r1rt {

DeepSeekLayer::DeepSeekLayer(const DeepSeekConfig &c, int64_t index) {
  self_attn = register_module("self_attn",
                              std::make_shared<MultiHeadLatentAttention>(c));
  if (index < c.denseLayers)
    denseMlp = register_module("mlp", std::make_shared<SwiGlu>(c.dim, c.ffn));
  else
    moeMlp = register_module("mlp", std::make_shared<MoE>(c));
  input_layernorm = register_module(
      "input_layernorm", std::make_shared<RmsNorm>(c.dim, c.normEps));
  post_attention_layernorm = register_module(
      "post_attention_layernorm", std::make_shared<RmsNorm>(c.dim, c.normEps));
}

torch::Tensor DeepSeekLayer::ffn(const torch::Tensor &h) {
  torch::Tensor n = post_attention_layernorm->forward(h);
  return h + (denseMlp ? denseMlp->forward(n) : moeMlp->forward(n));
}

int64_t MlaCache::batch() const { return layers.at(0).kv.size(0); }
int64_t MlaCache::capacity() const { return layers.at(0).kv.size(1); }

void MlaCache::selectRows(const torch::Tensor &rows) {
  for (MlaLayerCache &l : layers) {
    l.kv = l.kv.index_select(0, rows.to(l.kv.device()));
    l.pe = l.pe.index_select(0, rows.to(l.pe.device()));
  }
}

std::vector<torch::Tensor> MlaCache::tensors() const {
  std::vector<torch::Tensor> out;
  for (const MlaLayerCache &l : layers) {
    out.push_back(l.kv);
    out.push_back(l.pe);
  }
  return out;
}

DeepSeekModel::DeepSeekModel(const DeepSeekConfig &c) : config(c) {
  auto backbone =
      register_module("model", std::make_shared<torch::nn::Module>());
  embed_tokens = backbone->register_module(
      "embed_tokens", torch::nn::Embedding(c.vocabSize, c.dim));
  auto list = backbone->register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.layers; ++i) {
    layers.push_back(std::make_shared<DeepSeekLayer>(c, i));
    list->push_back(layers.back());
  }
  norm = backbone->register_module("norm",
                                   std::make_shared<RmsNorm>(c.dim, c.normEps));
  if (!c.tieEmbeddings)
    lm_head = register_module(
        "lm_head",
        Linear(c.dim, c.vocabSize, /*bias=*/false));
}

torch::Tensor DeepSeekModel::headWeight() {
  return config.tieEmbeddings ? embed_tokens->weight : lm_head->weight;
}

torch::Tensor DeepSeekModel::run(const torch::Tensor &tokens,
                                 const torch::Tensor &positionsIn,
                                 MlaCache *cache) {
  if (tokens.dim() != 2)
    fail("DeepSeekModel: tokens must be [batch, time], got {} dims",
         tokens.dim());
  torch::Tensor positions =
      positionsIn.defined()
          ? positionsIn
          : defaultPositions(tokens.size(0), tokens.size(1), tokens.device());
  torch::Tensor h = embed_tokens(tokens);
  for (size_t i = 0; i < layers.size(); ++i) {
    DeepSeekLayer &l = *layers[i];
    torch::Tensor n = l.input_layernorm->forward(h);
    torch::Tensor a;
    a = cache ? l.self_attn->forwardAbsorbed(n, positions, cache->layers[i])
              : l.self_attn->forward(n, positions);
    h = l.ffn(h + a);
  }
  return norm->forward(h);
}

torch::Tensor DeepSeekModel::forward(const torch::Tensor &tokens,
                                     const torch::Tensor &positions) {
  return run(tokens, positions, nullptr);
}

std::unique_ptr<KVCache> DeepSeekModel::newCache(int64_t batch,
                                                 int64_t capacity) {
  auto cache = std::make_unique<MlaCache>();
  auto opts = embed_tokens->weight.options().requires_grad(false);
  for (int64_t i = 0; i < config.layers; ++i)
    cache->layers.push_back(
        {torch::zeros({batch, capacity, config.mla.kvRank}, opts),
         torch::zeros({batch, capacity, config.mla.ropeDim}, opts)});
  return cache;
}

torch::Tensor DeepSeekModel::forwardCached(const torch::Tensor &tokens,
                                           const torch::Tensor &positions,
                                           KVCache &cache) {
  auto *mla = dynamic_cast<MlaCache *>(&cache);
  if (!mla)
    fail("DeepSeekModel::forwardCached: the cache was not made by a "
         "DeepSeekModel; create it with newCache()");
  return run(tokens, positions, mla);
}

std::vector<std::shared_ptr<MoE>> DeepSeekModel::moeLayers() const {
  std::vector<std::shared_ptr<MoE>> out;
  for (const auto &l : layers)
    if (l->moeMlp)
      out.push_back(l->moeMlp);
  return out;
}

} // namespace r1rt
