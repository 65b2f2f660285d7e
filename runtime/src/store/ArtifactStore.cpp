//===- ArtifactStore.cpp - Content-addressed, resumable stage artifacts ---===//

#include "r1rt/store/ArtifactStore.h"
#include "r1rt/AtomicFile.h"
#include "r1rt/Error.h"

#include <c10/util/hash.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <regex>

namespace fs = std::filesystem;
using nlohmann::json;

namespace r1rt {

namespace {
constexpr int kManifestVersion = 1;
constexpr const char *kManifest = "manifest.json";

bool isIdentifier(const std::string &s) {
  static const std::regex re("[A-Za-z_][A-Za-z0-9_]*");
  return std::regex_match(s, re);
}

/// A relative path that stays inside the stage directory.
void checkRelPath(const std::string &rel) {
  fs::path p(rel);
  if (rel.empty() || p.is_absolute())
    fail("artifact path '{}' must be a non-empty relative path", rel);
  for (const auto &part : p)
    if (part == "..")
      fail("artifact path '{}' must not contain '..'", rel);
}

std::string stepDirName(int64_t step) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "step-%09lld", static_cast<long long>(step));
  return buf;
}
} // namespace

std::string sha1Hex(const std::string &bytes) {
  // c10::sha1 leaves its state unset for empty input.
  if (bytes.empty())
    return "da39a3ee5e6b4b0d3255bfef95601890afd80709";
  return c10::sha1(bytes).str();
}

StageArtifact::StageArtifact(std::string dir, std::string stage,
                             std::string key)
    : dir_(std::move(dir)), stage_(std::move(stage)), key_(std::move(key)) {}

std::string StageArtifact::path(const std::string &relPath) const {
  checkRelPath(relPath);
  return (fs::path(dir_) / relPath).string();
}

json StageArtifact::manifest() const {
  std::string file = (fs::path(dir_) / kManifest).string();
  std::error_code ec;
  if (!fs::exists(file, ec))
    return json::object();
  json m = json::parse(readFile(file), nullptr, /*allow_exceptions=*/false);
  if (m.is_discarded() || !m.is_object())
    fail("corrupt manifest '{}': not a JSON object; delete '{}' to recompute "
         "the stage",
         file, dir_);
  return m;
}

void StageArtifact::writeManifest(const json &m) const {
  writeFileAtomic((fs::path(dir_) / kManifest).string(), m.dump(2) + "\n");
}

bool StageArtifact::isComplete() const {
  json m = manifest();
  return m.value("status", "") == "complete" && m.value("key", "") == key_;
}

void StageArtifact::verify() const {
  json m = manifest();
  if (m.value("version", 0) != kManifestVersion)
    fail("manifest '{}/{}' has version {}, expected {}; delete the directory "
         "to recompute the stage",
         dir_, kManifest, m.value("version", 0), kManifestVersion);
  const json files = m.value("files", json::object());
  for (const auto &[rel, info] : files.items()) {
    std::string file = path(rel);
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
      fail("artifact '{}' of stage '{}' is missing; delete '{}' to recompute "
           "the stage",
           file, stage_, dir_);
    std::string bytes = readFile(file);
    if (bytes.size() != info.value("bytes", uint64_t(0)) ||
        sha1Hex(bytes) != info.value("sha1", ""))
      fail("artifact '{}' of stage '{}' is corrupt (size or checksum differs "
           "from its manifest); delete '{}' to recompute the stage",
           file, stage_, dir_);
  }
}

void StageArtifact::begin(const json &info) {
  if (!isIdentifier(stage_))
    fail("stage name '{}' is not an identifier", stage_);
  fs::create_directories(dir_);
  json m = manifest();
  json files = m.value("files", json::object());
  m = info.is_object() ? info : json::object();
  m["version"] = kManifestVersion;
  m["stage"] = stage_;
  m["key"] = key_;
  m["status"] = "running";
  m["files"] = files;
  writeManifest(m);
}

void StageArtifact::commitFile(const std::string &relPath,
                               const std::string &bytes) {
  std::string file = path(relPath);
  fs::create_directories(fs::path(file).parent_path());
  writeFileAtomic(file, bytes);
  json m = manifest();
  m["files"][relPath] = {{"bytes", bytes.size()}, {"sha1", sha1Hex(bytes)}};
  writeManifest(m);
}

