//===- TorchAttention.cpp - Autograd binding of MLA attention -------------===//
//
// Autograd binding of MLA flash attention, plus the absorbed decode op.
//
//===----------------------------------------------------------------------===//

#include "TorchCommon.h"
#include "r1rt/kernels/cuda/MlaAttention.h"
#include "r1rt/kernels/cuda/TorchOps.h"

namespace r1rt::cuda {
using namespace binding;

namespace {

AttentionShape shapeOf(const torch::Tensor &q, const torch::Tensor &v) {
  return {q.size(0), q.size(1), q.size(2), q.size(3), v.size(3)};
}

struct MlaAttentionFn : torch::autograd::Function<MlaAttentionFn> {
  static torch::Tensor forward(torch::autograd::AutogradContext *ctx,
                               torch::Tensor q, torch::Tensor k,
                               torch::Tensor v, double scale, bool causal) {
    TORCH_CHECK(q.dim() == 4 && k.sizes() == q.sizes() && v.dim() == 4 &&
                    v.size(0) == q.size(0) && v.size(1) == q.size(1) &&
                    v.size(2) == q.size(2),
                "mlaAttention: q, k must be [B,S,H,dqk] and v [B,S,H,dv]");
    auto qc = prep(q, torch::kBFloat16, "q"),
         kc = prep(k, torch::kBFloat16, "k"),
         vc = prep(v, torch::kBFloat16, "v");
    AttentionShape s = shapeOf(qc, vc);
    auto o = torch::empty_like(vc);
    auto lse = torch::empty({s.batch, s.heads, s.seqLen},
                            qc.options().dtype(torch::kFloat));
    check(mlaAttentionForward(bfPtr(qc), bfPtr(kc), bfPtr(vc), s, float(scale),
                              causal, bfPtr(o), lse.data_ptr<float>(),
                              stream()),
          "mlaAttentionForward");
    ctx->save_for_backward({qc, kc, vc, o, lse});
    ctx->saved_data["scale"] = scale;
    ctx->saved_data["causal"] = causal;
    return o;
  }

  static torch::autograd::variable_list
  backward(torch::autograd::AutogradContext *ctx,
           torch::autograd::variable_list grads) {
    auto sv = ctx->get_saved_variables();
    auto q = sv[0], k = sv[1], v = sv[2], o = sv[3], lse = sv[4];
    auto dO = prep(grads[0], torch::kBFloat16, "grad_output");
    AttentionShape s = shapeOf(q, v);
    auto dq = torch::empty_like(q), dk = torch::empty_like(k),
         dv = torch::empty_like(v);
    auto ws = workspace(mlaAttentionBackwardWorkspaceBytes(s), q);
    check(mlaAttentionBackward(bfPtr(q), bfPtr(k), bfPtr(v), bfPtr(o),
                               lse.data_ptr<float>(), bfPtr(dO), s,
                               float(ctx->saved_data["scale"].toDouble()),
                               ctx->saved_data["causal"].toBool(), bfPtr(dq),
                               bfPtr(dk), bfPtr(dv), ws.data_ptr(), stream()),
          "mlaAttentionBackward");
    return {dq, dk, dv, {}, {}};
  }
};

} // namespace

torch::Tensor mlaAttention(const torch::Tensor &q, const torch::Tensor &k,
                           const torch::Tensor &v, double scale, bool causal) {
  return MlaAttentionFn::apply(q, k, v, scale, causal);
}

torch::Tensor mlaDecode(const torch::Tensor &qAbs, const torch::Tensor &cache,
                        const torch::Tensor &lengths, int64_t kvRank,
                        double scale) {
  TORCH_CHECK(qAbs.dim() == 3 && cache.dim() == 3 &&
                  cache.size(0) == qAbs.size(0) &&
                  cache.size(2) == qAbs.size(2) && kvRank < qAbs.size(2),
              "mlaDecode: qAbs must be [B,H,dk], cache [B,C,dk], kvRank < dk");
  auto q = prep(qAbs, torch::kBFloat16, "qAbs");
  auto c = prep(cache, torch::kBFloat16, "cache");
  auto len = prep(lengths, torch::kInt, "lengths");
  DecodeShape s{q.size(0), q.size(1), c.size(1), kvRank, q.size(2) - kvRank};
  auto out = torch::empty({s.batch, s.heads, kvRank}, q.options());
  check(mlaDecodeForward(bfPtr(q), bfPtr(c), len.data_ptr<int32_t>(), s,
                         float(scale), bfPtr(out), nullptr, stream()),
        "mlaDecodeForward");
  return out;
}

} // namespace r1rt::cuda
