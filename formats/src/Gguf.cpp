//===- Gguf.cpp - Read a GGUF v3 file (llama.cpp's model format) ----------===//
//
// The layout (little-endian throughout):
//   header   ::= "GGUF" u32:version u64:tensor_count u64:kv_count
//   kv       ::= string:key u32:type value
//   value    ::= scalar | string | u32:elem_type u64:count value*
//   string   ::= u64:len bytes
//   tensor   ::= string:name u32:n_dims u64:dim* u32:ggml_type u64:offset
//   data     ::= padding to general.alignment, then the tensors' bytes, each
//                at data start + offset
//
//===----------------------------------------------------------------------===//

#include "r1fmt/Gguf.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace r1fmt {

/// A read-only mapping of a whole file, unmapped on destruction.
class GgufMapping {
public:
  GgufMapping(const uint8_t *data, uint64_t size) : data_(data), size_(size) {}
  GgufMapping(const GgufMapping &) = delete;
  GgufMapping &operator=(const GgufMapping &) = delete;
  ~GgufMapping() {
    if (data_)
      ::munmap(const_cast<uint8_t *>(data_), size_);
  }
  const uint8_t *data() const { return data_; }
  uint64_t size() const { return size_; }

private:
  const uint8_t *data_;
  uint64_t size_;
};

namespace {

constexpr uint32_t kMaxDims = 4; // GGML_MAX_DIMS

struct TypeRow {
  uint32_t id;
  GgmlTypeTraits traits;
};

// ggml's type table (ggml.c type_traits / gguf-py GGML_QUANT_SIZES).
constexpr TypeRow kTypes[] = {
    {0, {"F32", 1, 4}},         {1, {"F16", 1, 2}},
    {2, {"Q4_0", 32, 18}},      {3, {"Q4_1", 32, 20}},
    {6, {"Q5_0", 32, 22}},      {7, {"Q5_1", 32, 24}},
    {8, {"Q8_0", 32, 34}},      {9, {"Q8_1", 32, 40}},
    {10, {"Q2_K", 256, 84}},    {11, {"Q3_K", 256, 110}},
    {12, {"Q4_K", 256, 144}},   {13, {"Q5_K", 256, 176}},
    {14, {"Q6_K", 256, 210}},   {15, {"Q8_K", 256, 292}},
    {16, {"IQ2_XXS", 256, 66}}, {17, {"IQ2_XS", 256, 74}},
    {18, {"IQ3_XXS", 256, 98}}, {19, {"IQ1_S", 256, 50}},
    {20, {"IQ4_NL", 32, 18}},   {21, {"IQ3_S", 256, 110}},
    {22, {"IQ2_S", 256, 82}},   {23, {"IQ4_XS", 256, 136}},
    {24, {"I8", 1, 1}},         {25, {"I16", 1, 2}},
    {26, {"I32", 1, 4}},        {27, {"I64", 1, 8}},
    {28, {"F64", 1, 8}},        {29, {"IQ1_M", 256, 56}},
    {30, {"BF16", 1, 2}},       {34, {"TQ1_0", 256, 54}},
    {35, {"TQ2_0", 256, 66}},   {39, {"MXFP4", 32, 17}},
};

/// Bounds-checked little-endian reads over the mapping. The first failure
/// sets `err` and every later read fails too.
class Cursor {
public:
  Cursor(const uint8_t *data, uint64_t size) : data_(data), size_(size) {}

  uint64_t pos() const { return pos_; }
  uint64_t left() const { return size_ - pos_; }
  bool ok() const { return err_.empty(); }
  const std::string &error() const { return err_; }
  void fail(std::string what) {
    if (err_.empty())
      err_ = std::move(what);
  }

