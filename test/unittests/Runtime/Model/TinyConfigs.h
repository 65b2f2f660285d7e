//===- TinyConfigs.h - Small model configs of the model tests ---*- C++ -*-===//

#ifndef R1RT_TEST_TINYCONFIGS_H
#define R1RT_TEST_TINYCONFIGS_H

#include "r1rt/model/Config.h"

namespace r1rt::test {

/// A small DeepSeek config: 3 layers (1 dense), MLA, 8 experts.
inline DeepSeekConfig tinyDeepSeek(int64_t qRank = 0, bool yarn = false,
                                   bool tie = false) {
  DeepSeekConfig c;
  c.vocabSize = 29;
  c.dim = 24;
  c.layers = 3;
  c.heads = 3;
  c.denseLayers = 1;
  c.maxSeq = 64;
  c.ffn = 40;
  c.tieEmbeddings = tie;
  c.mla = {qRank, 12, 6, 4, 5};
  c.moe.experts = 8;
  c.moe.shared = 1;
  c.moe.topK = 2;
  c.moe.expertDim = 10;
  c.moe.score = "sigmoid";
  c.moe.groups = 4;
  c.moe.topkGroups = 2;
  c.moe.routeScale = 1.5;
  if (yarn)
    c.yarn = YarnConfig{4.0, 16, 32, 1, 0.7};
  return c;
}

/// A small Qwen2-style config.
inline DenseConfig tinyDense(bool bias = true, int64_t kvHeads = 2,
                             bool tie = false) {
  DenseConfig c;
  c.vocabSize = 29;
  c.dim = 24;
  c.layers = 2;
  c.heads = 4;
  c.kvHeads = kvHeads;
  c.headDim = 6;
  c.ffn = 36;
  c.maxSeq = 64;
  c.qkvBias = bias;
  c.tieEmbeddings = tie;
  return c;
}

} // namespace r1rt::test

#endif // R1RT_TEST_TINYCONFIGS_H
