//===- FileDigest.h - Content digests of files a recipe names ---*- C++ -*-===//
//
// Artifact keys must change when an external file (a jsonl dataset, a
// tokenizer, a model's weights) changes. The front end therefore hashes the
// contents of each such file with SHA-256, the hash the keys use. Digests
// are cached by (absolute path, size, mtime in ns) in
// $R1C_CACHE_DIR/digests.json (default: the user's cache directory, r1c/),
// rewritten atomically, so gigabytes of weights are hashed once.
//
//===----------------------------------------------------------------------===//

#ifndef R1_FRONTEND_FILEDIGEST_H
#define R1_FRONTEND_FILEDIGEST_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace r1 {

/// "sha256:<64 hex digits>" of `bytes`.
std::string digestBytes(llvm::StringRef bytes);

/// "sha256:<hex>" of the file's contents, from the cache when its path,
/// size and mtime are unchanged; nullopt when the file cannot be read.
std::optional<std::string> digestFile(llvm::StringRef absPath);

/// One digest for several files: SHA-256 over each file's name (relative to
/// `base`) and content digest, in the given order; nullopt when one cannot
/// be read.
std::optional<std::string> digestFiles(llvm::ArrayRef<std::string> absPaths,
                                       llvm::StringRef base);

} // namespace r1

#endif // R1_FRONTEND_FILEDIGEST_H
