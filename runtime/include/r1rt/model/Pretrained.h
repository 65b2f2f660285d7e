//===- Pretrained.h - Load HF/GGUF models, export HF dirs -------*- C++ -*-===//
//
// loadPretrained reads a Hugging Face model directory or a llama.cpp GGUF
// file into an r1rt model (float32, CPU) plus its tokenizer, chat template
// and generation config. exportHf writes an r1rt model back out as a
// directory transformers' from_pretrained loads as-is.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_MODEL_PRETRAINED_H
#define R1RT_MODEL_PRETRAINED_H

#include "r1rt/model/CausalLM.h"
#include "r1rt/tokenizer/Tokenizer.h"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>

namespace r1rt {

/// A model from outside, ready to run.
struct Pretrained {
  std::shared_ptr<CausalLM> model;
  /// Null when the directory has no tokenizer.json.
  std::unique_ptr<Tokenizer> tokenizer;
  /// The Jinja chat template; empty when there is none.
  std::string chatTemplate;
  /// The plan.json model object (ModelConfig::fromJson's input).
  nlohmann::json modelConfig;
  /// generation_config.json (an object; empty when absent).
  nlohmann::json generationConfig;
};

/// Loads `path`: a directory with config.json, model.safetensors or
/// model.safetensors.index.json (+ shards), and optionally tokenizer.json,
/// tokenizer_config.json, chat_template.jinja, generation_config.json; or a
/// .gguf file (dequantized; Q/K rows unpermuted; names mapped to HF's).
/// Throws r1rt::Error with one line naming the offending file.
Pretrained loadPretrained(const std::string &path);

/// Renders `p.chatTemplate` as transformers' apply_chat_template does, with
/// `messages` (a JSON array of {role, content}), the tokenizer's bos/eos
/// strings and add_generation_prompt. Throws r1rt::Error when the model has
/// no chat template or the template fails.
std::string renderChat(const Pretrained &p, const nlohmann::json &messages,
                       bool addGenerationPrompt = true);

/// HF checkpoint tensors as r1rt names them: transformers 5's fused expert
/// tensors (mlp.experts.gate_up_proj / down_proj) split per expert, and
/// tensors for layers past `layers` (DeepSeek-V3's MTP layer) dropped.
std::map<std::string, torch::Tensor>
r1StateFromHf(std::map<std::string, torch::Tensor> tensors, int64_t layers);

/// Writes `model` (described by the plan.json `modelConfig`) to `dir` as a
/// transformers model directory: config.json, model.safetensors,
/// generation_config.json, tokenizer.json + tokenizer_config.json when
/// `tokenizer` is an HfTokenizer, chat_template.jinja when `chatTemplate`
/// is not empty. Written to a temporary sibling directory first and renamed
/// over `dir`, so readers never see half a model.
void exportHf(const CausalLM &model, const nlohmann::json &modelConfig,
              const Tokenizer *tokenizer, const std::string &chatTemplate,
              const std::string &dir);

} // namespace r1rt

#endif // R1RT_MODEL_PRETRAINED_H
