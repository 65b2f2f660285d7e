//===- ModelMath.h - Closed-form sizes and costs of r1 models --*- C++ -*-===//
//
// Parameter counts, FLOPs per token and KV-cache bytes of the `deepseek`
// (MLA + DeepSeekMoE) and `dense` (Qwen2/Llama) architectures, from the
// closed forms of the plan contract. r1-infer-costs, r1c explain and the
// plan writer all use these, and the runtime's Model reports the same count.
//
//===----------------------------------------------------------------------===//

#ifndef R1_MODELMATH_H
#define R1_MODELMATH_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <string>

namespace r1 {
class ModelOp;

/// Every dimension the cost formulas need, with defaults resolved.
struct ModelDims {
  std::string arch; ///< "deepseek" or "dense"
  int64_t vocab = 0, dim = 0, layers = 0, heads = 0, maxSeq = 0;
  bool tied = false;
  // deepseek
  int64_t denseLayers = 0, ffn = 0;
  int64_t qRank = 0, kvRank = 0, nopeDim = 0, ropeDim = 0, vDim = 0;
  int64_t experts = 0, shared = 0, topK = 0, expertDim = 0;
  // dense
  int64_t kvHeads = 0, headDim = 0;
  bool qkvBias = false;
};

/// Reads the dimensions of a model from its resolved config dictionary (as
/// produced by resolveModelConfig) and its vocabulary size.
ModelDims getModelDims(llvm::StringRef arch, mlir::DictionaryAttr resolved);

/// The model's config with every default resolved, including the derived
/// ones (`ffn` = 4*dim for deepseek, `kv_heads`, `head_dim` for dense) and
/// `vocab_size` from its tokenizer when known.
mlir::DictionaryAttr resolveModelConfig(ModelOp op);

/// Total trainable parameters (the routing bias buffer is not counted).
int64_t paramCount(const ModelDims &d);
/// Parameters a token uses: total minus the unselected routed experts.
int64_t activeParamCount(const ModelDims &d);
/// Forward FLOPs per token: 2 per active weight outside the embedding
/// lookup, plus attention scores and values over a causal context of
/// `context` tokens (averaged: context/2 keys per query).
int64_t forwardFlopsPerToken(const ModelDims &d, int64_t context);
/// KV-cache bytes per token per layer: the MLA latent (kv_rank + rope_dim)
/// for deepseek, 2·kv_heads·head_dim for dense.
int64_t kvBytesPerTokenLayer(const ModelDims &d, int64_t bytesPerElem);
/// KV-cache bytes per token per layer of the equivalent multi-head attention
/// (full per-head K and V for every head).
int64_t mhaKvBytesPerTokenLayer(const ModelDims &d, int64_t bytesPerElem);

/// The linear projections of one kind that a LoRA target word names
/// (`q`, `kv_a`, `gate`, ...): in and out features and how many the model
/// has. Dense: q k v o gate up down per layer. Deepseek: q (q_rank = 0) or
/// q_a and q_b, kv_a, kv_b, o per layer, and gate up down for the dense
/// layers' FFN, each routed expert and the shared experts (one entry per
/// shape).
struct LoraProjection {
  const char *target;
  int64_t in = 0, out = 0, count = 0;
};
llvm::SmallVector<LoraProjection> getLoraProjections(const ModelDims &d);

/// What a LoRA stage trains: adapted layers and adapter parameters
/// (rank * (in + out) per adapted layer).
struct LoraCost {
  int64_t adapters = 0, params = 0;
};
LoraCost getLoraCost(const ModelDims &d, int64_t rank,
                     llvm::ArrayRef<llvm::StringRef> targets);

} // namespace r1

#endif // R1_MODELMATH_H
