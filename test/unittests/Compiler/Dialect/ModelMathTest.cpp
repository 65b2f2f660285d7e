//===- ModelMathTest.cpp - Parameter counts against a tensor enumeration --===//
//
// The closed forms of ModelMath (used by r1-infer-costs and the plan) are
// checked against an independent enumeration of every weight tensor of the
// DeepSeek-V3 (model.py) and Qwen2 layouts, over many random configurations.
//
//===----------------------------------------------------------------------===//

#include "r1/Dialect/R1/ModelMath.h"

#include <gtest/gtest.h>

#include <random>
#include <utility>
#include <vector>

using namespace r1;

namespace {
using Shape = std::vector<int64_t>;

int64_t numel(const Shape &s) {
  int64_t n = 1;
  for (int64_t d : s)
    n *= d;
  return n;
}

/// Every trainable tensor of a DeepSeek-V3 model, named as in model.py;
/// `routed` marks routed-expert weights (inactive unless selected).
std::vector<std::pair<Shape, bool>> deepseekTensors(const ModelDims &d) {
  std::vector<std::pair<Shape, bool>> t;
  int64_t D = d.dim, H = d.heads, qk = d.nopeDim + d.ropeDim;
  t.push_back({{d.vocab, D}, false}); // embed
  for (int64_t l = 0; l < d.layers; ++l) {
    t.push_back({{D}, false}); // attn_norm
    t.push_back({{D}, false}); // ffn_norm
    if (d.qRank == 0) {
      t.push_back({{H * qk, D}, false}); // wq
    } else {
      t.push_back({{d.qRank, D}, false});      // wq_a
      t.push_back({{d.qRank}, false});         // q_norm
      t.push_back({{H * qk, d.qRank}, false}); // wq_b
    }
    t.push_back({{d.kvRank + d.ropeDim, D}, false});            // wkv_a
    t.push_back({{d.kvRank}, false});                           // kv_norm
    t.push_back({{H * (d.nopeDim + d.vDim), d.kvRank}, false}); // wkv_b
    t.push_back({{D, H * d.vDim}, false});                      // wo
    if (l < d.denseLayers) {
      for (int i = 0; i < 3; ++i) // w1, w2, w3
        t.push_back({{d.ffn, D}, false});
    } else {
      t.push_back({{d.experts, D}, false}); // gate.weight
      for (int64_t e = 0; e < d.experts; ++e)
        for (int i = 0; i < 3; ++i)
          t.push_back({{d.expertDim, D}, true});
      for (int i = 0; i < 3; ++i) // shared_experts MLP
        t.push_back({{d.shared * d.expertDim, D}, false});
    }
  }
  t.push_back({{D}, false}); // norm
  if (!d.tied)
    t.push_back({{d.vocab, D}, false}); // head
  return t;
}

/// Every trainable tensor of a Qwen2 model.
std::vector<Shape> denseTensors(const ModelDims &d) {
  std::vector<Shape> t;
  int64_t D = d.dim;
  t.push_back({d.vocab, D});
  for (int64_t l = 0; l < d.layers; ++l) {
    t.push_back({D});
    t.push_back({D});
    t.push_back({d.heads * d.headDim, D});
    t.push_back({d.kvHeads * d.headDim, D});
    t.push_back({d.kvHeads * d.headDim, D});
    if (d.qkvBias) {
      t.push_back({d.heads * d.headDim});
      t.push_back({d.kvHeads * d.headDim});
      t.push_back({d.kvHeads * d.headDim});
    }
    t.push_back({D, d.heads * d.headDim});
    for (int i = 0; i < 3; ++i)
      t.push_back({d.ffn, D});
  }
  t.push_back({D});
  if (!d.tied)
    t.push_back({d.vocab, D});
  return t;
}

TEST(ModelMath, DeepseekMatchesTensorEnumeration) {
  std::mt19937 rng(1234);
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  for (int trial = 0; trial < 200; ++trial) {
    ModelDims d;
    d.arch = "deepseek";
    d.vocab = pick(4, 5000);
    d.dim = 8 * pick(1, 64);
    d.layers = pick(1, 8);
    d.heads = pick(1, 16);
    d.denseLayers = pick(0, d.layers);
    d.ffn = pick(1, 2048);
    d.qRank = trial % 2 ? 0 : pick(1, 256);
    d.kvRank = pick(1, 256);
    d.nopeDim = pick(1, 64);
    d.ropeDim = 2 * pick(1, 32);
    d.vDim = pick(1, 64);
    d.experts = pick(1, 64);
    d.topK = pick(1, d.experts);
    d.shared = pick(0, 2);
    d.expertDim = pick(1, 512);
    d.tied = trial % 3 == 0;
    int64_t total = 0, active = 0;
    for (auto &[shape, routed] : deepseekTensors(d)) {
      total += numel(shape);
      if (!routed)
        active += numel(shape);
    }
    // A token uses top_k routed experts in every MoE layer.
    active += (d.layers - d.denseLayers) * d.topK * 3 * d.expertDim * d.dim;
    ASSERT_EQ(paramCount(d), total) << "trial " << trial;
    ASSERT_EQ(activeParamCount(d), active) << "trial " << trial;
  }
}

TEST(ModelMath, DenseMatchesTensorEnumeration) {
  std::mt19937 rng(99);
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  for (int trial = 0; trial < 200; ++trial) {
    ModelDims d;
    d.arch = "dense";
    d.vocab = pick(4, 50000);
    d.kvHeads = pick(1, 8);
    d.heads = d.kvHeads * pick(1, 4);
    d.headDim = 2 * pick(1, 64);
    d.dim = pick(8, 1024);
    d.layers = pick(1, 12);
    d.ffn = pick(1, 4096);
    d.qkvBias = trial % 2;
    d.tied = trial % 3 == 0;
    int64_t total = 0;
    for (const Shape &s : denseTensors(d))
      total += numel(s);
    ASSERT_EQ(paramCount(d), total) << "trial " << trial;
    ASSERT_EQ(activeParamCount(d), total) << "trial " << trial;
  }
}

TEST(ModelMath, QwenSmallMatchesPublishedCount) {
  // Qwen2.5-0.5B: 494,032,768 parameters (tied embeddings, qkv biases), the
  // figure its model card reports.
  ModelDims d;
  d.arch = "dense";
  d.vocab = 151936;
  d.dim = 896;
  d.layers = 24;
  d.heads = 14;
  d.kvHeads = 2;
  d.headDim = 64;
  d.ffn = 4864;
  d.qkvBias = true;
  d.tied = true;
  EXPECT_EQ(paramCount(d), 494032768);
}

TEST(ModelMath, MlaCacheIsLatentPlusRope) {
  ModelDims d;
  d.arch = "deepseek";
  d.heads = 128;
  d.kvRank = 512;
  d.ropeDim = 64;
  d.nopeDim = 128;
  d.vDim = 128;
  // DeepSeek-V3: 576 cached numbers per token per layer vs 128*(192+128).
  EXPECT_EQ(kvBytesPerTokenLayer(d, 1), 576);
  EXPECT_EQ(mhaKvBytesPerTokenLayer(d, 1), 128 * 320);
  EXPECT_EQ(kvBytesPerTokenLayer(d, 2), 1152);
}
} // namespace
