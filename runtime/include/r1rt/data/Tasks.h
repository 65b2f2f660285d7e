//===- Tasks.h - Procedurally generated verifiable tasks --------*- C++ -*-===//
//
// task.arith, task.countdown and task.kk. Every generator is a pure function
// of its options (seed included). Train and test splits are disjoint: each
// candidate problem is routed by a stable hash of its canonical form, and a
// generator keeps only candidates routed to the requested split.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_DATA_TASKS_H
#define R1RT_DATA_TASKS_H

#include "r1rt/data/Record.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace r1rt::data {

/// Which side of the hash-routed split a generator draws from.
enum class Split { Train, Test };

/// Parses "train" / "test"; throws r1rt::Error otherwise.
Split parseSplit(std::string_view text);

/// An inclusive integer range lo..hi.
struct IntRange {
  int lo = 0;
  int hi = 0;
};

/// The characters task.arith plain text may contain.
inline constexpr std::string_view kArithPlainAlphabet = "0123456789+-*=() \n";
/// The characters task.arith cot text may contain.
inline constexpr std::string_view kArithCotAlphabet =
    "0123456789+-*=() \n<>/thinkaswer";
/// The characters task.countdown and task.kk text may contain (the r1_tiny
/// tokenizer alphabet).
inline constexpr std::string_view kPuzzleAlphabet =
    "0123456789+-*/=() <>abcdefghijklmnopqrstuvwxyz:?\n";

/// True when `canonical` (a problem's canonical form) belongs to `split`.
/// About 10% of the hash space is the test split.
bool routesTo(std::string_view canonical, Split split);

/// How task.arith renders a problem.
enum class ArithStyle {
  Plain, ///< "12+7*3=" / "33": pretraining text is prompt + response.
  Cot,   ///< worked steps in <think>…</think><answer>…</answer>.
  Question ///< "What is 12 + 7 * 3?" / "33": for instruction-tuned models.
};

/// Parses "plain" / "cot" / "question"; throws r1rt::Error otherwise.
ArithStyle parseArithStyle(std::string_view text);

/// Options of task.arith.
struct ArithOptions {
  size_t count = 1000;   ///< number of records
  IntRange digits{1, 3}; ///< digits per operand
  IntRange terms{2, 3};  ///< operands per expression
  std::string ops = "+-*"; ///< operators drawn from, uniformly
  ArithStyle style = ArithStyle::Plain;
  Split split = Split::Train;
  uint64_t seed = 0;
};

/// Options of task.countdown.
struct CountdownOptions {
  size_t count = 1000;    ///< number of records
  IntRange numbers{3, 4}; ///< how many numbers a problem gives
  IntRange values{1, 25}; ///< range of each given number
  int maxTarget = 999;    ///< targets lie in 1..maxTarget
  Split split = Split::Train;
  uint64_t seed = 0;
};

/// Options of task.kk (Knights & Knaves).
struct KkOptions {
  size_t count = 1000;   ///< number of records
  IntRange people{2, 3}; ///< islanders per puzzle
  Split split = Split::Train;
  uint64_t seed = 0;
};

/// Generates task.arith records. Throws r1rt::Error on invalid options.
std::vector<Record> generateArith(const ArithOptions &options);
/// Generates task.countdown records, each solvable by construction.
std::vector<Record> generateCountdown(const CountdownOptions &options);
/// Generates task.kk records, each with a unique solution (brute force).
std::vector<Record> generateKk(const KkOptions &options);

/// Knights & Knaves statement semantics, shared by the generator and tests:
/// evaluates one statement as stored in a kk record's meta "statements"
/// ({"op":"is","who":i,"knight":b} or {"op":"and"|"or","args":[is, is]})
/// under the assignment `knights` (true = knight).
bool kkStatementHolds(const nlohmann::json &statement,
                      const std::vector<bool> &knights);

} // namespace r1rt::data

#endif // R1RT_DATA_TASKS_H
