//===- EvalStage.cpp - The eval stage runner ------------------------------===//
//
// For each model: K = max k samples per held-out prompt at the stage's
// temperature and top-p, plus one greedy sample. Correctness is the
// task-aware answer_match(tag = "answer", untagged = the block's untagged)
// verdict (countdown: the equation check; kk: the assignment; otherwise
// numeric/text equivalence), and cons@ votes on the same given answers.
//   pass@a (k): the unbiased estimator 1 − C(k−c, a)/C(k, a) over the first k
//               samples, c of them correct, averaged over prompts (pass@1 is
//               the mean accuracy of the k samples);
//   cons@a:     majority vote over the answers of the first a samples (ties:
//               the earliest), correct when the winning answer is;
//   greedy:     accuracy of the greedy sample.
// Results go to eval.json, each model's greedy completions to
// greedy-<model>.jsonl; a step checkpoint after each model.
//
//===----------------------------------------------------------------------===//

#include "Rollout.h"
#include "StageConfig.h"
#include "StageSupport.h"
#include "r1rt/Error.h"
#include "r1rt/metrics/Progress.h"
#include "r1rt/store/ArtifactStore.h"
#include "r1rt/train/Stages.h"

#include <cstdio>
#include <map>

using nlohmann::json;

namespace r1rt::stages {

namespace {

struct MetricSpec {
  std::string kind; ///< pass or cons
  int64_t at = 1, k = 1;
  std::string label() const { return fmt::format("{}@{}", kind, at); }
};

/// Verdicts and extracted answers of one model on every prompt.
struct Samples {
  std::vector<std::vector<bool>> correct;        ///< [prompt][sample]
  std::vector<std::vector<std::string>> answers; ///< "" = no answer
  std::vector<bool> greedy;
  std::vector<std::string> greedyText;
};

Samples sampleModel(CausalLM &model, const Tokenizer &tok,
                    const std::vector<data::Record> &records, int64_t k,
                    const SamplingOptions &sampling, uint64_t seed,
                    const reward::Reward &verifier, bool lastNumber,
                    const std::string &label) {
  Samples out;
  SamplingOptions greedy = sampling;
  greedy.temperature = 0;
  const int64_t chunks = promptChunkCount(records.size());
  Progress progress(label, records.size(), "prompt");
  for (int64_t c = 0; c < chunks; ++c) {
    std::vector<const data::Record *> prompts = promptChunk(records, c);
    Rollouts roll = sampleCompletions(model, tok, prompts, k, sampling, seed,
                                      uint64_t(c) * kPromptsPerChunk * k, label);
    Rollouts best =
        sampleCompletions(model, tok, prompts, 1, greedy, seed, 0, label);
    for (size_t p = 0; p < prompts.size(); ++p) {
      std::vector<bool> ok;
      std::vector<std::string> ans;
      for (int64_t j = 0; j < k; ++j) {
        const std::string &text = roll.completions[p * k + j];
        ok.push_back(verifier.score(text, *prompts[p]) >=
                     verifier.info().maxScore);
        auto a = reward::givenAnswer(text, "answer", lastNumber);
        ans.push_back(a ? std::string(*a) : std::string());
      }
      out.correct.push_back(std::move(ok));
      out.answers.push_back(std::move(ans));
      out.greedy.push_back(verifier.score(best.completions[p], *prompts[p]) >=
                           verifier.info().maxScore);
      out.greedyText.push_back(best.completions[p]);
    }
    progress.update(std::min<int64_t>(records.size(), (c + 1) * kPromptsPerChunk));
  }
  progress.finish();
  return out;
}

double score(const MetricSpec &m, const Samples &s) {
  double total = 0;
  for (size_t p = 0; p < s.correct.size(); ++p) {
    if (m.kind == "pass") {
      int64_t c = 0;
      for (int64_t j = 0; j < m.k; ++j)
        c += s.correct[p][j];
      total += passAtEstimate(m.k, c, m.at);
      continue;
    }
    std::map<std::string, int64_t> votes;
    std::string winner;
    int64_t best = 0, winnerAt = -1;
    for (int64_t j = 0; j < m.at; ++j) {
      const std::string &a = s.answers[p][j];
      if (a.empty())
        continue;
      if (++votes[a] > best)
        best = votes[a], winner = a;
    }
    for (int64_t j = 0; j < m.at && winnerAt < 0; ++j)
      if (best > 0 && s.answers[p][j] == winner)
        winnerAt = j;
    total += winnerAt >= 0 && s.correct[p][winnerAt] ? 1.0 : 0.0;
  }
  return s.correct.empty() ? 0.0 : total / s.correct.size();
}

class EvalStage : public StageRunner {
public:
  json run(StageContext &ctx) override {
    const PlanStage &st = ctx.stage;
    const EvalConfig config = EvalConfig::read(st);
    std::vector<MetricSpec> specs;
    int64_t k = 1;
    for (const EvalConfig::Metric &m : config.metrics) {
      MetricSpec spec{m.metric, m.at, m.k};
      if (spec.kind != "pass" && spec.kind != "cons")
        fail("stage '{}': unknown metric '{}' (pass or cons)", st.name,
             spec.kind);
      if (spec.kind == "cons")
        spec.k = spec.at;
      if (spec.at < 1 || spec.k < spec.at)
        fail("stage '{}': {} needs 1 <= at <= k", st.name, spec.label());
      k = std::max(k, spec.k);
      specs.push_back(spec);
    }
    const SamplingOptions &sampling = config.sampling;
    const uint64_t seed = stageSeed(ctx);
    auto tokenizer = planTokenizer(ctx.plan);
    auto verifier = reward::makeReward(
        "answer_match", {{"tag", "answer"}, {"untagged", config.untagged}});
    const bool lastNumber = config.untagged == "last_number";
    const std::vector<data::Record> records = loadDatasetInput(ctx, "data");
    const json &models = st.ref("models");
    if (!models.is_array() || models.empty())
      fail("plan.json: eval stage '{}' needs a non-empty \"models\" array",
           st.name);

    json columns = json::array();
    for (const MetricSpec &m : specs)
      columns.push_back(m.label());
    columns.push_back("greedy");
    json rows = json::array();
    const int64_t start = resumeStep(ctx.artifact);
    if (start > 0)
      rows = json::parse(ctx.artifact.readStep(start, "rows.json"));
    for (size_t i = start; i < models.size(); ++i) {
      std::string name = refName(models[i]);
      LoadedModel lm = loadModelRef(ctx, models[i], seed);
      Samples s = sampleModel(*lm.model, *tokenizer, records, k, sampling, seed,
                              *verifier, lastNumber, st.name + ":" + name);
      json row = {{"model", name}, {"n", static_cast<int64_t>(records.size())}};
      for (const MetricSpec &m : specs)
        row[m.label()] = score(m, s);
      int64_t g = 0;
      for (bool b : s.greedy)
        g += b;
      row["greedy"] = records.empty() ? 0.0 : double(g) / records.size();
      rows.push_back(row);
      std::string greedyLog;
      for (size_t p = 0; p < records.size(); ++p)
        greedyLog += json{{"prompt", records[p].prompt},
                          {"greedy", s.greedyText[p]},
                          {"correct", bool(s.greedy[p])}}
                         // A byte-level BPE may cut a UTF-8 sequence.
                         .dump(-1, ' ', false,
                               json::error_handler_t::replace) +
                     "\n";
      ctx.artifact.commitFile("greedy-" + name + ".jsonl", greedyLog);
      if (i + 1 < models.size())
        ctx.artifact.writeStep(i + 1, {{"rows.json", rows.dump()}});
    }
    json result = {{"metrics", columns}, {"rows", rows}};
    ctx.artifact.commitFile("eval.json", result.dump(2) + "\n");
    std::fputs(r1rt::formatEvalTable(result).c_str(), stderr);
    json summary = json::object();
    for (const json &row : rows)
      summary[row["model"].get<std::string>() + "/" +
              columns[0].get<std::string>()] = row[columns[0].get<std::string>()];
    return summary;
  }
};

} // namespace

void registerEvalStage() {
  registerStage("eval", [] { return std::make_unique<EvalStage>(); });
}

} // namespace r1rt::stages

namespace r1rt {

std::string formatEvalTable(const json &result) {
  std::string out = fmt::format("{:<12}", "model");
  for (const json &c : result["metrics"])
    out += fmt::format("  {:>8}", c.get<std::string>());
  out += "\n";
  for (const json &row : result["rows"]) {
    out += fmt::format("{:<12}", row["model"].get<std::string>());
    for (const json &c : result["metrics"])
      out += fmt::format("  {:>8.3f}", row[c.get<std::string>()].get<double>());
    out += "\n";
  }
  return out;
}

} // namespace r1rt
