//===- StepGuards.h - The NaN policy of every trainer -----------*- C++ -*-===//
//
// A non-finite loss or gradient norm aborts the stage with a one-line error
// naming the stage and the 1-based step. The last step checkpoint is kept, so
// lowering the learning rate and running again resumes from it.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_TRAIN_STEPGUARDS_H
#define R1RT_TRAIN_STEPGUARDS_H

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace r1rt {

/// Throws r1rt::Error naming `stage` and `step` when `loss` is not finite.
void checkFiniteLoss(double loss, const std::string &stage, int64_t step);

/// clipGradNorm under the same policy: a non-finite gradient norm aborts,
/// naming `stage` and `step`. Returns the norm before clipping.
double clipGradNormOrAbort(const std::vector<torch::Tensor> &params,
                           double maxNorm, const std::string &stage,
                           int64_t step);

} // namespace r1rt

#endif // R1RT_TRAIN_STEPGUARDS_H
