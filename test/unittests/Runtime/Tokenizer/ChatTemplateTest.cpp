//===- ChatTemplateTest.cpp - r1jinja against transformers ----------------===//
//
// The oracle (test/oracles/chat_templates/render_oracle.py) renders the real
// chat templates of SmolLM2, Qwen2.5, Llama-3.1 and DeepSeek-R1 and a set of
// engine snippets with transformers' own Jinja environment; every render
// here must be byte-equal. Hand-written cases pin the engine's semantics and
// its errors without Python.
//
//===----------------------------------------------------------------------===//

#include "r1rt/tokenizer/jinja/ChatTemplate.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

using nlohmann::ordered_json;
using r1jinja::ChatTemplate;
using r1jinja::TemplateError;

namespace {

std::string render(const std::string &tmpl,
                   const ordered_json &ctx = ordered_json::object()) {
  return ChatTemplate::parse(tmpl).render(ctx);
}

/// The message of the TemplateError that parsing or rendering throws.
std::string errorOf(const std::string &tmpl,
                    const ordered_json &ctx = ordered_json::object()) {
  try {
    render(tmpl, ctx);
  } catch (const TemplateError &e) {
    return e.what();
  }
  return "<no error>";
}

// --- oracle ---------------------------------------------------------------

class ChatTemplateOracle : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    std::string out = ::testing::TempDir() + "r1jinja_oracle.json";
    std::string cmd = std::string("R1C_SMOLLM2_GGUF='") + R1C_SMOLLM2_GGUF +
                      "' " + R1C_PYTHON + " " + R1C_SOURCE_DIR +
                      "/test/oracles/chat_templates/render_oracle.py " + out;
    if (std::system(cmd.c_str()) != 0) {
      setupError_ = "oracle failed: " + cmd;
      return;
    }
    std::ifstream in(out);
    oracle_ = ordered_json::parse(in);
  }

  void SetUp() override { ASSERT_TRUE(setupError_.empty()) << setupError_; }

  /// Renders every oracle case of `name` and returns how many ran.
  static int checkTemplate(const std::string &name) {
    ChatTemplate tmpl =
        ChatTemplate::parse(oracle_["templates"][name].get<std::string>());
    int n = 0;
    for (const auto &c : oracle_["cases"]) {
      if (c["template"] != name)
        continue;
      SCOPED_TRACE(name + "/" + c["name"].get<std::string>());
      EXPECT_EQ(tmpl.render(c["context"]), c["expected"].get<std::string>());
      ++n;
    }
    return n;
  }

  static ordered_json oracle_;
  static std::string setupError_;
};
ordered_json ChatTemplateOracle::oracle_;
std::string ChatTemplateOracle::setupError_;

TEST_F(ChatTemplateOracle, SmolLM2) { EXPECT_GE(checkTemplate("smollm2"), 8); }
TEST_F(ChatTemplateOracle, Qwen25) { EXPECT_GE(checkTemplate("qwen2_5"), 12); }
TEST_F(ChatTemplateOracle, Llama31) {
  EXPECT_GE(checkTemplate("llama3_1"), 13);
}
TEST_F(ChatTemplateOracle, DeepSeekR1) {
  EXPECT_GE(checkTemplate("deepseek_r1"), 12);
}
TEST_F(ChatTemplateOracle, DeepSeekR1Distill) {
  EXPECT_GE(checkTemplate("deepseek_r1_distill"), 9);
}

TEST_F(ChatTemplateOracle, EngineSnippets) {
  int n = 0, errors = 0;
  for (const auto &s : oracle_["snippets"]) {
    SCOPED_TRACE(s["name"].get<std::string>() + ": " +
                 s["template"].get<std::string>());
    ++n;
    if (s["error"].get<bool>()) {
      ++errors;
      EXPECT_THROW(render(s["template"], s["context"]), TemplateError)
          << "jinja2 raised " << s["expected"].get<std::string>();
      continue;
    }
    EXPECT_EQ(render(s["template"], s["context"]),
              s["expected"].get<std::string>());
  }
  EXPECT_GE(n, 80);
  EXPECT_GE(errors, 14);
}

