//===- CompiledLoss.cpp - Compiled kernel or interpreter ------------------===//

#include "r1rt/train/CompiledLoss.h"

#include "r1rt/Error.h"

#include <fmt/format.h>

#include <filesystem>
#include <mutex>
#include <set>

namespace r1rt::train {
namespace {
constexpr int kKernelAbi = 1;

/// Prints the fallback note once per loss name and process.
void noteOnce(const std::string &loss, const std::string &reason) {
  static std::mutex mu;
  static std::set<std::string> said;
  std::lock_guard<std::mutex> lock(mu);
  if (said.insert(loss).second)
    fmt::print(stderr, "r1run: note: loss '{}': {}; using the interpreter\n",
               loss, reason);
}

/// The argument list the kernel of `program` must declare.
nlohmann::json expectedArgs(const LossProgram &program) {
  nlohmann::json args = program.params();
  args.push_back("weight");
  for (int64_t i : program.gradParamIndices())
    args.push_back("grad." + program.params()[i]);
  args.push_back("loss");
  return args;
}
} // namespace

LossEvaluator::LossEvaluator(LossProgram program, const nlohmann::json &spec,
                             const std::string &bundleDir, bool interpret)
    : program_(std::move(program)) {
  const nlohmann::json cpu =
      spec.contains("kernel") ? spec["kernel"].value("cpu", nlohmann::json())
                              : nlohmann::json();
  if (interpret)
    reason_ = "--interpret-losses";
  else if (!program_.hasGrad() || cpu.is_null())
    reason_ = "the plan bundle has no compiled kernel for it (recompile with "
              "an r1c that can link kernels/losses.so)";
  else if (spec["kernel"].value("abi", 0) != kKernelAbi)
    reason_ = fmt::format("its kernel has ABI {}, this runtime reads {}",
                          spec["kernel"].value("abi", 0), kKernelAbi);
  else if (cpu.value("args", nlohmann::json()) != expectedArgs(program_))
    reason_ = fmt::format("its kernel's arguments {} are not {}",
                          cpu.value("args", nlohmann::json()).dump(),
                          expectedArgs(program_).dump());
  if (!reason_.empty()) {
    noteOnce(program_.name(), reason_);
    return;
  }
  std::filesystem::path lib =
      std::filesystem::path(bundleDir) / cpu.value("library", "");
  try {
    kernel_ = cpu::LossKernel::open(
        lib.string(), cpu.value("symbol", ""), int(program_.params().size()),
        int(program_.gradParamIndices().size()));
  } catch (const Error &e) {
    reason_ = e.what();
    noteOnce(program_.name(), reason_);
  }
}

torch::Tensor LossEvaluator::loss(const LossInputs &in) const {
  if (!kernel_ || !in.mask.device().is_cpu())
    return program_.loss(in);
  std::vector<torch::Tensor> values = program_.paramValues(in);
  for (torch::Tensor &v : values)
    v = v.reshape(-1);
  torch::Tensor params = torch::stack(values);
  torch::Tensor weight =
      reductionWeights(in.mask, program_.reduction(), torch::kFloat)
          .reshape(-1);
  return cpu::applyLossKernel(*kernel_, params, weight,
                              program_.gradParamIndices());
}

} // namespace r1rt::train
