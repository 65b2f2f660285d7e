//===- TensorBoard.h - Scalars as TensorBoard event files -------*- C++ -*-===//
//
// Writes `events.out.tfevents.*` files that TensorBoard reads: TFRecord
// framing (length, masked CRC-32C of the length, payload, masked CRC-32C of
// the payload) around `tensorflow.Event` protocol buffers holding scalar
// `Summary.Value`s. The few protobuf fields needed are encoded by hand.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_METRICS_TENSORBOARD_H
#define R1RT_METRICS_TENSORBOARD_H

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

namespace r1rt {

/// CRC-32C (Castagnoli) of a byte range.
uint32_t crc32c(const void *data, size_t size);

/// Appends scalar events to one TensorBoard event file in `logDir`.
class TensorBoardWriter {
public:
  /// Creates logDir and a new event file in it, named after the wall time and
  /// the host as TensorBoard expects.
  explicit TensorBoardWriter(const std::string &logDir);
  ~TensorBoardWriter();
  TensorBoardWriter(const TensorBoardWriter &) = delete;
  TensorBoardWriter &operator=(const TensorBoardWriter &) = delete;

  /// Writes one event with a scalar value per tag at `step`.
  void addScalars(int64_t step, const std::map<std::string, double> &scalars);
  void flush();
  const std::string &path() const { return path_; }

private:
  void writeRecord(const std::string &payload);

  std::string path_;
  std::FILE *file_ = nullptr;
};

} // namespace r1rt

#endif // R1RT_METRICS_TENSORBOARD_H