// The tests fail when the oracle's expectation changes: a render that does
// not depend on the template would pass nothing.
TEST_F(ChatTemplateOracle, CasesDistinguishTemplates) {
  std::map<std::string, std::string> byTemplate;
  for (const auto &c : oracle_["cases"])
    if (c["name"] == "single_user_gen")
      byTemplate[c["template"]] = c["expected"];
  ASSERT_EQ(byTemplate.size(), 5u);
  EXPECT_NE(byTemplate["smollm2"], byTemplate["qwen2_5"]);
  EXPECT_NE(byTemplate["llama3_1"], byTemplate["deepseek_r1"]);
}

// --- whitespace control ----------------------------------------------------

TEST(ChatTemplateWhitespace, TrimAndLstripBlocks) {
  // trim_blocks eats the newline after a block tag; lstrip_blocks removes
  // the indentation before a block tag alone on its line.
  EXPECT_EQ(render("{% if true %}\nA\n{% endif %}\nB"), "A\nB");
  EXPECT_EQ(render("x\n    {% if true %}\n    y\n    {% endif %}\nz"),
            "x\n    y\nz");
  // Not for {{ }}, and not when text precedes the tag on its line.
  EXPECT_EQ(render("a\n  {{ 'v' }}\n"), "a\n  v");
  EXPECT_EQ(render("a  {% if true %}b{% endif %}"), "a  b");
}

TEST(ChatTemplateWhitespace, MinusAndPlus) {
  EXPECT_EQ(render("a   {%- if true -%}   b   {%- endif -%}   c"), "abc");
  EXPECT_EQ(render("a \n {{- 'v' -}} \n b"), "avb");
  EXPECT_EQ(render("a\n  {%+ if true %}b{% endif +%}\nc"), "a\n  b\nc");
  EXPECT_EQ(render("a\n  {# note #}\nb {#- x -#} c"), "a\nbc");
}

TEST(ChatTemplateWhitespace, NewlinesAndTrailingNewline) {
  EXPECT_EQ(render("x\n"), "x");
  EXPECT_EQ(render("x\n\n"), "x\n");
  EXPECT_EQ(render("a\r\n{% if true %}\r\nb\r\n{% endif %}\r\n"), "a\nb\n");
}

// --- expressions -------------------------------------------------------------

TEST(ChatTemplateExpr, Arithmetic) {
  EXPECT_EQ(render("{{ 1 + 2 * 3 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 / 2 }} {{ "
                   "-7 % 3 }} {{ 2 ** 3 }}"),
            "7 3 -4 3.5 2 8");
  EXPECT_EQ(render("{{ 0.1 + 0.2 }} {{ 1e16 }} {{ 1e-5 }} {{ 4 / 2 }}"),
            "0.30000000000000004 1e+16 1e-05 2.0");
  EXPECT_EQ(render("{{ 'a' ~ 1 ~ none ~ missing }} {{ 'ab' * 2 }}"),
            "a1None abab");
}

TEST(ChatTemplateExpr, LiteralsAndEscapes) {
  EXPECT_EQ(render(R"({{ 'it\'s' ~ "\"q\"" ~ '\n\t' ~ '\u00e9' }})"),
            "it's\"q\"\n\té");
  EXPECT_EQ(render("{{ [1, 'a', none, true] }} {{ {'k': [2.0]} }} {{ (1,) }}"),
            "[1, 'a', None, True] {'k': [2.0]} (1,)");
}

TEST(ChatTemplateExpr, AccessAndSlices) {
  ordered_json ctx = {{"m", {{"role", "user"}, {"list", {1, 2, 3}}}},
                      {"u", "héllo🤖"}};
  EXPECT_EQ(render("{{ m.role }} {{ m['list'][-1] }} {{ m.list.0 }} {{ m.nope "
                   "is defined }}",
                   ctx),
            "user 3 1 False");
  EXPECT_EQ(render("{{ m.list[::-1] }} {{ m.list[1:] }} {{ u[1:3] }} {{ "
                   "u[::-1] }} {{ u | length }}",
                   ctx),
            "[3, 2, 1] [2, 3] él 🤖olléh 6");
}

