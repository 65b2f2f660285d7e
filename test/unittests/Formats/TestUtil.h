//===- TestUtil.h - Files, oracles and comparisons for format tests -------===//

#ifndef R1FMT_TEST_TESTUTIL_H
#define R1FMT_TEST_TESTUTIL_H

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace r1fmt::test {

inline std::string readText(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::vector<uint8_t> readBytes(const std::string &path) {
  std::string s = readText(path);
  return std::vector<uint8_t>(s.begin(), s.end());
}

inline void writeBytes(const std::string &path, const std::vector<uint8_t> &b) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char *>(b.data()),
            std::streamsize(b.size()));
}

inline std::vector<float> readFloats(const std::string &path) {
  std::vector<uint8_t> b = readBytes(path);
  std::vector<float> f(b.size() / 4);
  std::memcpy(f.data(), b.data(), f.size() * 4);
  return f;
}

/// A fresh directory under the system temp dir, unique to this process.
inline std::filesystem::path tempDir(const std::string &stem) {
  auto d = std::filesystem::temp_directory_path() /
           (stem + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  return d;
}

/// Runs the GGUF oracle script with `args`, output to `log`; the status.
inline int runOracle(const std::string &args, const std::string &log) {
  std::string cmd = std::string(R1C_PYTHON) + " " + R1C_SOURCE_DIR +
                    "/test/oracles/gguf/gguf_oracle.py " + args + " > " + log +
                    " 2>&1";
  return std::system(cmd.c_str());
}

/// Number of positions whose float32 bit patterns differ.
inline size_t bitMismatches(const float *a, const float *b, size_t n) {
  size_t bad = 0;
  for (size_t i = 0; i < n; ++i)
    bad += std::memcmp(a + i, b + i, 4) != 0;
  return bad;
}

} // namespace r1fmt::test

#endif // R1FMT_TEST_TESTUTIL_H
