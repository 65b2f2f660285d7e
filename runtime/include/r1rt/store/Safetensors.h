//===- Safetensors.h - Safetensors reader and writer ------------*- C++ -*-===//
//
// The format (huggingface/safetensors): 8-byte little-endian header length N,
// N bytes of JSON {name: {dtype, shape, data_offsets:[begin,end]},
// "__metadata__": {str: str}}, then the data buffer, fully covered by the
// tensors without holes or overlaps. Supported dtypes: F64 F32 F16 BF16 I64
// I32 I16 I8 U8 BOOL.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_STORE_SAFETENSORS_H
#define R1RT_STORE_SAFETENSORS_H

#include <torch/torch.h>

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace r1rt {

/// Named tensors in file order, plus the string metadata.
struct SafetensorsFile {
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  std::map<std::string, std::string> metadata;
  /// The tensor called `name`; throws r1rt::Error when absent.
  const torch::Tensor &at(const std::string &name) const;
  /// Tensors by name.
  std::map<std::string, torch::Tensor> toMap() const;
};

/// Serializes tensors (moved to CPU, made contiguous) in name order. The
/// JSON header has sorted keys, no spaces, and is padded with spaces so the
/// data starts at a multiple of 8 bytes (as the Python package does).
std::string
serializeSafetensors(const std::map<std::string, torch::Tensor> &tensors,
                     const std::map<std::string, std::string> &metadata = {});

/// Writes serializeSafetensors() to `path` atomically (temp, fsync, rename).
void saveSafetensors(const std::string &path,
                     const std::map<std::string, torch::Tensor> &tensors,
                     const std::map<std::string, std::string> &metadata = {});

/// Parses a whole file's bytes; `where` (the path) prefixes errors, which
/// name the offending tensor and problem on one line.
SafetensorsFile parseSafetensors(std::string_view bytes,
                                 const std::string &where);

/// Reads and parses `path`.
SafetensorsFile loadSafetensors(const std::string &path);

} // namespace r1rt

#endif // R1RT_STORE_SAFETENSORS_H
