//===- Gguf.h - Read a GGUF v3 file (llama.cpp's model format) --*- C++ -*-===//
//
// openGguf maps a GGUF file read-only and parses its header: the metadata
// key/values (every GGUF value type, arrays included), the tensor infos and
// the data section. Every tensor's byte range is checked against the file
// size and its ggml type against the types we know, so that later reads of
// tensor bytes never leave the mapping. Dequantization is in GgufDequant.h,
// the mapping to Hugging Face names, config and tokenizer in GgufHf.h.
//
//===----------------------------------------------------------------------===//

#ifndef R1FMT_GGUF_H
#define R1FMT_GGUF_H

#include "r1fmt/Expected.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

namespace r1fmt {

/// GGUF metadata value types (the numbering of the file format).
enum class GgufType : uint32_t {
  Uint8 = 0,
  Int8 = 1,
  Uint16 = 2,
  Int16 = 3,
  Uint32 = 4,
  Int32 = 5,
  Float32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  Uint64 = 10,
  Int64 = 11,
  Float64 = 12,
};

/// The file format's name of a value type, e.g. "uint32".
const char *ggufTypeName(GgufType type);

/// ggml tensor types (ggml.h's numbering). Only those with a known block
/// layout are listed; a file naming another id is rejected by openGguf.
enum class GgmlType : uint32_t {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q8_1 = 9,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  Q8_K = 15,
  IQ2_XXS = 16,
  IQ2_XS = 17,
  IQ3_XXS = 18,
  IQ1_S = 19,
  IQ4_NL = 20,
  IQ3_S = 21,
  IQ2_S = 22,
  IQ4_XS = 23,
  I8 = 24,
  I16 = 25,
  I32 = 26,
  I64 = 27,
  F64 = 28,
  IQ1_M = 29,
  BF16 = 30,
  TQ1_0 = 34,
  TQ2_0 = 35,
  MXFP4 = 39,
};

/// Block layout of a ggml type: `blockElems` values stored in `blockBytes`.
struct GgmlTypeTraits {
  const char *name;
  uint32_t blockElems;
  uint32_t blockBytes;
};

/// The layout of type id `id`, or nullopt for an id ggml does not define.
std::optional<GgmlTypeTraits> ggmlTypeTraits(uint32_t id);

/// One metadata value: a scalar, a string or an array of values. Integers
/// keep their sign class (uint*/int*), floats are widened to double.
class GgufValue {
public:
  using Array = std::vector<GgufValue>;

  GgufValue() = default;
  GgufValue(GgufType type, uint64_t v) : type_(type), v_(v) {}
  GgufValue(GgufType type, int64_t v) : type_(type), v_(v) {}
  GgufValue(GgufType type, double v) : type_(type), v_(v) {}
  explicit GgufValue(bool v) : type_(GgufType::Bool), v_(v) {}
  explicit GgufValue(std::string v)
      : type_(GgufType::String), v_(std::move(v)) {}
  GgufValue(GgufType elemType, Array items)
      : type_(GgufType::Array), elemType_(elemType), v_(std::move(items)) {}

  GgufType type() const { return type_; }
  /// The element type of an array (meaningless for scalars).
  GgufType elemType() const { return elemType_; }
  bool isArray() const { return type_ == GgufType::Array; }

  /// Any integer type holding a value >= 0.
  std::optional<uint64_t> asUint() const;
  /// Any integer type holding a value that fits int64.
  std::optional<int64_t> asInt() const;
  /// float32/float64 (integers are not floats).
  std::optional<double> asFloat() const;
  std::optional<bool> asBool() const;
  const std::string *asString() const { return std::get_if<std::string>(&v_); }
  const Array *asArray() const { return std::get_if<Array>(&v_); }

