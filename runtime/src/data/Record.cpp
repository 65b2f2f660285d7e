//===- Record.cpp - Dataset records and their JSONL artifact form ---------===//

#include "r1rt/data/Record.h"
#include "Lines.h"
#include "r1rt/AtomicFile.h"
#include "r1rt/Error.h"
#include "r1rt/data/Utf8.h"

namespace r1rt::data {

bool Record::operator==(const Record &other) const {
  return kind == other.kind && prompt == other.prompt &&
         response == other.response && answer == other.answer &&
         meta == other.meta && chat == other.chat && system == other.system;
}

nlohmann::json toJson(const Record &record) {
  nlohmann::json object = {{"kind", record.kind}, {"prompt", record.prompt}};
  if (record.response)
    object["response"] = *record.response;
  if (record.answer)
    object["answer"] = *record.answer;
  if (!record.meta.empty())
    object["meta"] = record.meta;
  if (record.chat)
    object["chat"] = true;
  if (record.system)
    object["system"] = *record.system;
  return object;
}

Record recordFromJson(const nlohmann::json &object, const std::string &where) {
  if (!object.is_object())
    fail("{}: a dataset record must be a JSON object; rewrite the artifact",
         where);
  auto text = [&](const char *key,
                  bool required) -> std::optional<std::string> {
    auto it = object.find(key);
    if (it == object.end()) {
      if (required)
        fail("{}: record lacks \"{}\"; rewrite the artifact", where, key);
      return std::nullopt;
    }
    if (!it->is_string())
      fail("{}: record field \"{}\" must be a string; rewrite the artifact",
           where, key);
    return it->get<std::string>();
  };
  Record record;
  record.kind = *text("kind", true);
  record.prompt = *text("prompt", true);
  record.response = text("response", false);
  record.answer = text("answer", false);
  if (auto it = object.find("meta"); it != object.end()) {
    if (!it->is_object())
      fail("{}: record field \"meta\" must be an object; rewrite the artifact",
           where);
    record.meta = *it;
  }
  if (auto it = object.find("chat"); it != object.end()) {
    if (!it->is_boolean())
      fail("{}: record field \"chat\" must be true or false; rewrite the "
           "artifact",
           where);
    record.chat = it->get<bool>();
  }
  record.system = text("system", false);
  if (record.system && !record.chat)
    fail("{}: record has a \"system\" message but is not a chat record; "
         "rewrite the artifact",
         where);
  return record;
}

std::string toJsonl(const std::vector<Record> &records) {
  std::string out;
  for (const Record &record : records) {
    out += toJson(record).dump(-1, ' ', false,
                               nlohmann::json::error_handler_t::replace);
    out += '\n';
  }
  return out;
}

void writeRecords(const std::string &path, const std::vector<Record> &records) {
  writeFileAtomic(path, toJsonl(records));
}

std::vector<Record> readRecords(const std::string &path) {
  std::string text = readFile(path);
  std::vector<Record> records;
  forEachLine(text, [&](std::string_view line, size_t lineNo) {
    std::string where = fmt::format("{}:{}", path, lineNo);
    if (line.empty())
      return;
    if (auto bad = findInvalidUtf8(line))
      fail("{}: ill-formed UTF-8 at byte {}; the artifact is corrupt, delete "
           "it to regenerate",
           where, *bad + 1);
    nlohmann::json object =
        nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (object.is_discarded())
      fail("{}: not valid JSON; the artifact is corrupt, delete it to "
           "regenerate",
           where);
    records.push_back(recordFromJson(object, where));
  });
  return records;
}

} // namespace r1rt::data
