//===- Jsonl.h - User JSONL datasets with a field mapping -------*- C++ -*-===//

#ifndef R1RT_DATA_JSONL_H
#define R1RT_DATA_JSONL_H

#include "r1rt/data/Record.h"

#include <string>
#include <vector>

namespace r1rt::data {

/// Which JSON fields of a user file hold the prompt, response and answer
/// (`jsonl(path, prompt = "q", response = "a", answer = "x")`), or plain
/// pretraining text (`jsonl(path, text = "t")`, stored as the record's
/// prompt with no response). An empty name means "not mapped"; exactly one
/// of `text` and `prompt` must be mapped.
struct JsonlMapping {
  std::string prompt;
  std::string response;
  std::string answer;
  std::string text;
};

/// Loads a user JSONL file into records of kind "jsonl". Blank lines are
/// skipped. Any bad line (ill-formed UTF-8, invalid JSON, not an object, a
/// mapped field missing or not a string/number) throws r1rt::Error with
/// "path:line: reason; fix". Unmapped fields are kept in meta.
std::vector<Record> loadJsonl(const std::string &path,
                              const JsonlMapping &mapping);

/// Same as loadJsonl on in-memory text; `name` stands for the path in errors.
std::vector<Record> parseJsonl(const std::string &text, const std::string &name,
                               const JsonlMapping &mapping);

} // namespace r1rt::data

#endif // R1RT_DATA_JSONL_H
