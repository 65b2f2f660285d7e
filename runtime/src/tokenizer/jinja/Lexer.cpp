//===- Lexer.cpp - Jinja2 tokens with transformers' whitespace rules ------===//

#include "Lexer.h"

#include "Unicode.h"
#include "r1rt/tokenizer/jinja/ChatTemplate.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace r1jinja {

namespace {

/// Jinja2 treats \r\n, \r and \n alike and drops one trailing newline
/// (keep_trailing_newline=False).
std::string normalize(const std::string &src) {
  std::string out;
  out.reserve(src.size());
  for (size_t i = 0; i < src.size(); ++i) {
    if (src[i] == '\r') {
      out += '\n';
      if (i + 1 < src.size() && src[i + 1] == '\n')
        ++i;
    } else {
      out += src[i];
    }
  }
  if (!out.empty() && out.back() == '\n')
    out.pop_back();
  return out;
}

/// Appends the code point `cp` of a \x, \u or \U escape.
bool hexEscape(const std::string &s, size_t &i, int digits, std::string &out) {
  if (i + digits > s.size())
    return false;
  char32_t cp = 0;
  for (int k = 0; k < digits; ++k) {
    char c = s[i + k];
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      return false;
    cp = cp * 16 + (std::isdigit(static_cast<unsigned char>(c))
                        ? c - '0'
                        : (std::tolower(c) - 'a' + 10));
  }
  i += digits;
  appendUtf8(out, cp);
  return true;
}

/// Python's "unicode-escape" decoding of a string literal body, which is
/// what jinja2 applies; unknown escapes keep their backslash.
std::string unescape(const std::string &s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i++];
      continue;
    }
    char c = s[i + 1];
    i += 2;
    switch (c) {
    case 'n':
      out += '\n';
      break;
    case 't':
      out += '\t';
      break;
    case 'r':
      out += '\r';
      break;
    case '\\':
      out += '\\';
      break;
    case '\'':
      out += '\'';
      break;
    case '"':
      out += '"';
      break;
    case 'a':
      out += '\a';
      break;
    case 'b':
      out += '\b';
      break;
    case 'f':
      out += '\f';
      break;
    case 'v':
      out += '\v';
      break;
    case '\n':
      break; // line continuation
    case 'x':
    case 'u':
    case 'U': {
      int digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
      if (!hexEscape(s, i, digits, out)) {
        out += '\\';
        out += c;
      }
      break;
    }
    default:
      if (c >= '0' && c <= '7') {
        char32_t cp = c - '0';
        for (int k = 0; k < 2 && i < s.size() && s[i] >= '0' && s[i] <= '7';
             ++k)
          cp = cp * 8 + (s[i++] - '0');
        appendUtf8(out, cp);
      } else {
        out += '\\';
        out += c;
      }
    }
  }
  return out;
}

class Lexer {
public:
  explicit Lexer(std::string src) : src_(std::move(src)) {
    lineStarts_.push_back(0);
    for (size_t i = 0; i < src_.size(); ++i)
      if (src_[i] == '\n')
        lineStarts_.push_back(i + 1);
  }

  std::vector<Token> run() {
    size_t pos = 0;
    bool lineStarting = true;
    while (pos < src_.size()) {
      size_t tag = findTag(pos);
      if (tag == std::string::npos) {
        push(Tok::Data, src_.substr(pos), pos);
        break;
      }
      char kind = src_[tag + 1];
      char sign = tag + 2 < src_.size() ? src_[tag + 2] : 0;
      if (sign != '-' && sign != '+')
        sign = 0;
      std::string text = src_.substr(pos, tag - pos);
      if (sign == '-') {
        text = rstripSpace(text);
      } else if (sign != '+' && kind != '{') {
        // lstrip_blocks: a block or comment tag alone on its line.
        size_t lpos = text.rfind('\n');
        lpos = lpos == std::string::npos ? 0 : lpos + 1;
        if ((lpos > 0 || lineStarting) && allSpace(text, lpos))
          text.resize(lpos);
      }
      if (!text.empty())
        push(Tok::Data, text, pos);
      size_t body = tag + 2 + (sign ? 1 : 0);
      if (kind == '#')
        pos = comment(tag, body);
      else
        pos = tagBody(tag, body, kind == '%');
      lineStarting = src_[pos - 1] == '\n';
    }
    push(Tok::Eof, "", src_.size());
    return std::move(toks_);
  }

private:
  [[noreturn]] void fail(size_t at, const std::string &what) {
    auto [line, col] = where(at);
    throw TemplateError(line, col, what);
  }

