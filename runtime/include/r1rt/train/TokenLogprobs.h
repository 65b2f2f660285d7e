//===- TokenLogprobs.h - Per-token log-probs of a sequence ------*- C++ -*-===//
//
// The one place that turns a model's logits into the log-prob of each next
// token: the supervised loss, GRPO's policy and reference log-probs.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_TRAIN_TOKENLOGPROBS_H
#define R1RT_TRAIN_TOKENLOGPROBS_H

#include "r1rt/model/CausalLM.h"

#include <torch/types.h>

namespace r1rt {

struct TokenLogprobs {
  /// log p(tokens[:,t+1] | tokens[:,:t+1]) for every t: [B,T-1] (float32).
  torch::Tensor logp;
  /// The entropy of each of those distributions, detached: [B,T-1];
  /// undefined unless asked for.
  torch::Tensor entropy;
};

/// Log-probs under softmax(logits / temperature); a temperature <= 0 or 1
/// leaves the logits as they are. `withEntropy` also fills `entropy`.
TokenLogprobs tokenLogprobs(CausalLM &model, const torch::Tensor &tokens,
                            double temperature = 1.0,
                            bool withEntropy = false);

} // namespace r1rt

#endif // R1RT_TRAIN_TOKENLOGPROBS_H
