//===- StepGuards.cpp - The NaN policy of every trainer -------------------===//

#include "r1rt/train/StepGuards.h"

#include "r1rt/Error.h"
#include "r1rt/optim/Optim.h"

#include <cmath>

namespace r1rt {

void checkFiniteLoss(double loss, const std::string &stage, int64_t step) {
  if (!std::isfinite(loss))
    fail("stage '{}' step {}: the loss is {} (policy: abort); the last step "
         "checkpoint is kept, so lower the learning rate and run again to "
         "resume",
         stage, step, loss);
}

double clipGradNormOrAbort(const std::vector<torch::Tensor> &params,
                           double maxNorm, const std::string &stage,
                           int64_t step) {
  try {
    return clipGradNorm(params, maxNorm);
  } catch (const Error &e) {
    fail("stage '{}' step {}: {} (policy: abort); the last step checkpoint "
         "is kept",
         stage, step, e.what());
  }
}

} // namespace r1rt
