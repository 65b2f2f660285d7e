//===- TorchMoe.cpp - Autograd bindings of the MoE kernels ----------------===//
//
// Autograd bindings of MoE routing and of the permute + grouped SwiGLU +
// combine layer.
//
//===----------------------------------------------------------------------===//

#include "TorchCommon.h"
#include "r1rt/kernels/cuda/TorchOps.h"

namespace r1rt::cuda {
using namespace binding;

namespace {

RouteParams routeParamsFrom(torch::autograd::AutogradContext *ctx) {
  RouteParams p;
  p.tokens = ctx->saved_data["tokens"].toInt();
  p.experts = ctx->saved_data["experts"].toInt();
  p.topK = int(ctx->saved_data["topK"].toInt());
  p.score = ScoreFunc(ctx->saved_data["score"].toInt());
  p.groups = int(ctx->saved_data["groups"].toInt());
  p.topkGroups = int(ctx->saved_data["topkGroups"].toInt());
  p.routeScale = float(ctx->saved_data["routeScale"].toDouble());
  p.renormalize = ctx->saved_data["renormalize"].toBool();
  return p;
}

struct RouteFn : torch::autograd::Function<RouteFn> {
  static torch::autograd::variable_list
  forward(torch::autograd::AutogradContext *ctx, torch::Tensor logits,
          torch::Tensor bias, RouteParams p) {
    auto z = prep(logits, torch::kFloat, "logits");
    TORCH_CHECK(z.dim() == 2, "moeRoute: logits must be [T,E]");
    torch::Tensor b;
    if (bias.defined())
      b = prep(bias, torch::kFloat, "bias");
    p.tokens = z.size(0);
    p.experts = z.size(1);
    auto scores = torch::empty_like(z);
    auto idx = torch::empty({p.tokens, p.topK}, z.options().dtype(torch::kInt));
    auto w = torch::empty({p.tokens, p.topK}, z.options());
    check(moeRouteForward(z.data_ptr<float>(), fOpt(b), p,
                          scores.data_ptr<float>(), idx.data_ptr<int32_t>(),
                          w.data_ptr<float>(), stream()),
          "moeRouteForward");
    ctx->save_for_backward({scores, idx});
    ctx->saved_data["tokens"] = p.tokens;
    ctx->saved_data["experts"] = p.experts;
    ctx->saved_data["topK"] = int64_t(p.topK);
    ctx->saved_data["score"] = int64_t(p.score);
    ctx->saved_data["groups"] = int64_t(p.groups);
    ctx->saved_data["topkGroups"] = int64_t(p.topkGroups);
    ctx->saved_data["routeScale"] = double(p.routeScale);
    ctx->saved_data["renormalize"] = p.renormalize;
    ctx->mark_non_differentiable({idx});
    return {w, idx};
  }

  static torch::autograd::variable_list
  backward(torch::autograd::AutogradContext *ctx,
           torch::autograd::variable_list grads) {
    auto sv = ctx->get_saved_variables();
    RouteParams p = routeParamsFrom(ctx);
    auto dw = grads[0].defined()
                  ? grads[0].to(torch::kFloat).contiguous()
                  : torch::zeros_like(sv[0].narrow(1, 0, p.topK));
    auto dz = torch::empty_like(sv[0]);
    check(moeRouteBackward(sv[0].data_ptr<float>(), sv[1].data_ptr<int32_t>(),
                           dw.data_ptr<float>(), p, dz.data_ptr<float>(),
                           stream()),
          "moeRouteBackward");
    return {dz, {}, {}};
  }
};

struct MoeExpertsFn : torch::autograd::Function<MoeExpertsFn> {
  static torch::Tensor forward(torch::autograd::AutogradContext *ctx,
                               torch::Tensor x, torch::Tensor indices,
                               torch::Tensor weights, torch::Tensor w1,
                               torch::Tensor w3, torch::Tensor w2) {
    auto xc = prep(x, torch::kBFloat16, "x");
    auto idx = prep(indices, torch::kInt, "indices");
    auto wt = prep(weights, torch::kFloat, "weights");
    auto a1 = prep(w1, torch::kBFloat16, "w1"),
         a3 = prep(w3, torch::kBFloat16, "w3"),
         a2 = prep(w2, torch::kBFloat16, "w2");
    TORCH_CHECK(xc.dim() == 2 && idx.dim() == 2 && idx.size(0) == xc.size(0) &&
                    wt.sizes() == idx.sizes() && a1.dim() == 3 &&
                    a1.sizes() == a3.sizes() && a1.size(2) == xc.size(1) &&
                    a2.size(0) == a1.size(0) && a2.size(1) == xc.size(1) &&
                    a2.size(2) == a1.size(1),
                "moeExperts: expected x [T,D], indices/weights [T,k], "
                "w1/w3 [E,F,D], w2 [E,D,F]");
    int64_t T = xc.size(0), D = xc.size(1), E = a1.size(0), F = a1.size(1);
    int k = int(idx.size(1));
    auto i32 = xc.options().dtype(torch::kInt);
    auto offsets = torch::empty({E + 1}, i32);
    auto sorted = torch::empty({T * k}, i32),
         slotOf = torch::empty({T * k}, i32);
    auto ws = workspace(moePermuteWorkspaceBytes(T, k, E), xc);
    check(moePermute(idx.data_ptr<int32_t>(), T, k, E,
                     offsets.data_ptr<int32_t>(), sorted.data_ptr<int32_t>(),
                     slotOf.data_ptr<int32_t>(), ws.data_ptr(), stream()),
          "moePermute");
    auto xPerm = torch::empty({T * k, D}, xc.options());
    check(moeGather(bfPtr(xc), sorted.data_ptr<int32_t>(), T, k, D,
                    bfPtr(xPerm), stream()),
          "moeGather");
    auto hostOff = offsets.cpu(); // synchronises: GEMM sizes are host values
    ExpertShape s{E, D, F};
    auto h13 = torch::empty({T * k, 2 * F}, xc.options());
    auto act = torch::empty({T * k, F}, xc.options());
    auto yPerm = torch::empty({T * k, D}, xc.options());
    check(moeExpertsForward(at::cuda::getCurrentCUDABlasHandle(), bfPtr(xPerm),
                            hostOff.data_ptr<int32_t>(), bfPtr(a1), bfPtr(a3),
                            bfPtr(a2), s, bfPtr(h13), bfPtr(act), bfPtr(yPerm),
                            stream()),
          "moeExpertsForward");
    auto y = torch::empty({T, D}, xc.options());
    check(moeCombine(bfPtr(yPerm), slotOf.data_ptr<int32_t>(),
                     wt.data_ptr<float>(), T, k, D, bfPtr(y), stream()),
          "moeCombine");
    ctx->save_for_backward(
        {xPerm, slotOf, hostOff, a1, a3, a2, h13, act, yPerm, wt});
    return y;
  }

