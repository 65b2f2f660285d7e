//===- AtomicFile.cpp - Crash-safe whole-file writes ----------------------===//

#include "r1rt/AtomicFile.h"
#include "r1rt/Error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace r1rt {

namespace {
/// Closes a file descriptor on scope exit.
struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0)
      ::close(fd);
  }
};

void fsyncDirectory(const fs::path &dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0)
    return; // best effort: some filesystems do not allow it
  ::fsync(fd);
  ::close(fd);
}
} // namespace

void writeFileAtomic(const std::string &path, const void *data, size_t size) {
  fs::path target(path);
  fs::path dir = target.parent_path();
  std::string tmpl =
      (dir / ("." + target.filename().string() + ".tmp.XXXXXX")).string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0)
    fail("cannot create a temporary file next to '{}': {}", path,
         std::strerror(errno));
  FdGuard guard{fd};
  const char *bytes = static_cast<const char *>(data);
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::write(fd, bytes + done, size - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      int err = errno;
      ::unlink(tmpl.c_str());
      fail("cannot write '{}': {}", path, std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0) {
    int err = errno;
    ::unlink(tmpl.c_str());
    fail("cannot flush '{}': {}", path, std::strerror(err));
  }
  ::close(fd);
  guard.fd = -1;
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmpl.c_str());
    fail("cannot move the new '{}' into place: {}", path, std::strerror(err));
  }
  fsyncDirectory(dir);
}

std::string readFile(const std::string &path) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    fail("'{}' is a directory, expected a file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in)
    fail("cannot open '{}': {}", path, std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad())
    fail("cannot read '{}'", path);
  return ss.str();
}

} // namespace r1rt