  template <class T> T read(const char *what) {
    T v{};
    if (!ok())
      return v;
    if (left() < sizeof(T)) {
      fail(fmt::format("truncated: {} at byte {} runs past the end of the "
                       "file ({} bytes)",
                       what, pos_, size_));
      return v;
    }
    std::memcpy(&v, data_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }

  std::string readString(const char *what) {
    uint64_t n = read<uint64_t>(what);
    if (!ok())
      return {};
    if (n > left()) {
      fail(fmt::format("truncated: {} at byte {} is {} bytes long, past the "
                       "end of the file ({} bytes)",
                       what, pos_ - 8, n, size_));
      return {};
    }
    std::string s(reinterpret_cast<const char *>(data_ + pos_), n);
    pos_ += n;
    return s;
  }

private:
  const uint8_t *data_;
  uint64_t size_;
  uint64_t pos_ = 0;
  std::string err_;
};

/// Smallest encoded size of one value of `type` (a string is at least its
/// length field), used to reject absurd array counts before allocating.
uint64_t minEncodedSize(GgufType type) {
  switch (type) {
  case GgufType::Uint8:
  case GgufType::Int8:
  case GgufType::Bool:
    return 1;
  case GgufType::Uint16:
  case GgufType::Int16:
    return 2;
  case GgufType::Uint32:
  case GgufType::Int32:
  case GgufType::Float32:
    return 4;
  case GgufType::Array:
    return 12;
  default:
    return 8;
  }
}

bool isValueType(uint32_t t) { return t <= uint32_t(GgufType::Float64); }

GgufValue readValue(Cursor &c, GgufType type, const std::string &key,
                    int depth) {
  switch (type) {
  case GgufType::Uint8:
    return {type, uint64_t(c.read<uint8_t>("a uint8 value"))};
  case GgufType::Int8:
    return {type, int64_t(c.read<int8_t>("an int8 value"))};
  case GgufType::Uint16:
    return {type, uint64_t(c.read<uint16_t>("a uint16 value"))};
  case GgufType::Int16:
    return {type, int64_t(c.read<int16_t>("an int16 value"))};
  case GgufType::Uint32:
    return {type, uint64_t(c.read<uint32_t>("a uint32 value"))};
  case GgufType::Int32:
    return {type, int64_t(c.read<int32_t>("an int32 value"))};
  case GgufType::Uint64:
    return {type, c.read<uint64_t>("a uint64 value")};
  case GgufType::Int64:
    return {type, c.read<int64_t>("an int64 value")};
  case GgufType::Float32:
    return {type, double(c.read<float>("a float32 value"))};
  case GgufType::Float64:
    return {type, c.read<double>("a float64 value")};
  case GgufType::Bool: {
    uint8_t b = c.read<uint8_t>("a bool value");
    if (c.ok() && b > 1)
      c.fail(fmt::format("metadata '{}': bool byte is {}, not 0 or 1",
                         ggufPrintable(key), b));
    return GgufValue(b != 0);
  }
  case GgufType::String:
    return GgufValue(c.readString("a string value"));
  case GgufType::Array: {
    uint32_t elem = c.read<uint32_t>("an array type");
    uint64_t n = c.read<uint64_t>("an array length");
    if (!c.ok())
      return {};
    if (!isValueType(elem)) {
      c.fail(fmt::format("metadata '{}': unknown array element type {}",
                         ggufPrintable(key), elem));
      return {};
    }
    if (GgufType(elem) == GgufType::Array && depth > 8) {
      c.fail(fmt::format("metadata '{}': arrays nested too deep",
                         ggufPrintable(key)));
      return {};
    }
    if (n > c.left() / minEncodedSize(GgufType(elem))) {
      c.fail(fmt::format("truncated: metadata '{}' is an array of {} values, "
                         "more than the {} bytes left in the file hold",
                         ggufPrintable(key), n, c.left()));
      return {};
    }
    GgufValue::Array items;
    items.reserve(n);
    for (uint64_t i = 0; i < n && c.ok(); ++i)
      items.push_back(readValue(c, GgufType(elem), key, depth + 1));
    return GgufValue(GgufType(elem), std::move(items));
  }
  }
  c.fail(fmt::format("metadata '{}': unknown value type {}", ggufPrintable(key),
                     uint32_t(type)));
  return {};
}

bool mulOverflows(uint64_t a, uint64_t b, uint64_t &out) {
  return __builtin_mul_overflow(a, b, &out);
}

/// Opens and maps `path`; the mapping is null for an empty file.
Expected<std::shared_ptr<const GgufMapping>> mapFile(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Error{
        fmt::format("{}: cannot open: {}", path, std::strerror(errno))};
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return Error{fmt::format("{}: cannot stat: {}", path, std::strerror(e))};
  }
  uint64_t size = uint64_t(st.st_size);
  if (size == 0) {
    ::close(fd);
    return std::make_shared<const GgufMapping>(nullptr, 0);
  }
  void *p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  int e = errno;
  ::close(fd);
  if (p == MAP_FAILED)
    return Error{fmt::format("{}: cannot mmap: {}", path, std::strerror(e))};
  return std::make_shared<const GgufMapping>(static_cast<const uint8_t *>(p),
                                             size);
}

} // namespace

