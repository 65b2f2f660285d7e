//===- Generator.cpp - Batched sampling with per-sequence positions -------===//

#include "r1rt/generate/Generator.h"

#include "r1rt/Error.h"

#include <algorithm>
#include <random>

namespace r1rt {

std::vector<int64_t> GenerationResult::row(int64_t i) const {
  int64_t n = lengths[i].item<int64_t>();
  torch::Tensor r = tokens[i].narrow(0, 0, n).contiguous();
  return {r.data_ptr<int64_t>(), r.data_ptr<int64_t>() + n};
}

namespace {

/// One sequence being generated.
struct Row {
  int64_t promptLen = 0;
  std::vector<int64_t> out;
  std::vector<float> logprobs;
  std::string text; ///< Decoded output, kept only for stop strings.
  std::mt19937_64 rng;
  FinishReason reason = FinishReason::Length;

  double uniform() { return double(rng() >> 11) * 0x1.0p-53; }
};

/// Puts the model in eval mode for the scope (no MoE load accounting).
struct EvalGuard {
  explicit EvalGuard(torch::nn::Module &m) : m(m), was(m.is_training()) {
    m.eval();
  }
  ~EvalGuard() { m.train(was); }
  torch::nn::Module &m;
  bool was;
};

/// Picks one token per row of logits [A,V] with uniforms u. Returns CPU
/// tokens [A] (int64) and their logprobs [A] (float32).
std::pair<torch::Tensor, torch::Tensor> pick(const torch::Tensor &logits,
                                             const std::vector<double> &u,
                                             const SamplingOptions &o) {
  torch::Tensor l = logits.scalar_type() == torch::kFloat64
                        ? logits
                        : logits.to(torch::kFloat32);
  const int64_t v = l.size(-1);
  const bool greedy = o.temperature <= 0;
  torch::Tensor logp = torch::log_softmax(greedy ? l : l / o.temperature, -1);
  torch::Tensor tok;
  if (greedy) {
    tok = l.argmax(-1, /*keepdim=*/true);
  } else {
    auto [sp, si] = logp.exp().sort(-1, /*descending=*/true);
    torch::Tensor keep = torch::ones_like(sp, torch::kBool);
    if (o.topK > 0 && o.topK < v)
      keep =
          keep & (torch::arange(v, sp.options().dtype(torch::kInt64)) < o.topK)
                     .unsqueeze(0);
    if (o.topP < 1.0)
      keep = keep & ((sp.cumsum(-1) - sp) < o.topP);
    keep.select(-1, 0).fill_(true);
    torch::Tensor cdf = (sp * keep).cumsum(-1);
    torch::Tensor target =
        torch::tensor(u, torch::TensorOptions().dtype(torch::kFloat64))
            .to(cdf.options())
            .unsqueeze(-1) *
        cdf.narrow(-1, v - 1, 1);
    torch::Tensor pos =
        torch::searchsorted(cdf.contiguous(), target.contiguous(),
                            /*out_int32=*/false, /*right=*/true)
            .clamp_max(v - 1);
    tok = si.gather(-1, pos);
  }
  torch::Tensor lp = logp.gather(-1, tok).squeeze(-1);
  return {tok.squeeze(-1).to(torch::kCPU), lp.to(torch::kCPU, torch::kFloat32)};
}

/// Appends a token to a row; true when the row is finished.
bool append(Row &r, int64_t tok, float lp, const SamplingOptions &o,
            const Tokenizer *tokenizer) {
  r.out.push_back(tok);
  r.logprobs.push_back(lp);
  if (std::find(o.stopTokens.begin(), o.stopTokens.end(), tok) !=
      o.stopTokens.end()) {
    r.reason = FinishReason::StopToken;
    return true;
  }
  if (!o.stopStrings.empty()) {
    size_t before = r.text.size();
    r.text += tokenizer->tokenText(tok);
    for (const std::string &s : o.stopStrings) {
      size_t from = before >= s.size() ? before - s.size() + 1 : 0;
      if (!s.empty() && r.text.find(s, from) != std::string::npos) {
        r.reason = FinishReason::StopString;
        return true;
      }
    }
  }
  if (int64_t(r.out.size()) >= o.maxNewTokens) {
    r.reason = FinishReason::Length;
    return true;
  }
  return false;
}

std::vector<Row> startRows(const std::vector<std::vector<int64_t>> &prompts,
                           const std::vector<uint64_t> &seeds,
                           const SamplingOptions &o, const Tokenizer *tok,
                           int64_t maxSeq) {
  if (seeds.size() != prompts.size())
    fail("generate: {} prompts but {} seeds; pass one seed per prompt",
         prompts.size(), seeds.size());
  if (o.maxNewTokens < 1)
    fail("generate: max_new_tokens must be at least 1, got {}", o.maxNewTokens);
  if (!o.stopStrings.empty() && !tok)
    fail("generate: stop strings need a tokenizer; pass one to Generator");
  std::vector<Row> rows(prompts.size());
  for (size_t i = 0; i < prompts.size(); ++i) {
    if (prompts[i].empty())
      fail("generate: prompt {} is empty; start every prompt with <bos>", i);
    if (int64_t(prompts[i].size()) + o.maxNewTokens > maxSeq)
      fail("generate: prompt {} has {} tokens, plus max_new_tokens {} exceeds "
           "the model's max_seq {}; shorten it or lower max_new_tokens",
           i, prompts[i].size(), o.maxNewTokens, maxSeq);
    rows[i].promptLen = int64_t(prompts[i].size());
    rows[i].rng.seed(seeds[i]);
  }
  return rows;
}

/// Options with kTokenizerEos replaced by the tokenizer's eos id.
SamplingOptions resolveStops(const SamplingOptions &in, const Tokenizer *tok) {
  SamplingOptions o = in;
  for (int64_t &id : o.stopTokens)
    if (id == SamplingOptions::kTokenizerEos)
      id = tok ? tok->eosId() : 2;
  return o;
}

GenerationResult finish(std::vector<Row> &rows, const SamplingOptions &o,
                        int64_t pad) {
  const int64_t n = int64_t(rows.size());
  GenerationResult res;
  res.tokens = torch::full({n, o.maxNewTokens}, pad, torch::kInt64);
  res.logprobs = torch::zeros({n, o.maxNewTokens}, torch::kFloat32);
  res.lengths = torch::zeros({n}, torch::kInt64);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t len = int64_t(rows[i].out.size());
    res.lengths[i] = len;
    std::copy(rows[i].out.begin(), rows[i].out.end(),
              res.tokens[i].data_ptr<int64_t>());
    std::copy(rows[i].logprobs.begin(), rows[i].logprobs.end(),
              res.logprobs[i].data_ptr<float>());
    res.reasons.push_back(rows[i].reason);
  }
  return res;
}

torch::Tensor int64On(const std::vector<int64_t> &v, torch::Device device) {
  return torch::tensor(v, torch::TensorOptions().dtype(torch::kInt64))
      .to(device);
}

} // namespace

