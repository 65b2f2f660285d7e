//===- TorchLogprob.cpp - Autograd binding of the fused loss --------------===//
//
// Autograd binding of the fused linear-logprob + GRPO loss kernel.
//
//===----------------------------------------------------------------------===//

#include "TorchCommon.h"
#include "r1rt/kernels/cuda/TorchOps.h"

namespace r1rt::cuda {
using namespace binding;

namespace {

struct FusedGrpoFn : torch::autograd::Function<FusedGrpoFn> {
  static torch::autograd::variable_list
  forward(torch::autograd::AutogradContext *ctx, torch::Tensor hidden,
          torch::Tensor weight, torch::Tensor targets, torch::Tensor oldLogp,
          torch::Tensor refLogp, torch::Tensor adv, torch::Tensor mask,
          GrpoLossParams params, int64_t vocabTile, GemmBackend gemm) {
    TORCH_CHECK(hidden.dim() == 3,
                "fusedLinearGrpoLoss: hidden must be [B,T,H]");
    int64_t B = hidden.size(0), T = hidden.size(1), H = hidden.size(2);
    TORCH_CHECK(weight.dim() == 2 && weight.size(1) == H,
                "fusedLinearGrpoLoss: weight must be [V,H]");
    auto h = prep(hidden, torch::kBFloat16, "hidden");
    auto w = prep(weight, torch::kBFloat16, "weight");
    auto y = prep(targets, torch::kLong, "targets");
    auto old = prep(oldLogp, torch::kFloat, "old_logp");
    auto a = prep(adv, torch::kFloat, "adv");
    torch::Tensor ref, m;
    if (refLogp.defined())
      ref = prep(refLogp, torch::kFloat, "ref_logp");
    if (mask.defined())
      m = prep(mask, torch::kFloat, "mask");
    TORCH_CHECK(y.numel() == B * T && old.numel() == B * T &&
                    a.numel() == B * T,
                "fusedLinearGrpoLoss: per-token inputs must be [B,T]");
    LogprobShape shape{B, T, H, w.size(0), vocabTile, gemm};
    auto f32 = h.options().dtype(torch::kFloat);
    auto logp = torch::empty({B, T}, f32), lse = torch::empty({B, T}, f32);
    auto coef = torch::empty({B, T}, f32), loss = torch::empty({}, f32);
    auto ws = workspace(fusedLogprobGrpoWorkspaceBytes(shape), h);
    check(fusedLogprobGrpoForward(
              at::cuda::getCurrentCUDABlasHandle(), bfPtr(h), bfPtr(w),
              y.data_ptr<int64_t>(), old.data_ptr<float>(), fOpt(ref),
              a.data_ptr<float>(), fOpt(m), shape, params,
              logp.data_ptr<float>(), lse.data_ptr<float>(),
              coef.data_ptr<float>(), loss.data_ptr<float>(), ws.data_ptr(),
              stream()),
          "fusedLogprobGrpoForward");
    ctx->save_for_backward({h, w, y, lse, coef});
    ctx->saved_data["vocabTile"] = vocabTile;
    ctx->saved_data["gemm"] = int64_t(gemm);
    ctx->saved_data["temperature"] = double(params.temperature);
    return {loss, logp};
  }

  static torch::autograd::variable_list
  backward(torch::autograd::AutogradContext *ctx,
           torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    auto h = saved[0], w = saved[1], y = saved[2], lse = saved[3],
         coef = saved[4];
    // dlogp_n = gradCoef_n·dLoss + dLogp_n (when logp itself is used).
    torch::Tensor total = torch::zeros_like(coef);
    if (grads[0].defined())
      total = total + coef * grads[0].to(torch::kFloat);
    if (grads[1].defined())
      total = total + grads[1].to(torch::kFloat);
    total = total.contiguous();
    LogprobShape shape{h.size(0),
                       h.size(1),
                       h.size(2),
                       w.size(0),
                       ctx->saved_data["vocabTile"].toInt(),
                       GemmBackend(ctx->saved_data["gemm"].toInt())};
    auto dh = torch::empty_like(h), dw = torch::empty_like(w);
    auto ws = workspace(fusedLogprobGrpoWorkspaceBytes(shape), h);
    check(fusedLogprobBackward(at::cuda::getCurrentCUDABlasHandle(), bfPtr(h),
                               bfPtr(w), y.data_ptr<int64_t>(),
                               lse.data_ptr<float>(), total.data_ptr<float>(),
                               nullptr, shape,
                               float(ctx->saved_data["temperature"].toDouble()),
                               bfPtr(dh), bfPtr(dw), ws.data_ptr(), stream()),
          "fusedLogprobBackward");
    return {dh, dw, {}, {}, {}, {}, {}, {}, {}, {}};
  }
};

} // namespace

GrpoLossResult
fusedLinearGrpoLoss(const torch::Tensor &hidden, const torch::Tensor &weight,
                    const torch::Tensor &targets, const torch::Tensor &oldLogp,
                    const torch::Tensor &refLogp, const torch::Tensor &adv,
                    const torch::Tensor &mask, const GrpoLossParams &params,
                    int64_t vocabTile, GemmBackend gemm) {
  auto out = FusedGrpoFn::apply(hidden, weight, targets, oldLogp, refLogp, adv,
                                mask, params, vocabTile, gemm);
  return {out[0], out[1]};
}

} // namespace r1rt::cuda
