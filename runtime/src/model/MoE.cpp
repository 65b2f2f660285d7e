//===- MoE.cpp - DeepSeekMoE routing, dispatch and bias balancing ---------===//

#include "r1rt/model/MoE.h"

namespace r1rt {

Router::Router(const DeepSeekConfig &c) : moe(c.moe) {
  weight = register_parameter("weight", torch::empty({moe.experts, c.dim}));
  if (moe.balance == "bias")
    bias =
        register_buffer("e_score_correction_bias", torch::zeros({moe.experts}));
}

Routing Router::route(const torch::Tensor &x) {
  torch::Tensor logits = torch::nn::functional::linear(x, weight);
  torch::ScalarType wide =
      x.scalar_type() == torch::kFloat64 ? torch::kFloat64 : torch::kFloat32;
  torch::Tensor scores = moe.score == "softmax"
                             ? torch::softmax(logits.to(wide), -1)
                             : torch::sigmoid(logits.to(wide));
  torch::Tensor choice = scores.detach();
  if (bias.defined())
    choice = choice + bias.to(wide);
  const int64_t n = x.size(0);
  if (moe.groups > 1) {
    torch::Tensor grouped = choice.view({n, moe.groups, -1});
    // Group score: max without bias, sum of the top two with bias (V3).
    torch::Tensor groupScores = bias.defined()
                                    ? std::get<0>(grouped.topk(2, -1)).sum(-1)
                                    : std::get<0>(grouped.max(-1));
    torch::Tensor keep = std::get<1>(groupScores.topk(moe.topkGroups, -1));
    torch::Tensor dropped =
        torch::ones_like(groupScores, torch::kBool).scatter_(1, keep, false);
    choice = grouped
                 .masked_fill(dropped.unsqueeze(-1),
                              -std::numeric_limits<double>::infinity())
                 .flatten(1);
  }
  Routing r;
  r.indices = std::get<1>(choice.topk(moe.topK, -1));
  r.weights = scores.gather(1, r.indices);
  if (moe.score == "sigmoid")
    r.weights = r.weights / r.weights.sum(-1, true);
  r.weights = (r.weights * moe.routeScale).to(x.scalar_type());
  r.scores = scores;
  return r;
}

MoE::MoE(const DeepSeekConfig &c) : moe(c.moe) {
  gate = register_module("gate", std::make_shared<Router>(c));
  experts = register_module("experts", torch::nn::ModuleList());
  for (int64_t e = 0; e < moe.experts; ++e) {
    expertList.push_back(std::make_shared<SwiGlu>(c.dim, moe.expertDim));
    experts->push_back(expertList.back());
  }
  if (moe.shared > 0)
    shared_experts = register_module(
        "shared_experts",
        std::make_shared<SwiGlu>(c.dim, moe.shared * moe.expertDim));
  resetLoad();
}

torch::Tensor MoE::combine(const torch::Tensor &flat, const Routing &r) {
  const int64_t k = r.indices.size(1);
  torch::Tensor slots = r.indices.flatten();            // [N*K]
  torch::Tensor order = slots.argsort(/*stable=*/true); // sorted by expert
  torch::Tensor tokenOf = order.div(k, "floor");
  torch::Tensor counts =
      torch::bincount(slots, {}, moe.experts).to(torch::kCPU);
  torch::Tensor xs = flat.index_select(0, tokenOf);
  torch::Tensor ws = r.weights.flatten().index_select(0, order).unsqueeze(-1);
  std::vector<torch::Tensor> outs;
  int64_t offset = 0;
  auto cnt = counts.accessor<int64_t, 1>();
  for (int64_t e = 0; e < moe.experts; ++e) {
    if (cnt[e] == 0)
      continue;
    outs.push_back(expertList[e]->forward(xs.narrow(0, offset, cnt[e])));
    offset += cnt[e];
  }
  torch::Tensor out = torch::zeros_like(flat);
  if (!outs.empty())
    out = out.index_add(0, tokenOf, torch::cat(outs, 0) * ws);
  return out;
}

torch::Tensor MoE::seqAuxLoss(const Routing &r, int64_t b, int64_t t) const {
  // DeepSeek-V3 sequence-wise balance loss: alpha * sum_i f_i P_i with
  // f_i = E/(K T) * #tokens routed to i, P_i = mean_t normalised score.
  torch::Tensor s = r.scores.view({b, t, moe.experts});
  torch::Tensor p = (s / s.sum(-1, true)).mean(1); // [B,E]
  torch::Tensor onehot =
      torch::zeros({b, t * moe.topK, moe.experts}, s.options());
  onehot.scatter_(2, r.indices.view({b, t * moe.topK, 1}), 1.0);
  torch::Tensor f = onehot.sum(1) * (double(moe.experts) / (moe.topK * t));
  return (f * p).sum(-1).mean() * moe.auxWeight;
}

torch::Tensor MoE::forward(const torch::Tensor &x) {
  const int64_t b = x.size(0), t = x.size(1);
  torch::Tensor flat = x.reshape({b * t, x.size(2)});
  Routing r = gate->route(flat);
  torch::Tensor out = combine(flat, r);
  if (shared_experts)
    out = out + shared_experts->forward(flat);
  if (is_training()) {
    torch::NoGradGuard noGrad;
    loadCounts += torch::bincount(r.indices.flatten(), {}, moe.experts)
                      .to(torch::kCPU, torch::kFloat64);
    loadTokens += b * t;
  }
  lastAux = (is_training() && moe.auxWeight > 0) ? seqAuxLoss(r, b, t)
                                                 : torch::Tensor();
  return out.view(x.sizes());
}

torch::Tensor MoE::forwardDense(const torch::Tensor &x) {
  const int64_t b = x.size(0), t = x.size(1);
  torch::Tensor flat = x.reshape({b * t, x.size(2)});
  Routing r = gate->route(flat);
  torch::Tensor out = torch::zeros_like(flat);
  for (int64_t e = 0; e < moe.experts; ++e) {
    torch::Tensor w = (r.weights * (r.indices == e).to(r.weights.scalar_type()))
                          .sum(-1, true);
    out = out + w * expertList[e]->forward(flat);
  }
  if (shared_experts)
    out = out + shared_experts->forward(flat);
  return out.view(x.sizes());
}

void MoE::updateBias() {
  if (moe.balance == "bias" && loadTokens > 0) {
    torch::NoGradGuard noGrad;
    torch::Tensor load = loadCounts;
    torch::Tensor delta = moe.biasRate * torch::sign(load.mean() - load);
    delta = delta - delta.mean();
    gate->bias.add_(delta.to(gate->bias.options()));
  }
  resetLoad();
}

void MoE::resetLoad() {
  loadCounts = torch::zeros({moe.experts}, torch::kFloat64);
  loadTokens = 0;
}

MoeLoadStats MoE::loadStats() const {
  MoeLoadStats s;
  s.tokens = loadTokens;
  double total = loadCounts.sum().item<double>();
  auto c = loadCounts.accessor<double, 1>();
  for (int64_t e = 0; e < moe.experts; ++e)
    s.fraction.push_back(total > 0 ? c[e] / total : 0.0);
  double mean = total / moe.experts;
  s.maxOverMean = total > 0 ? loadCounts.max().item<double>() / mean : 0.0;
  return s;
}

} // namespace r1rt
