//===- TensorBoard.cpp - Scalar summaries as TensorBoard event files ------===//

#include "r1rt/metrics/TensorBoard.h"
#include "r1rt/Error.h"

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;

namespace r1rt {

namespace {

std::array<uint32_t, 256> makeCrc32cTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    table[i] = c;
  }
  return table;
}

/// TFRecord's masking, so that CRCs of CRCs stay well distributed.
uint32_t maskedCrc(const std::string &bytes) {
  uint32_t crc = crc32c(bytes.data(), bytes.size());
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

// Protocol-buffer wire encoding for the fields we emit.
void putVarint(std::string &out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
void putTag(std::string &out, int field, int wireType) {
  putVarint(out, (static_cast<uint64_t>(field) << 3) | wireType);
}
void putFixed(std::string &out, const void *p, size_t n) {
  out.append(static_cast<const char *>(p), n); // little-endian host
}
void putBytes(std::string &out, int field, const std::string &bytes) {
  putTag(out, field, 2);
  putVarint(out, bytes.size());
  out += bytes;
}

/// tensorflow.Event { double wall_time = 1; int64 step = 2; ... }
std::string eventHeader(int64_t step) {
  std::string ev;
  double wall = std::chrono::duration<double>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  putTag(ev, 1, 1);
  putFixed(ev, &wall, 8);
  putTag(ev, 2, 0);
  putVarint(ev, static_cast<uint64_t>(step));
  return ev;
}

} // namespace

uint32_t crc32c(const void *data, size_t size) {
  static const std::array<uint32_t, 256> table = makeCrc32cTable();
  const auto *p = static_cast<const unsigned char *>(data);
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < size; ++i)
    crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

TensorBoardWriter::TensorBoardWriter(const std::string &logDir) {
  fs::create_directories(logDir);
  char host[256] = "localhost";
  ::gethostname(host, sizeof(host) - 1);
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  path_ = (fs::path(logDir) /
           fmt::format("events.out.tfevents.{}.{}.{}", now, host, ::getpid()))
              .string();
  file_ = std::fopen(path_.c_str(), "wb");
  if (!file_)
    fail("cannot create TensorBoard event file '{}': {}", path_,
         std::strerror(errno));
  // The first event names the file format version.
  std::string ev = eventHeader(0);
  putBytes(ev, 3, "brain.Event:2");
  writeRecord(ev);
}

TensorBoardWriter::~TensorBoardWriter() {
  if (file_)
    std::fclose(file_);
}

void TensorBoardWriter::addScalars(
    int64_t step, const std::map<std::string, double> &scalars) {
  // Summary { repeated Value value = 1; }
  // Value { string tag = 1; float simple_value = 2; }
  std::string summary;
  for (const auto &[tag, value] : scalars) {
    std::string v;
    putBytes(v, 1, tag);
    float f = static_cast<float>(value);
    putTag(v, 2, 5);
    putFixed(v, &f, 4);
    putBytes(summary, 1, v);
  }
  std::string ev = eventHeader(step);
  putBytes(ev, 5, summary); // Event.summary = 5
  writeRecord(ev);
}

void TensorBoardWriter::writeRecord(const std::string &payload) {
  std::string len(8, '\0');
  uint64_t n = payload.size();
  std::memcpy(len.data(), &n, 8);
  uint32_t lenCrc = maskedCrc(len), dataCrc = maskedCrc(payload);
  std::string rec = len;
  rec.append(reinterpret_cast<const char *>(&lenCrc), 4);
  rec += payload;
  rec.append(reinterpret_cast<const char *>(&dataCrc), 4);
  if (std::fwrite(rec.data(), 1, rec.size(), file_) != rec.size())
    fail("cannot write TensorBoard event file '{}': {}", path_,
         std::strerror(errno));
}

void TensorBoardWriter::flush() { std::fflush(file_); }

} // namespace r1rt
