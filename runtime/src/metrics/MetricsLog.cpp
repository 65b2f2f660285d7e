//===- MetricsLog.cpp - Per-step metrics as JSON lines --------------------===//

#include "r1rt/metrics/MetricsLog.h"
#include "r1rt/AtomicFile.h"
#include "r1rt/Error.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <unistd.h>

using nlohmann::json;
namespace fs = std::filesystem;

namespace r1rt {

MetricsLog::MetricsLog(std::string path, int64_t resumeStep)
    : path_(std::move(path)) {
  std::string kept;
  std::error_code ec;
  if (resumeStep >= 0 && fs::exists(path_, ec)) {
    std::istringstream in(readFile(path_));
    std::string line;
    while (std::getline(in, line)) {
      json rec = json::parse(line, nullptr, /*allow_exceptions=*/false);
      // A torn last line (killed mid-write) is dropped like a future step.
      if (rec.is_discarded() || !rec.is_object() || !rec.contains("step") ||
          !rec["step"].is_number_integer() ||
          rec["step"].get<int64_t>() > resumeStep)
        continue;
      kept += line;
      kept += '\n';
    }
  }
  if (!path_.empty() && fs::path(path_).has_parent_path())
    fs::create_directories(fs::path(path_).parent_path());
  writeFileAtomic(path_, kept);
  file_ = std::fopen(path_.c_str(), "ab");
  if (!file_)
    fail("cannot open metrics file '{}': {}", path_, std::strerror(errno));
}

MetricsLog::~MetricsLog() {
  if (file_)
    std::fclose(file_);
}

void MetricsLog::append(const json &record) {
  if (!record.is_object() || !record.contains("step") ||
      !record["step"].is_number_integer())
    fail("metrics record for '{}' has no integer \"step\": {}", path_,
         record.dump());
  std::string line = record.dump() + "\n";
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size())
    fail("cannot append to metrics file '{}': {}", path_, std::strerror(errno));
}

void MetricsLog::sync() {
  if (std::fflush(file_) != 0 || ::fsync(fileno(file_)) != 0)
    fail("cannot flush metrics file '{}': {}", path_, std::strerror(errno));
}

std::vector<json> MetricsLog::read(const std::string &path) {
  std::istringstream in(readFile(path));
  std::vector<json> out;
  std::string line;
  for (int lineNo = 1; std::getline(in, line); ++lineNo) {
    json rec = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (rec.is_discarded() || !rec.is_object())
      fail("{}:{}: metrics line is not a JSON object", path, lineNo);
    out.push_back(std::move(rec));
  }
  return out;
}

} // namespace r1rt
