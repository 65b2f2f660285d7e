"""Oracle for r1jinja: renders chat templates with transformers' machinery.

Usage: render_oracle.py OUT.json

Writes {"templates": {name: source}, "cases": [...], "snippets": [...]}:
- cases: real model templates (this directory) over conversations, rendered
  by transformers.utils.chat_template_utils.render_jinja_template (what
  apply_chat_template(..., tokenize=False) calls); each case holds the exact
  variables the template saw ("context") and the expected text.
- snippets: small templates that exercise one engine feature each, rendered
  by transformers' own compiled Jinja environment; "error" is true when
  jinja2 raised.
"""

import json
import os
import sys

from transformers.utils.chat_template_utils import (
    _compile_jinja_template,
    render_jinja_template,
)

HERE = os.path.dirname(os.path.abspath(__file__))
GGUF = os.environ.get("R1C_SMOLLM2_GGUF", "")

SPECIAL = {
    "smollm2": {"bos_token": "<|im_start|>", "eos_token": "<|im_end|>"},
    "qwen2_5": {"bos_token": None, "eos_token": "<|im_end|>"},
    "llama3_1": {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
    "deepseek_r1": {"bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>"},
    "deepseek_r1_distill": {"bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>"},
}

TRICKY = (
    "Unicode: héllo wörld — 你好, ｜ emoji 🤖🎉\n"
    "Quotes ' \" and backslash \\ and tab\tend\n"
    "Jinja-looking {{ not a tag }} {% nor this %} {# nor this #}\n"
    "  indented line\r\nwindows newline\n\n"
)

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city, e.g. \"Paris\" — ünïcode ok",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name"},
                "days": {"type": "integer", "minimum": 1, "maximum": 7.5},
            },
            "required": ["city"],
        },
    },
}


def user(text):
    return {"role": "user", "content": text}


def assistant(text):
    return {"role": "assistant", "content": text}


def system(text):
    return {"role": "system", "content": text}


def common_conversations():
    """(name, messages, add_generation_prompt, tools, extra kwargs)."""
    return [
        ("single_user_gen", [user("Hello!")], True, None, {}),
        ("single_user_nogen", [user("Hello!")], False, None, {}),
        ("system_user", [system("You are terse."), user("What is 2+2?")], True, None, {}),
        (
            "multi_turn",
            [user("Hi"), assistant("Hello! How can I help?"), user("Tell me a joke.")],
            True,
            None,
            {},
        ),
        (
            "multi_turn_system_ends_assistant",
            [
                system("Be nice."),
                user("Q1"),
                assistant("A1"),
                user("Q2"),
                assistant("A2"),
            ],
            False,
            None,
            {},
        ),
        (
            "assistant_think",
            [
                user("What is 3*7?"),
                assistant("<think>\n3*7 = 21, easy.\n</think>\n\nThe answer is 21."),
                user("And 3*8?"),
            ],
            True,
            None,
            {},
        ),
        (
            "special_chars",
            [system(TRICKY), user(TRICKY), assistant("  " + TRICKY + "  "), user("é")],
            True,
            None,
            {},
        ),
        ("empty_content", [user(""), assistant(""), user(" ")], True, None, {}),
    ]


