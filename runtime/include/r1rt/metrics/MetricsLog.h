//===- MetricsLog.h - Per-step metrics as JSON lines ------------*- C++ -*-===//
//
// A stage appends one JSON object per step to metrics.jsonl. Each line is
// flushed and fsynced before the step's checkpoint is published, and a
// resumed stage first drops the lines past its checkpoint, so a killed and
// resumed run ends with exactly the lines of an uninterrupted one.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_METRICS_METRICSLOG_H
#define R1RT_METRICS_METRICSLOG_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace r1rt {

/// Appends per-step metrics to a JSONL file.
class MetricsLog {
public:
  /// Opens `path` for appending. When `resumeStep` is given, lines whose
  /// "step" is greater than it (or torn, unparsable lines) are dropped first;
  /// with -1 the file starts empty.
  MetricsLog(std::string path, int64_t resumeStep);
  ~MetricsLog();
  MetricsLog(const MetricsLog &) = delete;
  MetricsLog &operator=(const MetricsLog &) = delete;

  /// Appends one record; it must carry an integer "step".
  void append(const nlohmann::json &record);
  /// Flushes and fsyncs what was appended.
  void sync();
  const std::string &path() const { return path_; }

  /// Reads every record of a metrics file. Throws r1rt::Error naming the file
  /// and line when a line is not a JSON object.
  static std::vector<nlohmann::json> read(const std::string &path);

private:
  std::string path_;
  std::FILE *file_ = nullptr;
};

} // namespace r1rt

#endif // R1RT_METRICS_METRICSLOG_H
