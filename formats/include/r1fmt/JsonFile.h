//===- JsonFile.h - Read a text or JSON file, located errors --*- C++ -*-===//

#ifndef R1FMT_JSONFILE_H
#define R1FMT_JSONFILE_H

#include "r1fmt/Expected.h"

#include <nlohmann/json.hpp>

#include <string>

namespace r1fmt {

/// Reads the whole file at `path`; "PATH: cannot open: REASON" on failure.
Expected<std::string> readTextFile(const std::string &path);

/// Reads and parses the JSON file at `path`. Errors name the path and, for
/// malformed JSON, the byte offset: "PATH: malformed JSON at byte N: ...".
Expected<nlohmann::json> readJsonFile(const std::string &path);

} // namespace r1fmt

#endif // R1FMT_JSONFILE_H
