//===- Materialize.h - A plan.json dataset spec's records -------*- C++ -*-===//
//
// A plan's "datasets" entries name a source (task.arith, task.countdown,
// task.kk, jsonl) and its resolved args. This turns one into records. A
// generated task without an explicit `seed` arg draws from a seed derived from
// the pipeline seed and the spec's content (source and args), never from its
// name, so renaming a dataset changes neither its records nor any artifact key.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_DATA_MATERIALIZE_H
#define R1RT_DATA_MATERIALIZE_H

#include "r1rt/data/Record.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace r1rt::data {

/// The seed a generated task uses when its args carry none.
uint64_t derivedDatasetSeed(const nlohmann::json &spec, int64_t pipelineSeed);

/// Records of the dataset `name` described by `spec` ({"source", "args"}).
/// Relative jsonl paths resolve against `sourceDir` (the .r1p's directory).
/// Throws r1rt::Error naming the dataset on unknown sources or bad args.
std::vector<Record> materializeDataset(const std::string &name,
                                       const nlohmann::json &spec,
                                       const std::string &sourceDir,
                                       int64_t pipelineSeed);

} // namespace r1rt::data

#endif // R1RT_DATA_MATERIALIZE_H
