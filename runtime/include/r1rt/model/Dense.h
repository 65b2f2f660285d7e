//===- Dense.h - Qwen2/Llama-style dense model ------------------*- C++ -*-===//
//
// RMSNorm, half-split RoPE (HF rotate_half, optionally Llama 3-rescaled),
// GQA, SwiGLU, optional QKV bias, optional per-head q/k RMSNorm (Qwen3).
// Tensor names follow HF Qwen2/Qwen3/LlamaForCausalLM checkpoints.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_MODEL_DENSE_H
#define R1RT_MODEL_DENSE_H

#include "r1rt/model/CausalLM.h"

namespace r1rt {

/// Grouped-query attention.
class GqaAttention : public torch::nn::Module {
public:
  explicit GqaAttention(const DenseConfig &config);
  /// Training path, causal by index.
  torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &positions);
  /// Cached path: writes k/v at positions into kCache/vCache [B,KVH,S,hd],
  /// then attends to the first `used` slots where `visible` [B,T,used].
  torch::Tensor forwardCached(const torch::Tensor &x,
                              const torch::Tensor &positions,
                              const torch::Tensor &visible, int64_t used,
                              torch::Tensor &kCache, torch::Tensor &vCache);
  Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr},
      o_proj{nullptr};
  std::shared_ptr<RmsNorm> q_norm, k_norm; ///< Set when config.qkNorm.

private:
  std::tuple<torch::Tensor, torch::Tensor, torch::Tensor>
  project(const torch::Tensor &x, const torch::Tensor &positions);
  /// q [B,T,H,hd]; k, v [B,KVH,S,hd].
  torch::Tensor attend(const torch::Tensor &q, const torch::Tensor &k,
                       const torch::Tensor &v, const torch::Tensor &visible);
  DenseConfig config;
  torch::Tensor invFreq;
};

/// One pre-norm block.
class DenseLayer : public torch::nn::Module {
public:
  explicit DenseLayer(const DenseConfig &config);
  std::shared_ptr<RmsNorm> input_layernorm, post_attention_layernorm;
  std::shared_ptr<GqaAttention> self_attn;
  std::shared_ptr<SwiGlu> mlp;
};

/// Standard K/V cache: per layer k and v [B,kv_heads,S,head_dim], so that a
/// prefix of the slots is a copy-free operand of attention's GEMMs.
class GqaCache : public KVCache {
public:
  int64_t batch() const override;
  int64_t capacity() const override;
  void selectRows(const torch::Tensor &rows) override;
  std::vector<torch::Tensor> tensors() const override;
  std::vector<torch::Tensor> k, v;
};

/// Dense causal LM.
class DenseModel : public CausalLM {
public:
  explicit DenseModel(const DenseConfig &config);
  torch::Tensor forward(const torch::Tensor &tokens,
                        const torch::Tensor &positions = {}) override;
  torch::Tensor headWeight() override;
  std::unique_ptr<KVCache> newCache(int64_t batch, int64_t capacity) override;
  torch::Tensor forwardCached(const torch::Tensor &tokens,
                              const torch::Tensor &positions,
                              KVCache &cache) override;
  int64_t vocabSize() const override { return config.vocabSize; }
  int64_t maxSeq() const override { return config.maxSeq; }

  const DenseConfig config;
  std::vector<std::shared_ptr<DenseLayer>> layers;

private:
  torch::nn::Embedding embed_tokens{nullptr};
  std::shared_ptr<RmsNorm> norm;
  Linear lm_head{nullptr};
};

} // namespace r1rt

#endif // R1RT_MODEL_DENSE_H
