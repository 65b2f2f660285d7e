//===- CausalLM.h - The interface of every language model -------*- C++ -*-===//
//
// What the trainer and the generator see of a model: hidden states, the LM
// head, an incremental-decoding cache, parameter counts, and MoE hooks that
// dense models ignore. A CausalLM knows nothing about GRPO.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_MODEL_CAUSALLM_H
#define R1RT_MODEL_CAUSALLM_H

#include "r1rt/model/Config.h"
#include "r1rt/model/MoE.h"

#include <torch/torch.h>

#include <memory>
#include <vector>

namespace r1rt {

/// Per-sequence decoding state: cache tensors [B, capacity, ...] per layer.
class KVCache {
public:
  virtual ~KVCache() = default;
  /// Rows (sequences) currently held.
  virtual int64_t batch() const = 0;
  /// Positions each row can hold.
  virtual int64_t capacity() const = 0;
  /// Keeps only `rows` (int64 indices into the current batch), in order.
  virtual void selectRows(const torch::Tensor &rows) = 0;
  /// Every cache tensor, for inspection.
  virtual std::vector<torch::Tensor> tensors() const = 0;
  /// Values stored per token per row, summed over layers (read from tensors).
  int64_t valuesPerToken() const;
  /// Bytes stored per token per row, summed over layers.
  int64_t bytesPerToken() const;
};

/// A decoder-only language model.
class CausalLM : public torch::nn::Module {
public:
  /// Final-norm hidden states [B,T,D] for tokens [B,T] (int64) with RoPE
  /// positions [B,T] (default 0..T-1); causal mask by index. Training path.
  virtual torch::Tensor forward(const torch::Tensor &tokens,
                                const torch::Tensor &positions = {}) = 0;
  /// The LM head weight [V,D] (the embedding when tied).
  virtual torch::Tensor headWeight() = 0;
  /// logits = hidden @ headWeight()^T.
  torch::Tensor logits(const torch::Tensor &hidden) {
    return torch::matmul(hidden, headWeight().t());
  }

  /// A cache for `batch` rows of `capacity` positions, on the model's
  /// device and dtype.
  virtual std::unique_ptr<KVCache> newCache(int64_t batch,
                                            int64_t capacity) = 0;
  /// Incremental path: writes tokens [B,T] at `positions` [B,T] into the
  /// cache and attends to cached positions <= each query's position, so rows
  /// may be at different lengths. Returns final-norm hidden [B,T,D].
  virtual torch::Tensor forwardCached(const torch::Tensor &tokens,
                                      const torch::Tensor &positions,
                                      KVCache &cache) = 0;

  virtual int64_t vocabSize() const = 0;
  virtual int64_t maxSeq() const = 0;

  /// Deterministic initialisation from a seed (initParameters()).
  virtual void initialize(uint64_t seed);

  /// MoE layers (empty for dense models).
  virtual std::vector<std::shared_ptr<MoE>> moeLayers() const { return {}; }
  /// Aux-loss-free bias update on every MoE layer; call after optimizer.step().
  void updateRoutingBias();
  /// Per-MoE-layer load statistics since the last bias update.
  std::vector<MoeLoadStats> loadStats() const;
  /// Sum of the MoE layers' sequence-wise aux losses from the last training
  /// forward; undefined when none is configured.
  torch::Tensor auxLoss() const;
};

/// Builds the model a config describes (uninitialised: call initialize()).
std::shared_ptr<CausalLM> makeModel(const ModelConfig &config);

} // namespace r1rt

#endif // R1RT_MODEL_CAUSALLM_H
