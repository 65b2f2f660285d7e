//===- Record.h - The common dataset record and its JSONL form --*- C++ -*-===//
//
// Every dataset in a plan (generated tasks, user JSONL, mixes, rejection
// samples) is a sequence of Records. On disk a dataset artifact is JSONL: one
// JSON object per line, written atomically.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_DATA_RECORD_H
#define R1RT_DATA_RECORD_H

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace r1rt::data {

/// One example: a prompt, an optional response (for SFT / pretraining text),
/// an optional verifiable answer, and task-specific verification data.
struct Record {
  /// The task that produced the record: "arith", "countdown", "kk", "jsonl",
  /// or whatever a writer (e.g. reject_sample) puts there.
  std::string kind;
  /// The text the model is conditioned on.
  std::string prompt;
  /// The target continuation, if any.
  std::optional<std::string> response;
  /// The verifiable answer (what answer_match compares against), if any.
  std::optional<std::string> answer;
  /// Verification data: countdown {"numbers":[...],"target":N}; kk
  /// {"names":[...],"knights":[bool...]}; an empty object otherwise.
  nlohmann::json meta = nlohmann::json::object();
  /// The prompt is a user turn of the tokenizer's chat template (after the
  /// system message, when there is one), not raw text (`chat = true`).
  bool chat = false;
  std::optional<std::string> system;

  bool operator==(const Record &other) const;
  bool operator!=(const Record &other) const { return !(*this == other); }
};

/// Serializes a record as one JSON object (absent optionals are omitted).
nlohmann::json toJson(const Record &record);

/// Parses a record written by toJson. Throws r1rt::Error naming `where`
/// (e.g. "file.jsonl:12") when the object does not have the record shape.
Record recordFromJson(const nlohmann::json &object, const std::string &where);

/// Serializes records as JSONL text (one object per line, '\n' terminated).
std::string toJsonl(const std::vector<Record> &records);

/// Writes a dataset artifact atomically (temporary file, fsync, rename).
void writeRecords(const std::string &path, const std::vector<Record> &records);

/// Reads a dataset artifact written by writeRecords. A bad line throws
/// r1rt::Error with "path:line: reason".
std::vector<Record> readRecords(const std::string &path);

} // namespace r1rt::data

#endif // R1RT_DATA_RECORD_H