def model_conversations(name):
    convs = common_conversations()
    if name == "qwen2_5":
        convs += [
            ("tools_no_system", [user("Weather in Paris?")], True, [WEATHER_TOOL], {}),
            ("tools_with_system", [system("Use tools."), user("Weather?")], True, [WEATHER_TOOL], {}),
            (
                "tool_call_roundtrip",
                [
                    user("Weather in Paris and Rome?"),
                    {
                        "role": "assistant",
                        "content": "Let me check.",
                        "tool_calls": [
                            {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}},
                            {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Rome", "days": 2}}},
                        ],
                    },
                    {"role": "tool", "content": "{\"temp\": 21.5}"},
                    {"role": "tool", "content": "sunny"},
                    assistant("Paris 21.5, Rome sunny."),
                ],
                True,
                [WEATHER_TOOL],
                {},
            ),
            ("second_system", [user("a"), system("late system"), user("b")], False, None, {}),
        ]
    if name == "llama3_1":
        convs += [
            ("date_string", [system("  padded system  "), user("Hi")], True, None, {"date_string": "1 Jan 2025"}),
            ("tools_in_user", [user("Weather in Paris?")], True, [WEATHER_TOOL], {}),
            ("tools_in_system", [system("Sys"), user("Weather?")], True, [WEATHER_TOOL], {"tools_in_user_message": False}),
            (
                "tool_call_roundtrip",
                [
                    user("Weather in Paris?"),
                    {
                        "role": "assistant",
                        "tool_calls": [
                            {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris", "days": 1}}}
                        ],
                    },
                    {"role": "tool", "content": {"temp": 21.5, "sky": "clear"}},
                    {"role": "ipython", "content": "plain text result"},
                    assistant("It is 21.5 and clear."),
                ],
                True,
                [WEATHER_TOOL],
                {},
            ),
            (
                "builtin_tools",
                [
                    user("Search it"),
                    {
                        "role": "assistant",
                        "tool_calls": [
                            {"type": "function", "function": {"name": "brave_search", "arguments": {"query": "r1", "n": "3"}}}
                        ],
                    },
                ],
                False,
                None,
                {"builtin_tools": ["brave_search", "code_interpreter", "wolfram_alpha"]},
            ),
        ]
    if name == "deepseek_r1_distill":
        convs += [("two_systems_last_wins", [system("First."), system("Second."), user("Hi")], True, None, {})]
    if name == "deepseek_r1":
        convs += [
            ("two_systems", [system("First."), system("Second."), user("Hi")], True, None, {}),
            (
                "tool_calls",
                [
                    user("Weather?"),
                    {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            {"type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}},
                            {"type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Rome\"}"}},
                        ],
                    },
                    {"role": "tool", "content": "21C"},
                    {"role": "tool", "content": "25C"},
                    assistant("Paris 21C, Rome 25C."),
                ],
                True,
                None,
                {},
            ),
            (
                "tool_outputs_pending",
                [
                    user("Weather?"),
                    {
                        "role": "assistant",
                        "content": "Checking.",
                        "tool_calls": [
                            {"type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
                        ],
                    },
                    {"role": "tool", "content": "21C"},
                ],
                True,
                None,
                {},
            ),
            ("think_only_last", [user("x"), assistant("<think>a</think>b</think>c")], False, None, {}),
        ]
    return convs


def render_cases(name, source):
    cases = []
    for conv_name, messages, agp, tools, extra in model_conversations(name):
        kwargs = dict(SPECIAL[name])
        kwargs.update(extra)
        rendered, _ = render_jinja_template(
            conversations=[messages],
            tools=tools,
            chat_template=source,
            add_generation_prompt=agp,
            **kwargs,
        )
        # The variables the template saw (render_jinja_template's call).
        context = {"messages": messages, "tools": tools, "documents": None, "add_generation_prompt": agp}
        context.update(kwargs)
        direct = _compile_jinja_template(source).render(**context)
        assert direct == rendered[0], f"{name}/{conv_name}: context does not reproduce the render"
        cases.append({"template": name, "name": conv_name, "context": context, "expected": rendered[0]})
    return cases


# (name, template, context); the context defaults to SNIPPET_CONTEXT.
SNIPPET_CONTEXT = {
    "s": "Hello World",
    "u": "héllo🤖",
    "n": 7,
    "f": 2.5,
    "l": [3, 1, 2],
    "d": {"b": 1, "a": [1, 2], "c": {"x": None}},
    "msgs": [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "  hi  "},
        {"role": "assistant", "content": "yo", "tool_calls": [{"name": "t"}]},
    ],
    "none": None,
    "t": True,
}