TEST(ChatTemplateExpr, ComparisonsLogicTernary) {
  EXPECT_EQ(render("{{ 1 < 2 < 3 }} {{ 'b' in 'abc' }} {{ 2 not in [1] }} {{ 1 "
                   "== 1.0 }}"),
            "True True True True");
  EXPECT_EQ(render("{{ 0 or 'x' }} {{ 1 and 'y' }} {{ not none }} {{ 'a' if "
                   "false else 'b' }}"),
            "x y True b");
  // `not x is none` is `not (x is none)`; filters bind tighter than `+`.
  EXPECT_EQ(render("{{ not 1 is none }} {{ 'a' + ' b ' | trim }}"), "True ab");
}

// --- statements ------------------------------------------------------------

TEST(ChatTemplateStmt, ForLoopVariables) {
  EXPECT_EQ(render("{% for x in 'abc' %}{{ loop.index }}{{ loop.index0 }}{{ "
                   "loop.first }}"
                   "{{ loop.last }}{{ loop.length }}|{% endfor %}"),
            "10TrueFalse3|21FalseFalse3|32FalseTrue3|");
  EXPECT_EQ(render("{% for x in [1, 2, 3, 4] if x is even %}{{ x }}/{{ "
                   "loop.length }} {% endfor %}"),
            "2/2 4/2 ");
  EXPECT_EQ(render("{% for x in [] %}x{% else %}empty{% endfor %}"), "empty");
  EXPECT_EQ(render("{% for k, v in {'a': 1, 'b': 2} | items %}{{ k }}{{ v }}{% "
                   "endfor %}"),
            "a1b2");
  EXPECT_EQ(
      render("{% for x in range(9) %}{% if x == 1 %}{% continue %}{% endif %}"
             "{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}"),
      "023");
}

TEST(ChatTemplateStmt, ScopingAndNamespace) {
  // A set inside a loop is local to the iteration; namespace() carries state.
  EXPECT_EQ(render("{% set c = 0 %}{% for i in [1, 2] %}{% set c = c + i %}{{ "
                   "c }}{% endfor %}{{ c }}"),
            "120");
  EXPECT_EQ(render("{% set ns = namespace(n=0) %}{% for i in [1, 2] %}{% set "
                   "ns.n = ns.n + i %}"
                   "{% endfor %}{{ ns.n }}"),
            "3");
  EXPECT_EQ(render("{% if true %}{% set v = 'in' %}{% endif %}{{ v }}"), "in");
  EXPECT_EQ(render("{% set x %}[{{ 1 }}]{% endset %}{{ x }}{{ x }}"), "[1][1]");
  EXPECT_EQ(render("{% macro m(a, b='d') %}{{ a }}{{ b }}{% endmacro %}{{ m(1) "
                   "}}{{ m(2, b=3) }}"),
            "1d23");
}

TEST(ChatTemplateStmt, ContextOverridesAndDefaults) {
  ordered_json ctx = {{"messages",
                       {{{"role", "system"}, {"content", "s"}},
                        {{"role", "user"}, {"content", "u"}}}}};
  EXPECT_EQ(render("{% set messages = messages[1:] %}{{ messages | length }}{{ "
                   "messages[0].role }}",
                   ctx),
            "1user");
  EXPECT_EQ(render("{% if not flag is defined %}{% set flag = false %}{% endif "
                   "%}{{ flag }}",
                   ctx),
            "False");
}

// --- filters, tests, methods
// ---------------------------------------------------

