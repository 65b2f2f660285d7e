//===- KnightsKnaves.cpp - task.kk: Knights & Knaves, unique solutions ----===//
//
// Each islander says one statement: "x is a knight|knave", or two such atoms
// joined by "and"/"or". Knights say only true statements, knaves only false
// ones. A candidate is kept only if brute force over all 2^n assignments
// finds exactly one consistent assignment.
//
//===----------------------------------------------------------------------===//

#include "Random.h"
#include "TaskSupport.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace r1rt::data {

namespace {

constexpr const char *kNames[] = {"ann", "bob", "cal", "dan", "eve", "fay",
                                  "gus", "hal", "ivy", "jon", "kim", "leo",
                                  "max", "ned", "pam", "rex", "sam", "tom",
                                  "una", "val", "wes", "zoe"};
constexpr int kNumNames = sizeof(kNames) / sizeof(kNames[0]);
constexpr size_t kMaxPromptChars = 120;

nlohmann::json randomAtom(Rng &rng, int people, int avoid) {
  int who;
  do
    who = static_cast<int>(rng.uniform(0, people - 1));
  while (who == avoid);
  return {{"op", "is"}, {"who", who}, {"knight", rng.chance(1, 2)}};
}

std::string renderAtom(const nlohmann::json &atom,
                       const std::vector<std::string> &names) {
  return fmt::format("{} is a {}", names[atom["who"].get<int>()],
                     atom["knight"].get<bool>() ? "knight" : "knave");
}

std::string renderStatement(const nlohmann::json &s,
                            const std::vector<std::string> &names) {
  if (s["op"] == "is")
    return renderAtom(s, names);
  return fmt::format("{} {} {}", renderAtom(s["args"][0], names),
                     s["op"].get<std::string>(),
                     renderAtom(s["args"][1], names));
}

} // namespace

bool kkStatementHolds(const nlohmann::json &s,
                      const std::vector<bool> &knights) {
  const std::string &op = s.at("op").get_ref<const std::string &>();
  if (op == "is")
    return knights.at(s.at("who").get<size_t>()) == s.at("knight").get<bool>();
  bool a = kkStatementHolds(s.at("args").at(0), knights);
  bool b = kkStatementHolds(s.at("args").at(1), knights);
  if (op == "and")
    return a && b;
  if (op == "or")
    return a || b;
  fail("kk statement has unknown op '{}'; regenerate the dataset", op);
}

std::vector<Record> generateKk(const KkOptions &options) {
  checkRange("task.kk", "people", options.people, 2, 4);
  Rng rng(options.seed ^ 0x4B4B'0000'0000'0003ull);
  std::vector<Record> out;
  out.reserve(options.count);
  size_t attempts = 0;
  while (out.size() < options.count) {
    if (++attempts > kAttemptsPerRecord * (options.count + 1))
      failTooSmall("task.kk", out.size(), options.count);
    int n = static_cast<int>(rng.uniform(options.people.lo, options.people.hi));
    std::vector<std::string> names;
    while (static_cast<int>(names.size()) < n) {
      std::string name = kNames[rng.uniform(0, kNumNames - 1)];
      if (std::find(names.begin(), names.end(), name) == names.end())
        names.push_back(name);
    }
    nlohmann::json statements = nlohmann::json::array();
    for (int i = 0; i < n; ++i) {
      if (rng.chance(2, 5)) {
        nlohmann::json a = randomAtom(rng, n, -1);
        nlohmann::json b = randomAtom(rng, n, a["who"].get<int>());
        statements.push_back(
            {{"op", rng.chance(1, 2) ? "and" : "or"}, {"args", {a, b}}});
      } else {
        statements.push_back(randomAtom(rng, n, -1));
      }
    }
    // Brute force: count consistent assignments.
    int solutions = 0;
    std::vector<bool> solution;
    for (unsigned mask = 0; mask < (1u << n); ++mask) {
      std::vector<bool> knights(n);
      for (int i = 0; i < n; ++i)
        knights[i] = (mask >> i) & 1;
      bool consistent = true;
      for (int i = 0; i < n && consistent; ++i)
        consistent = kkStatementHolds(statements[i], knights) == knights[i];
      if (consistent && ++solutions == 1)
        solution = knights;
    }
    if (solutions != 1)
      continue;
    std::string prompt = "knight=truth knave=lie\n";
    for (int i = 0; i < n; ++i)
      prompt += fmt::format("{}: {}\n", names[i],
                            renderStatement(statements[i], names));
    if (prompt.size() > kMaxPromptChars || !routesTo(prompt, options.split))
      continue;
    std::vector<std::string> answerParts, thinkParts;
    for (int i = 0; i < n; ++i) {
      const char *role = solution[i] ? "knight" : "knave";
      answerParts.push_back(fmt::format("{} is a {}", names[i], role));
      thinkParts.push_back(fmt::format("{}={}", names[i], role));
    }
    std::string answer = fmt::format("{}", fmt::join(answerParts, " "));
    Record record;
    record.kind = "kk";
    record.prompt = prompt;
    record.answer = answer;
    record.response = fmt::format("<think>{}</think><answer>{}</answer>",
                                  fmt::join(thinkParts, " "), answer);
    record.meta = {
        {"names", names}, {"statements", statements}, {"knights", solution}};
    out.push_back(std::move(record));
  }
  return out;
}

} // namespace r1rt::data
