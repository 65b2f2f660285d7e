//===- Materialize.cpp - Builds a plan.json dataset spec's records --------===//

#include "r1rt/data/Materialize.h"
#include "r1rt/Error.h"
#include "r1rt/data/Jsonl.h"
#include "r1rt/data/Tasks.h"
#include "r1rt/store/ArtifactStore.h"

#include <filesystem>

using nlohmann::json;

namespace r1rt::data {

namespace {

/// Reads args[key] as T, or `fallback` when absent; a wrong type is an error
/// naming the dataset and the arg.
template <typename T>
T arg(const std::string &name, const json &args, const char *key, T fallback) {
  if (!args.contains(key))
    return fallback;
  try {
    return args.at(key).get<T>();
  } catch (const json::exception &) {
    fail("dataset '{}': argument '{}' has the wrong type ({}); recompile the "
         "plan with r1c",
         name, key, args.at(key).dump());
  }
}

IntRange rangeArg(const std::string &name, const json &args, const char *key,
                  IntRange fallback) {
  if (!args.contains(key))
    return fallback;
  const json &v = args.at(key);
  if (v.is_number_integer())
    return {v.get<int>(), v.get<int>()};
  if (v.is_array() && v.size() == 2 && v[0].is_number_integer() &&
      v[1].is_number_integer())
    return {v[0].get<int>(), v[1].get<int>()};
  fail("dataset '{}': argument '{}' must be an integer or [lo, hi], got {}",
       name, key, v.dump());
}

} // namespace

uint64_t derivedDatasetSeed(const json &spec, int64_t pipelineSeed) {
  // How prompts are presented (chat, system) does not change which
  // problems are drawn.
  json args = spec.value("args", json::object());
  args.erase("chat");
  args.erase("system");
  json content = {{"source", spec.value("source", "")},
                  {"args", args},
                  {"seed", pipelineSeed}};
  // nlohmann::json orders object keys, so the dump is canonical.
  return std::stoull(sha1Hex(content.dump()).substr(0, 15), nullptr, 16);
}

namespace {

std::vector<Record> generateRecords(const std::string &name, const json &spec,
                                    const std::string &sourceDir,
                                    int64_t pipelineSeed) {
  if (!spec.is_object() || !spec.contains("source") ||
      !spec["source"].is_string())
    fail("plan.json: datasets.{}: expected an object with a string "
         "\"source\"",
         name);
  const std::string source = spec["source"].get<std::string>();
  const json args = spec.value("args", json::object());
  const uint64_t seed =
      arg<uint64_t>(name, args, "seed", derivedDatasetSeed(spec, pipelineSeed));
  const size_t count = arg<size_t>(name, args, "count", 1000);
  const Split split = parseSplit(arg<std::string>(name, args, "split", "train"));
  try {
    if (source == "task.arith") {
      ArithOptions o;
      o.count = count, o.split = split, o.seed = seed;
      o.digits = rangeArg(name, args, "digits", o.digits);
      o.terms = rangeArg(name, args, "terms", o.terms);
      o.ops = arg<std::string>(name, args, "ops", o.ops);
      o.style = parseArithStyle(arg<std::string>(name, args, "style", "plain"));
      return generateArith(o);
    }
    if (source == "task.countdown") {
      CountdownOptions o;
      o.count = count, o.split = split, o.seed = seed;
      o.numbers = rangeArg(name, args, "numbers", o.numbers);
      o.values.hi = arg<int>(name, args, "max_number", o.values.hi);
      return generateCountdown(o);
    }
    if (source == "task.kk") {
      KkOptions o;
      o.count = count, o.split = split, o.seed = seed;
      o.people = rangeArg(name, args, "people", o.people);
      return generateKk(o);
    }
    if (source == "jsonl") {
      JsonlMapping m;
      m.prompt = arg<std::string>(name, args, "prompt", "");
      m.response = arg<std::string>(name, args, "response", "");
      m.answer = arg<std::string>(name, args, "answer", "");
      m.text = arg<std::string>(name, args, "text", "");
      std::filesystem::path path = arg<std::string>(name, args, "path", "");
      if (path.is_relative() && !sourceDir.empty())
        path = std::filesystem::path(sourceDir) / path;
      if (!std::filesystem::is_regular_file(path))
        fail("no such file '{}'", path.string());
      return loadJsonl(path.string(), m);
    }
  } catch (const Error &e) {
    fail("dataset '{}' ({}): {}", name, source, e.what());
  }
  fail("dataset '{}': unknown source '{}' (this runtime has task.arith, "
       "task.countdown, task.kk and jsonl)",
       name, source);
}

} // namespace

std::vector<Record> materializeDataset(const std::string &name,
                                       const json &spec,
                                       const std::string &sourceDir,
                                       int64_t pipelineSeed) {
  std::vector<Record> records =
      generateRecords(name, spec, sourceDir, pipelineSeed);
  const json args = spec.value("args", json::object());
  const bool chat = arg<bool>(name, args, "chat", false);
  std::optional<std::string> system;
  if (args.contains("system"))
    system = arg<std::string>(name, args, "system", "");
  if (system && !chat)
    fail("dataset '{}': a system message needs chat = true; recompile the "
         "plan with r1c",
         name);
  for (Record &r : records) {
    r.chat = chat;
    r.system = system;
  }
  return records;
}

} // namespace r1rt::data
