//===- FrontendOptions.h - Options of the .r1p front end --------*- C++ -*-===//
//
// What parsePipeline (Frontend.h) does beyond parsing and checking: the
// built-in prelude, file existence checks and file digests.
//
//===----------------------------------------------------------------------===//

#ifndef R1_FRONTEND_FRONTENDOPTIONS_H
#define R1_FRONTEND_FRONTENDOPTIONS_H

namespace r1 {

/// Options of the front end.
struct FrontendOptions {
  /// Include the built-in loss prelude (grpo, dr_grpo, dapo, gspo).
  bool prelude = true;
  /// Check that files named by the pipeline (jsonl, hf tokenizer) exist,
  /// relative to the pipeline's directory; a missing one is a warning.
  bool checkFiles = true;
  /// Hash the contents of every external file (jsonl, tokenizer, model
  /// weights) for the artifact keys; compiling does, `r1c check` does not.
  bool digestFiles = false;
};

} // namespace r1

#endif // R1_FRONTEND_FRONTENDOPTIONS_H
