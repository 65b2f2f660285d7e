//===- ChatTemplate.h - Render HF Jinja chat templates ----------*- C++ -*-===//
//
// r1jinja renders a model's `chat_template` (tokenizer_config.json or the
// GGUF key tokenizer.chat_template) the way transformers' apply_chat_template
// does: Jinja2 with trim_blocks and lstrip_blocks, the loopcontrols
// extension, and the globals raise_exception, strftime_now, namespace, dict
// plus transformers' tojson. It implements the subset of Jinja2 that real
// templates use and refuses the rest at parse time with a located message.
// The library links nlohmann_json only: no LibTorch, no r1rt.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_TOKENIZER_JINJA_CHATTEMPLATE_H
#define R1RT_TOKENIZER_JINJA_CHATTEMPLATE_H

#include <nlohmann/json.hpp>

#include <memory>
#include <stdexcept>
#include <string>

namespace r1jinja {

/// Every parse or render failure: a one-line message
/// "chat template line L col C: <what>".
class TemplateError : public std::runtime_error {
public:
  TemplateError(int line, int col, const std::string &what);
  int line() const { return line_; }
  int col() const { return col_; }

private:
  int line_, col_;
};

struct Template; // the parsed statement tree (private)

/// A parsed chat template. Parse once, render many times; rendering does not
/// modify the template, so one object may be shared by threads.
class ChatTemplate {
public:
  /// Parses `source`; throws TemplateError on a syntax error or an
  /// unsupported construct (include, extends, an unknown filter, ...).
  static ChatTemplate parse(std::string source);

  /// Renders with `context` as the template's variables: messages,
  /// add_generation_prompt, bos_token, eos_token, tools, ... Objects keep
  /// their key order (it shows in tojson and items). Throws TemplateError.
  std::string render(const nlohmann::ordered_json &context) const;
  std::string render(const nlohmann::json &context) const;

  ~ChatTemplate();
  ChatTemplate(ChatTemplate &&) noexcept;
  ChatTemplate &operator=(ChatTemplate &&) noexcept;

private:
  explicit ChatTemplate(std::shared_ptr<const Template> t);
  std::shared_ptr<const Template> tmpl_;
};

} // namespace r1jinja

#endif // R1RT_TOKENIZER_JINJA_CHATTEMPLATE_H