std::string StageArtifact::readCommitted(const std::string &relPath) const {
  json m = manifest();
  const json files = m.value("files", json::object());
  if (!files.contains(relPath))
    fail("stage '{}' has no artifact '{}' in '{}'", stage_, relPath, dir_);
  std::string bytes = readFile(path(relPath));
  if (sha1Hex(bytes) != files[relPath].value("sha1", ""))
    fail("artifact '{}' of stage '{}' is corrupt (checksum differs from its "
         "manifest); delete '{}' to recompute the stage",
         path(relPath), stage_, dir_);
  return bytes;
}

void StageArtifact::complete(const json &summary) {
  json m = manifest();
  m["status"] = "complete";
  m["summary"] = summary;
  writeManifest(m);
  std::error_code ec;
  fs::remove_all(fs::path(dir_) / "steps", ec);
}

void StageArtifact::writeStep(
    int64_t step, const std::vector<std::pair<std::string, std::string>> &files,
    int keep) {
  fs::path steps = fs::path(dir_) / "steps";
  fs::path final = steps / stepDirName(step);
  fs::path tmp = steps / (".tmp-" + stepDirName(step));
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp);
  json index = json::object();
  for (const auto &[rel, bytes] : files) {
    checkRelPath(rel);
    fs::create_directories((tmp / rel).parent_path());
    writeFileAtomic((tmp / rel).string(), bytes);
    index[rel] = {{"bytes", bytes.size()}, {"sha1", sha1Hex(bytes)}};
  }
  // The index is written last: a step directory without it is incomplete.
  writeFileAtomic((tmp / "index.json").string(),
                  json{{"step", step}, {"files", index}}.dump(2));
  fs::remove_all(final, ec);
  fs::rename(tmp, final);
  // Prune older steps beyond `keep`.
  std::vector<fs::path> existing;
  for (const auto &e : fs::directory_iterator(steps))
    if (e.is_directory() && e.path().filename().string().rfind("step-", 0) == 0)
      existing.push_back(e.path());
  std::sort(existing.begin(), existing.end());
  for (size_t i = 0; i + keep < existing.size(); ++i)
    fs::remove_all(existing[i], ec);
}

std::optional<int64_t> StageArtifact::latestStep() const {
  fs::path steps = fs::path(dir_) / "steps";
  std::error_code ec;
  if (!fs::is_directory(steps, ec))
    return std::nullopt;
  std::optional<int64_t> best;
  for (const auto &e : fs::directory_iterator(steps)) {
    std::string name = e.path().filename().string();
    if (!e.is_directory() || name.rfind("step-", 0) != 0 ||
        !fs::exists(e.path() / "index.json"))
      continue;
    int64_t step = std::stoll(name.substr(5));
    if (!best || step > *best)
      best = step;
  }
  return best;
}

std::string StageArtifact::stepPath(int64_t step,
                                    const std::string &relPath) const {
  checkRelPath(relPath);
  return (fs::path(dir_) / "steps" / stepDirName(step) / relPath).string();
}

std::string StageArtifact::readStep(int64_t step,
                                    const std::string &relPath) const {
  std::string indexFile = stepPath(step, "index.json");
  json index = json::parse(readFile(indexFile), nullptr, false);
  std::string file = stepPath(step, relPath);
  if (index.is_discarded() || !index.contains("files") ||
      !index["files"].contains(relPath))
    fail("step checkpoint '{}' has no valid index entry for '{}'; delete '{}' "
         "to resume from an earlier step",
         indexFile, relPath, fs::path(indexFile).parent_path().string());
  std::string bytes = readFile(file);
  if (sha1Hex(bytes) != index["files"][relPath].value("sha1", ""))
    fail("step checkpoint file '{}' is corrupt (checksum differs from its "
         "index); delete '{}' to resume from an earlier step",
         file, fs::path(file).parent_path().string());
  return bytes;
}

ArtifactStore::ArtifactStore(std::string root, std::string pipeline)
    : root_((fs::path(root) / pipeline).string()) {
  if (!isIdentifier(pipeline))
    fail("pipeline name '{}' is not an identifier", pipeline);
}

StageArtifact ArtifactStore::stage(const std::string &name,
                                   const std::string &key) const {
  static const std::regex hex("[0-9a-f]{8,64}");
  if (!std::regex_match(key, hex))
    fail("artifact key '{}' of stage '{}' is not a hex digest", key, name);
  return StageArtifact((fs::path(root_) / (name + "-" + key)).string(), name,
                       key);
}

} // namespace r1rt
