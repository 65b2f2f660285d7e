//===- PromptIdsTest.cpp - Prompt tokens against transformers -------------===//
//
// promptIds on SmolLM2-135M-Instruct's GGUF tokenizer equals what
// transformers builds (test/oracles/chat_templates/prompt_ids_oracle.py):
// chat records through apply_chat_template with the generation prompt, with
// and without a system message, and plain records as bos + text.
//
//===----------------------------------------------------------------------===//

#include "r1rt/Error.h"
#include "r1rt/train/PromptIds.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

using r1rt::data::Record;

namespace {

Record record(std::string prompt, bool chat,
              std::optional<std::string> system = std::nullopt) {
  Record r;
  r.kind = "arith";
  r.prompt = std::move(prompt);
  r.chat = chat;
  r.system = std::move(system);
  return r;
}

nlohmann::json oracleIds(const std::vector<Record> &records) {
  nlohmann::json in = nlohmann::json::array();
  for (const Record &r : records) {
    nlohmann::json j = {{"prompt", r.prompt}, {"chat", r.chat}};
    if (r.system)
      j["system"] = *r.system;
    in.push_back(j);
  }
  auto dir = std::filesystem::temp_directory_path();
  auto inPath = dir / ("r1rt-promptids-" + std::to_string(::getpid()));
  std::ofstream(inPath) << in.dump();
  std::string cmd = std::string(R1C_PYTHON) + " " + R1C_SOURCE_DIR +
                    "/test/oracles/chat_templates/prompt_ids_oracle.py " +
                    R1C_SMOLLM2_GGUF + " < " + inPath.string() +
                    " 2>/dev/null";
  std::string out;
  if (FILE *p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
      out.append(buf, n);
    EXPECT_EQ(::pclose(p), 0) << cmd;
  }
  std::filesystem::remove(inPath);
  return nlohmann::json::parse(out, nullptr, false);
}

} // namespace

TEST(PromptIdsTest, MatchTransformersOnSmolLM2) {
  if (std::string(R1C_SMOLLM2_GGUF).empty())
    GTEST_SKIP() << "SmolLM2-135M-Instruct.Q4_1.gguf not installed";
  auto tok = r1rt::Tokenizer::fromJson(
      {{"kind", "gguf"}, {"path", R1C_SMOLLM2_GGUF}});
  ASSERT_FALSE(tok->chatTemplate().empty());
  std::vector<Record> records = {
      record("What is 17 + 25?", true),
      record("What is (3 - 12) * 7?", true,
             "Think in <think></think>, answer in <answer></answer>."),
      record("Ünïcode and \"quotes\"\nacross lines", true, ""),
      record("What is 17 + 25?", false),
  };
  nlohmann::json want = oracleIds(records);
  ASSERT_TRUE(want.is_array() && want.size() == records.size())
      << "oracle output: " << want.dump();
  for (size_t i = 0; i < records.size(); ++i)
    EXPECT_EQ(nlohmann::json(r1rt::promptIds(*tok, records[i])), want[i])
        << records[i].prompt;
  // Chat and plain prompts differ: the template really ran.
  EXPECT_NE(want[0], want[3]);
}

TEST(PromptIdsTest, ChatNeedsATemplate) {
  auto chars = r1rt::Tokenizer::fromJson(
      {{"kind", "chars"}, {"alphabet", "abc "}});
  try {
    r1rt::promptIds(*chars, record("abc", true));
    FAIL() << "expected an error";
  } catch (const r1rt::Error &e) {
    EXPECT_NE(std::string(e.what()).find("has no chat template"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(r1rt::promptIds(*chars, record("ab", false)),
            (std::vector<int64_t>{chars->bosId(), 3, 4}));
}
