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

// X(NAME, what diagnostics call a value of the kind) for every parameter
// kind: Int, Float (an integer is accepted), Bool, String, Symbol (one of
// `choices`, a bare word), Range (`lo..hi`), Ratio (`a:b[:c...]`),
// ModelOrCkpt (a model for fresh weights, or a checkpoint-producing stage),
// Checkpoint, Dataset (a dataset, an inline `mix(...)` or a reject_sample
// stage), Reward (a reward or a weighted sum `a + 0.1 * b`), Predicate (a
// condition over rewards: `a == 1 and b >= 0.5`), Loss (a loss name),
// Balance (moe's `bias(rate)` or `none`), Words (a list of words from
// `choices`, `[q, v]`, non-empty and without repeats) and Block (a block
// argument `NAME { field = value ... }` whose fields are the R1_BLOCK
// signature NAME of Params.def).
#define R1_PARAM_TYPES(X)                                                      \
  X(Int, "an integer")                                                         \
  X(Float, "a number")                                                         \
  X(Bool, "true or false")                                                     \
  X(String, "a string")                                                        \
  X(Symbol, "a word")                                                          \
  X(Range, "a range like 1..3")                                                \
  X(Ratio, "a ratio like 3:1")                                                 \
  X(ModelOrCkpt, "a model or a checkpoint")                                    \
  X(Checkpoint, "a checkpoint")                                                \
  X(Dataset, "a dataset")                                                      \
  X(Reward, "a reward")                                                        \
  X(Predicate, "a condition on rewards")                                       \
  X(Loss, "a loss")                                                            \
  X(Balance, "bias(rate) or none")                                             \
  X(Words, "a list of words like [q, v]")                                      \
  X(Block, "a block like lora { ... }")

// X(NAME, description) for every numeric constraint.
#define R1_CONSTRAINTS(X)                                                      \
  X(None, "no constraint")                                                     \
  X(Positive, "> 0")                                                           \
  X(NonNegative, ">= 0")                                                       \
  X(UnitOpen, "in (0, 1]")                                                     \
  X(Unit, "in [0, 1]")

/// The kind of value a parameter takes.
enum class ParamType {
#define R1_ENUMERATOR(NAME, DESC) NAME,
  R1_PARAM_TYPES(R1_ENUMERATOR)
};

/// A constraint on a numeric value.
enum class Constraint { R1_CONSTRAINTS(R1_ENUMERATOR) };
#undef R1_ENUMERATOR

/// The enumerator's name ("ModelOrCkpt"), as docs/language.md shows it.
constexpr const char *getName(ParamType type) {
#define R1_CASE(NAME, DESC)                                                    \
  case ParamType::NAME:                                                        \
    return #NAME;
  switch (type) { R1_PARAM_TYPES(R1_CASE) }
#undef R1_CASE
  return "?";
}

/// What diagnostics call a value of `type` ("a checkpoint").
constexpr const char *describe(ParamType type) {
#define R1_CASE(NAME, WHAT)                                                    \
  case ParamType::NAME:                                                        \
    return WHAT;
  switch (type) { R1_PARAM_TYPES(R1_CASE) }
#undef R1_CASE
  return "a value";
}

/// The enumerator's name ("NonNegative").
constexpr const char *getName(Constraint c) {
#define R1_CASE(NAME, DESC)                                                    \
  case Constraint::NAME:                                                       \
    return #NAME;
  switch (c) { R1_CONSTRAINTS(R1_CASE) }
#undef R1_CASE
  return "?";
}

/// True for kinds that are values (numbers, words, strings, ranges, word
/// lists), false for references to other declarations (checkpoints,
/// datasets, rewards, predicates, losses), which become operands in the IR,
/// for `balance` and for block arguments (nested dictionaries).
constexpr bool isValueParam(ParamType type) {
  return type == ParamType::Int || type == ParamType::Float ||
         type == ParamType::Bool || type == ParamType::String ||
         type == ParamType::Symbol || type == ParamType::Range ||
         type == ParamType::Ratio || type == ParamType::Words;
}

} // namespace r1

#endif // R1_PARAMKINDS_H
