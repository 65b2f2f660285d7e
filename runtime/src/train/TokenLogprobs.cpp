//===- TokenLogprobs.cpp - Per-token log-probs of a sequence --------------===//
//
// On CPU the LM head, the log-softmax and the gather run as one fused kernel
// over token chunks and vocabulary tiles (entropy in the same pass), so the
// [B·T, V] logits never exist: at SmolLM2's 49,152-token vocabulary they
// would be 192 KiB per token, three times over with the backward. Other
// devices take the eager path.
//
//===----------------------------------------------------------------------===//

#include "r1rt/train/TokenLogprobs.h"

#include "r1rt/kernels/cpu/FusedLinearLogprob.h"

#include <torch/torch.h>

namespace r1rt {

TokenLogprobs tokenLogprobs(CausalLM &model, const torch::Tensor &tokens,
                            double temperature, bool withEntropy) {
  namespace I = torch::indexing;
  const double tau = temperature > 0 ? temperature : 1.0;
  torch::Tensor hidden =
      model.forward(tokens).index({I::Slice(), I::Slice(0, -1)});
  torch::Tensor next = tokens.index({I::Slice(), I::Slice(1, I::None)});
  TokenLogprobs out;
  if (hidden.device().is_cpu()) {
    torch::Tensor head = model.headWeight();
    if (head.scalar_type() != hidden.scalar_type())
      head = head.to(hidden.scalar_type());
    if (withEntropy) {
      auto fused = cpu::fusedLinearLogprobEntropy(hidden, head, next, tau);
      out.logp = fused.logp;
      out.entropy = fused.entropy;
    } else {
      out.logp = cpu::fusedLinearLogprob(hidden, head, next, tau);
    }
    return out;
  }
  torch::Tensor logits = model.logits(hidden).to(torch::kFloat);
  if (tau != 1.0)
    logits = logits / tau;
  torch::Tensor all = torch::log_softmax(logits, -1);
  out.logp = all.gather(-1, next.unsqueeze(-1)).squeeze(-1);
  if (withEntropy) {
    torch::Tensor detached = all.detach();
    out.entropy = -(detached.exp() * detached).sum(-1);
  }
  return out;
}

} // namespace r1rt