//===----------------------------------------------------------------------===//
// Types and values
//===----------------------------------------------------------------------===//

std::string ggufPrintable(const std::string &s) {
  constexpr size_t kMax = 80;
  std::string out;
  for (unsigned char ch : s) {
    if (out.size() >= kMax)
      return out + "...";
    if (ch < 0x20 || ch >= 0x7F)
      out += fmt::format("\\x{:02x}", ch);
    else
      out += char(ch);
  }
  return out;
}

const char *ggufTypeName(GgufType type) {
  static const char *const names[] = {
      "uint8", "int8",   "uint16", "int16",  "uint32", "int32",  "float32",
      "bool",  "string", "array",  "uint64", "int64",  "float64"};
  uint32_t i = uint32_t(type);
  return i < sizeof(names) / sizeof(names[0]) ? names[i] : "unknown";
}

std::optional<GgmlTypeTraits> ggmlTypeTraits(uint32_t id) {
  for (const TypeRow &row : kTypes)
    if (row.id == id)
      return row.traits;
  return std::nullopt;
}

std::optional<uint64_t> GgufValue::asUint() const {
  if (auto *u = std::get_if<uint64_t>(&v_))
    return *u;
  if (auto *i = std::get_if<int64_t>(&v_); i && *i >= 0)
    return uint64_t(*i);
  return std::nullopt;
}

std::optional<int64_t> GgufValue::asInt() const {
  if (auto *i = std::get_if<int64_t>(&v_))
    return *i;
  if (auto *u = std::get_if<uint64_t>(&v_);
      u && *u <= uint64_t(std::numeric_limits<int64_t>::max()))
    return int64_t(*u);
  return std::nullopt;
}

std::optional<double> GgufValue::asFloat() const {
  if (auto *d = std::get_if<double>(&v_))
    return *d;
  return std::nullopt;
}

std::optional<bool> GgufValue::asBool() const {
  if (auto *b = std::get_if<bool>(&v_))
    return *b;
  return std::nullopt;
}

std::string GgufValue::typeName() const {
  if (isArray())
    return fmt::format("array[{}]", ggufTypeName(elemType_));
  return ggufTypeName(type_);
}

uint64_t GgufTensorInfo::numElements() const {
  uint64_t n = 1;
  for (uint64_t d : dims)
    n *= d;
  return n;
}

std::vector<int64_t> GgufTensorInfo::shape() const {
  return std::vector<int64_t>(dims.rbegin(), dims.rend());
}

uint64_t GgufTensorInfo::numRows() const {
  uint64_t r = rowElems();
  return r == 0 ? 0 : numElements() / r;
}

//===----------------------------------------------------------------------===//
// GgufFile accessors
//===----------------------------------------------------------------------===//

uint64_t GgufFile::fileSize() const { return map_ ? map_->size() : 0; }

const GgufValue *GgufFile::find(const std::string &key) const {
  auto it = keyIndex_.find(key);
  return it == keyIndex_.end() ? nullptr : &metadata_[it->second].second;
}

Error GgufFile::error(const std::string &key, const GgufValue *v,
                      const char *expected) const {
  if (!v)
    return Error{
        fmt::format("{}: metadata '{}' is missing", path_, ggufPrintable(key))};
  return Error{fmt::format("{}: metadata '{}' is {}, expected {}", path_,
                           ggufPrintable(key), v->typeName(), expected)};
}

