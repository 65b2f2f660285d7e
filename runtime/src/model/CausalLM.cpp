//===- CausalLM.cpp - Shared CausalLM helpers and the model factory -------===//

#include "r1rt/model/CausalLM.h"

#include "r1rt/model/DeepSeek.h"
#include "r1rt/model/Dense.h"

namespace r1rt {

int64_t KVCache::valuesPerToken() const {
  int64_t n = 0;
  for (const torch::Tensor &t : tensors())
    n += t.numel() / (t.size(0) * t.size(1));
  return n;
}

int64_t KVCache::bytesPerToken() const {
  int64_t n = 0;
  for (const torch::Tensor &t : tensors())
    n += t.numel() / (t.size(0) * t.size(1)) * t.element_size();
  return n;
}

void CausalLM::initialize(uint64_t seed) { initParameters(*this, seed); }

void CausalLM::updateRoutingBias() {
  for (const auto &m : moeLayers())
    m->updateBias();
}

std::vector<MoeLoadStats> CausalLM::loadStats() const {
  std::vector<MoeLoadStats> out;
  for (const auto &m : moeLayers())
    out.push_back(m->loadStats());
  return out;
}

torch::Tensor CausalLM::auxLoss() const {
  torch::Tensor total;
  for (const auto &m : moeLayers()) {
    torch::Tensor a = m->auxLoss();
    if (a.defined())
      total = total.defined() ? total + a : a;
  }
  return total;
}

std::shared_ptr<CausalLM> makeModel(const ModelConfig &config) {
  if (config.arch == "dense")
    return std::make_shared<DenseModel>(config.dense);
  return std::make_shared<DeepSeekModel>(config.deepseek);
}

} // namespace r1rt
