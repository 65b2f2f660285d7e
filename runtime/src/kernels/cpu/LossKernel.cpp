//===- LossKernel.cpp - dlopen'ed compiled loss kernels -------------------===//

#include "r1rt/kernels/cpu/LossKernel.h"

#include "r1rt/Error.h"

#include <dlfcn.h>

#include <array>
#include <utility>

namespace r1rt::cpu {
namespace {
/// The kernel takes one pointer per argument; a loss has at most 5
/// parameters and 2 gradients, so at most 9 arguments.
constexpr size_t kMaxArgs = 12;
using Caller = void (*)(void *fn, void *const *args);

template <size_t... I>
void callWith(void *fn, void *const *args, std::index_sequence<I...>) {
  using Fn = void (*)(decltype((void)I, (void *)nullptr)...);
  reinterpret_cast<Fn>(fn)(args[I]...);
}

template <size_t... N>
constexpr std::array<Caller, sizeof...(N)> makeCallers(std::index_sequence<N...>) {
  return {[](void *fn, void *const *args) {
    callWith(fn, args, std::make_index_sequence<N>{});
  }...};
}
constexpr auto kCallers = makeCallers(std::make_index_sequence<kMaxArgs + 1>{});

MemRef1DF32 describe(float *data, int64_t n) { return {data, data, 0, n, 1}; }
} // namespace

std::shared_ptr<const LossKernel> LossKernel::open(const std::string &library,
                                                   const std::string &symbol,
                                                   int numParams,
                                                   int numGrads) {
  if (numParams < 0 || numGrads < 0 ||
      size_t(numParams + numGrads + 2) > kMaxArgs)
    fail("loss kernel '{}': {} parameters and {} gradients exceed the ABI's "
         "{} arguments",
         symbol, numParams, numGrads, kMaxArgs);
  std::shared_ptr<LossKernel> k(new LossKernel());
  k->handle_ = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!k->handle_)
    fail("cannot load loss kernels '{}': {}", library, dlerror());
  k->fn_ = dlsym(k->handle_, symbol.c_str());
  if (!k->fn_)
    fail("loss kernels '{}' lack '{}'; recompile the plan with r1c", library,
         symbol);
  k->numParams_ = numParams;
  k->numGrads_ = numGrads;
  k->symbol_ = symbol;
  return k;
}

LossKernel::~LossKernel() {
  if (handle_)
    dlclose(handle_);
}

double LossKernel::run(const torch::Tensor &params,
                       const torch::Tensor &weight,
                       torch::Tensor &grads) const {
  const int64_t n = weight.numel();
  if (params.scalar_type() != torch::kFloat ||
      weight.scalar_type() != torch::kFloat || !params.is_contiguous() ||
      !weight.is_contiguous() || params.dim() != 2 ||
      params.size(0) != numParams_ || params.size(1) != n ||
      !params.device().is_cpu())
    fail("loss kernel '{}': expected contiguous f32 CPU params [{}, {}] and "
         "weight [{}], got {} {} and {}",
         symbol_, numParams_, n, n, c10::str(params.sizes()),
         c10::toString(params.scalar_type()), c10::str(weight.sizes()));
  grads = torch::empty({numGrads_, n}, torch::kFloat);
  std::vector<MemRef1DF32> vec;
  vec.reserve(numParams_ + 1 + numGrads_);
  for (int p = 0; p < numParams_; ++p)
    vec.push_back(describe(params[p].data_ptr<float>(), n));
  vec.push_back(describe(weight.data_ptr<float>(), n));
  for (int g = 0; g < numGrads_; ++g)
    vec.push_back(describe(grads[g].data_ptr<float>(), n));
  double loss = 0.0;
  MemRef0DF64 out{&loss, &loss, 0};
  std::vector<void *> args;
  for (MemRef1DF32 &m : vec)
    args.push_back(&m);
  args.push_back(&out);
  kCallers[args.size()](fn_, args.data());
  return loss;
}

namespace {
struct LossKernelFunction
    : public torch::autograd::Function<LossKernelFunction> {
  static torch::Tensor forward(torch::autograd::AutogradContext *ctx,
                               const torch::Tensor &params,
                               const torch::Tensor &weight,
                               const LossKernel *kernel,
                               const std::vector<int64_t> &gradRows) {
    torch::Tensor p = params.detach().to(torch::kFloat).contiguous();
    torch::Tensor w = weight.detach().to(torch::kFloat).contiguous();
    torch::Tensor g;
    double loss = kernel->run(p, w, g);
    ctx->save_for_backward({g});
    ctx->saved_data["rows"] = gradRows;
    ctx->saved_data["params"] = params.sizes().vec();
    return torch::scalar_tensor(loss, params.options());
  }

  static torch::autograd::variable_list
  backward(torch::autograd::AutogradContext *ctx,
           torch::autograd::variable_list gradOut) {
    torch::Tensor g = ctx->get_saved_variables()[0];
    std::vector<int64_t> rows = ctx->saved_data["rows"].toIntVector();
    torch::Tensor full =
        torch::zeros(ctx->saved_data["params"].toIntVector(),
                     gradOut[0].options());
    for (size_t k = 0; k < rows.size(); ++k)
      full[rows[k]].copy_(g[int64_t(k)]);
    return {full * gradOut[0], torch::Tensor(), torch::Tensor(),
            torch::Tensor()};
  }
};
} // namespace

torch::Tensor applyLossKernel(const LossKernel &kernel,
                              const torch::Tensor &params,
                              const torch::Tensor &weight,
                              const std::vector<int64_t> &gradRows) {
  if (int64_t(gradRows.size()) != kernel.numGrads())
    fail("loss kernel: {} gradient rows for a kernel with {} gradients",
         gradRows.size(), kernel.numGrads());
  for (int64_t r : gradRows)
    if (r < 0 || r >= params.size(0))
      fail("loss kernel: gradient row {} is outside the {} parameters", r,
           params.size(0));
  return LossKernelFunction::apply(params, weight, &kernel, gradRows);
}

} // namespace r1rt::cpu
