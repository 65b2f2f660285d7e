//===- Lora.cpp - Attach, list and merge LoRA adapters --------------------===//

#include "r1rt/model/Lora.h"

#include "r1rt/Error.h"
#include "r1rt/model/Layers.h"
#include "r1rt/model/Linear.h"

#include <fmt/ranges.h>

#include <set>

namespace r1rt {

namespace {

std::string leaf(const std::string &name) {
  size_t dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

/// `q` names q or q_proj; `kv_a` also names DeepSeek's kv_a_proj_with_mqa
/// (a `<target>_proj_` prefix), as r1c's projection table does.
bool matches(const std::string &target, const std::string &leafName) {
  const std::string proj = target + "_proj";
  return leafName == target || leafName == proj ||
         leafName.rfind(proj + "_", 0) == 0;
}

/// Every r1rt::Linear of the model with its module name.
std::vector<std::pair<std::string, LinearImpl *>> linears(CausalLM &model) {
  std::vector<std::pair<std::string, LinearImpl *>> out;
  for (auto &item : model.named_modules("", /*include_self=*/false))
    if (auto *l = dynamic_cast<LinearImpl *>(item.value().get()))
      out.emplace_back(item.key(), l);
  return out;
}

} // namespace

int64_t applyLora(CausalLM &model, const LoraOptions &o, uint64_t seed) {
  if (o.rank < 1)
    fail("LoRA: rank must be at least 1, got {}", o.rank);
  if (!(o.alpha > 0))
    fail("LoRA: alpha must be positive, got {}", o.alpha);
  if (o.targets.empty())
    fail("LoRA: no targets; name the projections to adapt, e.g. [q, v]");
  auto layers = linears(model);
  std::set<std::string> leaves;
  for (auto &[name, l] : layers)
    leaves.insert(leaf(name));
  for (const std::string &t : o.targets) {
    bool found = false;
    for (const std::string &lf : leaves)
      found = found || matches(t, lf);
    if (!found)
      fail("LoRA: target '{}' matches no projection of this model; it has {}",
           t, fmt::join(leaves, ", "));
  }
  std::vector<std::pair<std::string, LinearImpl *>> chosen;
  for (auto &[name, l] : layers) {
    bool wanted = false;
    for (const std::string &t : o.targets)
      wanted = wanted || matches(t, leaf(name));
    if (!wanted)
      continue;
    if (l->hasLora())
      fail("LoRA: {} already has an adapter", name);
    const int64_t most = std::min(l->weight.size(0), l->weight.size(1));
    if (o.rank > most)
      fail("LoRA: rank {} must be between 1 and min(in, out) = {} of {}",
           o.rank, most, name);
    chosen.emplace_back(name, l);
  }
  // Checked everything first: a refused call leaves the model untouched.
  for (auto &p : model.parameters())
    p.set_requires_grad(false);
  for (auto &[name, l] : chosen) {
    l->attachLora(o.rank, o.alpha, nameGenerator(seed, name + ".lora_A"));
    l->loraA.set_requires_grad(true);
    l->loraB.set_requires_grad(true);
  }
  const int64_t n = int64_t(chosen.size());
  return n;
}

std::vector<std::pair<std::string, torch::Tensor>>
loraParameters(CausalLM &model) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (auto &[name, l] : linears(model))
    if (l->hasLora()) {
      out.emplace_back(name + ".lora_A", l->loraA);
      out.emplace_back(name + ".lora_B", l->loraB);
    }
  return out;
}

void mergeLora(CausalLM &model) {
  for (auto &[name, l] : linears(model))
    l->mergeLora();
}

std::vector<torch::Tensor> trainableParameters(CausalLM &model) {
  std::vector<torch::Tensor> out;
  for (auto &[name, t] : loraParameters(model))
    out.push_back(t);
  return out.empty() ? model.parameters() : out;
}

std::map<std::string, torch::Tensor> loraState(CausalLM &model) {
  std::map<std::string, torch::Tensor> out;
  for (auto &[name, t] : loraParameters(model))
    out[name] = t.detach();
  return out;
}

void loadLoraState(CausalLM &model,
                   const std::map<std::string, torch::Tensor> &tensors,
                   const std::string &where) {
  auto adapters = loraParameters(model);
  std::set<std::string> known;
  for (auto &[name, t] : adapters)
    known.insert(name);
  for (auto &[name, t] : tensors)
    if (!known.count(name))
      fail("{}: unexpected tensor '{}'; it is not an adapter of this model "
           "(rank, targets or model differ)",
           where, name);
  torch::NoGradGuard g;
  for (auto &[name, dst] : adapters) {
    auto it = tensors.find(name);
    if (it == tensors.end())
      fail("{}: adapter tensor '{}' is missing", where, name);
    if (it->second.sizes() != dst.sizes())
      fail("{}: adapter tensor '{}' has shape {} but the model expects {}",
           where, name, fmt::format("{}", fmt::join(it->second.sizes(), "x")),
           fmt::format("{}", fmt::join(dst.sizes(), "x")));
    dst.copy_(it->second.to(dst.options()));
  }
}

LoraAdaptersOff::LoraAdaptersOff(CausalLM &model, bool active) {
  if (!active)
    return;
  for (auto &[name, l] : linears(model)) {
    saved.emplace_back(l, l->loraEnabled);
    l->loraEnabled = false;
  }
}

LoraAdaptersOff::~LoraAdaptersOff() {
  for (auto &[l, enabled] : saved)
    l->loraEnabled = enabled;
}

} // namespace r1rt
