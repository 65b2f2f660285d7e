//===- Checkpoint.h - Model weights to and from safetensors -----*- C++ -*-===//
//
// A model's state is its named parameters and buffers (HF names). Loading
// checks every name, shape and dtype and converts dtype to the model's.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_MODEL_CHECKPOINT_H
#define R1RT_MODEL_CHECKPOINT_H

#include <torch/torch.h>

#include <map>
#include <string>
#include <string_view>

namespace r1rt {

/// Parameters and buffers by dotted name (detached, on their device).
std::map<std::string, torch::Tensor> stateDict(const torch::nn::Module &m);

/// Copies `tensors` into m's parameters and buffers. Every parameter and
/// buffer must be present with the same shape; with `strict`, an extra
/// tensor is an error too (except lm_head.weight when the model ties it).
/// `where` (a path) prefixes the one-line errors.
void loadStateDict(torch::nn::Module &m,
                   const std::map<std::string, torch::Tensor> &tensors,
                   const std::string &where, bool strict = true);

/// Loads safetensors bytes (a committed or step file) into m; `where` names
/// them in errors.
void loadSafetensorsBytes(torch::nn::Module &m, std::string_view bytes,
                          const std::string &where);

} // namespace r1rt

#endif // R1RT_MODEL_CHECKPOINT_H
