//===- Layers.h - Building blocks shared by the model families --*- C++ -*-===//
//
// RMSNorm, SwiGLU, rotary embeddings (DeepSeek adjacent pairs and HF
// half-split), masked attention, and the seeded parameter initialisation.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_MODEL_LAYERS_H
#define R1RT_MODEL_LAYERS_H

#include "r1rt/model/Config.h"
#include "r1rt/model/Linear.h"

#include <torch/torch.h>

#include <optional>

namespace r1rt {

/// y = x * rsqrt(mean(x^2) + eps) * weight, computed in at least float32.
class RmsNorm : public torch::nn::Module {
public:
  RmsNorm(int64_t dim, double eps);
  torch::Tensor forward(const torch::Tensor &x);
  torch::Tensor weight;

private:
  double eps;
};

/// SwiGLU feed-forward: down(silu(gate(x)) * up(x)); HF tensor names.
class SwiGlu : public torch::nn::Module {
public:
  SwiGlu(int64_t dim, int64_t hidden);
  torch::Tensor forward(const torch::Tensor &x);
  Linear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
};

/// Inverse RoPE frequencies [dim/2] (float64, CPU): theta^(-2i/dim), with
/// DeepSeek-V3's YaRN correction when `yarn` is given.
torch::Tensor ropeInvFreq(int64_t dim, double theta,
                          const std::optional<YarnConfig> &yarn);
/// Llama 3's rescaling of inverse frequencies (transformers'
/// _compute_llama3_parameters): long wavelengths divided by factor, short
/// ones kept, the band between interpolated.
torch::Tensor ropeLlama3(const torch::Tensor &invFreq,
                         const Llama3RopeConfig &c);

/// cos and sin of positions [B,T] times invFreq, shaped [B,T,1,dim/2] in
/// `dtype` on the positions' device.
std::pair<torch::Tensor, torch::Tensor>
ropeCosSin(const torch::Tensor &invFreq, const torch::Tensor &positions,
           torch::ScalarType dtype);

/// Rotates adjacent pairs (x0,x1),(x2,x3)... of x [B,T,H,d] (DeepSeek).
torch::Tensor applyRopePairs(const torch::Tensor &x, const torch::Tensor &cos,
                             const torch::Tensor &sin);

/// Rotates halves (x[:d/2], x[d/2:]) of x [B,T,H,d] (HF rotate_half, Qwen2).
torch::Tensor applyRopeHalf(const torch::Tensor &x, const torch::Tensor &cos,
                            const torch::Tensor &sin);

/// softmax(q k^T * scale + mask) v with q [B,T,H,dq], k [B,S,H,dq],
/// v [B,S,H,dv] and a boolean `visible` mask broadcastable to [B,T,S].
/// The softmax runs in at least float32. Returns [B,T,H,dv].
torch::Tensor attention(const torch::Tensor &q, const torch::Tensor &k,
                        const torch::Tensor &v, const torch::Tensor &visible,
                        double scale);

/// Grouped-query attention without repeating k/v: q [B,T,H,d] with query
/// head h reading kv head h / (H/KVH) of k, v [B,KVH,S,d] (any strides whose
/// last dim is contiguous; a [B,KVH,S,d] cache slice costs no copy). Same
/// mask and softmax precision as attention(). Returns [B,T,H,d].
torch::Tensor groupedAttention(const torch::Tensor &q, const torch::Tensor &k,
                               const torch::Tensor &v,
                               const torch::Tensor &visible, double scale);

/// Causal mask by index: [1,T,T] with key s visible to query t iff s <= t.
torch::Tensor causalMask(int64_t t, const torch::Device &device);

/// Cache mask: [B,T,S] with cached key s visible iff s <= positions[b,t].
torch::Tensor positionMask(const torch::Tensor &positions, int64_t s);

/// Softmax in float32 or wider, cast back to x's dtype.
torch::Tensor softmaxWide(const torch::Tensor &x, int64_t dim);

/// The CPU generator of parameter `name`: seeded splitmix64(seed ^ fnv1a(name)).
at::Generator nameGenerator(uint64_t seed, const std::string &name);

/// Deterministic initialisation: every parameter gets its own CPU generator
/// seeded with splitmix64(seed ^ fnv1a(name)); 1-D "*.weight" (norms) = 1,
/// "*.bias" = 0, everything else ~ N(0, std). Device and dtype are kept.
void initParameters(torch::nn::Module &module, uint64_t seed,
                    double std = 0.02);

/// A position tensor [B,T] of 0..T-1 on `device`.
torch::Tensor defaultPositions(int64_t b, int64_t t,
                               const torch::Device &device);

} // namespace r1rt

#endif // R1RT_MODEL_LAYERS_H
