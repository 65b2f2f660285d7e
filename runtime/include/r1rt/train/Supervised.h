//===- Supervised.h - Next-token training: pretrain, SFT, KD ----*- C++ -*-===//
//
// One trainer serves pretraining (loss on every token), SFT and distillation
// (loss on response tokens only). Examples are <bos> prompt response <eos>.
// The data order is a per-epoch permutation derived from (seed, epoch), so a
// resumed run needs only the step number, the weights and the optimizer state
// to continue exactly where an uninterrupted run would be.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_TRAIN_SUPERVISED_H
#define R1RT_TRAIN_SUPERVISED_H

#include "r1rt/data/Record.h"
#include "r1rt/model/CausalLM.h"
#include "r1rt/tokenizer/Tokenizer.h"

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace r1rt {

class StageArtifact;
class MetricsLog;

/// Token ids of one example; the loss covers predicting ids[t] for
/// t >= lossFrom (lossFrom >= 1).
struct TokenizedExample {
  std::vector<int64_t> ids;
  int64_t lossFrom = 1;
};

/// <bos> prompt response <eos>, truncated to maxSeq tokens. With
/// responseOnly, the loss starts at the first response token; a record
/// without a response is then an error naming `where`.
TokenizedExample tokenizeExample(const Tokenizer &tokenizer,
                                 const data::Record &record, bool responseOnly,
                                 int64_t maxSeq, const std::string &where);

/// A padded batch: tokens [B,T] and lossMask [B,T-1], where lossMask[b,t]
/// is 1 when predicting tokens[b,t+1] counts.
struct TokenBatch {
  torch::Tensor tokens;
  torch::Tensor lossMask;
};
TokenBatch collate(const std::vector<TokenizedExample> &examples,
                   int64_t padId = 0);

/// Pretraining rows packed from the example stream: epoch e concatenates the
/// examples in epochOrder(n, seed, e) (DataOrder.h) and cuts rows of `len`
/// tokens at stride len - 1 (consecutive rows share one token, so every token
/// but the first is predicted once); draw g is row g % rows of epoch g / rows.
/// Like EpochSampler, a draw depends only on (seed, g), so resuming needs only
/// the step.
class PackedSampler {
public:
  PackedSampler(const std::vector<TokenizedExample> &examples, int64_t len,
                uint64_t seed);
  /// Windows per epoch (>= 1).
  int64_t rowsPerEpoch() const { return rows; }
  /// The `len` token ids of draw g.
  std::vector<int64_t> operator()(int64_t draw);

private:
  const std::vector<TokenizedExample> &examples;
  int64_t len, rows;
  uint64_t seed;
  int64_t epoch = -1;
  std::vector<int64_t> stream;
};

/// The trainer's settings; the sft/pretrain/distill runners fill every field
/// from the stage's plan.json config (no defaults here: r1c resolves them).
struct SupervisedOptions {
  int64_t steps;  ///< optimizer steps
  int64_t batch;  ///< examples per step
  double lr;      ///< peak learning rate
  int64_t warmup; ///< linear warmup steps, then cosine to 10%
  double weightDecay;
  double gradClip;   ///< global grad-norm clip (0: off)
  int64_t saveEvery; ///< step checkpoint period (0: only at the end)
  bool responseOnly; ///< loss on response tokens only (sft, distill)
  /// With !responseOnly: >= 2 trains on packed rows of packLen tokens
  /// (PackedSampler); 0 pads one example per row.
  int64_t packLen;
  uint64_t seed;
  std::string label; ///< stage name for progress and errors
};

struct SupervisedResult {
  int64_t steps = 0;
  double firstLoss = 0, finalLoss = 0; ///< mean loss of the first/last 10%
  int64_t resumedFrom = 0;             ///< 0 for a fresh run
};

/// Trains `model` on `records`. Step checkpoints (weights, optimizer state)
/// go to `artifact`; per-step metrics to `metrics`. Resumes from
/// artifact.latestStep() when there is one. A non-finite loss aborts with an
/// r1rt::Error naming the stage and step (policy: abort; the last step
/// checkpoint is kept, so lowering the learning rate and re-running resumes).
SupervisedResult trainSupervised(CausalLM &model, const Tokenizer &tokenizer,
                                 const std::vector<data::Record> &records,
                                 const SupervisedOptions &options,
                                 StageArtifact &artifact, MetricsLog &metrics);

} // namespace r1rt

#endif // R1RT_TRAIN_SUPERVISED_H
