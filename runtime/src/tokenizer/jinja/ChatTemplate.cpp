//===- ChatTemplate.cpp - Parse once, render many times -------------------===//

#include "r1rt/tokenizer/jinja/ChatTemplate.h"

#include "Evaluator.h"
#include "Lexer.h"
#include "Parser.h"

namespace r1jinja {

namespace {
std::string located(int line, int col, const std::string &what) {
  std::string msg = what;
  for (char &c : msg)
    if (c == '\n')
      c = ' ';
  if (line <= 0)
    return "chat template: " + msg;
  return "chat template line " + std::to_string(line) + " col " +
         std::to_string(col) + ": " + msg;
}
} // namespace

TemplateError::TemplateError(int line, int col, const std::string &what)
    : std::runtime_error(located(line, col, what)), line_(line), col_(col) {}

ChatTemplate::ChatTemplate(std::shared_ptr<const Template> t)
    : tmpl_(std::move(t)) {}
ChatTemplate::~ChatTemplate() = default;
ChatTemplate::ChatTemplate(ChatTemplate &&) noexcept = default;
ChatTemplate &ChatTemplate::operator=(ChatTemplate &&) noexcept = default;

ChatTemplate ChatTemplate::parse(std::string source) {
  return ChatTemplate(
      std::make_shared<const Template>(parseTemplate(lex(source))));
}

std::string ChatTemplate::render(const nlohmann::ordered_json &context) const {
  return renderTemplate(*tmpl_, context);
}

std::string ChatTemplate::render(const nlohmann::json &context) const {
  return render(nlohmann::ordered_json::parse(context.dump()));
}

} // namespace r1jinja
