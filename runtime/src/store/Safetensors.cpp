//===- Safetensors.cpp - Safetensors reader and writer --------------------===//

#include "r1rt/store/Safetensors.h"

#include "r1rt/AtomicFile.h"
#include "r1rt/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>

namespace r1rt {

namespace {

using json = nlohmann::json;

struct DtypeInfo {
  const char *name;
  torch::ScalarType type;
  int64_t size;
};

const DtypeInfo kDtypes[] = {
    {"F64", torch::kFloat64, 8}, {"F32", torch::kFloat32, 4},
    {"F16", torch::kFloat16, 2}, {"BF16", torch::kBFloat16, 2},
    {"I64", torch::kInt64, 8},   {"I32", torch::kInt32, 4},
    {"I16", torch::kInt16, 2},   {"I8", torch::kInt8, 1},
    {"U8", torch::kUInt8, 1},    {"BOOL", torch::kBool, 1},
};

const DtypeInfo *byType(torch::ScalarType t) {
  for (const DtypeInfo &d : kDtypes)
    if (d.type == t)
      return &d;
  return nullptr;
}

const DtypeInfo *byName(const std::string &n) {
  for (const DtypeInfo &d : kDtypes)
    if (n == d.name)
      return &d;
  return nullptr;
}

} // namespace

const torch::Tensor &SafetensorsFile::at(const std::string &name) const {
  for (const auto &[n, t] : tensors)
    if (n == name)
      return t;
  fail("safetensors: no tensor named '{}' in the file; check the checkpoint "
       "matches the model",
       name);
}

std::map<std::string, torch::Tensor> SafetensorsFile::toMap() const {
  return {tensors.begin(), tensors.end()};
}

std::string
serializeSafetensors(const std::map<std::string, torch::Tensor> &tensors,
                     const std::map<std::string, std::string> &metadata) {
  json header = json::object();
  if (!metadata.empty())
    header["__metadata__"] = metadata;
  std::vector<torch::Tensor> data;
  int64_t offset = 0;
  for (const auto &[name, t] : tensors) {
    if (name == "__metadata__")
      fail("safetensors: a tensor may not be named '__metadata__'; rename it");
    const DtypeInfo *d = byType(t.scalar_type());
    if (!d)
      fail("safetensors: tensor '{}' has unsupported dtype {}; convert it to "
           "F32/F16/BF16/I64 first",
           name, c10::toString(t.scalar_type()));
    torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
    int64_t bytes = c.numel() * d->size;
    header[name] = {{"dtype", d->name},
                    {"shape", c.sizes().vec()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    data.push_back(c);
  }
  std::string h = header.dump();
  h.append((8 - (8 + h.size()) % 8) % 8, ' ');
  std::string out(8, '\0');
  uint64_t n = h.size();
  for (int i = 0; i < 8; ++i)
    out[i] = char((n >> (8 * i)) & 0xff);
  out += h;
  out.reserve(out.size() + offset);
  for (const torch::Tensor &c : data)
    out.append(static_cast<const char *>(c.data_ptr()),
               c.numel() * c.element_size());
  return out;
}

void saveSafetensors(const std::string &path,
                     const std::map<std::string, torch::Tensor> &tensors,
                     const std::map<std::string, std::string> &metadata) {
  std::string bytes = serializeSafetensors(tensors, metadata);
  writeFileAtomic(path, bytes.data(), bytes.size());
}

SafetensorsFile parseSafetensors(std::string_view bytes,
                                 const std::string &where) {
  if (bytes.size() < 8)
    fail("{}: truncated safetensors file ({} bytes, the 8-byte header length "
         "is missing); re-save the checkpoint",
         where, bytes.size());
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i)
    n |= uint64_t(static_cast<unsigned char>(bytes[i])) << (8 * i);
  if (n > bytes.size() - 8)
    fail("{}: truncated safetensors file: header says {} bytes of JSON but "
         "only {} follow; re-save the checkpoint",
         where, n, bytes.size() - 8);
  json header =
      json::parse(bytes.substr(8, n), nullptr, /*allow_exceptions=*/false);
  if (header.is_discarded() || !header.is_object())
    fail("{}: corrupt safetensors header: not a JSON object; re-save the "
         "checkpoint",
         where);
  const std::string_view buffer = bytes.substr(8 + n);
  SafetensorsFile file;
  struct Span {
    uint64_t begin, end;
    std::string name;
  };
  std::vector<Span> spans;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string &name = it.key();
    const json &e = it.value();
    if (name == "__metadata__") {
      if (!e.is_object())
        fail("{}: __metadata__ must be an object of strings", where);
      for (auto m = e.begin(); m != e.end(); ++m) {
        if (!m.value().is_string())
          fail("{}: __metadata__ entry '{}' is not a string", where, m.key());
        file.metadata[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    auto bad = [&](const std::string &what) {
      fail("{}: tensor '{}': {}; the file is corrupt or was written by an "
           "incompatible tool",
           where, name, what);
    };
    if (!e.is_object() || !e.contains("dtype") || !e.contains("shape") ||
        !e.contains("data_offsets"))
      bad("entry needs dtype, shape and data_offsets");
    if (!e["dtype"].is_string())
      bad("dtype is not a string");
    const DtypeInfo *d = byName(e["dtype"].get<std::string>());
    if (!d)
      bad(fmt::format("unsupported dtype {}", e["dtype"].dump()));
    std::vector<int64_t> shape;
    if (!e["shape"].is_array())
      bad("shape is not an array");
    int64_t numel = 1;
    for (const json &s : e["shape"]) {
      if (!s.is_number_unsigned())
        bad(fmt::format("shape {} has a non-integer or negative entry",
                        e["shape"].dump()));
      shape.push_back(s.get<int64_t>());
      numel *= shape.back();
    }
    const json &o = e["data_offsets"];
    if (!o.is_array() || o.size() != 2 || !o[0].is_number_unsigned() ||
        !o[1].is_number_unsigned())
      bad("data_offsets must be [begin, end]");
    uint64_t begin = o[0].get<uint64_t>(), end = o[1].get<uint64_t>();
    if (begin > end)
      bad(fmt::format("data_offsets [{}, {}] are reversed", begin, end));
    if (end > buffer.size())
      bad(fmt::format("data ends at byte {} but the data section holds only "
                      "{} bytes (truncated file)",
                      end, buffer.size()));
    if (end - begin != uint64_t(numel * d->size))
      bad(fmt::format("shape {} of {} needs {} bytes but data_offsets span {}",
                      e["shape"].dump(), d->name, numel * d->size,
                      end - begin));
    torch::Tensor t =
        torch::empty(shape, torch::TensorOptions().dtype(d->type));
    if (end > begin)
      std::memcpy(t.data_ptr(), buffer.data() + begin, end - begin);
    file.tensors.emplace_back(name, t);
    spans.push_back({begin, end, name});
  }
  std::sort(spans.begin(), spans.end(), [](const Span &a, const Span &b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t cursor = 0;
  for (const Span &s : spans) {
    if (s.begin != cursor)
      fail("{}: tensor '{}': data starts at byte {} but the previous tensor "
           "ends at {} ({}); the file is corrupt",
           where, s.name, s.begin, cursor,
           s.begin < cursor ? "overlap" : "hole");
    cursor = s.end;
  }
  if (cursor != buffer.size())
    fail("{}: {} trailing bytes after the last tensor; the file is corrupt",
         where, buffer.size() - cursor);
  // File order = data order.
  std::map<std::string, size_t> rank;
  for (size_t i = 0; i < spans.size(); ++i)
    rank[spans[i].name] = i;
  std::sort(file.tensors.begin(), file.tensors.end(),
            [&](const auto &a, const auto &b) {
              return rank[a.first] < rank[b.first];
            });
  return file;
}

SafetensorsFile loadSafetensors(const std::string &path) {
  std::string bytes = readFile(path);
  return parseSafetensors(bytes, path);
}

} // namespace r1rt
