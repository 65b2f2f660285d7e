//===- TorchNormRope.cpp - Autograd bindings of RMSNorm, RoPE -------------===//
//
// Autograd bindings of the RMSNorm and adjacent-pair RoPE kernels.
//
//===----------------------------------------------------------------------===//

#include "TorchCommon.h"
#include "r1rt/kernels/cuda/NormRope.h"
#include "r1rt/kernels/cuda/TorchOps.h"

namespace r1rt::cuda {
using namespace binding;

namespace {

struct RmsNormFn : torch::autograd::Function<RmsNormFn> {
  static torch::Tensor forward(torch::autograd::AutogradContext *ctx,
                               torch::Tensor x, torch::Tensor weight,
                               double eps) {
    auto xc = prep(x, torch::kBFloat16, "x");
    auto w = prep(weight, torch::kBFloat16, "weight");
    int64_t dim = xc.size(-1), rows = xc.numel() / dim;
    TORCH_CHECK(w.numel() == dim, "rmsNorm: weight must be [", dim, "]");
    auto y = torch::empty_like(xc);
    auto rstd = torch::empty({rows}, xc.options().dtype(torch::kFloat));
    check(rmsNormForward(bfPtr(xc), bfPtr(w), rows, dim, float(eps), bfPtr(y),
                         rstd.data_ptr<float>(), stream()),
          "rmsNormForward");
    ctx->save_for_backward({xc, w, rstd});
    return y;
  }

  static torch::autograd::variable_list
  backward(torch::autograd::AutogradContext *ctx,
           torch::autograd::variable_list grads) {
    auto sv = ctx->get_saved_variables();
    auto x = sv[0], w = sv[1], rstd = sv[2];
    auto dy = prep(grads[0], torch::kBFloat16, "grad_output");
    int64_t dim = x.size(-1), rows = x.numel() / dim;
    auto dx = torch::empty_like(x), dw = torch::empty_like(w);
    auto ws = workspace(rmsNormBackwardWorkspaceBytes(rows, dim), x);
    check(rmsNormBackward(bfPtr(x), bfPtr(w), rstd.data_ptr<float>(), bfPtr(dy),
                          rows, dim, bfPtr(dx), bfPtr(dw), ws.data_ptr(),
                          stream()),
          "rmsNormBackward");
    return {dx, dw, {}};
  }
};

RopeShape ropeShapeOf(const torch::Tensor &x) {
  RopeShape s;
  s.tokens = x.size(0) * x.size(1);
  s.heads = x.size(2);
  s.ropeDim = x.size(3);
  s.tokenStride = x.size(2) * x.size(3);
  s.headStride = x.size(3);
  s.offset = 0;
  s.seqLen = x.size(1);
  return s;
}

struct RopeFn : torch::autograd::Function<RopeFn> {
  static torch::Tensor forward(torch::autograd::AutogradContext *ctx,
                               torch::Tensor x, torch::Tensor cos,
                               torch::Tensor sin, torch::Tensor positions) {
    TORCH_CHECK(x.dim() == 4 && x.size(3) % 2 == 0,
                "ropeAdjacent: x must be [B,S,H,D] with D even");
    auto xc = prep(x, torch::kBFloat16, "x");
    auto c = prep(cos, torch::kFloat, "cos"),
         s = prep(sin, torch::kFloat, "sin");
    TORCH_CHECK(c.dim() == 2 && c.size(1) == x.size(3) / 2 &&
                    s.sizes() == c.sizes(),
                "ropeAdjacent: cos/sin must be [maxPos, D/2]");
    torch::Tensor pos;
    if (positions.defined())
      pos = prep(positions, torch::kInt, "positions");
    else
      TORCH_CHECK(c.size(0) >= x.size(1), "ropeAdjacent: cos/sin have ",
                  c.size(0), " positions, need ", x.size(1));
    auto y = torch::empty_like(xc);
    check(ropeApply(bfPtr(xc), bfPtr(y), c.data_ptr<float>(),
                    s.data_ptr<float>(),
                    pos.defined() ? pos.data_ptr<int32_t>() : nullptr,
                    ropeShapeOf(xc), false, stream()),
          "ropeApply");
    ctx->save_for_backward({c, s, pos.defined() ? pos : torch::Tensor()});
    return y;
  }

  static torch::autograd::variable_list
  backward(torch::autograd::AutogradContext *ctx,
           torch::autograd::variable_list grads) {
    auto sv = ctx->get_saved_variables();
    auto dy = prep(grads[0], torch::kBFloat16, "grad_output");
    auto dx = torch::empty_like(dy);
    check(ropeApply(bfPtr(dy), bfPtr(dx), sv[0].data_ptr<float>(),
                    sv[1].data_ptr<float>(),
                    sv[2].defined() ? sv[2].data_ptr<int32_t>() : nullptr,
                    ropeShapeOf(dy), true, stream()),
          "ropeApply(inverse)");
    return {dx, {}, {}, {}};
  }
};

} // namespace

torch::Tensor rmsNorm(const torch::Tensor &x, const torch::Tensor &weight,
                      double eps) {
  return RmsNormFn::apply(x, weight, eps);
}

torch::Tensor ropeAdjacent(const torch::Tensor &x, const torch::Tensor &cos,
                           const torch::Tensor &sin,
                           const torch::Tensor &positions) {
  return RopeFn::apply(x, cos, sin, positions);
}

} // namespace r1rt::cuda
