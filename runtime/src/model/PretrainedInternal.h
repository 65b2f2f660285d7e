//===- PretrainedInternal.h - Shared by the pretrained loaders --*- C++ -*-===//

#ifndef R1RT_MODEL_PRETRAINEDINTERNAL_H
#define R1RT_MODEL_PRETRAINEDINTERNAL_H

#include "r1rt/model/Pretrained.h"

namespace r1rt {

/// The (float32) model a plan.json model object describes; `where` names
/// the source in errors.
std::shared_ptr<CausalLM> buildPretrainedModel(const nlohmann::json &plan,
                                               const std::string &where);

/// loadPretrained for a .gguf file.
Pretrained loadGguf(const std::string &path);

} // namespace r1rt

#endif // R1RT_MODEL_PRETRAINEDINTERNAL_H
