//===- JsonFile.cpp - Read a text or JSON file, with located errors -------===//

#include "r1fmt/JsonFile.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace r1fmt {

Expected<std::string> readTextFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Error{fmt::format("{}: cannot open: {}", path, std::strerror(errno))};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    return Error{fmt::format("{}: read error", path)};
  return text.str();
}

Expected<nlohmann::json> readJsonFile(const std::string &path) {
  auto text = readTextFile(path);
  if (!text)
    return Error{text.error()};
  try {
    return nlohmann::json::parse(*text);
  } catch (const nlohmann::json::parse_error &e) {
    return Error{fmt::format("{}: malformed JSON at byte {}: {}", path, e.byte,
                             e.what())};
  }
}

} // namespace r1fmt