Generator::Generator(CausalLM &model, const Tokenizer *tokenizer)
    : model(model), tokenizer(tokenizer) {}

int64_t Generator::padId() const { return tokenizer ? tokenizer->padId() : 0; }

GenerationResult
Generator::generate(const std::vector<std::vector<int64_t>> &prompts,
                    const std::vector<uint64_t> &seeds,
                    const SamplingOptions &oIn) {
  const SamplingOptions o = resolveStops(oIn, tokenizer);
  std::vector<Row> rows =
      startRows(prompts, seeds, o, tokenizer, model.maxSeq());
  if (rows.empty())
    return finish(rows, o, padId());
  torch::NoGradGuard noGrad;
  EvalGuard eval(model);
  const torch::Device device = model.headWeight().device();
  const int64_t n = int64_t(rows.size());
  int64_t longest = 0;
  for (const Row &r : rows)
    longest = std::max(longest, r.promptLen);

  // Prefill: right-padded prompts at positions 0..P-1.
  torch::Tensor tokens =
      torch::full({n, longest}, padId(), torch::kInt64);
  std::vector<int64_t> lastIdx;
  for (int64_t i = 0; i < n; ++i) {
    std::copy(prompts[i].begin(), prompts[i].end(),
              tokens[i].data_ptr<int64_t>());
    lastIdx.push_back(rows[i].promptLen - 1);
  }
  std::unique_ptr<KVCache> cache = model.newCache(n, longest + o.maxNewTokens);
  torch::Tensor hidden = model.forwardCached(
      tokens.to(device), defaultPositions(n, longest, device), *cache);
  torch::Tensor last = hidden
                           .gather(1, int64On(lastIdx, device)
                                          .view({n, 1, 1})
                                          .expand({n, 1, hidden.size(2)}))
                           .squeeze(1);
  torch::Tensor logits = model.logits(last);

  std::vector<int64_t> active(n);
  for (int64_t i = 0; i < n; ++i)
    active[i] = i;
  while (true) {
    std::vector<double> u;
    for (int64_t a : active)
      u.push_back(rows[a].uniform());
    auto [tok, lp] = pick(logits, u, o);
    auto toks = tok.accessor<int64_t, 1>();
    auto lps = lp.accessor<float, 1>();
    std::vector<int64_t> keep, nextTok, nextPos, nextActive;
    for (size_t j = 0; j < active.size(); ++j) {
      Row &r = rows[active[j]];
      int64_t t = toks[j];
      if (append(r, t, lps[j], o, tokenizer))
        continue;
      keep.push_back(int64_t(j));
      nextActive.push_back(active[j]);
      nextTok.push_back(t);
      nextPos.push_back(r.promptLen + int64_t(r.out.size()) - 1);
    }
    if (keep.empty())
      break;
    if (keep.size() < active.size())
      cache->selectRows(int64On(keep, device));
    active = std::move(nextActive);
    const int64_t a = int64_t(active.size());
    hidden = model.forwardCached(int64On(nextTok, device).view({a, 1}),
                                 int64On(nextPos, device).view({a, 1}), *cache);
    logits = model.logits(hidden.select(1, 0));
  }
  return finish(rows, o, padId());
}

GenerationResult
Generator::generateUncached(const std::vector<std::vector<int64_t>> &prompts,
                            const std::vector<uint64_t> &seeds,
                            const SamplingOptions &oIn) {
  const SamplingOptions o = resolveStops(oIn, tokenizer);
  std::vector<Row> rows =
      startRows(prompts, seeds, o, tokenizer, model.maxSeq());
  torch::NoGradGuard noGrad;
  EvalGuard eval(model);
  const torch::Device device = model.headWeight().device();
  for (size_t i = 0; i < rows.size(); ++i) {
    std::vector<int64_t> seq = prompts[i];
    while (true) {
      torch::Tensor hidden = model.forward(int64On(seq, device).unsqueeze(0));
      torch::Tensor logits = model.logits(hidden.select(1, hidden.size(1) - 1));
      auto [tok, lp] = pick(logits, {rows[i].uniform()}, o);
      int64_t t = tok[0].item<int64_t>();
      seq.push_back(t);
      if (append(rows[i], t, lp[0].item<float>(), o, tokenizer))
        break;
    }
  }
  return finish(rows, o, padId());
}

} // namespace r1rt
