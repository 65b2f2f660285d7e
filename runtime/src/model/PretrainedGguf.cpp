//===- PretrainedGguf.cpp - Load a llama.cpp GGUF file as HF would --------===//
//
// The same path transformers' GGUF loader takes (from_pretrained(gguf_file=)):
// config and tokenizer rebuilt from the metadata, every tensor dequantized
// to float32, llama/mistral Q and K rows unpermuted, names mapped to HF's.
//
//===----------------------------------------------------------------------===//

#include "PretrainedInternal.h"

#include "r1rt/OrFail.h"
#include "r1rt/model/Checkpoint.h"

#include "r1fmt/Gguf.h"
#include "r1fmt/GgufDequant.h"
#include "r1fmt/GgufHf.h"
#include "r1fmt/HfConfig.h"

namespace r1rt {

using json = nlohmann::json;

Pretrained loadGguf(const std::string &path) {
  r1fmt::GgufFile f = orFail(r1fmt::openGguf(path));
  Pretrained p;
  json hf = orFail(r1fmt::hfConfigFromGguf(f));
  p.modelConfig = orFail(r1fmt::r1ModelFromHfConfig(hf, path));
  p.model = buildPretrainedModel(p.modelConfig, path);

  std::map<std::string, torch::Tensor> tensors;
  for (const r1fmt::GgufTensorInfo &t : f.tensors()) {
    std::optional<std::string> name = r1fmt::hfTensorName(t.name);
    if (!name)
      continue; // e.g. rope_freqs.weight: recomputed from the config
    std::vector<float> data = orFail(r1fmt::dequantize(f, t));
    int64_t heads = orFail(r1fmt::unpermuteHeadsFor(f, t));
    if (heads > 0) {
      const int64_t rows = int64_t(t.numRows()), cols = int64_t(t.rowElems());
      if (rows % (2 * heads))
        fail("{}: tensor '{}' has {} rows, not a multiple of 2 x {} heads",
             path, t.name, rows, heads);
      r1fmt::unpermuteQK(data.data(), rows, cols, heads);
    }
    tensors[*name] =
        torch::from_blob(data.data(), t.shape(), torch::kFloat32).clone();
  }
  loadStateDict(*p.model, tensors, path);
  p.model->eval();

  p.tokenizer = HfTokenizer::fromGguf(path);
  p.chatTemplate = r1fmt::chatTemplateFromGguf(f).value_or("");
  p.generationConfig = json::object();
  for (const char *k : {"bos_token_id", "eos_token_id", "pad_token_id"})
    if (hf.contains(k))
      p.generationConfig[k] = hf[k];
  return p;
}

} // namespace r1rt
