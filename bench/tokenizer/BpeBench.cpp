//===- BpeBench.cpp - BpeTokenizer encode throughput ----------------------===//
//
// usage: r1fmt-bpe-bench TOKENIZER_JSON CORPUS_JSONL [REPS]
// Encodes every string of the corpus (one JSON string per line) REPS times
// on one thread and prints "seconds <median> tokens <count>" for
// bpe_bench.py, which compares it with the tokenizers package.
//
//===----------------------------------------------------------------------===//

#include "BenchTiming.h"
#include "r1fmt/Bpe.h"

#include <cstdio>
#include <fstream>
#include <string>

int main(int argc, char **argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s TOKENIZER_JSON CORPUS_JSONL [REPS]\n",
                 argv[0]);
    return 2;
  }
  auto tok = r1fmt::BpeTokenizer::fromFile(argv[1]);
  if (!tok) {
    std::fprintf(stderr, "%s\n", tok.error().c_str());
    return 1;
  }
  std::vector<std::string> corpus;
  std::ifstream in(argv[2]);
  for (std::string line; std::getline(in, line);)
    corpus.push_back(nlohmann::json::parse(line).get<std::string>());
  int reps = argc > 3 ? std::atoi(argv[3]) : 5;
  size_t tokens = 0;
  std::vector<double> times;
  for (int r = 0; r < reps; ++r)
    times.push_back(r1bench::seconds([&] {
      tokens = 0;
      for (const std::string &s : corpus)
        tokens += tok->encode(s).size();
    }));
  std::printf("seconds %.6f tokens %zu\n", r1bench::median(times), tokens);
  return 0;
}
