//===- ChatRender.cpp - A tokenizer's chat template, rendered -------------===//
//
// The one place that turns messages into a chat prompt: `r1run generate
// --chat`, pretrained models and `chat = true` datasets all come here.
//
//===----------------------------------------------------------------------===//

#include "r1rt/Error.h"
#include "r1rt/tokenizer/Tokenizer.h"
#include "r1rt/tokenizer/jinja/ChatTemplate.h"

namespace r1rt {

const std::string &Tokenizer::chatTemplate() const {
  static const std::string none;
  return none;
}

std::string renderChatTemplate(const std::string &templateText,
                               const Tokenizer *tokenizer,
                               const nlohmann::json &messages,
                               bool addGenerationPrompt) {
  if (templateText.empty())
    fail("the model has no chat template (no chat_template.jinja, "
         "tokenizer_config.json chat_template or GGUF "
         "tokenizer.chat_template)");
  nlohmann::json ctx = {{"messages", messages},
                        {"add_generation_prompt", addGenerationPrompt}};
  if (tokenizer) {
    auto special = [&](int64_t id) {
      return id >= 0 ? tokenizer->tokenText(id, true) : std::string();
    };
    ctx["bos_token"] = special(tokenizer->bosId());
    ctx["eos_token"] = special(tokenizer->eosId());
  }
  try {
    return r1jinja::ChatTemplate::parse(templateText).render(ctx);
  } catch (const r1jinja::TemplateError &e) {
    fail("chat template: {}", e.what());
  }
}

} // namespace r1rt
