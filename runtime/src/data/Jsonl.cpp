//===- Jsonl.cpp - User JSONL datasets with a field mapping ---------------===//

#include "r1rt/data/Jsonl.h"
#include "Lines.h"
#include "r1rt/AtomicFile.h"
#include "r1rt/Error.h"
#include "r1rt/data/Utf8.h"

namespace r1rt::data {

namespace {

/// Reads a mapped field as text: strings as-is, numbers in JSON spelling.
std::optional<std::string> fieldText(const nlohmann::json &object,
                                     const std::string &field,
                                     const std::string &role,
                                     const std::string &where) {
  if (field.empty())
    return std::nullopt;
  auto it = object.find(field);
  if (it == object.end())
    fail("{}: missing field \"{}\" (mapped as {}); add it to every line or "
         "set {} = \"...\" in the jsonl(...) dataset",
         where, field, role, role);
  if (it->is_string())
    return it->get<std::string>();
  if (it->is_number())
    return it->dump();
  fail("{}: field \"{}\" (mapped as {}) must be a string or a number, not {}",
       where, field, role, it->type_name());
}

} // namespace

std::vector<Record> parseJsonl(const std::string &text, const std::string &name,
                               const JsonlMapping &mapping) {
  if (mapping.prompt.empty() == mapping.text.empty())
    fail("jsonl(\"{}\"): map exactly one of prompt = \"field\" and text = "
         "\"field\"",
         name);
  const bool isText = !mapping.text.empty();
  std::vector<Record> records;
  forEachLine(text, [&](std::string_view line, size_t lineNo) {
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos)
      return;
    std::string where = fmt::format("{}:{}", name, lineNo);
    if (auto bad = findInvalidUtf8(line))
      fail("{}: ill-formed UTF-8 at byte {} of the line; re-encode the file "
           "as UTF-8",
           where, *bad + 1);
    nlohmann::json object =
        nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (object.is_discarded())
      fail("{}: not valid JSON; each line must be one JSON object", where);
    if (!object.is_object())
      fail("{}: a line must be a JSON object, not {}", where,
           object.type_name());
    Record record;
    record.kind = "jsonl";
    record.prompt = isText
                        ? *fieldText(object, mapping.text, "text", where)
                        : *fieldText(object, mapping.prompt, "prompt", where);
    record.response = fieldText(object, mapping.response, "response", where);
    record.answer = fieldText(object, mapping.answer, "answer", where);
    for (auto &[key, value] : object.items())
      if (key != mapping.prompt && key != mapping.response &&
          key != mapping.answer && key != mapping.text)
        record.meta[key] = value;
    records.push_back(std::move(record));
  });
  return records;
}

std::vector<Record> loadJsonl(const std::string &path,
                              const JsonlMapping &mapping) {
  return parseJsonl(readFile(path), path, mapping);
}

} // namespace r1rt::data
