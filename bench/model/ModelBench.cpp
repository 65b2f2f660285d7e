//===- ModelBench.cpp - MLA decode paths, cache bytes, MoE dispatch -------===//
//
// Prints ratios measured in the same run (absolute times on a shared machine
// are noise): absorbed vs naive MLA decode step, latent vs MHA cache bytes,
// and MoE sorted dispatch vs the masked dense loop.
//
//===----------------------------------------------------------------------===//

#include "r1rt/model/DeepSeek.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <functional>

using namespace r1rt;

namespace {

/// Median seconds of `reps` runs after one warm-up.
double timeIt(const std::function<void()> &f, int reps) {
  f();
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    auto start = std::chrono::steady_clock::now();
    f();
    t.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

DeepSeekConfig benchConfig() {
  DeepSeekConfig c;
  c.vocabSize = 48;
  c.dim = 512;
  c.layers = 4;
  c.heads = 8;
  c.denseLayers = 1;
  c.maxSeq = 2048;
  c.ffn = 1024;
  c.mla = {0, 128, 64, 32, 64};
  c.moe.experts = 8;
  c.moe.topK = 2;
  c.moe.expertDim = 256;
  c.moe.score = "sigmoid";
  return c;
}

} // namespace

int main() {
  torch::manual_seed(0);
  torch::NoGradGuard noGrad;
  DeepSeekConfig c = benchConfig();

  // 1. One decode step over a 1024-token context, batch 8.
  MultiHeadLatentAttention attn(c);
  initParameters(attn, 1, 0.05);
  const int64_t b = 8, ctx = 1024;
  MlaLayerCache cache{torch::zeros({b, ctx + 1, c.mla.kvRank}),
                      torch::zeros({b, ctx + 1, c.mla.ropeDim})};
  attn.forwardAbsorbed(torch::randn({b, ctx, c.dim}),
                       defaultPositions(b, ctx, torch::kCPU), cache);
  torch::Tensor x = torch::randn({b, 1, c.dim});
  torch::Tensor pos = torch::full({b, 1}, ctx, torch::kInt64);
  double absorbed = timeIt([&] { attn.forwardAbsorbed(x, pos, cache); }, 15);
  double naive = timeIt([&] { attn.forwardNaiveCached(x, pos, cache); }, 15);
  fmt::print("mla_decode_step (batch {}, context {}, heads {}, kv_rank {}): "
             "absorbed {:.2f}x faster than naive up-projection of the latent "
             "cache\n",
             b, ctx, c.heads, c.mla.kvRank, naive / absorbed);

  // 2. Cache bytes per token: latent MLA vs an MHA of the same heads/dims.
  DeepSeekModel model(c);
  auto mla = model.newCache(1, 16);
  const int64_t qk = c.mla.nopeDim + c.mla.ropeDim;
  int64_t mhaBytes = 0;
  for (int64_t l = 0; l < c.layers; ++l) {
    torch::Tensor k = torch::zeros({1, 16, c.heads, qk});
    torch::Tensor v = torch::zeros({1, 16, c.heads, c.mla.vDim});
    mhaBytes += (k.numel() + v.numel()) / 16 * k.element_size();
  }
  fmt::print("kv_cache_bytes_per_token ({} layers, fp32): MLA latent {} B, "
             "MHA {} B: {:.1f}x smaller\n",
             c.layers, mla->bytesPerToken(), mhaBytes,
             double(mhaBytes) / double(mla->bytesPerToken()));

  // 3. MoE layer over 2048 tokens.
  MoE moe(c);
  initParameters(moe, 2, 0.05);
  moe.eval();
  torch::Tensor tokens = torch::randn({4, 512, c.dim});
  double sorted = timeIt([&] { moe.forward(tokens); }, 5);
  double dense = timeIt([&] { moe.forwardDense(tokens); }, 5);
  fmt::print("moe_dispatch ({} experts, top-{}, {} tokens): sorted dispatch "
             "{:.2f}x faster than the masked dense loop\n",
             c.moe.experts, c.moe.topK, tokens.size(0) * tokens.size(1),
             dense / sorted);
  return 0;
}