Expected<std::string> GgufFile::getString(const std::string &key) const {
  const GgufValue *v = find(key);
  if (v && v->asString())
    return *v->asString();
  return error(key, v, "string");
}

Expected<uint64_t> GgufFile::getUint(const std::string &key) const {
  const GgufValue *v = find(key);
  if (v && v->asUint())
    return *v->asUint();
  return error(key, v, "a non-negative integer");
}

Expected<int64_t> GgufFile::getInt(const std::string &key) const {
  const GgufValue *v = find(key);
  if (v && v->asInt())
    return *v->asInt();
  return error(key, v, "an integer");
}

Expected<double> GgufFile::getFloat(const std::string &key) const {
  const GgufValue *v = find(key);
  if (v && v->asFloat())
    return *v->asFloat();
  if (v && v->asInt())
    return double(*v->asInt());
  if (v && v->asUint())
    return double(*v->asUint());
  return error(key, v, "a number");
}

Expected<bool> GgufFile::getBool(const std::string &key) const {
  const GgufValue *v = find(key);
  if (v && v->asBool())
    return *v->asBool();
  return error(key, v, "bool");
}

Expected<std::vector<std::string>>
GgufFile::getStringArray(const std::string &key) const {
  const GgufValue *v = find(key);
  if (!v || !v->isArray() || v->elemType() != GgufType::String)
    return error(key, v, "array[string]");
  std::vector<std::string> out;
  out.reserve(v->asArray()->size());
  for (const GgufValue &e : *v->asArray())
    out.push_back(*e.asString());
  return out;
}

Expected<std::vector<int64_t>>
GgufFile::getIntArray(const std::string &key) const {
  const GgufValue *v = find(key);
  if (!v || !v->isArray())
    return error(key, v, "an array of integers");
  std::vector<int64_t> out;
  out.reserve(v->asArray()->size());
  for (const GgufValue &e : *v->asArray()) {
    if (!e.asInt())
      return error(key, v, "an array of integers");
    out.push_back(*e.asInt());
  }
  return out;
}

Expected<const GgufValue::Array *>
GgufFile::getArray(const std::string &key) const {
  const GgufValue *v = find(key);
  if (v && v->isArray())
    return v->asArray();
  return error(key, v, "an array");
}

const GgufTensorInfo *GgufFile::tensor(const std::string &name) const {
  auto it = tensorIndex_.find(name);
  return it == tensorIndex_.end() ? nullptr : &tensors_[it->second];
}

const uint8_t *GgufFile::tensorData(const GgufTensorInfo &t) const {
  return map_->data() + dataOffset_ + t.offset;
}

//===----------------------------------------------------------------------===//
// openGguf
//===----------------------------------------------------------------------===//