TEST(ChatTemplateBuiltins, Filters) {
  EXPECT_EQ(render("{{ ' x ' | trim }}|{{ 'aXb' | lower }}|{{ 'ab' | upper "
                   "}}|{{ [3, 4] | first }}"
                   "|{{ [3, 4] | last }}|{{ [1, 2] | join('-') }}|{{ 'aa' | "
                   "replace('a', 'b') }}"
                   "|{{ missing | default('d') }}|{{ '12' | int + 1 }}|{{ 5 | "
                   "string }}"),
            "x|axb|AB|3|4|1-2|bb|d|13|5");
  ordered_json ctx = {
      {"ms", {{{"role", "user"}}, {{"role", "tool"}}, {{"role", "user"}}}}};
  EXPECT_EQ(
      render("{{ ms | selectattr('role', 'equalto', 'user') | list | length }}"
             "{{ ms | rejectattr('role', 'equalto', 'user') | "
             "map(attribute='role') | join }}",
             ctx),
      "2tool");
}

TEST(ChatTemplateBuiltins, ToJsonMatchesPythonJsonDumps) {
  ordered_json ctx = {
      {"d", {{"z", 1}, {"a", {1.5, nullptr, true}}, {"s", "é\"\n"}}}};
  EXPECT_EQ(render("{{ d | tojson }}", ctx),
            R"({"z": 1, "a": [1.5, null, true], "s": "é\"\n"})");
  EXPECT_EQ(render("{{ d.a | tojson(indent=2) }}", ctx),
            "[\n  1.5,\n  null,\n  true\n]");
  EXPECT_EQ(render("{{ d.s | tojson(ensure_ascii=true) }}", ctx),
            R"("\u00e9\"\n")");
  EXPECT_EQ(
      render("{{ d | tojson(sort_keys=true, separators=[',', ':']) }}", ctx),
      R"({"a":[1.5,null,true],"s":"é\"\n","z":1})");
}

TEST(ChatTemplateBuiltins, Tests) {
  ordered_json ctx = {{"s", "x"},
                      {"n", 3},
                      {"d", ordered_json::object()},
                      {"l", ordered_json::array()}};
  EXPECT_EQ(
      render("{{ s is string }}{{ n is number }}{{ d is mapping }}{{ l is "
             "iterable }}"
             "{{ none is none }}{{ q is undefined }}{{ s is defined }}{{ n is "
             "odd }}"
             "{{ s is equalto 'x' }}{{ l is sequence }}{{ n is not string }}",
             ctx),
      "TrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrue");
}

TEST(ChatTemplateBuiltins, StringAndDictMethods) {
  EXPECT_EQ(render("{{ ' a '.strip() }}|{{ 'xax'.strip('x') }}|{{ "
                   "'a,b'.split(',') }}|{{ ' a  b '.split() }}"
                   "|{{ 'ab'.startswith('a') }}|{{ 'ab'.endswith('a') }}|{{ "
                   "'Ab'.upper() }}|{{ 'aa'.replace('a', 'c') }}"),
            "a|a|['a', 'b']|['a', 'b']|True|False|AB|cc");
  EXPECT_EQ(render("{% set c = '<think>r</think>\\n\\nans' %}{{ "
                   "c.split('</think>')[-1].lstrip('\\n') }}"),
            "ans");
  ordered_json ctx = {{"d", {{"k", "v"}}}};
  EXPECT_EQ(render("{{ d.get('k') }}{{ d.get('x', 'y') }}{{ d.keys() | list "
                   "}}{% for k, v in d.items() %}{{ v }}{% endfor %}",
                   ctx),
            "vy['k']v");
}

// --- errors ------------------------------------------------------------------

