//===- Layers.cpp - RMSNorm, SwiGLU, RoPE, attention, initialisation ------===//

#include "r1rt/model/Layers.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

namespace r1rt {

namespace {
torch::ScalarType wide(torch::ScalarType t) {
  return t == torch::kFloat64 ? torch::kFloat64 : torch::kFloat32;
}
} // namespace

RmsNorm::RmsNorm(int64_t dim, double eps) : eps(eps) {
  weight = register_parameter("weight", torch::ones({dim}));
}

torch::Tensor RmsNorm::forward(const torch::Tensor &x) {
  torch::Tensor xf = x.to(wide(x.scalar_type()));
  torch::Tensor y = xf * torch::rsqrt(xf.pow(2).mean(-1, true) + eps);
  return (y * weight.to(y.scalar_type())).to(x.scalar_type());
}

SwiGlu::SwiGlu(int64_t dim, int64_t hidden) {
  auto lin = [](int64_t in, int64_t out) {
    return Linear(in, out, /*bias=*/false);
  };
  gate_proj = register_module("gate_proj", lin(dim, hidden));
  up_proj = register_module("up_proj", lin(dim, hidden));
  down_proj = register_module("down_proj", lin(hidden, dim));
}

torch::Tensor SwiGlu::forward(const torch::Tensor &x) {
  return down_proj(torch::silu(gate_proj(x)) * up_proj(x));
}

torch::Tensor ropeInvFreq(int64_t dim, double theta,
                          const std::optional<YarnConfig> &yarn) {
  auto opts = torch::TensorOptions().dtype(torch::kFloat64);
  torch::Tensor freqs =
      1.0 / torch::pow(theta, torch::arange(0, dim, 2, opts) / double(dim));
  if (!yarn)
    return freqs;
  // DeepSeek-V3 inference/model.py precompute_freqs_cis, YaRN branch.
  auto correctionDim = [&](double rotations) {
    return dim *
           std::log(double(yarn->originalMaxSeq) / (rotations * 2 * M_PI)) /
           (2 * std::log(theta));
  };
  double low = std::max(std::floor(correctionDim(yarn->betaFast)), 0.0);
  double high =
      std::min(std::ceil(correctionDim(yarn->betaSlow)), double(dim - 1));
  if (low == high)
    high += 0.001;
  torch::Tensor ramp =
      ((torch::arange(dim / 2, opts) - low) / (high - low)).clamp(0, 1);
  torch::Tensor smooth = 1 - ramp;
  return freqs / yarn->factor * (1 - smooth) + freqs * smooth;
}

torch::Tensor ropeLlama3(const torch::Tensor &invFreq,
                         const Llama3RopeConfig &c) {
  const double lowWavelen = c.originalMaxSeq / c.lowFreqFactor;
  const double highWavelen = c.originalMaxSeq / c.highFreqFactor;
  torch::Tensor wavelen = 2 * M_PI / invFreq;
  torch::Tensor scaled =
      torch::where(wavelen > lowWavelen, invFreq / c.factor, invFreq);
  torch::Tensor smooth = (c.originalMaxSeq / wavelen - c.lowFreqFactor) /
                         (c.highFreqFactor - c.lowFreqFactor);
  torch::Tensor smoothed =
      (1 - smooth) * scaled / c.factor + smooth * scaled;
  torch::Tensor medium = (wavelen >= highWavelen) & (wavelen <= lowWavelen);
  return torch::where(medium, smoothed, scaled);
}

std::pair<torch::Tensor, torch::Tensor>
ropeCosSin(const torch::Tensor &invFreq, const torch::Tensor &positions,
           torch::ScalarType dtype) {
  torch::Tensor angles =
      positions.to(torch::kFloat64).unsqueeze(-1) *
      invFreq.to(positions.device()).view({1, 1, -1}); // [B,T,d/2]
  angles = angles.unsqueeze(2);                        // [B,T,1,d/2]
  return {angles.cos().to(dtype), angles.sin().to(dtype)};
}

torch::Tensor applyRopePairs(const torch::Tensor &x, const torch::Tensor &cos,
                             const torch::Tensor &sin) {
  auto sizes = x.sizes().vec();
  sizes.back() /= 2;
  sizes.push_back(2);
  torch::Tensor xp = x.reshape(sizes);
  torch::Tensor x0 = xp.select(-1, 0), x1 = xp.select(-1, 1);
  return torch::stack({x0 * cos - x1 * sin, x0 * sin + x1 * cos}, -1)
      .flatten(-2);
}

torch::Tensor applyRopeHalf(const torch::Tensor &x, const torch::Tensor &cos,
                            const torch::Tensor &sin) {
  int64_t h = x.size(-1) / 2;
  torch::Tensor x0 = x.narrow(-1, 0, h), x1 = x.narrow(-1, h, h);
  return torch::cat({x0 * cos - x1 * sin, x1 * cos + x0 * sin}, -1);
}

torch::Tensor softmaxWide(const torch::Tensor &x, int64_t dim) {
  return torch::softmax(x.to(wide(x.scalar_type())), dim).to(x.scalar_type());
}

torch::Tensor attention(const torch::Tensor &q, const torch::Tensor &k,
                        const torch::Tensor &v, const torch::Tensor &visible,
                        double scale) {
  torch::Tensor scores = torch::einsum("bthd,bshd->bhts", {q, k}) * scale;
  scores = scores.masked_fill(visible.logical_not().unsqueeze(1),
                              -std::numeric_limits<double>::infinity());
  torch::Tensor p = softmaxWide(scores, -1);
  return torch::einsum("bhts,bshd->bthd", {p, v});
}

torch::Tensor groupedAttention(const torch::Tensor &q, const torch::Tensor &k,
                               const torch::Tensor &v,
                               const torch::Tensor &visible, double scale) {
  const int64_t b = q.size(0), t = q.size(1), h = q.size(2), d = q.size(3);
  const int64_t g = k.size(1), rep = h / g, s = k.size(2);
  // Rows of each kv head's query block are (t, r) pairs: [B,KVH,T*rep,d].
  torch::Tensor qg =
      q.view({b, t, g, rep, d}).permute({0, 2, 1, 3, 4}).reshape(
          {b, g, t * rep, d});
  torch::Tensor scores = torch::matmul(qg, k.transpose(-1, -2)) * scale;
  torch::Tensor hidden = visible.logical_not()
                             .unsqueeze(2)
                             .expand({visible.size(0), t, rep, s})
                             .reshape({visible.size(0), 1, t * rep, s});
  scores = scores.masked_fill(hidden, -std::numeric_limits<double>::infinity());
  torch::Tensor o = torch::matmul(softmaxWide(scores, -1), v);
  return o.view({b, g, t, rep, v.size(-1)})
      .permute({0, 2, 1, 3, 4})
      .reshape({b, t, h, v.size(-1)});
}

torch::Tensor causalMask(int64_t t, const torch::Device &device) {
  auto opts = torch::TensorOptions().dtype(torch::kBool).device(device);
  return torch::ones({t, t}, opts).tril().unsqueeze(0);
}

torch::Tensor positionMask(const torch::Tensor &positions, int64_t s) {
  torch::Tensor keys = torch::arange(s, positions.options());
  return keys.view({1, 1, s}) <= positions.unsqueeze(-1);
}

torch::Tensor defaultPositions(int64_t b, int64_t t,
                               const torch::Device &device) {
  return torch::arange(
             t, torch::TensorOptions().dtype(torch::kInt64).device(device))
      .unsqueeze(0)
      .expand({b, t});
}

namespace {
uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
uint64_t fnv1a(const std::string &s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s)
    h = (h ^ c) * 0x100000001b3ULL;
  return h;
}
bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
} // namespace

at::Generator nameGenerator(uint64_t seed, const std::string &name) {
  return at::detail::createCPUGenerator(splitmix64(seed ^ fnv1a(name)));
}

void initParameters(torch::nn::Module &module, uint64_t seed, double std) {
  torch::NoGradGuard noGrad;
  for (auto &item : module.named_parameters()) {
    torch::Tensor &p = item.value();
    const std::string &name = item.key();
    if (endsWith(name, ".bias")) {
      p.zero_();
    } else if (p.dim() == 1 && endsWith(name, ".weight")) {
      p.fill_(1.0);
    } else {
      at::Generator gen = nameGenerator(seed, name);
      torch::Tensor v = at::randn(
          p.sizes(), gen, torch::TensorOptions().dtype(torch::kFloat64));
      p.copy_(v * std);
    }
  }
}

} // namespace r1rt
