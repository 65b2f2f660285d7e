//===- FusedLinearLogprob.cpp - Chunked LM head + log-softmax gather ------===//
//
// Tile GEMMs are LibTorch (MKL/OpenBLAS) calls on slices; the tiling, the
// online log-sum-exp, the recomputing backward and the race-free dW
// accumulation are ours. Token chunks run in parallel with at::parallel_for.
//
//===----------------------------------------------------------------------===//

#include "r1rt/kernels/cpu/FusedLinearLogprob.h"

#include "r1rt/Error.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <cmath>
#include <limits>
#include <vector>

using torch::Tensor;

namespace r1rt::cpu {
namespace {

constexpr const char *kName = "fusedLinearLogprob";

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// float64 stays float64; float32 and bf16 compute in float32.
torch::ScalarType computeType(torch::ScalarType t) {
  return t == torch::kDouble ? torch::kDouble : torch::kFloat;
}

std::string shapeOf(const Tensor &t) { return c10::str(t.sizes()); }

/// Checks everything the forward needs; hidden may have leading dims.
void checkInputs(const Tensor &h, const Tensor &w, const Tensor &y,
                 double tau) {
  if (!h.defined() || !w.defined() || !y.defined())
    fail("{}: hidden, weight and targets must all be defined tensors", kName);
  for (const Tensor *t : {&h, &w, &y})
    if (!t->device().is_cpu())
      fail("{}: expects CPU tensors, got one on {}; use the CUDA kernel "
           "(r1rt::cuda) for GPU tensors",
           kName, t->device().str());
  auto dt = h.scalar_type();
  if (dt != torch::kFloat && dt != torch::kDouble && dt != torch::kBFloat16)
    fail("{}: hidden has dtype {}; expected float32, float64 or bfloat16",
         kName, c10::toString(dt));
  if (w.scalar_type() != dt)
    fail("{}: weight has dtype {} but hidden has {}; cast one of them", kName,
         c10::toString(w.scalar_type()), c10::toString(dt));
  if (y.scalar_type() != torch::kLong)
    fail("{}: targets have dtype {}; expected int64 token ids", kName,
         c10::toString(y.scalar_type()));
  if (h.dim() < 1 || w.dim() != 2)
    fail("{}: expected hidden [...,H] and weight [V,H], got hidden {} and "
         "weight {}",
         kName, shapeOf(h), shapeOf(w));
  if (h.size(-1) != w.size(1))
    fail("{}: hidden {} has H={} but weight {} has H={}; weight must be the "
         "[V,H] LM head",
         kName, shapeOf(h), h.size(-1), shapeOf(w), w.size(1));
  if (!y.sizes().equals(h.sizes().slice(0, h.dim() - 1)))
    fail("{}: targets {} must have the leading shape of hidden {}", kName,
         shapeOf(y), shapeOf(h));
  if (w.size(0) < 1)
    fail("{}: weight {} has an empty vocabulary", kName, shapeOf(w));
  if (!(tau > 0.0) || !std::isfinite(tau))
    fail("{}: temperature tau must be finite and > 0, got {}", kName, tau);
  if (y.numel() > 0) {
    Tensor flat = y.reshape({-1});
    int64_t lo = flat.min().item<int64_t>(), hi = flat.max().item<int64_t>();
    if (lo < 0 || hi >= w.size(0)) {
      int64_t bad = lo < 0 ? lo : hi;
      int64_t at = (flat == bad).nonzero()[0][0].item<int64_t>();
      fail("{}: target id {} at flat index {} is outside the vocabulary "
           "[0, {})",
           kName, bad, at, w.size(0));
    }
  }
}

void checkTiling(const FusedLogprobTiling &tiling) {
  if (tiling.tokenChunk < 1 || tiling.vocabTile < 1)
    fail("{}: tokenChunk and vocabTile must be >= 1, got {} and {}", kName,
         tiling.tokenChunk, tiling.vocabTile);
}

/// Runs f(firstChunk, endChunk, slot) over [0, numChunks): in parallel with a
/// distinct slot < at::get_num_threads() per thread, or serially (slot 0, the
/// tile GEMMs then use all threads) when there is one chunk or one thread.
/// Grad mode is thread-local, so each worker turns it off itself.
template <typename F> void forEachChunk(int64_t numChunks, const F &f) {
  if (numChunks > 1 && at::get_num_threads() > 1 && !at::in_parallel_region())
    at::parallel_for(0, numChunks, 1, [&](int64_t begin, int64_t end) {
      torch::NoGradGuard noGrad;
      f(begin, end, at::get_thread_num());
    });
  else
    f(0, numChunks, 0);
}

/// target[r] = z[r, y[r]−v0] for the rows whose target lies in this tile.
void pickTargets(const Tensor &z, const int64_t *y, int64_t v0,
                 Tensor &target) {
  const int64_t m = z.size(0), t = z.size(1);
  AT_DISPATCH_FLOATING_TYPES(z.scalar_type(), "pickTargets", [&] {
    const scalar_t *zp = z.data_ptr<scalar_t>();
    scalar_t *out = target.data_ptr<scalar_t>();
    for (int64_t r = 0; r < m; ++r)
      if (y[r] >= v0 && y[r] < v0 + t)
        out[r] = zp[r * t + (y[r] - v0)];
  });
}

/// dz[r, y[r]−v0] += coef[r] for the rows whose target lies in this tile.
void addTargets(Tensor &dz, const int64_t *y, int64_t v0, const Tensor &coef) {
  const int64_t m = dz.size(0), t = dz.size(1);
  AT_DISPATCH_FLOATING_TYPES(dz.scalar_type(), "addTargets", [&] {
    scalar_t *zp = dz.data_ptr<scalar_t>();
    const scalar_t *c = coef.data_ptr<scalar_t>();
    for (int64_t r = 0; r < m; ++r)
      if (y[r] >= v0 && y[r] < v0 + t)
        zp[r * t + (y[r] - v0)] += c[r];
  });
}

/// [N,H] / [V,H] / [N] in the compute dtype, contiguous.
struct Operands {
  Tensor h, w, y;
  int64_t n = 0, hidden = 0, vocab = 0;
};

Operands prepare(const Tensor &hidden, const Tensor &weight,
                 const Tensor &targets) {
  Operands op;
  op.hidden = weight.size(1);
  op.vocab = weight.size(0);
  auto ct = computeType(hidden.scalar_type());
  op.h = hidden.detach().reshape({-1, op.hidden}).to(ct).contiguous();
  op.w = weight.detach().to(ct).contiguous();
  op.y = targets.reshape({-1}).contiguous();
  op.n = op.h.size(0);
  return op;
}

} // namespace

FusedLogprobForward fusedLinearLogprobForward(const Tensor &hidden,
                                              const Tensor &weight,
                                              const Tensor &targets, double tau,
                                              FusedLogprobTiling tiling,
                                              bool withEntropy) {
  checkInputs(hidden, weight, targets, tau);
  checkTiling(tiling);
  torch::NoGradGuard noGrad;
  Operands op = prepare(hidden, weight, targets);
  const int64_t n = op.n, vocab = op.vocab;
  const double invTau = 1.0 / tau;
  auto opts = op.h.options();
  FusedLogprobForward out{torch::empty({n}, opts), torch::empty({n}, opts)};
  if (withEntropy)
    out.entropy = torch::empty({n}, opts);
  if (n == 0)
    return out;

  const int64_t chunk = std::min(tiling.tokenChunk, n);
  const int64_t tile = std::min(tiling.vocabTile, vocab);
  const int64_t *y = op.y.data_ptr<int64_t>();
  forEachChunk(ceilDiv(n, chunk), [&](int64_t c0, int64_t c1, int) {
    Tensor buf = torch::empty({chunk * tile}, opts);
    for (int64_t c = c0; c < c1; ++c) {
      const int64_t n0 = c * chunk, m = std::min(chunk, n - n0);
      Tensor hc = op.h.narrow(0, n0, m);
      Tensor runMax, runSum, runDot; // m, S and D of the header
      Tensor target = torch::empty({m}, opts);
      for (int64_t v0 = 0; v0 < vocab; v0 += tile) {
        const int64_t t = std::min(tile, vocab - v0);
        Tensor z = buf.narrow(0, 0, m * t).view({m, t});
        torch::mm_out(z, hc, op.w.narrow(0, v0, t).t());
        if (invTau != 1.0)
          z.mul_(invTau);
        pickTargets(z, y + n0, v0, target);
        // Online LSE: rescale the running sums to the new running max
        // (D also shifts: e^(z−m')(z−m') = c·e^(z−m)((z−m) + (m−m'))).
        Tensor newMax = v0 == 0 ? z.amax(1) : torch::maximum(runMax, z.amax(1));
        if (v0 > 0) {
          Tensor shift = runMax - newMax, c = shift.exp();
          if (withEntropy)
            runDot.add_(runSum * shift).mul_(c);
          runSum.mul_(c);
        }
        z.sub_(newMax.unsqueeze(1));
        Tensor dot = withEntropy ? (z.exp() * z).sum(1) : Tensor();
        Tensor sum = z.exp_().sum(1);
        runSum = v0 == 0 ? sum : runSum.add_(sum);
        if (withEntropy)
          runDot = v0 == 0 ? dot : runDot.add_(dot);
        runMax = newMax;
      }
      if (withEntropy)
        out.entropy.narrow(0, n0, m).copy_(runSum.log() - runDot / runSum);
      Tensor lse = runMax.add_(runSum.log_());
      out.lse.narrow(0, n0, m).copy_(lse);
      Tensor logp = out.logp.narrow(0, n0, m);
      torch::sub_out(logp, target, lse);
    }
  });
  return out;
}

FusedLogprobGrads fusedLinearLogprobBackward(
    const Tensor &hidden, const Tensor &weight, const Tensor &targets,
    const Tensor &lse, const Tensor &gradLogp, double tau,
    FusedLogprobTiling tiling, bool needHidden, bool needWeight) {
  checkInputs(hidden, weight, targets, tau);
  checkTiling(tiling);
  for (const Tensor *t : {&lse, &gradLogp})
    if (!t->defined() || !t->sizes().equals(targets.sizes()))
      fail("{}: backward expects lse and gradLogp of the targets' shape {}, "
           "got {}",
           kName, shapeOf(targets),
           t->defined() ? shapeOf(*t) : std::string("an undefined tensor"));
  torch::NoGradGuard noGrad;
  Operands op = prepare(hidden, weight, targets);
  const int64_t n = op.n, vocab = op.vocab, hdim = op.hidden;
  const double invTau = 1.0 / tau;
  auto opts = op.h.options();
  Tensor dH = needHidden ? torch::zeros({n, hdim}, opts) : Tensor();
  Tensor dW = needWeight ? torch::zeros({vocab, hdim}, opts) : Tensor();
  if (n > 0 && (needHidden || needWeight)) {
    Tensor lseC = lse.reshape({-1}).to(opts).contiguous();
    // coef = g/τ: dz = coef·(onehot(y) − p).
    Tensor coef = gradLogp.reshape({-1}).to(opts).mul(invTau).contiguous();
    Tensor negCoef = coef.neg();
    const int64_t chunk = std::min(tiling.tokenChunk, n);
    const int64_t tile = std::min(tiling.vocabTile, vocab);
    const int64_t *y = op.y.data_ptr<int64_t>();
    // Per-thread scratch: a logits block and a dW partial for the tile. Slots
    // are reduced in a fixed order, so results do not depend on scheduling.
    const int slots = at::get_num_threads();
    std::vector<Tensor> zBuf(slots), dwPart(slots);
    for (int64_t v0 = 0; v0 < vocab; v0 += tile) {
      const int64_t t = std::min(tile, vocab - v0);
      Tensor wt = op.w.narrow(0, v0, t);
      std::vector<char> used(slots, 0);
      forEachChunk(ceilDiv(n, chunk), [&](int64_t c0, int64_t c1, int slot) {
        if (!zBuf[slot].defined()) {
          zBuf[slot] = torch::empty({chunk * tile}, opts);
          if (needWeight)
            dwPart[slot] = torch::empty({tile, hdim}, opts);
        }
        Tensor dw = needWeight ? dwPart[slot].narrow(0, 0, t) : Tensor();
        for (int64_t c = c0; c < c1; ++c) {
          const int64_t n0 = c * chunk, m = std::min(chunk, n - n0);
          Tensor hc = op.h.narrow(0, n0, m);
          Tensor dz = zBuf[slot].narrow(0, 0, m * t).view({m, t});
          torch::mm_out(dz, hc, wt.t());
          // p = exp(z/τ − lse); dz = coef·(onehot − p).
          if (invTau != 1.0)
            dz.mul_(invTau);
          dz.sub_(lseC.narrow(0, n0, m).unsqueeze(1)).exp_();
          dz.mul_(negCoef.narrow(0, n0, m).unsqueeze(1));
          addTargets(dz, y + n0, v0, coef.narrow(0, n0, m));
          if (needHidden)
            dH.narrow(0, n0, m).addmm_(dz, wt);
          if (needWeight) {
            if (used[slot])
              dw.addmm_(dz.t(), hc);
            else
              torch::mm_out(dw, dz.t(), hc);
          }
          used[slot] = 1;
        }
      });
      if (needWeight) {
        Tensor dwt = dW.narrow(0, v0, t);
        for (int s = 0; s < slots; ++s)
          if (used[s])
            dwt.add_(dwPart[s].narrow(0, 0, t));
      }
    }
  }
  FusedLogprobGrads grads;
  if (needHidden)
    grads.hidden = dH.to(hidden.scalar_type()).view(hidden.sizes());
  if (needWeight)
    grads.weight = dW.to(weight.scalar_type());
  return grads;
}

namespace {

/// Autograd over the forward/backward above; saves h, W, y and lse only.
/// Outputs {logp} or {logp, entropy}; the entropy carries no gradient.
class FusedLinearLogprobFunction
    : public torch::autograd::Function<FusedLinearLogprobFunction> {
public:
  static torch::autograd::variable_list
  forward(torch::autograd::AutogradContext *ctx, const Tensor &hidden,
          const Tensor &weight, const Tensor &targets, double tau,
          int64_t tokenChunk, int64_t vocabTile, bool withEntropy) {
    FusedLogprobTiling tiling{tokenChunk, vocabTile};
    FusedLogprobForward out = fusedLinearLogprobForward(
        hidden, weight, targets, tau, tiling, withEntropy);
    ctx->save_for_backward({hidden, weight, targets, out.lse});
    ctx->saved_data["tau"] = tau;
    ctx->saved_data["tokenChunk"] = tokenChunk;
    ctx->saved_data["vocabTile"] = vocabTile;
    if (!withEntropy)
      return {out.logp};
    ctx->mark_non_differentiable({out.entropy});
    return {out.logp, out.entropy};
  }

  static torch::autograd::variable_list
  backward(torch::autograd::AutogradContext *ctx,
           torch::autograd::variable_list gradOutputs) {
    auto saved = ctx->get_saved_variables();
    torch::autograd::variable_list grads(7);
    if (!gradOutputs[0].defined())
      return grads;
    FusedLogprobTiling tiling{ctx->saved_data["tokenChunk"].toInt(),
                              ctx->saved_data["vocabTile"].toInt()};
    FusedLogprobGrads g = fusedLinearLogprobBackward(
        saved[0], saved[1], saved[2], saved[3], gradOutputs[0],
        ctx->saved_data["tau"].toDouble(), tiling, ctx->needs_input_grad(0),
        ctx->needs_input_grad(1));
    grads[0] = g.hidden;
    grads[1] = g.weight;
    return grads;
  }
};

torch::autograd::variable_list applyFused(const Tensor &hidden,
                                          const Tensor &weight,
                                          const Tensor &targets, double tau,
                                          FusedLogprobTiling tiling,
                                          bool withEntropy) {
  checkInputs(hidden, weight, targets, tau);
  checkTiling(tiling);
  return FusedLinearLogprobFunction::apply(
      hidden.reshape({-1, weight.size(1)}), weight, targets.reshape({-1}), tau,
      tiling.tokenChunk, tiling.vocabTile, withEntropy);
}

} // namespace

Tensor fusedLinearLogprob(const Tensor &hidden, const Tensor &weight,
                          const Tensor &targets, double tau,
                          FusedLogprobTiling tiling) {
  return applyFused(hidden, weight, targets, tau, tiling, false)[0].view(
      targets.sizes());
}

FusedLogprobEntropy fusedLinearLogprobEntropy(const Tensor &hidden,
                                              const Tensor &weight,
                                              const Tensor &targets,
                                              double tau,
                                              FusedLogprobTiling tiling) {
  auto out = applyFused(hidden, weight, targets, tau, tiling, true);
  return {out[0].view(targets.sizes()), out[1].view(targets.sizes())};
}

} // namespace r1rt::cpu
