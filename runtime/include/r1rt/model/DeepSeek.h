//===- DeepSeek.h - DeepSeek-V3-style model (MLA + DeepSeekMoE) -*- C++ -*-===//
//
// Module and tensor names follow HF DeepseekV3ForCausalLM checkpoints
// (model.layers.N.self_attn.kv_b_proj.weight, ...mlp.experts.E.up_proj.weight).
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_MODEL_DEEPSEEK_H
#define R1RT_MODEL_DEEPSEEK_H

#include "r1rt/model/CausalLM.h"
#include "r1rt/model/MLA.h"

namespace r1rt {

/// One pre-norm block: x += attn(norm(x)); x += ffn(norm(x)).
class DeepSeekLayer : public torch::nn::Module {
public:
  DeepSeekLayer(const DeepSeekConfig &config, int64_t index);
  /// FFN after the attention residual.
  torch::Tensor ffn(const torch::Tensor &h);

  std::shared_ptr<RmsNorm> input_layernorm, post_attention_layernorm;
  std::shared_ptr<MultiHeadLatentAttention> self_attn;
  std::shared_ptr<SwiGlu> denseMlp; ///< "mlp" for the first dense_layers.
  std::shared_ptr<MoE> moeMlp;      ///< "mlp" for the others.
};

/// The latent MLA cache: per layer c_kv [B,S,kv_rank] and k_pe [B,S,rope].
class MlaCache : public KVCache {
public:
  int64_t batch() const override;
  int64_t capacity() const override;
  void selectRows(const torch::Tensor &rows) override;
  std::vector<torch::Tensor> tensors() const override;
  std::vector<MlaLayerCache> layers;
};

/// DeepSeek-V3-style causal LM.
class DeepSeekModel : public CausalLM {
public:
  explicit DeepSeekModel(const DeepSeekConfig &config);

  torch::Tensor forward(const torch::Tensor &tokens,
                        const torch::Tensor &positions = {}) override;
  torch::Tensor headWeight() override;
  std::unique_ptr<KVCache> newCache(int64_t batch, int64_t capacity) override;
  torch::Tensor forwardCached(const torch::Tensor &tokens,
                              const torch::Tensor &positions,
                              KVCache &cache) override;
  int64_t vocabSize() const override { return config.vocabSize; }
  int64_t maxSeq() const override { return config.maxSeq; }
  std::vector<std::shared_ptr<MoE>> moeLayers() const override;

  const DeepSeekConfig config;
  std::vector<std::shared_ptr<DeepSeekLayer>> layers;

private:
  torch::Tensor run(const torch::Tensor &tokens, const torch::Tensor &positions,
                    MlaCache *cache);
  torch::nn::Embedding embed_tokens{nullptr};
  std::shared_ptr<RmsNorm> norm;
  Linear lm_head{nullptr};
};

} // namespace r1rt

#endif // R1RT_MODEL_DEEPSEEK_H