  std::pair<int, int> where(size_t at) const {
    auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), at);
    size_t line = it - lineStarts_.begin();
    return {static_cast<int>(line),
            static_cast<int>(at - lineStarts_[line - 1] + 1)};
  }

  void push(Tok kind, std::string text, size_t at) {
    auto [line, col] = where(at);
    toks_.push_back({kind, std::move(text), line, col});
  }

  /// The first `{{`, `{%` or `{#` at or after `pos`.
  size_t findTag(size_t pos) const {
    for (size_t i = src_.find('{', pos); i != std::string::npos;
         i = src_.find('{', i + 1))
      if (i + 1 < src_.size() &&
          (src_[i + 1] == '{' || src_[i + 1] == '%' || src_[i + 1] == '#'))
        return i;
    return std::string::npos;
  }

  /// Skips a comment; returns the position after its end (and after the
  /// whitespace that `-#}` or trim_blocks removes).
  size_t comment(size_t open, size_t body) {
    size_t end = src_.find("#}", body);
    if (end == std::string::npos)
      fail(open, "unterminated comment '{#' (expected '#}')");
    return afterEnd(end + 2, end > body && src_[end - 1] == '-',
                    end > body && src_[end - 1] == '+', true);
  }

  /// Position after an end tag that ends at `stop`: `-` strips all
  /// following whitespace, `+` keeps it, and trim_blocks eats one newline
  /// after block and comment tags.
  size_t afterEnd(size_t stop, bool minus, bool plus, bool trim) {
    if (minus)
      return skipSpace(src_, stop);
    if (!plus && trim && stop < src_.size() && src_[stop] == '\n')
      return stop + 1;
    return stop;
  }

  /// Lexes the expression tokens of a `{{ }}` or `{% %}` tag.
  size_t tagBody(size_t open, size_t pos, bool block) {
    push(block ? Tok::BlockBegin : Tok::VarBegin, "", open);
    std::vector<char> balance;
    const char closer = block ? '%' : '}';
    while (true) {
      if (pos >= src_.size())
        fail(open, std::string("unterminated '") + (block ? "{%" : "{{") +
                       "' (expected '" + (block ? "%}" : "}}") + "')");
      if (balance.empty()) {
        // End tags: `-%}`, `+%}` (blocks only), `%}`; `-}}`, `}}`.
        bool minus = src_.compare(pos, 1, "-") == 0 &&
                     src_.compare(pos + 1, 2, std::string{closer, '}'}) == 0;
        bool plus = block && src_.compare(pos, 1, "+") == 0 &&
                    src_.compare(pos + 1, 2, "%}") == 0;
        size_t at = minus || plus ? pos + 1 : pos;
        if (src_.compare(at, 2, std::string{closer, '}'}) == 0) {
          push(block ? Tok::BlockEnd : Tok::VarEnd, "", pos);
          return afterEnd(at + 2, minus, plus, block);
        }
      }
      unsigned char c = src_[pos];
      if (size_t end = skipSpace(src_, pos); end > pos) {
        pos = end;
        continue;
      }
      if (std::isalpha(c) || c == '_') {
        size_t end = pos;
        while (end < src_.size() &&
               (std::isalnum(static_cast<unsigned char>(src_[end])) ||
                src_[end] == '_'))
          ++end;
        push(Tok::Name, src_.substr(pos, end - pos), pos);
        pos = end;
      } else if (std::isdigit(c)) {
        pos = number(pos);
      } else if (c == '\'' || c == '"') {
        pos = string(pos);
      } else {
        pos = op(pos, balance);
      }
    }
  }

  size_t digits(size_t pos) const {
    while (pos < src_.size() &&
           (std::isdigit(static_cast<unsigned char>(src_[pos])) ||
            (src_[pos] == '_' && pos + 1 < src_.size() &&
             std::isdigit(static_cast<unsigned char>(src_[pos + 1])))))
      ++pos;
    return pos;
  }

  size_t number(size_t start) {
    size_t pos = digits(start);
    bool isFloat = false;
    bool afterDot = start > 0 && src_[start - 1] == '.';
    if (!afterDot && pos + 1 < src_.size() && src_[pos] == '.' &&
        std::isdigit(static_cast<unsigned char>(src_[pos + 1]))) {
      pos = digits(pos + 1);
      isFloat = true;
    }
    if (!afterDot && pos < src_.size() &&
        (src_[pos] == 'e' || src_[pos] == 'E')) {
      size_t e = pos + 1;
      if (e < src_.size() && (src_[e] == '+' || src_[e] == '-'))
        ++e;
      if (e < src_.size() &&
          std::isdigit(static_cast<unsigned char>(src_[e]))) {
        pos = digits(e);
        isFloat = true;
      }
    }
    std::string text = src_.substr(start, pos - start);
    text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
    push(isFloat ? Tok::Float : Tok::Int, text, start);
    return pos;
  }

  size_t string(size_t start) {
    char quote = src_[start];
    size_t pos = start + 1;
    while (pos < src_.size() && src_[pos] != quote)
      pos += src_[pos] == '\\' ? 2 : 1;
    if (pos >= src_.size())
      fail(start, "unterminated string literal");
    push(Tok::String, unescape(src_.substr(start + 1, pos - start - 1)), start);
    return pos + 1;
  }

  size_t op(size_t pos, std::vector<char> &balance) {
    static const char *twoChar[] = {"//", "**", "==", "!=", ">=", "<="};
    for (const char *o : twoChar)
      if (src_.compare(pos, 2, o) == 0) {
        push(Tok::Op, o, pos);
        return pos + 2;
      }
    char c = src_[pos];
    if (!std::strchr("+-/*%~[](){}><=.:|,;", c)) {
      size_t end = pos + 1;
      while (end < src_.size() && (src_[end] & 0xC0) == 0x80)
        ++end;
      fail(pos, "unexpected character '" + src_.substr(pos, end - pos) + "'");
    }
    if (c == '(' || c == '[' || c == '{') {
      balance.push_back(c == '(' ? ')' : c == '[' ? ']' : '}');
    } else if (c == ')' || c == ']' || c == '}') {
      if (balance.empty() || balance.back() != c)
        fail(pos, std::string("unexpected '") + c + "'");
      balance.pop_back();
    }
    push(Tok::Op, std::string(1, c), pos);
    return pos + 1;
  }

  std::string src_;
  std::vector<size_t> lineStarts_;
  std::vector<Token> toks_;
};

} // namespace

std::vector<Token> lex(const std::string &source) {
  return Lexer(normalize(source)).run();
}

} // namespace r1jinja
