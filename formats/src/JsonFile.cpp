//===- JsonFile.cpp - Read a JSON file with a located error ---------------===//

#include "r1fmt/JsonFile.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace r1fmt {

Expected<nlohmann::json> readJsonFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Error{fmt::format("{}: cannot open: {}", path, std::strerror(errno))};
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error &e) {
    return Error{fmt::format("{}: malformed JSON at byte {}: {}", path, e.byte,
                             e.what())};
  }
}

} // namespace r1fmt
