//===- KnightsKnaves.h - Parsing Knights & Knaves answers -------*- C++ -*-===//

#ifndef R1RT_REWARD_KNIGHTSKNAVES_H
#define R1RT_REWARD_KNIGHTSKNAVES_H

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace r1rt::reward {

/// Parses an answer like "zoe is a knight bob is a knave" the way Logic-RL's
/// parse_model_answer does: the words "knight" and "knave" (case-insensitive,
/// as substrings) must occur exactly names.size() times in total, and each
/// name must appear as `\bname\b\s+is\s+a\s+(knight|knave)`. Returns the
/// roles in `names` order (true = knight) or std::nullopt.
std::optional<std::vector<bool>>
parseKkAnswer(std::string_view answer, const std::vector<std::string> &names);

} // namespace r1rt::reward

#endif // R1RT_REWARD_KNIGHTSKNAVES_H
