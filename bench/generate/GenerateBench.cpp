//===- GenerateBench.cpp - Cached generation vs full recomputation --------===//
//
// Tokens/s at 128 new tokens, with the cache (latent MLA for deepseek, GQA
// for dense) vs recomputing the whole prefix for every token, measured in the
// same run. Both sides generate one sequence at a time (batch 1), so the ratio
// isolates the cache; batched cached throughput is printed as well.
//
//===----------------------------------------------------------------------===//

#include "BenchTiming.h"

#include "r1rt/generate/Generator.h"
#include "r1rt/model/DeepSeek.h"
#include "r1rt/model/Dense.h"

#include <fmt/format.h>


using namespace r1rt;

using r1bench::seconds;

namespace {

void run(const char *name, CausalLM &m) {
  Generator gen(m);
  SamplingOptions o;
  o.temperature = 0;
  o.maxNewTokens = 128;
  o.stopTokens = {};
  std::vector<int64_t> prompt(16, 5);
  prompt[0] = ByteTokenizer().bosId();
  gen.generate({prompt}, {1}, o); // warm-up
  double cached = seconds([&] { gen.generate({prompt}, {1}, o); });
  double full = seconds([&] { gen.generateUncached({prompt}, {1}, o); });
  std::vector<std::vector<int64_t>> batch(16, prompt);
  std::vector<uint64_t> seeds(16, 1);
  double batched = seconds([&] { gen.generate(batch, seeds, o); });
  fmt::print("generate_{} (128 new tokens, prompt 16): cached {:.0f} tok/s vs "
             "full recompute {:.0f} tok/s: {:.1f}x; cached batch 16: {:.0f} "
             "tok/s\n",
             name, 128 / cached, 128 / full, full / cached, 16 * 128 / batched);
}

} // namespace

int main() {
  torch::manual_seed(0);
  DeepSeekConfig d;
  d.vocabSize = 48;
  d.dim = 128;
  d.layers = 4;
  d.heads = 4;
  d.denseLayers = 1;
  d.maxSeq = 256;
  d.ffn = 512;
  d.mla = {0, 64, 32, 16, 32};
  d.moe.experts = 8;
  d.moe.topK = 2;
  d.moe.expertDim = 128;
  d.moe.score = "sigmoid";
  DeepSeekModel deepseek(d);
  deepseek.initialize(1);
  run("deepseek_r1_tiny", deepseek);

  DenseConfig s;
  s.vocabSize = 48;
  s.dim = 96;
  s.layers = 3;
  s.heads = 4;
  s.kvHeads = 4;
  s.headDim = 24;
  s.ffn = 256;
  s.maxSeq = 256;
  DenseModel dense(s);
  dense.initialize(1);
  run("dense_student", dense);
  return 0;
}
