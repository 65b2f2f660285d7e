//===- LossInterpreter.cpp - Evaluates plan.json loss trees ---------------===//

#include "r1rt/train/LossInterpreter.h"

#include "r1rt/Error.h"

#include <algorithm>
#include <array>

namespace r1rt::train {

namespace {

/// The interpreter's ops. The order is the op table's order.
enum Op : int {
  OpConst,
  OpParam,
  OpAdd,
  OpSub,
  OpMul,
  OpDiv,
  OpNeg,
  OpExp,
  OpLog,
  OpMin,
  OpMax,
  OpAbs,
  OpClamp,
  OpWhere,
  OpLt,
  OpLe,
  OpGt,
  OpGe,
  OpEq,
  OpNe,
  OpAnd,
  OpOr,
  OpNot,
  NumOps
};

struct OpInfo {
  const char *name;
  int arity; ///< number of "args" (const and param take none)
};

constexpr std::array<OpInfo, NumOps> kOps = {{
    {"const", 0}, {"param", 0}, {"add", 2}, {"sub", 2}, {"mul", 2}, {"div", 2},
    {"neg", 1},   {"exp", 1},   {"log", 1}, {"min", 2}, {"max", 2}, {"abs", 1},
    {"clamp", 3}, {"where", 3}, {"lt", 2},  {"le", 2},  {"gt", 2},  {"ge", 2},
    {"eq", 2},    {"ne", 2},    {"and", 2}, {"or", 2},  {"not", 1},
}};

std::string opList() {
  std::string out;
  for (const OpInfo &info : kOps)
    out += (out.empty() ? "" : " ") + std::string(info.name);
  return out;
}

std::string joined(const std::vector<std::string> &names) {
  std::string out;
  for (const std::string &n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

/// Converts a comparison/logic result to the loss dtype with no gradient.
torch::Tensor asFloat(const torch::Tensor &b,
                      const torch::TensorOptions &options) {
  return b.to(options.dtype()).detach();
}

torch::Tensor truth(const torch::Tensor &x) { return x != 0; }

/// The extra parameter of grad trees: the upstream per-token gradient.
constexpr const char *kDloss = "dloss";

/// The parameters a grad tree may be keyed by: those carrying a gradient.
const std::vector<std::string> kDifferentiable = {"logp", "seq_logratio"};

bool differentiable(const std::string &param) {
  return std::find(kDifferentiable.begin(), kDifferentiable.end(), param) !=
         kDifferentiable.end();
}

} // namespace

const std::vector<std::string> &LossProgram::knownParams() {
  static const std::vector<std::string> names = {"logp", "old_logp", "ref_logp",
                                                 "adv", "seq_logratio"};
  return names;
}

/// The index of a (checked) parameter name in knownParams().
static size_t knownIndex(const std::string &param) {
  const auto &known = LossProgram::knownParams();
  return std::find(known.begin(), known.end(), param) - known.begin();
}

LossProgram LossProgram::fromJson(const std::string &name,
                                  const nlohmann::json &spec) {
  LossProgram program;
  program.name_ = name;
  auto bad = [&](const std::string &path, const std::string &message) {
    fail("plan.json: loss '{}': {}: {}", name, path, message);
  };
  if (!spec.is_object())
    bad("(loss)", "expected an object with \"params\", \"reduce\" and "
                  "\"body\"; recompile the plan with r1c");

  // "params": the names the body may read.
  if (!spec.contains("params") || !spec["params"].is_array())
    bad("params", "missing or not an array of parameter names");
  const auto &known = knownParams();
  for (size_t i = 0; i < spec["params"].size(); ++i) {
    const nlohmann::json &p = spec["params"][i];
    std::string path = fmt::format("params[{}]", i);
    if (!p.is_string())
      bad(path, "parameter name must be a string");
    std::string pname = p.get<std::string>();
    if (std::find(known.begin(), known.end(), pname) == known.end())
      bad(path, fmt::format("unknown parameter '{}'; the runtime supplies: {}",
                            pname, joined(known)));
    if (std::find(program.params_.begin(), program.params_.end(), pname) !=
        program.params_.end())
      bad(path, fmt::format("parameter '{}' is declared twice", pname));
    program.params_.push_back(pname);
  }

  // "reduce": {"kind": ..., "max_len": L}.
  if (!spec.contains("reduce") || !spec["reduce"].is_object() ||
      !spec["reduce"].contains("kind") || !spec["reduce"]["kind"].is_string())
    bad("reduce", "expected {\"kind\": \"token_mean\" | \"seq_mean\" | "
                  "\"seq_sum_norm\"}");
  const nlohmann::json &reduce = spec["reduce"];
  std::string kind = reduce["kind"].get<std::string>();
  if (kind == "seq_mean")
    program.reduction_.kind = ReductionKind::SeqMean;
  else if (kind == "token_mean")
    program.reduction_.kind = ReductionKind::TokenMean;
  else if (kind == "seq_sum_norm")
    program.reduction_.kind = ReductionKind::SeqSumNorm;
  else
    bad("reduce.kind", fmt::format("unknown reduction '{}'; use token_mean, "
                                   "seq_mean or seq_sum_norm",
                                   kind));
  if (reduce.contains("max_len") && !reduce["max_len"].is_null()) {
    const nlohmann::json &len = reduce["max_len"];
    if (program.reduction_.kind != ReductionKind::SeqSumNorm)
      bad("reduce.max_len", "max_len applies only to seq_sum_norm");
    if (!len.is_number_integer() || len.get<int64_t>() <= 0)
      bad("reduce.max_len", "max_len must be a positive integer");
    program.reduction_.maxLen = len.get<int64_t>();
  }

  if (!spec.contains("body"))
    bad("body", "missing the loss expression");
  program.root_ = program.compile(spec["body"], "body", /*grad=*/false);

  // "grad" (optional): the compiler's backward, one tree per differentiable
  // parameter the loss declares (docs/plan-format.md).
  if (!spec.contains("grad"))
    return program;
  const nlohmann::json &grad = spec["grad"];
  if (!grad.is_object())
    bad("grad", "expected an object of backward trees keyed by parameter");
  auto declared = [&](const std::string &p) {
    return std::find(program.params_.begin(), program.params_.end(), p) !=
           program.params_.end();
  };
  for (const auto &[key, tree] : grad.items()) {
    std::string path = "grad." + key;
    if (!differentiable(key))
      bad(path, fmt::format("'{}' carries no gradient; expected one of: {}",
                            key, joined(kDifferentiable)));
    if (!declared(key))
      bad(path, fmt::format("the loss does not declare '{}'", key));
    int root = program.compile(tree, path, /*grad=*/true);
    (key == "logp" ? program.gradLogp_ : program.gradSeqLogratio_) = root;
  }
  for (const std::string &p : kDifferentiable)
    if (declared(p) && !grad.contains(p))
      bad("grad", fmt::format("missing the backward of '{}'; recompile the "
                              "plan with r1c",
                              p));
  for (size_t i = 0; i < program.params_.size(); ++i)
    if (differentiable(program.params_[i]))
      program.gradIndex_.push_back(int64_t(i));
  program.hasGrad_ = true;
  return program;
}

int LossProgram::compile(const nlohmann::json &expr, const std::string &path,
                         bool grad) {
  auto bad = [&](const std::string &message) {
    fail("plan.json: loss '{}': node {}: {}", name_, path, message);
  };
  if (!expr.is_object() || !expr.contains("op") || !expr["op"].is_string())
    bad("expected an object with a string \"op\"");
  std::string opName = expr["op"].get<std::string>();
  auto it = std::find_if(kOps.begin(), kOps.end(), [&](const OpInfo &info) {
    return opName == info.name;
  });
  if (it == kOps.end())
    bad(fmt::format("unknown op '{}'; expected one of: {}", opName, opList()));
  Node node;
  node.op = static_cast<int>(it - kOps.begin());

  if (node.op == OpConst) {
    if (!expr.contains("value") || !expr["value"].is_number())
      bad("const needs a numeric \"value\"");
    node.value = expr["value"].get<double>();
  } else if (node.op == OpParam) {
    if (!expr.contains("name") || !expr["name"].is_string())
      bad("param needs a string \"name\"");
    std::string pname = expr["name"].get<std::string>();
    const auto &known = knownParams();
    if (pname == kDloss) {
      if (!grad)
        bad("'dloss' is defined only in grad trees");
      node.param = static_cast<int>(known.size()); // the last env slot
    } else {
      if (std::find(params_.begin(), params_.end(), pname) == params_.end())
        bad(fmt::format("unknown parameter '{}'; the loss declares: {}", pname,
                        joined(params_)));
      node.param = static_cast<int>(
          std::find(known.begin(), known.end(), pname) - known.begin());
    }
  } else {
    if (!expr.contains("args") || !expr["args"].is_array())
      bad(fmt::format("op '{}' needs an \"args\" array", opName));
    const nlohmann::json &args = expr["args"];
    if (static_cast<int>(args.size()) != it->arity)
      bad(fmt::format("op '{}' takes {} argument(s), got {}", opName, it->arity,
                      args.size()));
    for (size_t i = 0; i < args.size(); ++i)
      node.args.push_back(
          compile(args[i], fmt::format("{}.args[{}]", path, i), grad));
  }
  nodes_.push_back(std::move(node));
  return static_cast<int>(nodes_.size()) - 1;
}

torch::Tensor LossProgram::evalNode(int index,
                                    const std::vector<torch::Tensor> &env,
                                    const torch::TensorOptions &options) const {
  const Node &node = nodes_[index];
  auto arg = [&](int i) { return evalNode(node.args[i], env, options); };
  auto isConst = [&](int i) { return nodes_[node.args[i]].op == OpConst; };
  switch (static_cast<Op>(node.op)) {
  case OpConst:
    return torch::scalar_tensor(node.value, options);
  case OpParam:
    return env[node.param];
  case OpAdd:
    return arg(0) + arg(1);
  case OpSub:
    return arg(0) - arg(1);
  case OpMul:
    return arg(0) * arg(1);
  case OpDiv:
    return arg(0) / arg(1);
  case OpNeg:
    return -arg(0);
  case OpExp:
    return torch::exp(arg(0));
  case OpLog:
    return torch::log(arg(0));
  case OpMin:
    return torch::minimum(arg(0), arg(1));
  case OpMax:
    return torch::maximum(arg(0), arg(1));
  case OpAbs:
    return torch::abs(arg(0));
  case OpClamp:
    // Constant bounds take the scalar overload (torch.clamp(x, lo, hi)); the
    // gradient passes where lo <= x <= hi, as in PyTorch.
    if (isConst(1) && isConst(2))
      return torch::clamp(arg(0), nodes_[node.args[1]].value,
                          nodes_[node.args[2]].value);
    return torch::clamp(arg(0), arg(1), arg(2));
  case OpWhere:
    return torch::where(truth(arg(0)), arg(1), arg(2));
  case OpLt:
    return asFloat(arg(0) < arg(1), options);
  case OpLe:
    return asFloat(arg(0) <= arg(1), options);
  case OpGt:
    return asFloat(arg(0) > arg(1), options);
  case OpGe:
    return asFloat(arg(0) >= arg(1), options);
  case OpEq:
    return asFloat(arg(0) == arg(1), options);
  case OpNe:
    return asFloat(arg(0) != arg(1), options);
  case OpAnd:
    return asFloat(truth(arg(0)) & truth(arg(1)), options);
  case OpOr:
    return asFloat(truth(arg(0)) | truth(arg(1)), options);
  case OpNot:
    return asFloat(~truth(arg(0)), options);
  case NumOps:
    break;
  }
  fail("loss '{}': internal error: bad op index {}", name_, node.op);
}

std::vector<torch::Tensor>
LossProgram::environment(const LossInputs &in,
                         torch::TensorOptions &options) const {
  if (!in.mask.defined() || in.mask.dim() != 2)
    fail("loss '{}': the response mask must be a [B,T] tensor", name_);
  std::vector<torch::Tensor> env(knownParams().size() + 1);
  const torch::Tensor *supplied[] = {&in.logp, &in.oldLogp, &in.refLogp,
                                     &in.adv};
  bool haveOptions = false;
  for (const std::string &p : params_) {
    size_t i = knownIndex(p);
    torch::Tensor value;
    if (p == "seq_logratio") {
      if (!in.logp.defined() || !in.oldLogp.defined())
        fail("loss '{}': parameter 'seq_logratio' needs logp and old_logp, "
             "which the stage did not supply",
             name_);
      value = sequenceMeanBroadcast(in.logp - in.oldLogp, in.mask);
    } else {
      value = *supplied[i];
      if (!value.defined())
        fail("loss '{}': parameter '{}' was not supplied by the stage; a "
             "loss reading ref_logp needs a reference model (kl > 0)",
             name_, p);
    }
    if (!value.sizes().equals(in.mask.sizes()))
      fail("loss '{}': parameter '{}' has shape {}, expected the mask's {}",
           name_, p, c10::str(value.sizes()), c10::str(in.mask.sizes()));
    if (!haveOptions) {
      options = value.options().requires_grad(false);
      haveOptions = true;
    }
    env[i] = value;
  }
  if (!haveOptions)
    options =
        torch::TensorOptions()
            .dtype(in.logp.defined() ? in.logp.scalar_type() : torch::kFloat)
            .device(in.mask.device());
  return env;
}

std::vector<torch::Tensor>
LossProgram::paramValues(const LossInputs &in) const {
  torch::TensorOptions options;
  std::vector<torch::Tensor> env = environment(in, options);
  std::vector<torch::Tensor> values;
  for (const std::string &p : params_)
    values.push_back(env[knownIndex(p)]);
  return values;
}

torch::Tensor LossProgram::perToken(const LossInputs &in) const {
  torch::TensorOptions options;
  std::vector<torch::Tensor> env = environment(in, options);
  torch::Tensor out = evalNode(root_, env, options);
  // A body that reads no parameter is still a per-token loss.
  return out.dim() == 2 ? out : out.expand(in.mask.sizes());
}

torch::Tensor LossProgram::loss(const LossInputs &inputs) const {
  return reduceLoss(perToken(inputs), inputs.mask, reduction_);
}

torch::Tensor LossProgram::compiledGrad(const LossInputs &in) const {
  if (!hasGrad_)
    fail("loss '{}': plan.json carries no \"grad\" for it; recompile the "
         "plan with r1c",
         name_);
  if (!in.logp.defined())
    fail("loss '{}': the gradient w.r.t. logp needs logp", name_);
  torch::NoGradGuard noGrad;
  torch::TensorOptions options;
  std::vector<torch::Tensor> env = environment(in, options);
  env.back() = reductionWeights(in.mask, reduction_, in.logp.scalar_type());
  torch::Tensor response = in.mask != 0;
  torch::Tensor zero = torch::scalar_tensor(0.0, in.logp.options());
  // where(), as in reduceLoss: padding gets 0 even if the tree yields nan.
  auto eval = [&](int root) {
    return torch::where(response, evalNode(root, env, options), zero);
  };
  torch::Tensor grad =
      gradLogp_ >= 0 ? eval(gradLogp_) : torch::zeros_like(in.logp);
  if (gradSeqLogratio_ >= 0)
    grad =
        grad + sequenceMeanBroadcastBackward(eval(gradSeqLogratio_), in.mask);
  return grad;
}

} // namespace r1rt::train