  static torch::autograd::variable_list
  backward(torch::autograd::AutogradContext *ctx,
           torch::autograd::variable_list grads) {
    auto sv = ctx->get_saved_variables();
    auto xPerm = sv[0], slotOf = sv[1], hostOff = sv[2], a1 = sv[3], a3 = sv[4],
         a2 = sv[5], h13 = sv[6], act = sv[7], yPerm = sv[8], wt = sv[9];
    auto dy = prep(grads[0], torch::kBFloat16, "grad_output");
    int64_t T = wt.size(0), D = xPerm.size(1), E = a1.size(0), F = a1.size(1);
    int k = int(wt.size(1));
    auto dyPerm = torch::empty_like(yPerm);
    auto dWeights = torch::empty_like(wt);
    check(moeCombineBackward(bfPtr(dy), bfPtr(yPerm),
                             slotOf.data_ptr<int32_t>(), wt.data_ptr<float>(),
                             T, k, D, bfPtr(dyPerm), dWeights.data_ptr<float>(),
                             stream()),
          "moeCombineBackward");
    ExpertShape s{E, D, F};
    auto dxPerm = torch::empty_like(xPerm);
    auto d1 = torch::empty_like(a1), d3 = torch::empty_like(a3),
         d2 = torch::empty_like(a2);
    auto ws = workspace(moeExpertsBackwardWorkspaceBytes(T * k, s), xPerm);
    check(moeExpertsBackward(at::cuda::getCurrentCUDABlasHandle(), bfPtr(xPerm),
                             hostOff.data_ptr<int32_t>(), bfPtr(a1), bfPtr(a3),
                             bfPtr(a2), bfPtr(h13), bfPtr(act), bfPtr(dyPerm),
                             s, bfPtr(dxPerm), bfPtr(d1), bfPtr(d3), bfPtr(d2),
                             ws.data_ptr(), stream()),
          "moeExpertsBackward");
    auto dx = torch::empty({T, D}, xPerm.options());
    check(moeGatherBackward(bfPtr(dxPerm), slotOf.data_ptr<int32_t>(), T, k, D,
                            bfPtr(dx), stream()),
          "moeGatherBackward");
    return {dx, {}, dWeights, d1, d3, d2};
  }
};

} // namespace

RouteResult moeRoute(const torch::Tensor &logits, const torch::Tensor &bias,
                     RouteParams params) {
  auto out = RouteFn::apply(logits, bias, params);
  return {out[0], out[1]};
}

torch::Tensor moeExperts(const torch::Tensor &x, const torch::Tensor &indices,
                         const torch::Tensor &weights, const torch::Tensor &w1,
                         const torch::Tensor &w3, const torch::Tensor &w2) {
  return MoeExpertsFn::apply(x, indices, weights, w1, w3, w2);
}

} // namespace r1rt::cuda