Expected<GgufFile> openGguf(const std::string &path) {
  auto mapped = mapFile(path);
  if (!mapped)
    return Error{mapped.error()};
  GgufFile f;
  f.path_ = path;
  f.map_ = *mapped;
  auto fail = [&](const std::string &what) {
    return Error{fmt::format("{}: {}", path, what)};
  };

  uint64_t size = f.map_->size();
  if (size < 4 || std::memcmp(f.map_->data(), "GGUF", 4) != 0)
    return fail("not a GGUF file (bad magic, expected \"GGUF\")");
  Cursor c(f.map_->data(), size);
  c.read<uint32_t>("the magic");
  f.version_ = c.read<uint32_t>("the version");
  if (c.ok() && f.version_ != 2 && f.version_ != 3)
    return fail(fmt::format("unsupported GGUF version {} (this reader takes "
                            "versions 2 and 3, little-endian)",
                            f.version_));
  uint64_t numTensors = c.read<uint64_t>("the tensor count");
  uint64_t numKv = c.read<uint64_t>("the metadata count");
  if (!c.ok())
    return fail(c.error());

  // Metadata. A key/value needs at least 8 + 4 + 1 bytes.
  if (numKv > c.left() / 13)
    return fail(fmt::format("truncated: header claims {} metadata entries, "
                            "more than the file holds",
                            numKv));
  f.metadata_.reserve(numKv);
  for (uint64_t i = 0; i < numKv && c.ok(); ++i) {
    std::string key = c.readString("a metadata key");
    uint32_t type = c.read<uint32_t>("a metadata type");
    if (!c.ok())
      break;
    if (!isValueType(type))
      return fail(fmt::format("metadata '{}' has unknown value type {}",
                              ggufPrintable(key), type));
    GgufValue v = readValue(c, GgufType(type), key, 0);
    if (!c.ok())
      break;
    if (f.keyIndex_.count(key))
      return fail(
          fmt::format("metadata '{}' appears twice", ggufPrintable(key)));
    f.keyIndex_.emplace(key, f.metadata_.size());
    f.metadata_.emplace_back(std::move(key), std::move(v));
  }
  if (!c.ok())
    return fail(c.error());

  if (const GgufValue *a = f.find("general.alignment")) {
    auto al = a->asUint();
    if (!al || *al == 0 || (*al & (*al - 1)) != 0)
      return fail("general.alignment must be a power of two");
    f.alignment_ = *al;
  }

  // Tensor infos. Each needs at least 8 + 4 + 4 + 8 bytes.
  if (numTensors > c.left() / 24)
    return fail(fmt::format("truncated: header claims {} tensors, more than "
                            "the file holds",
                            numTensors));
  f.tensors_.reserve(numTensors);
  for (uint64_t i = 0; i < numTensors; ++i) {
    GgufTensorInfo t;
    t.name = c.readString("a tensor name");
    uint32_t nDims = c.read<uint32_t>("a tensor's dimension count");
    if (c.ok() && nDims > kMaxDims)
      return fail(fmt::format("tensor '{}' has {} dimensions, more than {}",
                              ggufPrintable(t.name), nDims, kMaxDims));
    for (uint32_t d = 0; d < nDims && c.ok(); ++d)
      t.dims.push_back(c.read<uint64_t>("a tensor dimension"));
    uint32_t type = c.read<uint32_t>("a tensor type");
    t.offset = c.read<uint64_t>("a tensor offset");
    if (!c.ok())
      return fail(c.error());
    auto traits = ggmlTypeTraits(type);
    if (!traits)
      return fail(fmt::format("tensor '{}' has unknown ggml type {}",
                              ggufPrintable(t.name), type));
    t.type = GgmlType(type);
    uint64_t n = 1;
    for (uint64_t d : t.dims)
      if (mulOverflows(n, d, n))
        return fail(fmt::format("tensor '{}': element count overflows",
                                ggufPrintable(t.name)));
    if (t.rowElems() % traits->blockElems != 0)
      return fail(fmt::format("tensor '{}': row of {} elements is not a "
                              "multiple of the {} block size {}",
                              ggufPrintable(t.name), t.rowElems(), traits->name,
                              traits->blockElems));
    if (mulOverflows(n / traits->blockElems, traits->blockBytes, t.nbytes))
      return fail(fmt::format("tensor '{}': byte size overflows",
                              ggufPrintable(t.name)));
    if (t.offset % f.alignment_ != 0)
      return fail(fmt::format("tensor '{}': offset {} is not a multiple of "
                              "the alignment {}",
                              ggufPrintable(t.name), t.offset, f.alignment_));
    if (f.tensorIndex_.count(t.name))
      return fail(
          fmt::format("tensor '{}' appears twice", ggufPrintable(t.name)));
    f.tensorIndex_.emplace(t.name, f.tensors_.size());
    f.tensors_.push_back(std::move(t));
  }

  uint64_t a = f.alignment_;
  f.dataOffset_ = (c.pos() + a - 1) / a * a;
  for (const GgufTensorInfo &t : f.tensors_) {
    uint64_t end;
    if (__builtin_add_overflow(f.dataOffset_, t.offset, &end) ||
        __builtin_add_overflow(end, t.nbytes, &end) || end > size)
      return fail(fmt::format(
          "tensor '{}' ({} bytes at data offset {}) ends past the end of the "
          "file ({} bytes): the file is truncated or the offset is wrong",
          ggufPrintable(t.name), t.nbytes, t.offset, size));
  }
  return f;
}

} // namespace r1fmt
