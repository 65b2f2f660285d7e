//===- Checkpoint.cpp - Model weights to and from safetensors -------------===//

#include "r1rt/model/Checkpoint.h"

#include "r1rt/Error.h"
#include "r1rt/store/Safetensors.h"

#include <fmt/ranges.h>

#include <set>

namespace r1rt {

std::map<std::string, torch::Tensor> stateDict(const torch::nn::Module &m) {
  std::map<std::string, torch::Tensor> out;
  for (const auto &p : m.named_parameters())
    out[p.key()] = p.value().detach();
  for (const auto &b : m.named_buffers())
    out[b.key()] = b.value().detach();
  return out;
}

void loadStateDict(torch::nn::Module &m,
                   const std::map<std::string, torch::Tensor> &tensors,
                   const std::string &where, bool strict) {
  torch::NoGradGuard noGrad;
  std::set<std::string> used;
  auto load = [&](const std::string &name, torch::Tensor &dst) {
    auto it = tensors.find(name);
    if (it == tensors.end())
      fail("{}: tensor '{}' is missing from the checkpoint; it does not "
           "match this model's config",
           where, name);
    const torch::Tensor &src = it->second;
    if (src.sizes() != dst.sizes())
      fail("{}: tensor '{}' has shape {} but the model expects {}; the "
           "checkpoint does not match this model's config",
           where, name, fmt::format("{}", fmt::join(src.sizes(), "x")),
           fmt::format("{}", fmt::join(dst.sizes(), "x")));
    dst.copy_(src.to(dst.options()));
    used.insert(name);
  };
  for (auto &p : m.named_parameters())
    load(p.key(), p.value());
  for (auto &b : m.named_buffers())
    load(b.key(), b.value());
  if (!strict)
    return;
  for (const auto &[name, t] : tensors)
    if (!used.count(name) && name != "lm_head.weight")
      fail("{}: unexpected tensor '{}' in the checkpoint; it does not match "
           "this model's config",
           where, name);
}

void loadSafetensorsBytes(torch::nn::Module &m, std::string_view bytes,
                          const std::string &where) {
  loadStateDict(m, parseSafetensors(bytes, where).toMap(), where);
}

} // namespace r1rt
