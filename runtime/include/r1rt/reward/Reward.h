//===- Reward.h - Rule-based rewards and their registry ---------*- C++ -*-===//
//
// A reward scores one completion (the generated text after the prompt) of a
// dataset record. Rewards are pure C++ (no LibTorch) and deterministic. The
// registry builds one from its plan.json name and arguments; docs/rewards.md
// holds every reward's score table.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_REWARD_REWARD_H
#define R1RT_REWARD_REWARD_H

#include "r1rt/data/Record.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace r1rt::reward {

/// What a reward is, for reports, keep predicates and checks.
struct RewardInfo {
  std::string name;         ///< registry name, e.g. "answer_match"
  std::string summary;      ///< one line for reports
  double minScore = 0.0;    ///< lowest score it can return
  double maxScore = 1.0;    ///< highest score it can return
  bool binary = false;      ///< true if it returns only minScore or maxScore
  bool needsAnswer = false; ///< true if records must carry an answer/meta
};

/// A configured reward function.
class Reward {
public:
  virtual ~Reward() = default;
  /// Scores `completion` for `record`. Never throws on any completion text;
  /// throws r1rt::Error only when the record lacks what the reward needs.
  virtual double score(std::string_view completion,
                       const data::Record &record) const = 0;
  /// Metadata of this configured reward.
  const RewardInfo &info() const { return meta; }
  /// Sets info().name to the name it was built under (for aliases such as
  /// language / language_consistency).
  void rename(std::string name) { meta.name = std::move(name); }

protected:
  explicit Reward(RewardInfo info) : meta(std::move(info)) {}
  RewardInfo meta;
};

/// Builds the reward `name` configured by `args` (a JSON object of the
/// `.r1p` call's named arguments). Unknown names or arguments throw
/// r1rt::Error listing what is accepted.
std::unique_ptr<Reward>
makeReward(const std::string &name,
           const nlohmann::json &args = nlohmann::json::object());

/// Every registered reward name, sorted.
std::vector<std::string> rewardNames();

/// The content of the last <tag>…</tag> pair, found the way Python's
/// re.finditer("<tag>(.*?)</tag>", DOTALL) finds it (non-overlapping, left to
/// right, shortest content): TinyZero and Logic-RL take the last such match.
/// std::nullopt when there is none.
std::optional<std::string_view> lastTagContent(std::string_view text,
                                               std::string_view tag);

/// The last number in `text` (an optional minus sign, digits, an optional
/// fraction), or std::nullopt.
std::optional<std::string_view> lastNumber(std::string_view text);

/// The answer a completion gives: its last <tag>…</tag>, else (with
/// `lastNumberFallback`, answer_match's untagged = last_number) its last
/// number. What answer_match scores and what eval's cons@N votes on.
std::optional<std::string_view> givenAnswer(std::string_view text,
                                            std::string_view tag,
                                            bool lastNumberFallback);

} // namespace r1rt::reward

#endif // R1RT_REWARD_REWARD_H
