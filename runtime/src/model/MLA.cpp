//===- MLA.cpp - Multi-head latent attention, naive and absorbed ----------===//

#include "r1rt/model/MLA.h"

#include <cmath>

namespace r1rt {

namespace {
Linear linear(int64_t in, int64_t out) {
  return Linear(in, out, /*bias=*/false);
}
} // namespace

MultiHeadLatentAttention::MultiHeadLatentAttention(const DeepSeekConfig &c)
    : mla(c.mla), heads(c.heads) {
  const int64_t qk = mla.nopeDim + mla.ropeDim;
  if (mla.qRank == 0) {
    q_proj = register_module("q_proj", linear(c.dim, heads * qk));
  } else {
    q_a_proj = register_module("q_a_proj", linear(c.dim, mla.qRank));
    q_a_layernorm = register_module(
        "q_a_layernorm", std::make_shared<RmsNorm>(mla.qRank, c.normEps));
    q_b_proj = register_module("q_b_proj", linear(mla.qRank, heads * qk));
  }
  kv_a_proj_with_mqa = register_module("kv_a_proj_with_mqa",
                                       linear(c.dim, mla.kvRank + mla.ropeDim));
  kv_a_layernorm = register_module(
      "kv_a_layernorm", std::make_shared<RmsNorm>(mla.kvRank, c.normEps));
  kv_b_proj = register_module(
      "kv_b_proj", linear(mla.kvRank, heads * (mla.nopeDim + mla.vDim)));
  o_proj = register_module("o_proj", linear(heads * mla.vDim, c.dim));

  scale = 1.0 / std::sqrt(double(qk));
  std::optional<YarnConfig> yarn;
  if (c.yarnActive()) {
    yarn = c.yarn;
    double mscale = 0.1 * c.yarn->mscale * std::log(c.yarn->factor) + 1.0;
    scale *= mscale * mscale;
  }
  invFreq = ropeInvFreq(mla.ropeDim, c.ropeTheta, yarn);
}

MultiHeadLatentAttention::Projected
MultiHeadLatentAttention::project(const torch::Tensor &x,
                                  const torch::Tensor &positions) {
  const int64_t b = x.size(0), t = x.size(1);
  torch::Tensor q = mla.qRank == 0
                        ? q_proj(x)
                        : q_b_proj(q_a_layernorm->forward(q_a_proj(x)));
  q = q.view({b, t, heads, mla.nopeDim + mla.ropeDim});
  auto [cos, sin] = ropeCosSin(invFreq, positions, x.scalar_type());
  Projected p;
  p.qNope = q.narrow(-1, 0, mla.nopeDim);
  p.qPe = applyRopePairs(q.narrow(-1, mla.nopeDim, mla.ropeDim), cos, sin);
  torch::Tensor kv = kv_a_proj_with_mqa(x);
  p.kv = kv_a_layernorm->forward(kv.narrow(-1, 0, mla.kvRank));
  p.pe = applyRopePairs(kv.narrow(-1, mla.kvRank, mla.ropeDim).unsqueeze(2),
                        cos, sin)
             .squeeze(2);
  return p;
}

torch::Tensor MultiHeadLatentAttention::naiveAttend(
    const Projected &p, const torch::Tensor &kv, const torch::Tensor &pe,
    const torch::Tensor &visible) {
  const int64_t b = kv.size(0), s = kv.size(1);
  torch::Tensor kvUp =
      kv_b_proj(kv).view({b, s, heads, mla.nopeDim + mla.vDim});
  torch::Tensor kNope = kvUp.narrow(-1, 0, mla.nopeDim);
  torch::Tensor v = kvUp.narrow(-1, mla.nopeDim, mla.vDim);
  torch::Tensor k = torch::cat(
      {kNope, pe.unsqueeze(2).expand({b, s, heads, mla.ropeDim})}, -1);
  torch::Tensor q = torch::cat({p.qNope, p.qPe}, -1);
  torch::Tensor o = attention(q, k, v, visible, scale);
  return o_proj(o.flatten(2));
}

torch::Tensor
MultiHeadLatentAttention::forward(const torch::Tensor &x,
                                  const torch::Tensor &positions) {
  Projected p = project(x, positions);
  return naiveAttend(p, p.kv, p.pe, causalMask(x.size(1), x.device()));
}

void MultiHeadLatentAttention::writeCache(const Projected &p,
                                          const torch::Tensor &positions,
                                          MlaLayerCache &cache, int64_t &used) {
  torch::Tensor idx = positions.unsqueeze(-1);
  cache.kv.scatter_(1, idx.expand_as(p.kv), p.kv.to(cache.kv.scalar_type()));
  cache.pe.scatter_(1, idx.expand_as(p.pe), p.pe.to(cache.pe.scalar_type()));
  used = positions.max().item<int64_t>() + 1;
}

torch::Tensor
MultiHeadLatentAttention::forwardAbsorbed(const torch::Tensor &x,
                                          const torch::Tensor &positions,
                                          MlaLayerCache &cache) {
  Projected p = project(x, positions);
  int64_t used = 0;
  writeCache(p, positions, cache, used);
  torch::Tensor kv = cache.kv.narrow(1, 0, used).to(x.scalar_type());
  torch::Tensor pe = cache.pe.narrow(1, 0, used).to(x.scalar_type());
  // W_kv_b viewed per head: [H, nope + v, kv_rank].
  torch::Tensor w =
      kv_b_proj->weight.view({heads, mla.nopeDim + mla.vDim, mla.kvRank});
  torch::Tensor wUK = w.narrow(1, 0, mla.nopeDim);
  torch::Tensor wUV = w.narrow(1, mla.nopeDim, mla.vDim);
  torch::Tensor qLatent = torch::einsum("bthd,hdc->bthc", {p.qNope, wUK});
  torch::Tensor scores = (torch::einsum("bthc,bsc->bths", {qLatent, kv}) +
                          torch::einsum("bthr,bsr->bths", {p.qPe, pe})) *
                         scale;
  torch::Tensor visible = positionMask(positions, used).unsqueeze(2);
  scores = scores.masked_fill(visible.logical_not(),
                              -std::numeric_limits<double>::infinity());
  torch::Tensor probs = softmaxWide(scores, -1);
  torch::Tensor oLatent = torch::einsum("bths,bsc->bthc", {probs, kv});
  torch::Tensor o = torch::einsum("bthc,hdc->bthd", {oLatent, wUV});
  return o_proj(o.flatten(2));
}

torch::Tensor
MultiHeadLatentAttention::forwardNaiveCached(const torch::Tensor &x,
                                             const torch::Tensor &positions,
                                             MlaLayerCache &cache) {
  Projected p = project(x, positions);
  int64_t used = 0;
  writeCache(p, positions, cache, used);
  return naiveAttend(p, cache.kv.narrow(1, 0, used).to(x.scalar_type()),
                     cache.pe.narrow(1, 0, used).to(x.scalar_type()),
                     positionMask(positions, used));
}

} // namespace r1rt
