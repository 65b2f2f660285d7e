//===- ArtifactStoreTest.cpp - Tests for the stage artifact store ---------===//

#include "r1rt/store/ArtifactStore.h"
#include "r1rt/Error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

class ArtifactStoreTest : public ::testing::Test {
protected:
  void SetUp() override {
    root = fs::temp_directory_path() /
           ("r1rt-store-" + std::to_string(std::random_device{}()));
  }
  void TearDown() override { fs::remove_all(root); }

  static std::string randomBytes(size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (char &c : s)
      c = static_cast<char>(rng());
    return s;
  }

  fs::path root;
};

TEST(Sha1, MatchesKnownVectors) {
  EXPECT_EQ(r1rt::sha1Hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(r1rt::sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(r1rt::sha1Hex(std::string(1000000, 'a')),
            "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST_F(ArtifactStoreTest, CommitCompleteAndVerify) {
  r1rt::ArtifactStore store(root.string(), "r1_tiny");
  auto st = store.stage("base_lm", "0123456789abcdef");
  EXPECT_EQ(st.dir(), (root / "r1_tiny" / "base_lm-0123456789abcdef").string());
  EXPECT_FALSE(st.isComplete());
  st.begin({{"kind", "pretrain"}, {"inputs", json::array()}});
  EXPECT_FALSE(st.isComplete());
  std::string ckpt = randomBytes(100000, 1);
  st.commitFile("model.safetensors", ckpt);
  st.commitFile("data/train.jsonl", "{\"a\":1}\n");
  st.complete({{"loss", 1.25}});
  EXPECT_TRUE(st.isComplete());
  EXPECT_NO_THROW(st.verify());
  EXPECT_EQ(st.readCommitted("model.safetensors"), ckpt);
  EXPECT_EQ(st.manifest()["summary"]["loss"], 1.25);
  EXPECT_EQ(st.manifest()["kind"], "pretrain");
  // A different key is a different, incomplete artifact.
  EXPECT_FALSE(store.stage("base_lm", "fedcba9876543210").isComplete());
}

TEST_F(ArtifactStoreTest, CorruptionIsReportedAndNothingIsDeleted) {
  r1rt::ArtifactStore store(root.string(), "p");
  auto st = store.stage("s", "abcdef0123456789");
  st.begin({});
  std::string ckpt = randomBytes(4096, 2);
  st.commitFile("model.safetensors", ckpt);
  st.complete({});
  // Flip one byte in the middle of the checkpoint.
  {
    std::fstream f(st.path("model.safetensors"),
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(2000);
    f.put(static_cast<char>(ckpt[2000] ^ 0x40));
  }
  try {
    st.verify();
    FAIL() << "corruption not detected";
  } catch (const r1rt::Error &e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("model.safetensors"), std::string::npos) << msg;
    EXPECT_NE(msg.find("corrupt"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
  }
  EXPECT_THROW(st.readCommitted("model.safetensors"), r1rt::Error);
  EXPECT_TRUE(fs::exists(st.path("model.safetensors")));
  // Truncation and deletion are detected too.
  fs::resize_file(st.path("model.safetensors"), 100);
  EXPECT_THROW(st.verify(), r1rt::Error);
  fs::remove(st.path("model.safetensors"));
  EXPECT_THROW(st.verify(), r1rt::Error);
}

TEST_F(ArtifactStoreTest, StepCheckpointsArePublishedWholeAndPruned) {
  r1rt::ArtifactStore store(root.string(), "p");
  auto st = store.stage("grpo", "00112233445566778899");
  st.begin({});
  EXPECT_FALSE(st.latestStep().has_value());
  for (int64_t step : {10, 20, 30}) {
    st.writeStep(step, {{"model.safetensors", randomBytes(512, step)},
                        {"rng.bin", std::to_string(step)}});
    ASSERT_TRUE(st.latestStep().has_value());
    EXPECT_EQ(*st.latestStep(), step);
  }
  EXPECT_EQ(st.readStep(30, "rng.bin"), "30");
  EXPECT_EQ(st.readStep(20, "model.safetensors"), randomBytes(512, 20));
  EXPECT_FALSE(fs::exists(st.stepPath(10, "rng.bin"))) << "pruned to 2 steps";
  // A half-written step (no index.json, as after SIGKILL) is ignored.
  fs::create_directories(fs::path(st.dir()) / "steps" / "step-000000040");
  EXPECT_EQ(*st.latestStep(), 30);
  // A corrupted step file is reported, not silently used.
  {
    std::ofstream f(st.stepPath(30, "rng.bin"), std::ios::binary);
    f << "31";
  }
  EXPECT_THROW(st.readStep(30, "rng.bin"), r1rt::Error);
  st.complete({});
  EXPECT_FALSE(fs::exists(fs::path(st.dir()) / "steps"));
}

TEST_F(ArtifactStoreTest, RejectsBadNamesAndPaths) {
  EXPECT_THROW(r1rt::ArtifactStore(root.string(), "../evil"), r1rt::Error);
  r1rt::ArtifactStore store(root.string(), "p");
  EXPECT_THROW(store.stage("s", "not-hex!"), r1rt::Error);
  auto st = store.stage("s", "abcdef0123456789");
  st.begin({});
  EXPECT_THROW(st.commitFile("../escape", "x"), r1rt::Error);
  EXPECT_THROW(st.commitFile("/abs", "x"), r1rt::Error);
  EXPECT_THROW(st.readCommitted("never-written"), r1rt::Error);
}

TEST_F(ArtifactStoreTest, RestartKeepsCommittedFiles) {
  r1rt::ArtifactStore store(root.string(), "p");
  auto st = store.stage("s", "abcdef0123456789");
  st.begin({{"kind", "sft"}});
  st.commitFile("a.bin", "first");
  // A second begin (a resumed run) must not forget what was committed.
  st.begin({{"kind", "sft"}});
  EXPECT_EQ(st.readCommitted("a.bin"), "first");
  EXPECT_EQ(st.manifest()["status"], "running");
}

} // namespace
