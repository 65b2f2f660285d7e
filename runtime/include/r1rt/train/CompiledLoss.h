//===- CompiledLoss.h - The loss path a stage trains with -------*- C++ -*-===//
//
// By default a stage evaluates its loss with the kernel `r1c` compiled into
// the plan bundle (kernels/losses.so, docs/kernels.md): one fused forward +
// backward + reduction pass over the tokens. Without one, or with
// `r1run --interpret-losses`, the interpreter (LossProgram) is the path.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_TRAIN_COMPILEDLOSS_H
#define R1RT_TRAIN_COMPILEDLOSS_H

#include "r1rt/kernels/cpu/LossKernel.h"
#include "r1rt/train/LossInterpreter.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace r1rt::train {

class LossEvaluator {
public:
  /// `spec` is the loss's plan.json entry and `bundleDir` the bundle. Uses
  /// the kernel of `spec["kernel"]["cpu"]` unless `interpret`; when there is
  /// none or it does not fit the loss (ABI version, argument list) or does
  /// not load, falls back to the interpreter and prints why on stderr, once
  /// per loss and process.
  LossEvaluator(LossProgram program, const nlohmann::json &spec,
                const std::string &bundleDir, bool interpret = false);

  /// The reduced loss, differentiable w.r.t. inputs.logp. Inputs off the
  /// CPU take the interpreter.
  torch::Tensor loss(const LossInputs &inputs) const;

  /// Whether CPU inputs take the compiled kernel.
  bool compiled() const { return kernel_ != nullptr; }
  /// Why the interpreter is the path (empty when compiled()).
  const std::string &fallbackReason() const { return reason_; }
  const LossProgram &program() const { return program_; }

private:
  LossProgram program_;
  std::shared_ptr<const cpu::LossKernel> kernel_;
  std::string reason_;
};

} // namespace r1rt::train

#endif // R1RT_TRAIN_COMPILEDLOSS_H
