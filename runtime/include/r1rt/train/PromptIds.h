//===- PromptIds.h - The tokens a record's prompt becomes -------*- C++ -*-===//
//
// The one place that decides how a dataset record's prompt is tokenized:
// rollouts (grpo, reject_sample, eval) and supervised stages both call it,
// so a model is sampled and trained on the same prefix.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_TRAIN_PROMPTIDS_H
#define R1RT_TRAIN_PROMPTIDS_H

#include "r1rt/data/Record.h"
#include "r1rt/tokenizer/Tokenizer.h"

#include <cstdint>
#include <vector>

namespace r1rt {

/// A chat record (`chat = true`): the tokenizer's chat template over
/// [{system}, {user: prompt}] with the generation prompt, encoded with its
/// special tokens (the template writes any bos itself). Otherwise: bos (when
/// the tokenizer has one) and the prompt's ids. Throws r1rt::Error.
std::vector<int64_t> promptIds(const Tokenizer &tokenizer,
                               const data::Record &record);

} // namespace r1rt

#endif // R1RT_TRAIN_PROMPTIDS_H