  /// "uint32", "array[string]"... for error messages.
  std::string typeName() const;

private:
  GgufType type_ = GgufType::Uint8;
  GgufType elemType_ = GgufType::Uint8;
  std::variant<uint64_t, int64_t, double, bool, std::string, Array> v_;
};

/// One tensor's header entry, validated against the file.
struct GgufTensorInfo {
  std::string name;
  /// ggml order: dims[0] is the contiguous (fastest) dimension.
  std::vector<uint64_t> dims;
  GgmlType type;
  /// Offset of the first byte, from the start of the data section.
  uint64_t offset = 0;
  /// Bytes the tensor occupies.
  uint64_t nbytes = 0;

  uint64_t numElements() const;
  /// Row-major shape (dims reversed), as numpy, torch and HF see it.
  std::vector<int64_t> shape() const;
  /// Elements per row: dims[0].
  uint64_t rowElems() const { return dims.empty() ? 1 : dims[0]; }
  /// Number of rows: numElements() / rowElems().
  uint64_t numRows() const;
};

class GgufMapping;

/// A parsed GGUF file. The mapping stays alive as long as any copy does.
class GgufFile {
public:
  const std::string &path() const { return path_; }
  uint32_t version() const { return version_; }
  /// general.alignment, 32 when absent.
  uint64_t alignment() const { return alignment_; }
  /// Offset of the data section from the start of the file.
  uint64_t dataOffset() const { return dataOffset_; }
  uint64_t fileSize() const;

  /// Metadata in file order.
  const std::vector<std::pair<std::string, GgufValue>> &metadata() const {
    return metadata_;
  }
  /// The value under `key`, or null.
  const GgufValue *find(const std::string &key) const;
  bool has(const std::string &key) const { return find(key) != nullptr; }

  /// Typed lookups. Errors name the file, the key and, for a type mismatch,
  /// the type found: "PATH: metadata 'k' is uint32, expected string".
  Expected<std::string> getString(const std::string &key) const;
  Expected<uint64_t> getUint(const std::string &key) const;
  Expected<int64_t> getInt(const std::string &key) const;
  /// float32/float64, or an integer (converted).
  Expected<double> getFloat(const std::string &key) const;
  Expected<bool> getBool(const std::string &key) const;
  Expected<std::vector<std::string>>
  getStringArray(const std::string &key) const;
  /// An array of integers of any width and sign.
  Expected<std::vector<int64_t>> getIntArray(const std::string &key) const;
  Expected<const GgufValue::Array *> getArray(const std::string &key) const;

  const std::vector<GgufTensorInfo> &tensors() const { return tensors_; }
  /// The tensor called `name`, or null.
  const GgufTensorInfo *tensor(const std::string &name) const;
  /// The tensor's bytes inside the mapping (nbytes of them).
  const uint8_t *tensorData(const GgufTensorInfo &t) const;

private:
  friend Expected<GgufFile> openGguf(const std::string &path);
  Error error(const std::string &key, const GgufValue *v,
              const char *expected) const;

  std::string path_;
  std::shared_ptr<const GgufMapping> map_;
  uint32_t version_ = 0;
  uint64_t alignment_ = 32;
  uint64_t dataOffset_ = 0;
  std::vector<std::pair<std::string, GgufValue>> metadata_;
  std::unordered_map<std::string, size_t> keyIndex_;
  std::vector<GgufTensorInfo> tensors_;
  std::unordered_map<std::string, size_t> tensorIndex_;
};

/// `s` fit for a one-line message: control characters and bytes >= 0x7f
/// escaped as \xNN, cut to 80 characters with "..." after.
std::string ggufPrintable(const std::string &s);

/// Maps and parses the GGUF file at `path` (version 2 or 3, little-endian).
/// Errors are one line naming the file and the problem: bad magic, an
/// unsupported version, a truncated header, an unknown ggml type (tensor and
/// id named), a tensor whose bytes lie past the end of the file (tensor
/// named), a tensor offset that is not a multiple of the alignment.
Expected<GgufFile> openGguf(const std::string &path);

} // namespace r1fmt

#endif // R1FMT_GGUF_H
