//===- AtomicFileTest.cpp - Tests for crash-safe file writes --------------===//

#include "r1rt/AtomicFile.h"
#include "r1rt/Error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

namespace fs = std::filesystem;

namespace {

fs::path freshDir() {
  fs::path dir = fs::temp_directory_path() /
                 ("r1rt-atomic-" + std::to_string(std::random_device{}()));
  fs::create_directories(dir);
  return dir;
}

TEST(AtomicFile, WritesAndReplacesWholeContents) {
  fs::path dir = freshDir();
  std::string path = (dir / "a.bin").string();
  std::mt19937 rng(7);
  for (size_t size : {1u, 4096u, 1u << 20}) {
    std::string data(size, '\0');
    for (char &c : data)
      c = static_cast<char>(rng());
    r1rt::writeFileAtomic(path, data);
    EXPECT_EQ(r1rt::readFile(path), data);
  }
  // No temporary files are left behind.
  size_t entries = std::distance(fs::directory_iterator(dir), {});
  EXPECT_EQ(entries, 1u);
  fs::remove_all(dir);
}

TEST(AtomicFile, FailureKeepsThePreviousFile) {
  fs::path dir = freshDir();
  std::string path = (dir / "keep.txt").string();
  r1rt::writeFileAtomic(path, "old");
  // Renaming a file over a non-empty directory fails: the write must throw
  // and leave nothing half-written.
  fs::create_directories(dir / "blocker" / "x");
  EXPECT_THROW(r1rt::writeFileAtomic((dir / "blocker").string(), "new"),
               r1rt::Error);
  EXPECT_EQ(r1rt::readFile(path), "old");
  size_t entries = std::distance(fs::directory_iterator(dir), {});
  EXPECT_EQ(entries, 2u);
  fs::remove_all(dir);
}

TEST(AtomicFile, ReadErrorsNameThePath) {
  try {
    r1rt::readFile("/nonexistent/r1rt/file");
    FAIL() << "expected an error";
  } catch (const r1rt::Error &e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/r1rt/file"),
              std::string::npos);
  }
}

} // namespace
