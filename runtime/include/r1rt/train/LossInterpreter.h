//===- LossInterpreter.h - Evaluates plan.json loss trees -------*- C++ -*-===//
//
// The reference path for user-defined losses (issue 5): a plan.json loss
// expression tree is checked once, then evaluated over per-token LibTorch
// tensors by parameter name; autograd provides the backward. The compiler's
// own backward trees ("grad") are evaluated the same way by compiledGrad.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_TRAIN_LOSSINTERPRETER_H
#define R1RT_TRAIN_LOSSINTERPRETER_H

#include "r1rt/train/Reduction.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <string>
#include <vector>

namespace r1rt::train {

/// The per-token tensors a loss may read, all [B,T] of one floating dtype.
/// Only those named in the loss's "params" need to be defined; `seq_logratio`
/// is derived from logp, oldLogp and mask.
struct LossInputs {
  torch::Tensor logp;    ///< `logp`, carries the gradient
  torch::Tensor oldLogp; ///< `old_logp`
  torch::Tensor refLogp; ///< `ref_logp`
  torch::Tensor adv;     ///< `adv`, broadcast over tokens
  torch::Tensor mask;    ///< response mask, nonzero on response tokens
};

/// A checked loss expression tree (schema: docs/grpo.md, plan-format.md).
class LossProgram {
public:
  /// Checks and compiles `spec` (one entry of plan.json's "losses"). Throws a
  /// one-line r1rt::Error naming the loss and the offending node path (e.g.
  /// `body.args[0]`, `grad.logp.args[1]`) on an unknown op, a wrong arity, an
  /// unknown parameter, a missing field, a bad reduction or a "grad" that
  /// does not hold one tree per differentiable parameter declared.
  static LossProgram fromJson(const std::string &name,
                              const nlohmann::json &spec);

  /// The per-token loss [B,T] (unmasked, unreduced).
  torch::Tensor perToken(const LossInputs &inputs) const;

  /// The reduced scalar loss, differentiable w.r.t. inputs.logp.
  torch::Tensor loss(const LossInputs &inputs) const;

  /// The values of the declared parameters, in params() order, each [B,T]
  /// (`seq_logratio` derived from logp, differentiably). Throws when the
  /// stage did not supply one.
  std::vector<torch::Tensor> paramValues(const LossInputs &inputs) const;

  /// The parameters "grad" differentiates, in the kernels' order: a subset
  /// of params(), by index into it.
  const std::vector<int64_t> &gradParamIndices() const { return gradIndex_; }

  /// Whether the spec carries the compiler's backward trees ("grad").
  bool hasGrad() const { return hasGrad_; }

  /// d loss(inputs) / d inputs.logp [B,T] from the "grad" trees, without
  /// autograd: `dloss` is the reduction's weight of each token, and the
  /// `seq_logratio` tree is chained to logp through its per-sequence mean.
  /// 0 on padding. Throws when !hasGrad().
  torch::Tensor compiledGrad(const LossInputs &inputs) const;

  /// The loss's name (the key in "losses").
  const std::string &name() const { return name_; }
  /// Its reduction.
  const Reduction &reduction() const { return reduction_; }
  /// The parameter names it declares, in order.
  const std::vector<std::string> &params() const { return params_; }

  /// The parameter names the runtime supplies.
  static const std::vector<std::string> &knownParams();

private:
  /// One node of the flattened tree; children come before parents.
  struct Node {
    int op;                ///< index into the op table
    double value = 0.0;    ///< for const
    int param = -1;        ///< for param: index into knownParams()
    std::vector<int> args; ///< node indices
  };

  int compile(const nlohmann::json &expr, const std::string &path, bool grad);
  /// The parameter values by knownParams() index, plus a last slot for
  /// `dloss` (left undefined); sets `options` to the loss dtype and device.
  std::vector<torch::Tensor> environment(const LossInputs &inputs,
                                         torch::TensorOptions &options) const;
  torch::Tensor evalNode(int index, const std::vector<torch::Tensor> &env,
                         const torch::TensorOptions &options) const;

  std::string name_;
  Reduction reduction_;
  std::vector<std::string> params_;
  std::vector<Node> nodes_;
  int root_ = -1;
  bool hasGrad_ = false;
  int gradLogp_ = -1;        ///< root of grad.logp, -1 if not declared
  int gradSeqLogratio_ = -1; ///< root of grad.seq_logratio, likewise
  std::vector<int64_t> gradIndex_;
};

} // namespace r1rt::train

#endif // R1RT_TRAIN_LOSSINTERPRETER_H
