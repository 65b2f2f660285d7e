//===- Generate.cpp - `r1run generate`: text from a pretrained model ------===//
//
// r1run generate MODEL --prompt TEXT [--chat] [--max-new N] [--batch B]
//                      [--temperature T] [--seed S] [--threads N]
//                      [--profile TRACE.json]
// MODEL is a Hugging Face model directory or a .gguf file. Greedy unless a
// temperature > 0 is given. The completion goes to stdout, the speed to
// stderr.
//
//===----------------------------------------------------------------------===//

#include "Generate.h"

#include "r1rt/Error.h"
#include "r1rt/generate/Generator.h"
#include "r1rt/model/Pretrained.h"

#include <CLI/CLI.hpp>
#include <c10/util/Exception.h>
#include <torch/csrc/autograd/profiler_legacy.h>

#include <chrono>
#include <cstdio>

int runGenerate(int argc, char **argv) {
  CLI::App app{"r1run generate: completes a prompt with a pretrained model "
               "(Hugging Face directory or .gguf file)"};
  app.name("r1run generate");
  std::string model, prompt;
  bool chat = false;
  int64_t maxNew = 64;
  double temperature = 0;
  uint64_t seed = 0;
  int threads = 0;
  int64_t batch = 1;
  std::string profile;
  app.add_option("model", model, "HF model directory or .gguf file")
      ->required();
  app.add_option("--prompt", prompt, "Prompt text")->required();
  app.add_flag("--chat", chat,
               "Wrap the prompt as a user message with the model's chat "
               "template (and add the generation prompt)");
  app.add_option("--max-new", maxNew, "Most tokens to generate (default 64)")
      ->check(CLI::PositiveNumber);
  app.add_option("--temperature", temperature,
                 "Sampling temperature; 0 (default) is greedy")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--seed", seed, "Sampling seed (default 0)");
  app.add_option("--batch", batch,
                 "Generate this many copies of the prompt at once, seeds "
                 "S, S+1, ... (for throughput; prints the first)")
      ->check(CLI::PositiveNumber);
  app.add_option("--threads", threads,
                 "Intra-op CPU threads (default: LibTorch's)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--profile", profile,
                 "Write a Chrome trace (chrome://tracing) of the generation");
  CLI11_PARSE(app, argc, argv);

  try {
    if (threads > 0)
      torch::set_num_threads(threads);
    auto t0 = std::chrono::steady_clock::now();
    r1rt::Pretrained p = r1rt::loadPretrained(model);
    if (!p.tokenizer)
      r1rt::fail("{}: has no tokenizer.json; generate needs a tokenizer",
                 model);
    std::string text =
        chat ? r1rt::renderChat(p, nlohmann::json::array(
                                       {{{"role", "user"},
                                         {"content", prompt}}}))
             : prompt;
    std::vector<int64_t> ids = p.tokenizer->encode(text);
    if (ids.empty())
      r1rt::fail("the prompt encodes to no tokens; pass a non-empty prompt");
    auto t1 = std::chrono::steady_clock::now();
    r1rt::Generator gen(*p.model, p.tokenizer.get());
    r1rt::SamplingOptions o;
    o.temperature = temperature;
    o.maxNewTokens = maxNew;
    std::vector<std::vector<int64_t>> prompts(size_t(batch), ids);
    std::vector<uint64_t> seeds;
    for (int64_t i = 0; i < batch; ++i)
      seeds.push_back(seed + uint64_t(i));
    std::unique_ptr<torch::autograd::profiler::RecordProfile> trace;
    if (!profile.empty())
      trace =
          std::make_unique<torch::autograd::profiler::RecordProfile>(profile);
    r1rt::GenerationResult r = gen.generate(prompts, seeds, o);
    trace.reset();
    auto t2 = std::chrono::steady_clock::now();
    std::vector<int64_t> out = r.row(0);
    const int64_t generated = r.lengths.sum().item<int64_t>();
    std::string completion;
    if (auto *hf = dynamic_cast<const r1rt::HfTokenizer *>(p.tokenizer.get()))
      completion = hf->decodeText(out, /*skipSpecial=*/true);
    else
      completion = p.tokenizer->decode(out);
    std::printf("%s\n", completion.c_str());
    double load = std::chrono::duration<double>(t1 - t0).count();
    double secs = std::chrono::duration<double>(t2 - t1).count();
    std::fprintf(stderr,
                 "r1run: %lld x (%zu prompt + %zu new) tokens, %lld new in "
                 "all, in %.2f s: %.1f tok/s (load %.2f s)\n",
                 (long long)batch, ids.size(), out.size(),
                 (long long)generated, secs, generated / secs, load);
    return 0;
  } catch (const r1rt::Error &e) {
    std::fprintf(stderr, "r1run: error: %s\n", e.what());
  } catch (const c10::Error &e) {
    std::fprintf(stderr, "r1run: internal error from LibTorch: %s\n",
                 e.what_without_backtrace());
  }
  return 1;
}
