//===- PromptIds.cpp - The tokens a record's prompt becomes ---------------===//

#include "r1rt/train/PromptIds.h"

#include <nlohmann/json.hpp>

namespace r1rt {

std::vector<int64_t> promptIds(const Tokenizer &tokenizer,
                               const data::Record &record) {
  if (record.chat) {
    nlohmann::json messages = nlohmann::json::array();
    if (record.system)
      messages.push_back({{"role", "system"}, {"content", *record.system}});
    messages.push_back({{"role", "user"}, {"content", record.prompt}});
    return tokenizer.encode(renderChatTemplate(
        tokenizer.chatTemplate(), &tokenizer, messages, true));
  }
  std::vector<int64_t> ids;
  if (tokenizer.bosId() >= 0)
    ids.push_back(tokenizer.bosId());
  std::vector<int64_t> text = tokenizer.encode(record.prompt);
  ids.insert(ids.end(), text.begin(), text.end());
  return ids;
}

} // namespace r1rt