SNIPPETS = [
    # whitespace control and trim_blocks / lstrip_blocks
    ("ws_trim_blocks", "{% if true %}\nA\n{% endif %}\nB"),
    ("ws_lstrip_blocks", "x\n    {% if true %}\n    y\n    {% endif %}\nz"),
    ("ws_minus", "a   {%- if true -%}   b   {%- endif -%}   c"),
    ("ws_var_minus", "a \n {{- s -}} \n b"),
    ("ws_var_no_lstrip", "a\n  {{ s }}\n"),
    ("ws_plus", "a\n  {%+ if true %}b{% endif +%}\nc"),
    ("ws_comment", "a\n  {# note #}\nb {#- x -#} c"),
    ("ws_trailing_newline", "x\n"),
    ("ws_crlf", "a\r\n{% if true %}\r\nb\r\n{% endif %}\r\n"),
    ("ws_inline_tag_not_stripped", "a  {% if true %}b{% endif %}"),
    ("ws_template_start", "  {% if true %}x{% endif %}\n  {#- c #}\n{# c #}\ny"),
    ("ws_after_print", "{{ s }}\n    {% if true %}\n  z\n{% endif %}"),
    ("ws_minus_multiline", "abc  \n  \n  {%- if true %}\n\n  x  {{- ' y' }}\n{%- endif %}\t\n"),
    ("ws_unicode_space", "a\u3000{%- if true -%}\u00a0b{%- endif %}"),
    ("ws_minus_then_block", "{% if true -%}\n   {% if true %}y{% endif %}{% endif %}"),
    # literals and operators
    ("lit_strings", "{{ 'a\\'b' ~ \"c\\\"d\" ~ 'tab\\tnl\\n' ~ '\\u00e9\\x41' ~ 'x' 'y' }}"),
    ("lit_numbers", "{{ 1 + 2 * 3 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 / 2 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 1_000 }} {{ 1e3 }} {{ 0.1 + 0.2 }}"),
    ("lit_collections", "{{ [1, 'a', none, true, 2.0] }} {{ {'k': 'v', 'n': [1]} }} {{ (1, 2) }} {{ (1,) }} {{ () }}"),
    ("floats", "{{ 1.0 }} {{ 1e16 }} {{ 1e15 }} {{ 0.0001 }} {{ 0.00001 }} {{ 123456789.125 }} {{ -0.5 }} {{ f * 3 }}"),
    ("string_ops", "{{ s ~ n }} {{ s + '!' }} {{ 'ab' * 3 }} {{ s[0] }} {{ s[-1] }} {{ s[::-1] }} {{ s[1:4] }} {{ u[1:3] }} {{ u|length }} {{ u[::-1] }}"),
    ("list_ops", "{{ l[1:] }} {{ l[::-1] }} {{ l[-2:] }} {{ l[5:] }} {{ l + [4] }} {{ l|length }} {{ l[10] is defined }} {{ l[1:-1] }} {{ l[::2] }}"),
    ("compare", "{{ 1 < 2 < 3 }} {{ 1 == 1.0 }} {{ 1 == true }} {{ 'a' < 'b' }} {{ [1,2] < [1,3] }} {{ 'ell' in s }} {{ 2 in l }} {{ 'b' in d }} {{ 'z' not in d }} {{ none == none }}"),
    ("logic", "{{ 0 or 'x' }} {{ 1 and 'y' }} {{ not 0 }} {{ none or [] }} {{ '' and 1 }} {{ 'a' if t else 'b' }} {{ 'a' if none else 'b' }} {{ ('a' if none) is defined }}"),
    ("precedence", "{{ not none is none }} {{ 'a' ~ 'b' | upper }} {{ 1 ~ 2 | string }} {{ -2 ** 2 }} {{ msgs[1]['content'] | trim + '!' }} {{ 2 + 3 * 4 - 1 }}"),
    ("filter_binds_tighter_error", "{{ 1 + 2 | string }}"),
    # attribute and item access, undefined
    ("access", "{{ d.b }} {{ d['a'][1] }} {{ d.a.0 }} {{ d.c.x }} {{ d.missing }}|{{ d.missing is defined }} {{ msgs[2].tool_calls[0].name }} {{ none.x is defined }}"),
    ("undefined_print", "[{{ missing }}] [{{ missing | default('dflt') }}] [{{ '' | default('e', true) }}] [{{ missing | length }}] [{{ missing is iterable }}] {{ missing ~ 'x' }}"),
    ("undefined_loop", "{% for x in missing %}{{ x }}{% else %}empty{% endfor %}"),
    ("undefined_attr_error", "{{ missing.attr }}"),
    ("undefined_add_error", "{{ missing + 1 }}"),
    ("none_concat_error", "{{ 'a' + none }}"),
    ("int_str_error", "{{ 1 + 'a' }}"),
    # loops
    ("loop_vars", "{% for x in l %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.revindex }}|{% endfor %}"),
    ("loop_filter", "{% for m in msgs if m.role != 'system' %}{{ loop.index }}/{{ loop.length }}:{{ m.role }} {% endfor %}"),
    ("loop_else", "{% for x in [] %}x{% else %}none{% endfor %}"),
    ("loop_dict", "{% for k in d %}{{ k }}{% endfor %} {% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %} {% for k, v in d | items %}{{ k }}{% endfor %}"),
    ("loop_string", "{% for c in u %}[{{ c }}]{% endfor %}"),
    ("loop_break_continue", "{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}{% if x > 4 %}{% break %}{% endif %}{{ x }}{% endfor %}"),
    ("loop_nested", "{% for a in [1,2] %}{% for b in 'xy' %}{{ a }}{{ b }}{{ loop.index }}{% endfor %}{{ loop.index }};{% endfor %}"),
    ("loop_cycle_prev", "{% for x in l %}{{ loop.cycle('a','b') }}{{ loop.previtem | default('-') }}{{ loop.nextitem | default('-') }} {% endfor %}"),
    # scoping and namespace
    ("scope_loop_set", "{% set c = 0 %}{% for i in l %}{% set c = c + i %}{{ c }}{% endfor %}{{ c }}"),
    ("scope_namespace", "{% set ns = namespace(total=0, names=[]) %}{% for i in l %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }}"),
    ("scope_if_set", "{% if true %}{% set v = 'in' %}{% endif %}{{ v }}"),
    ("set_tuple", "{% set a, b = [1, 2] %}{{ a }}{{ b }}"),
    ("set_block", "{% set x %}  block {{ s }}{% endset %}[{{ x }}]"),
    ("set_override_context", "{% set msgs = msgs[1:] %}{{ msgs | length }}"),
    ("macro", "{% macro greet(name, p='Hi') %}{{ p }} {{ name }}!{% endmacro %}{{ greet('Bob') }} {{ greet('Al', p='Yo') }} {{ greet(name='Z') }}"),
    # filters
    ("filters_str", "{{ '  x  ' | trim }}|{{ 'xxaxx' | trim('x') }}|{{ s | lower }}|{{ s | upper }}|{{ 'hello world' | title }}|{{ 'hELLO' | capitalize }}|{{ s | replace('o', '0') }}|{{ s | replace('l', 'L', 1) }}"),
    ("filters_seq", "{{ l | first }} {{ l | last }} {{ l | join(', ') }} {{ l | join }} {{ msgs | map(attribute='role') | join('/') }} {{ l | reverse | list }} {{ s | list | length }} {{ d | list }}"),
    ("filters_select", "{{ msgs | selectattr('role', 'equalto', 'user') | list | length }} {{ msgs | rejectattr('role', 'eq', 'user') | map(attribute='role') | join(',') }} {{ msgs | selectattr('tool_calls') | list | length }} {{ msgs | selectattr('tool_calls', 'defined') | map(attribute='content') | first }} {{ [0, 1, '', 'a'] | select | list }} {{ [1,2,3,4] | reject('odd') | list }}"),
    ("filters_num", "{{ '42' | int }} {{ '4.7' | int }} {{ 'x' | int(-1) }} {{ 3.9 | int }} {{ '2.5' | float }} {{ -3 | abs }} {{ 7 | string ~ '!' }} {{ true | int }}"),
    ("filters_items_length", "{{ d | items | list }} {{ d | length }} {{ s | count }} {{ {} | items | list }}"),
    ("tojson", "{{ d | tojson }}\n{{ msgs | tojson(indent=2) }}\n{{ 'é\"\\n</s>' | tojson }}\n{{ [1.5, none, true] | tojson }}\n{{ d | tojson(sort_keys=true, separators=[',', ':']) }}\n{{ u | tojson(ensure_ascii=true) }}\n{{ {} | tojson(indent=4) }}{{ [] | tojson(indent=4) }}"),
    ("map_filter_name", "{{ ['a', 'B'] | map('upper') | join }} {{ [' a ', 'b '] | map('trim') | list }}"),
    # tests
    ("tests", "{{ s is string }} {{ n is number }} {{ f is number }} {{ t is number }} {{ d is mapping }} {{ l is mapping }} {{ l is iterable }} {{ s is iterable }} {{ n is iterable }} {{ l is sequence }} {{ none is none }} {{ t is true }} {{ 1 is true }} {{ false is false }} {{ n is odd }} {{ n is divisibleby 7 }} {{ 'a' is in s }} {{ n is integer }} {{ f is float }} {{ t is boolean }} {{ s is equalto 'Hello World' }} {{ s is not equalto 'x' }} {{ 'abc' is lower }} {{ msgs is sequence }}"),
    # methods
    ("methods_str", "{{ '  a b  '.strip() }}|{{ 'xxaxx'.strip('x') }}|{{ '  a'.lstrip() }}|{{ 'a  '.rstrip() }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'a b c'.split(' ', 1) }}|{{ 'a-b-c'.rsplit('-', 1) }}|{{ s.startswith('He') }}|{{ s.endswith(('x', 'ld')) }}|{{ s.upper() }}|{{ s.lower() }}|{{ s.replace('l', '_') }}|{{ s.find('o') }}|{{ s.count('l') }}|{{ '-'.join(['a', 'b']) }}|{{ s.title() }}"),
    ("methods_think", "{% set c = '<think>\\nx\\n</think>\\n\\nanswer' %}{{ c.split('</think>')[-1].lstrip('\\n') }}|{{ c.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') }}"),
    ("methods_dict", "{{ d.keys() | list }} {{ d.values() | list | length }} {{ d.get('b') }} {{ d.get('zz') }} {{ d.get('zz', 'dflt') }} {% for k, v in d.items() %}{{ k }}{% endfor %}"),
    # globals
    ("globals", "{{ range(3) | list }} {{ range(1, 7, 2) | list }} {{ dict(a=1, b='x') }} {% set ns = namespace(a=1) %}{% set ns.b = 2 %}{{ ns.a }}{{ ns.b }}"),
    ("raise_exception", "{% if true %}{{ raise_exception('Only user and assistant roles!') }}{% endif %}"),
    ("loop_revindex_nested_ns", "{% set ns = namespace(out=[]) %}{% for a in l %}{% for b in l if b > a %}{% set ns.out = ns.out + [a ~ b] %}{% endfor %}{{ loop.revindex0 }}{% endfor %} {{ ns.out }}"),
    ("macro_loop", "{% macro row(m) %}<{{ m.role }}>{% endmacro %}{% for m in msgs %}{{ row(m) }}{% endfor %}"),
    ("namespace_from_dict", "{% set ns = namespace(d) %}{{ ns.b }} {{ dict(d, z=0) | length }}"),
    ("sameas_none_cmp", "{{ none is sameas none }} {{ missing == missing }} {{ missing != none }} {{ [] == [] }} {{ {'a': 1} == {'a': 1} }} {{ 1 != 1.0 }}"),
    ("repr_unicode", r"""{{ ['é', '🤖', 'a\u200bb', 'tab\t', '\x7f', "it's"] }} {{ {"k'": 'v\\'} }}"""),
    ("unary_and_neg_index", "{{ -n }} {{ +f }} {{ -(1) }} {{ l[-1] }} {{ s[-3:] }} {{ 'abc'[1] }}"),
    ("condexpr_no_else", "[{{ 'x' if false }}]"),
    ("string_ops_more", "{{ 'a b c'.split(none, 1) }} {{ 'a\tb\nc'.split() }} {{ ''.split(',') }} {{ 'aXbXc'.rsplit('X') }} {{ 'x'.join('abc') }} {{ 'abc'.replace('', '-') }}"),
    ("slice_edges", "{{ l[:-1] }} {{ l[-100:100] }} {{ l[2:0:-1] }} {{ l[::-2] }} {{ s[:0] }} {{ s[100:] }}"),
    ("int_float_edges", "{{ ' 7 ' | int }} {{ '1_000' | int }} {{ '0x1A' | int(0, 16) }} {{ none | int }} {{ 'nan' | float }} {{ '1e3' | int }}"),
    ("default_boolean", "{{ none | default('d') }} {{ none | default('d', true) }} {{ 0 | d(5, true) }} {{ false | default('x') }}"),
    ("first_last_empty", "[{{ [] | first }}] [{{ '' | last }}] {{ 'abc' | first }}{{ 'abc' | last }}"),
    ("generation_block", "{% for m in msgs %}{% if m.role == 'assistant' %}{% generation %}{{ m.content }}{% endgeneration %}{% endif %}{% endfor %}"),
    ("for_tuple_unpack_error", "{% for a, b in [[1, 2, 3]] %}{% endfor %}"),
    ("none_iter_error", "{% for x in none %}{% endfor %}"),
    ("call_non_callable_error", "{{ s() }}"),
    ("div_zero_error", "{{ 1 / 0 }}"),
    ("namespace_underscore_error", "{% set ns = namespace() %}{% set ns._x = 1 %}"),
    ("set_attr_non_namespace_error", "{% set d.x = 1 %}"),
    ("in_int_error", "{{ 1 in 5 }}"),
    ("order_mixed_error", "{{ 1 < 'a' }}"),
    # output of non-strings
    ("print_values", "{{ none }} {{ true }} {{ false }} {{ [none, 'it\\'s', \"q\\\"\"] }} {{ {'a': none} }} {{ 12 }} {{ -0.0 }}"),
]


def render_snippets():
    out = []
    for name, source in SNIPPETS:
        context = SNIPPET_CONTEXT
        try:
            expected = _compile_jinja_template(source).render(**context)
            error = False
        except Exception as e:  # jinja2 errors are the expected result
            expected = f"{type(e).__name__}: {e}"
            error = True
        out.append({"name": name, "template": source, "context": context, "expected": expected, "error": error})
    return out


def main():
    out_path = sys.argv[1]
    templates = {}
    for name in SPECIAL:
        with open(os.path.join(HERE, name + ".jinja"), encoding="utf-8", newline="") as fh:
            templates[name] = fh.read()
    if GGUF and os.path.isfile(GGUF):
        import gguf

        field = gguf.GGUFReader(GGUF).fields["tokenizer.chat_template"]
        from_gguf = bytes(field.parts[field.data[0]]).decode("utf-8")
        assert from_gguf == templates["smollm2"], "smollm2.jinja differs from the GGUF's tokenizer.chat_template"
    cases = []
    for name, source in templates.items():
        cases += render_cases(name, source)
    result = {"templates": templates, "cases": cases, "snippets": render_snippets()}
    with open(out_path, "w", encoding="utf-8") as fh:
        json.dump(result, fh, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
