//===- TokenLogprobs.cpp - Per-token log-probs of a sequence --------------===//

#include "r1rt/train/TokenLogprobs.h"

#include <torch/torch.h>

namespace r1rt {

TokenLogprobs tokenLogprobs(CausalLM &model, const torch::Tensor &tokens,
                            double temperature, bool withEntropy) {
  namespace I = torch::indexing;
  torch::Tensor hidden = model.forward(tokens);
  torch::Tensor logits = model.logits(hidden.index({I::Slice(), I::Slice(0, -1)}))
                             .to(torch::kFloat);
  if (temperature > 0 && temperature != 1.0)
    logits = logits / temperature;
  torch::Tensor all = torch::log_softmax(logits, -1);
  torch::Tensor next = tokens.index({I::Slice(), I::Slice(1, I::None)});
  TokenLogprobs out;
  out.logp = all.gather(-1, next.unsqueeze(-1)).squeeze(-1);
  if (withEntropy) {
    torch::Tensor detached = all.detach();
    out.entropy = -(detached.exp() * detached).sum(-1);
  }
  return out;
}

} // namespace r1rt
