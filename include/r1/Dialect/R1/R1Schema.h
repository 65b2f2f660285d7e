//===- R1Schema.h - Field schemas of r1 configuration dictionaries -*- C++ -*-//
//
// Models, datasets, rewards and stages carry their settings in a dictionary
// attribute. This header describes, per kind, which fields exist, their types
// and defaults, so that verifiers can check them and the plan writer can emit
// them with every default resolved.
//
//===----------------------------------------------------------------------===//

#ifndef R1_R1SCHEMA_H
#define R1_R1SCHEMA_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace r1 {

/// The value type of a configuration field.
enum class FieldKind {
  PosInt,    ///< integer > 0
  NonNegInt, ///< integer >= 0
  Float,     ///< any number (integers are accepted and become f64)
  PosFloat,  ///< number > 0
  Prob,      ///< number in [0, 1]
  Bool,      ///< true / false
  Str,       ///< any string
  Enum,      ///< one string of `choices` ("a|b|c")
  Range,     ///< [lo, hi] integers with 1 <= lo <= hi
  Ratio,     ///< array of positive integers
  Words,     ///< non-empty array of distinct strings of `choices`
  Dict,      ///< nested dictionary described by `sub`
  Metrics,   ///< array of eval metric dictionaries
};

/// One field of a configuration dictionary.
struct Field {
  /// Field name, as written in `.r1p` and in plan.json.
  const char *name;
  /// Its value type.
  FieldKind kind;
  /// The default as MLIR attribute syntax; nullptr marks a required field and
  /// "" an optional field without a default (absent means "none").
  const char *defaultValue;
  /// For Enum and Words: the allowed strings separated by '|'.
  const char *choices = nullptr;
  /// For Dict: the nested schema.
  llvm::ArrayRef<Field> sub = {};
};

/// The schema of a model architecture (`deepseek`, `dense`), or empty.
llvm::ArrayRef<Field> getModelSchema(llvm::StringRef arch);
/// The schema of a dataset source (`task.arith`, `jsonl`, ...), or empty.
llvm::ArrayRef<Field> getDatasetSchema(llvm::StringRef source);
/// The schema of a reward verifier kind, or empty.
llvm::ArrayRef<Field> getRewardSchema(llvm::StringRef kind);
/// The schema of a stage op (`r1.grpo`, ...), or empty.
llvm::ArrayRef<Field> getStageSchema(llvm::StringRef opName);

/// True when `source` names a known dataset source.
bool isKnownDatasetSource(llvm::StringRef source);
/// True when `kind` names a known reward verifier.
bool isKnownRewardKind(llvm::StringRef kind);
/// The known reward kinds, comma separated (for messages).
std::string knownRewardKinds();
/// The known dataset sources, comma separated (for messages).
std::string knownDatasetSources();

/// Checks `config` against `schema`: unknown fields, missing required
/// fields, value types and ranges. `what` names the dictionary in messages
/// (e.g. "config", "mla"). Reports through `emitError`.
mlir::LogicalResult
checkConfig(mlir::DictionaryAttr config, llvm::ArrayRef<Field> schema,
            llvm::function_ref<mlir::InFlightDiagnostic()> emitError,
            llvm::StringRef what = "config");

/// Returns `config` with every defaulted field filled in, integers of float
/// fields turned into f64 and the fields sorted. Assumes checkConfig passed.
mlir::DictionaryAttr resolveConfig(mlir::DictionaryAttr config,
                                   llvm::ArrayRef<Field> schema);

/// Reads an integer field of a dictionary, or `dflt`.
int64_t getInt(mlir::DictionaryAttr dict, llvm::StringRef name,
               int64_t dflt = 0);
/// Reads a float (or integer) field of a dictionary, or `dflt`.
double getFloat(mlir::DictionaryAttr dict, llvm::StringRef name,
                double dflt = 0.0);
/// Reads a string field of a dictionary, or `dflt`.
llvm::StringRef getStr(mlir::DictionaryAttr dict, llvm::StringRef name,
                       llvm::StringRef dflt = "");
/// Reads a nested dictionary field, or a null attribute.
mlir::DictionaryAttr getDict(mlir::DictionaryAttr dict, llvm::StringRef name);

/// The record kind (`text`, `prompt`, `pairs`) a dataset source yields for
/// its config: tasks yield prompts with answers; jsonl depends on its fields.
llvm::StringRef datasetKindOf(llvm::StringRef source, mlir::DictionaryAttr cfg);

/// The characters a task's generated text uses (the task alphabets of the
/// plan contract), for `task.*` sources; empty for other sources. `cfg` is
/// the resolved config (defaults filled in).
std::string getTaskAlphabet(llvm::StringRef source, mlir::DictionaryAttr cfg);

} // namespace r1

#endif // R1_R1SCHEMA_H
