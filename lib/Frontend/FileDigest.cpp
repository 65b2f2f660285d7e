//===- FileDigest.cpp - Content digests of files a recipe names ----------===//

#include "FileDigest.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

using namespace r1;

namespace {
std::string hex(const std::array<uint8_t, 32> &d) {
  return "sha256:" + llvm::toHex(llvm::ArrayRef<uint8_t>(d.data(), d.size()),
                                 /*LowerCase=*/true);
}

/// The cache file's path, or "" when there is no cache directory.
std::string cachePath() {
  llvm::SmallString<256> dir;
  if (std::optional<std::string> env =
          llvm::sys::Process::GetEnv("R1C_CACHE_DIR")) {
    dir = *env;
  } else {
    if (!llvm::sys::path::cache_directory(dir))
      return "";
    llvm::sys::path::append(dir, "r1c");
  }
  if (dir.empty())
    return "";
  llvm::sys::path::append(dir, "digests.json");
  return std::string(dir);
}

/// The entry key: path, size and mtime in nanoseconds.
std::string entryKey(llvm::StringRef path,
                     const llvm::sys::fs::file_status &st) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                st.getLastModificationTime().time_since_epoch())
                .count();
  return (path + "\t" + llvm::Twine(st.getSize()) + "\t" + llvm::Twine(ns))
      .str();
}

/// The process-wide cache: loaded on first use, saved after each new digest.
struct DigestCache {
  std::string path;
  llvm::StringMap<std::string> entries;
  bool loaded = false;

  void load() {
    if (loaded)
      return;
    loaded = true;
    path = cachePath();
    if (path.empty())
      return;
    auto buf = llvm::MemoryBuffer::getFile(path);
    if (!buf)
      return;
    llvm::Expected<llvm::json::Value> v = llvm::json::parse((*buf)->getBuffer());
    if (!v) {
      llvm::consumeError(v.takeError()); // a damaged cache is rebuilt
      return;
    }
    if (const llvm::json::Object *o = v->getAsObject())
      for (const auto &[k, val] : *o)
        if (std::optional<llvm::StringRef> s = val.getAsString())
          entries[k.str()] = s->str();
  }

  /// Writes the cache to a temporary file and renames it into place; a
  /// failure only costs re-hashing next time.
  void save() {
    if (path.empty())
      return;
    (void)llvm::sys::fs::create_directories(llvm::sys::path::parent_path(path));
    llvm::json::Object o;
    for (const auto &e : entries)
      o[e.getKey()] = e.getValue();
    llvm::json::Value value(std::move(o));
    llvm::Error err = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
      os << value << "\n";
      return llvm::Error::success();
    });
    llvm::consumeError(std::move(err));
  }
};

DigestCache &cache() {
  static DigestCache c;
  return c;
}
} // namespace

std::string r1::digestBytes(llvm::StringRef bytes) {
  return hex(llvm::SHA256::hash(llvm::arrayRefFromStringRef(bytes)));
}

std::optional<std::string> r1::digestFile(llvm::StringRef absPath) {
  llvm::sys::fs::file_status st;
  if (llvm::sys::fs::status(absPath, st) ||
      !llvm::sys::fs::is_regular_file(st))
    return std::nullopt;
  DigestCache &c = cache();
  c.load();
  std::string key = entryKey(absPath, st);
  if (auto it = c.entries.find(key); it != c.entries.end())
    return it->second;
  llvm::Expected<llvm::sys::fs::file_t> fd =
      llvm::sys::fs::openNativeFileForRead(absPath);
  if (!fd) {
    llvm::consumeError(fd.takeError());
    return std::nullopt;
  }
  llvm::SHA256 h;
  llvm::SmallVector<char, 0> chunk;
  chunk.resize_for_overwrite(1 << 20);
  bool ok = true;
  while (true) {
    llvm::Expected<size_t> n = llvm::sys::fs::readNativeFile(
        *fd, llvm::MutableArrayRef<char>(chunk.data(), chunk.size()));
    if (!n) {
      llvm::consumeError(n.takeError());
      ok = false;
      break;
    }
    if (*n == 0)
      break;
    h.update(llvm::StringRef(chunk.data(), *n));
  }
  llvm::sys::fs::closeFile(*fd);
  if (!ok)
    return std::nullopt;
  std::string digest = hex(h.final());
  // Drop stale entries of the same path, then remember this one.
  std::string prefix = (absPath + "\t").str();
  llvm::SmallVector<std::string> stale;
  for (const auto &e : c.entries)
    if (e.getKey().starts_with(prefix))
      stale.push_back(e.getKey().str());
  for (const std::string &k : stale)
    c.entries.erase(k);
  // A file modified in the last seconds may change again within the same
  // mtime tick without changing size; such a digest is not cached (git's
  // "racily clean" rule).
  auto age = std::chrono::system_clock::now() - st.getLastModificationTime();
  if (age > std::chrono::seconds(2))
    c.entries[key] = digest;
  c.save();
  return digest;
}

std::optional<std::string> r1::digestFiles(llvm::ArrayRef<std::string> paths,
                                           llvm::StringRef base) {
  llvm::SHA256 h;
  for (const std::string &p : paths) {
    std::optional<std::string> d = digestFile(p);
    if (!d)
      return std::nullopt;
    llvm::StringRef rel(p);
    if (rel.starts_with(base))
      rel = rel.drop_front(base.size()).ltrim('/');
    h.update(rel);
    h.update(llvm::StringRef("\0", 1));
    h.update(*d);
    h.update(llvm::StringRef("\0", 1));
  }
  return hex(h.final());
}
