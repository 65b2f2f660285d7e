//===- ArtifactStore.h - Content-addressed stage artifacts ------*- C++ -*-===//
//
// Each stage of a plan writes into runs/<pipeline>/<stage>-<key>/, where <key>
// is the stage's artifact key from the compiler (a Merkle hash over its op,
// attributes and input keys). A directory holds:
//   manifest.json   key, kind, inputs, config, status, metrics summary, and a
//                   SHA-1 checksum of every committed file
//   <files>         checkpoints (safetensors), datasets (JSONL), metrics
//   steps/step-N/   in-progress checkpoints of a running stage
// A stage whose manifest says "complete" and whose files verify is reused; a
// stage that was killed resumes from its newest complete step directory.
// The store knows nothing about models or datasets: it moves bytes.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_STORE_ARTIFACTSTORE_H
#define R1RT_STORE_ARTIFACTSTORE_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace r1rt {

/// SHA-1 of a byte string, as 40 lowercase hex digits.
std::string sha1Hex(const std::string &bytes);

/// One stage's directory in the store.
class StageArtifact {
public:
  StageArtifact(std::string dir, std::string stage, std::string key);

  const std::string &dir() const { return dir_; }
  const std::string &stage() const { return stage_; }
  const std::string &key() const { return key_; }
  /// Absolute path of a file inside the stage directory.
  std::string path(const std::string &relPath) const;

  /// True when manifest.json says "complete" (checksums not yet verified).
  bool isComplete() const;
  /// Verifies every committed file against its manifest checksum. Throws
  /// r1rt::Error naming the file and the fix when one is missing or corrupt.
  void verify() const;

  /// Starts (or restarts) the stage: creates the directory and writes a
  /// "running" manifest carrying `info` (kind, inputs, config). Committed
  /// files and step checkpoints of an earlier attempt are kept.
  void begin(const nlohmann::json &info);
  /// Writes a file atomically and records its checksum in the manifest.
  void commitFile(const std::string &relPath, const std::string &bytes);
  /// Reads a committed file and checks it against its recorded checksum.
  std::string readCommitted(const std::string &relPath) const;
  /// Marks the stage complete with a summary of its metrics; removes steps/.
  void complete(const nlohmann::json &summary);
  /// The manifest as stored (empty object when there is none).
  nlohmann::json manifest() const;

  /// Publishes a step checkpoint: the files are written into a temporary
  /// directory that is renamed to steps/step-<N> once all are durable, so a
  /// step directory is either whole or absent. Keeps the newest `keep` steps.
  void writeStep(int64_t step,
                 const std::vector<std::pair<std::string, std::string>> &files,
                 int keep = 2);
  /// The newest complete step checkpoint, if any.
  std::optional<int64_t> latestStep() const;
  /// Path of a file inside a step checkpoint.
  std::string stepPath(int64_t step, const std::string &relPath) const;
  /// Reads a file of a step checkpoint, checked against the step's index.
  std::string readStep(int64_t step, const std::string &relPath) const;

private:
  void writeManifest(const nlohmann::json &m) const;

  std::string dir_, stage_, key_;
};

/// The store root for one pipeline: runs/<pipeline>/.
class ArtifactStore {
public:
  ArtifactStore(std::string root, std::string pipeline);

  /// The directory for a stage with the given artifact key. Keys are
  /// hex strings from the compiler; stage names are identifiers.
  StageArtifact stage(const std::string &name, const std::string &key) const;
  const std::string &root() const { return root_; }

private:
  std::string root_;
};

} // namespace r1rt

#endif // R1RT_STORE_ARTIFACTSTORE_H
