//===- PolicyLoss.cpp - Reference clipped GRPO policy loss ----------------===//

#include "PolicyLoss.h"

#include "r1rt/Error.h"
#include "r1rt/train/Advantages.h"

namespace r1rt::train {

PolicyLossOutput policyLoss(const PolicyLossInputs &in,
                            const PolicyLossConfig &config) {
  const torch::Tensor &logp = in.logp;
  if (!logp.defined() || !in.oldLogp.defined() || !in.advantages.defined() ||
      !in.mask.defined())
    fail("policyLoss: logp, old_logp, advantages and mask are required");
  for (const torch::Tensor *t : {&in.oldLogp, &in.advantages, &in.mask})
    if (!t->sizes().equals(logp.sizes()))
      fail("policyLoss: input of shape {} does not match logp {}; all inputs "
           "are [B,T]",
           c10::str(t->sizes()), c10::str(logp.sizes()));
  if (config.klBeta != 0.0 && !in.refLogp.defined())
    fail("policyLoss: kl beta is {} but no reference log-probs were given",
         config.klBeta);

  torch::Tensor logRatio = logp - in.oldLogp;
  if (config.sequenceRatio)
    logRatio = sequenceMeanBroadcast(logRatio, in.mask);
  torch::Tensor ratio =
      torch::exp(torch::clamp(logRatio, -kLogRatioClamp, kLogRatioClamp));
  torch::Tensor clipped =
      torch::clamp(ratio, 1.0 - config.clipLow, 1.0 + config.clipHigh);
  const torch::Tensor &adv = in.advantages;
  torch::Tensor perToken = -torch::minimum(ratio * adv, clipped * adv);

  torch::Tensor kl;
  if (in.refLogp.defined())
    kl = k3Kl(logp, in.refLogp);
  if (config.klBeta != 0.0)
    perToken = perToken + config.klBeta * kl;

  PolicyLossOutput out;
  out.perToken = perToken;
  out.loss = reduceLoss(perToken, in.mask, config.reduction);
  {
    torch::NoGradGuard noGrad;
    torch::Tensor r = ratio.detach();
    torch::Tensor a = adv.detach();
    torch::Tensor clipActive = ((r > 1.0 + config.clipHigh) & (a > 0)) |
                               ((r < 1.0 - config.clipLow) & (a < 0));
    out.clipFraction = maskedMean(clipActive.to(r.dtype()), in.mask);
    out.meanRatio = maskedMean(r, in.mask);
    out.meanKl = kl.defined() ? maskedMean(kl.detach(), in.mask)
                              : torch::zeros({}, r.options());
  }
  return out;
}

} // namespace r1rt::train