TEST(ChatTemplateErrors, UnsupportedConstructsAreRefusedAtParse) {
  EXPECT_EQ(errorOf("a\n{% include 'x.j2' %}"),
            "chat template line 2 col 4: unsupported construct 'include'");
  EXPECT_EQ(errorOf("{% extends 'base' %}"),
            "chat template line 1 col 4: unsupported construct 'extends'");
  EXPECT_EQ(errorOf("{% block x %}{% endblock %}"),
            "chat template line 1 col 4: unsupported construct 'block'");
  EXPECT_EQ(
      errorOf("{{ 'x' }}\n\n  {{ m | frobnicate }}"),
      "chat template line 3 col 10: unsupported construct 'filter frobnicate'");
  EXPECT_EQ(errorOf("{% if x is frob %}{% endif %}"),
            "chat template line 1 col 12: unsupported construct 'test frob'");
  EXPECT_EQ(errorOf("{% for x in y recursive %}{% endfor %}"),
            "chat template line 1 col 15: unsupported construct 'recursive for "
            "loop'");
  EXPECT_EQ(
      errorOf("{{ f(*args) }}"),
      "chat template line 1 col 6: unsupported construct '*args in a call'");
  // Refused even inside a branch that would never run.
  EXPECT_THROW(
      ChatTemplate::parse("{% if false %}{% import 'm' as m %}{% endif %}"),
      TemplateError);
}

TEST(ChatTemplateErrors, UnterminatedAndMismatchedTagsAreLocated) {
  EXPECT_EQ(errorOf("ok\n  {{ messages[0]"),
            "chat template line 2 col 3: unterminated '{{' (expected '}}')");
  EXPECT_EQ(errorOf("{% if x "),
            "chat template line 1 col 1: unterminated '{%' (expected '%}')");
  EXPECT_EQ(
      errorOf("{# comment"),
      "chat template line 1 col 1: unterminated comment '{#' (expected '#}')");
  EXPECT_EQ(errorOf("{{ 'abc }}"),
            "chat template line 1 col 4: unterminated string literal");
  EXPECT_EQ(errorOf("x\n{% if a %}\n{% for b in c %}"),
            "chat template line 3 col 4: unclosed '{% for %}' (expected '{% "
            "endfor %}')");
  EXPECT_EQ(
      errorOf("{% if a %}{% endfor %}"),
      "chat template line 1 col 14: unexpected 'endfor' (expected 'endif')");
  EXPECT_EQ(errorOf("{% endif %}"),
            "chat template line 1 col 4: unexpected 'endif'");
  EXPECT_EQ(errorOf("{{ 1 + }}"),
            "chat template line 1 col 8: unexpected '}}'");
  EXPECT_EQ(errorOf("{% break %}"),
            "chat template line 1 col 4: 'break' outside of a for loop");
  EXPECT_EQ(errorOf("{{ a ) }}"), "chat template line 1 col 6: unexpected ')'");
}

TEST(ChatTemplateErrors, RuntimeErrorsAreLocatedOneLine) {
  // Located at the failing operation: the '.', the call's '('.
  EXPECT_EQ(errorOf("\n {{ missing.attr }}"),
            "chat template line 2 col 12: 'missing' is undefined");
  EXPECT_EQ(errorOf("{{ 'a' + none }}"),
            "chat template line 1 col 8: can only concatenate str (not "
            "\"NoneType\") to str");
  EXPECT_EQ(errorOf("{{ raise_exception('Bad\nrole') }}"),
            "chat template line 1 col 19: raise_exception: Bad role");
  EXPECT_EQ(
      errorOf("{{ 'x'.format(1) }}"),
      "chat template line 1 col 14: unsupported construct 'method str.format'");
  EXPECT_EQ(errorOf("{% for x in 5 %}{% endfor %}"),
            "chat template line 1 col 4: 'int' object is not iterable");
  EXPECT_EQ(errorOf("{{ x }}", ordered_json::array()),
            "chat template: render context must be a JSON object");
}

TEST(ChatTemplateApi, ParseOnceRenderMany) {
  ChatTemplate t =
      ChatTemplate::parse("{{ bos_token }}{% for m in messages %}<{{ m.role "
                          "}}>{{ m.content }}{% endfor %}");
  nlohmann::json a = {{"bos_token", "<s>"},
                      {"messages", {{{"role", "user"}, {"content", "hi"}}}}};
  EXPECT_EQ(t.render(a), "<s><user>hi");
  a["messages"].push_back({{"role", "assistant"}, {"content", "yo"}});
  EXPECT_EQ(t.render(a), "<s><user>hi<assistant>yo");
}

} // namespace
