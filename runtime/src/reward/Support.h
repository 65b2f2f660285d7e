//===- Support.h - Argument parsing and reward factories --------*- C++ -*-===//

#ifndef R1RT_SRC_REWARD_SUPPORT_H
#define R1RT_SRC_REWARD_SUPPORT_H

#include "r1rt/Error.h"
#include "r1rt/reward/Reward.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>

namespace r1rt::reward {

/// Typed access to a reward's named arguments; finish() rejects any argument
/// that was never asked for.
class RewardArgs {
public:
  RewardArgs(std::string reward, const nlohmann::json &args)
      : reward(std::move(reward)), args(args) {
    if (!args.is_object())
      fail("reward {}: arguments must be a JSON object, got {}", this->reward,
           args.type_name());
  }

  /// A string argument, or `fallback` when absent.
  std::string string(const std::string &key, const std::string &fallback) {
    seen.insert(key);
    auto it = args.find(key);
    if (it == args.end())
      return fallback;
    if (!it->is_string())
      fail("reward {}: argument {} must be a string, got {}", reward, key,
           it->type_name());
    return it->get<std::string>();
  }

  /// A numeric argument, or `fallback` when absent.
  double number(const std::string &key, double fallback) {
    seen.insert(key);
    auto it = args.find(key);
    if (it == args.end())
      return fallback;
    if (!it->is_number())
      fail("reward {}: argument {} must be a number, got {}", reward, key,
           it->type_name());
    return it->get<double>();
  }

  /// A boolean argument, or `fallback` when absent.
  bool boolean(const std::string &key, bool fallback) {
    seen.insert(key);
    auto it = args.find(key);
    if (it == args.end())
      return fallback;
    if (!it->is_boolean())
      fail("reward {}: argument {} must be true or false, got {}", reward, key,
           it->type_name());
    return it->get<bool>();
  }

  /// True if the argument was given.
  bool has(const std::string &key) const { return args.contains(key); }

  /// Throws for arguments that no accessor asked for.
  void finish() const {
    for (auto &[key, value] : args.items())
      if (!seen.count(key))
        fail("reward {}: unknown argument '{}'; accepted: {}", reward, key,
             seen.empty() ? std::string("none")
                          : fmt::format("{}", fmt::join(seen, ", ")));
  }

  /// Throws "reward X: <message>" for an invalid argument value.
  template <typename... T>
  [[noreturn]] void invalid(fmt::format_string<T...> format, T &&...values) {
    fail("reward {}: {}", reward,
         fmt::format(format, std::forward<T>(values)...));
  }

private:
  std::string reward;
  const nlohmann::json &args;
  std::set<std::string> seen;
};

/// Trims ASCII whitespace at both ends.
std::string_view trimSpace(std::string_view text);

/// The Knights & Knaves solution of a record (meta names/knights), or an
/// error naming `reward` and the record kind.
void kkProblem(const data::Record &record, const char *reward,
               std::vector<std::string> &names, std::vector<bool> &knights);

// Factories, one per reward (each defined next to its reward).
std::unique_ptr<Reward> makeAnswerMatch(RewardArgs &args);
std::unique_ptr<Reward> makeCountdownReward(RewardArgs &args);
std::unique_ptr<Reward> makeKkReward(RewardArgs &args);
std::unique_ptr<Reward> makeThinkFormat(RewardArgs &args);
std::unique_ptr<Reward> makeTagCount(RewardArgs &args);
std::unique_ptr<Reward> makeLengthPenalty(RewardArgs &args);
std::unique_ptr<Reward> makeOverlongPenalty(RewardArgs &args);
std::unique_ptr<Reward> makeLanguageConsistency(RewardArgs &args);
std::unique_ptr<Reward> makeMathEquiv(RewardArgs &args);

/// Logic-RL's validate_response_structure: each of <think>, </think>,
/// <answer>, </answer> occurs exactly once, in that order. With `strict`,
/// only whitespace may surround and separate the two blocks.
bool validThinkAnswerStructure(std::string_view completion, bool strict);

} // namespace r1rt::reward

#endif // R1RT_SRC_REWARD_SUPPORT_H
