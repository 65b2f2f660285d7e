//===- ParamKinds.h - Kinds and constraints of .r1p parameters --*- C++ -*-===//
//
// The vocabulary of Params.def, shared by the front end's signatures and the
// dialect's config schemas: what kind of value a parameter takes and which
// numeric range it must lie in.
//
//===----------------------------------------------------------------------===//

#ifndef R1_PARAMKINDS_H
#define R1_PARAMKINDS_H

namespace r1 {

/// The kind of value a parameter takes.
enum class ParamType {
  Int,         ///< integer literal
  Float,       ///< number (an integer is accepted)
  Bool,        ///< `true` / `false`
  String,      ///< string literal
  Symbol,      ///< one of `choices`, written as a bare word
  Range,       ///< `lo..hi`
  Ratio,       ///< `a:b[:c...]`
  ModelOrCkpt, ///< a model (fresh weights) or a checkpoint-producing stage
  Checkpoint,  ///< a checkpoint-producing stage
  Dataset,     ///< a dataset, an inline `mix(...)` or a reject_sample stage
  Reward,      ///< a reward or a weighted sum `a + 0.1 * b`
  Predicate,   ///< a condition over rewards: `a == 1 and b >= 0.5`
  Loss,        ///< a loss name
  Balance,     ///< `bias(rate)` or `none` (moe balance)
};

/// A constraint on a numeric value.
enum class Constraint {
  None,
  Positive,    ///< > 0
  NonNegative, ///< >= 0
  UnitOpen,    ///< in (0, 1]
  Unit,        ///< in [0, 1]
};

/// True for kinds that are values (numbers, words, strings, ranges), false
/// for references to other declarations (checkpoints, datasets, rewards,
/// predicates, losses), which become operands in the IR, and for `balance`.
constexpr bool isValueParam(ParamType type) {
  return type == ParamType::Int || type == ParamType::Float ||
         type == ParamType::Bool || type == ParamType::String ||
         type == ParamType::Symbol || type == ParamType::Range ||
         type == ParamType::Ratio;
}

} // namespace r1

#endif // R1_PARAMKINDS_H
