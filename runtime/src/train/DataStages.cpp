//===- DataStages.cpp - reject_sample and mix stage runners ---------------===//
//
// reject_sample: for every prompt of the dataset: sample `samples` completions, keep those
// the stage's keep predicate accepts, drop duplicates (same prompt and
// response), and keep at most `per_prompt` per prompt. The kept pairs form a
// JSONL dataset artifact (data.jsonl). Work is done in chunks of prompts; a
// step checkpoint every 8 chunks holds the records kept so far. mix:
// data::mix() of its inputs.
//
//===----------------------------------------------------------------------===//

#include "Rollout.h"
#include "StageConfig.h"
#include "StageSupport.h"
#include "r1rt/Error.h"
#include "r1rt/metrics/Progress.h"
#include "r1rt/data/Mix.h"
#include "r1rt/store/ArtifactStore.h"

#include <set>
#include <sstream>

using nlohmann::json;

namespace r1rt::stages {

namespace {

class RejectSampleStage : public StageRunner {
public:
  json run(StageContext &ctx) override {
    const PlanStage &st = ctx.stage;
    const RejectSampleConfig config = RejectSampleConfig::read(st);
    const int64_t samples = config.samples;
    const int64_t perPrompt = config.perPrompt;
    const SamplingOptions &sampling = config.sampling;
    if (samples < 1 || perPrompt < 1)
      fail("stage '{}': samples and per_prompt must be >= 1", st.name);
    const RewardSet keep = RewardSet::fromStage(ctx.plan, st, "keep");
    const uint64_t seed = stageSeed(ctx);
    auto tokenizer = planTokenizer(ctx.plan);
    LoadedModel policy = loadModelInput(ctx, "policy", seed);
    const std::vector<data::Record> records = loadDatasetInput(ctx, "data");

    const int64_t chunks = promptChunkCount(records.size());
    std::vector<data::Record> kept;
    int64_t start = resumeStep(ctx.artifact);
    if (start > 0)
      kept = data::readRecords(ctx.artifact.stepPath(start, kDataFile));
    int64_t generated = start * kPromptsPerChunk * samples;
    Progress progress(st.name, chunks, "chunk", start);
    for (int64_t c = start; c < chunks; ++c) {
      std::vector<const data::Record *> prompts = promptChunk(records, c);
      Rollouts roll = sampleCompletions(
          *policy.model, *tokenizer, prompts, samples, sampling, seed,
          uint64_t(c) * kPromptsPerChunk * samples, st.name);
      generated += roll.completions.size();
      for (size_t p = 0; p < prompts.size(); ++p) {
        std::set<std::string> seen;
        for (int64_t j = 0; j < samples && int64_t(seen.size()) < perPrompt;
             ++j) {
          const std::string &text = roll.completions[p * samples + j];
          if (seen.count(text) ||
              keep.combine(keep.scoreTerms(text, *prompts[p])) == 0.0)
            continue;
          seen.insert(text);
          data::Record r = *prompts[p];
          r.response = text;
          kept.push_back(std::move(r));
        }
      }
      progress.update(c + 1, fmt::format("kept {}/{}", kept.size(), generated));
      if (c + 1 < chunks && (c + 1) % 8 == 0)
        ctx.artifact.writeStep(c + 1, {{kDataFile, data::toJsonl(kept)}});
    }
    progress.finish();
    if (kept.empty())
      fail("stage '{}': the keep predicate accepted none of {} samples; the "
           "policy is too weak for it (train it longer or relax `keep`)",
           st.name, generated);
    ctx.artifact.commitFile(kDataFile, data::toJsonl(kept));
    return {{"prompts", static_cast<int64_t>(records.size())},
            {"samples", generated},
            {"kept", static_cast<int64_t>(kept.size())},
            {"keep_rate", double(kept.size()) / std::max<int64_t>(generated, 1)}};
  }
};

class MixStage : public StageRunner {
public:
  json run(StageContext &ctx) override {
    const PlanStage &st = ctx.stage;
    const json &refs = st.ref("inputs");
    if (!refs.is_array() || refs.size() < 2)
      fail("plan.json: mix stage '{}' needs an \"inputs\" array of at least "
           "two references",
           st.name);
    std::vector<std::vector<data::Record>> inputs;
    for (const json &ref : refs)
      inputs.push_back(loadDatasetRef(ctx, ref));
    const std::vector<unsigned> ratio = MixConfig::read(st).ratio;
    std::vector<data::Record> mixed = data::mix(inputs, ratio);
    ctx.artifact.commitFile(kDataFile, data::toJsonl(mixed));
    json summary = {{"records", static_cast<int64_t>(mixed.size())}};
    for (size_t i = 0; i < inputs.size(); ++i)
      summary[refName(refs[i])] = static_cast<int64_t>(inputs[i].size());
    return summary;
  }
};

} // namespace

void registerDataStages() {
  registerStage("reject_sample",
                [] { return std::make_unique<RejectSampleStage>(); });
  registerStage("mix", [] { return std::make_unique<MixStage>(); });
}

} // namespace r1rt::stages
