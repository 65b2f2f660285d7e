//===- AtomicFile.h - Crash-safe whole-file writes --------------*- C++ -*-===//
//
// Every artifact is written as: temporary file in the same directory, fsync,
// rename over the target, fsync the directory. A reader therefore sees the old
// file or the new one, never a torn one, even after SIGKILL or power loss.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_ATOMICFILE_H
#define R1RT_ATOMICFILE_H

#include <cstddef>
#include <string>
#include <string_view>

namespace r1rt {

/// Writes `size` bytes to `path` atomically. Throws r1rt::Error on failure and
/// leaves any previous file at `path` untouched.
void writeFileAtomic(const std::string &path, const void *data, size_t size);

inline void writeFileAtomic(const std::string &path, std::string_view text) {
  writeFileAtomic(path, text.data(), text.size());
}

/// Reads a whole file. Throws r1rt::Error naming the path when it cannot.
std::string readFile(const std::string &path);

} // namespace r1rt

#endif // R1RT_ATOMICFILE_H
