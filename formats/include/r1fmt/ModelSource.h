//===- ModelSource.h - What a compiler needs from a model on disk -*- C++ -*-===//
//
// A pretrained model named by a recipe (`hf("dir")`, `gguf("file.gguf")`)
// seen without its weights: the plan.json model object, the tokenizer, and
// the files whose contents define the model. Only strings cross this API,
// so code built without exceptions (the compiler) can call it without
// including nlohmann::json.
//
//===----------------------------------------------------------------------===//

#ifndef R1FMT_MODELSOURCE_H
#define R1FMT_MODELSOURCE_H

#include "r1fmt/Expected.h"

#include <string>
#include <vector>

namespace r1fmt {

struct ModelSourceInfo {
  /// The plan.json model object (r1ModelFromHfConfig), as JSON text.
  std::string modelJson;
  /// The tokenizer.json, as canonical JSON text (sorted keys, no spaces).
  std::string tokenizerJson;
  /// The files whose bytes define the model, sorted: for a directory every
  /// top-level *.json and *.safetensors file, for a GGUF the file itself.
  std::vector<std::string> files;
  /// True when a directory holds no *.safetensors file.
  bool missingWeights = false;
  /// The Jinja chat template; empty when the model has none.
  std::string chatTemplate;
};

/// The chat template of a Hugging Face model or tokenizer directory:
/// chat_template.jinja, else tokenizer_config.json's chat_template (a string,
/// or the "default" entry of a list); "" when neither has one.
Expected<std::string> readHfChatTemplate(const std::string &dir);

/// A Hugging Face model directory: config.json (required), tokenizer.json
/// (required), weights (*.safetensors, listed, not read), the chat
/// template (optional).
Expected<ModelSourceInfo> readHfModelSource(const std::string &dir);

/// A GGUF file: its header only (metadata and tensor table).
Expected<ModelSourceInfo> readGgufModelSource(const std::string &path);

} // namespace r1fmt

#endif // R1FMT_MODELSOURCE_H
