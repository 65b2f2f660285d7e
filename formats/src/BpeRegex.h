//===- BpeRegex.h - PCRE2 regexes with Oniguruma's meaning -----*- C++ -*-===//
//
// Hugging Face tokenizers compile their split patterns with Oniguruma. This
// wrapper compiles the same pattern text with PCRE2 (UTF, UCP, JIT when
// available) after rewriting the few escapes whose meaning differs: `\s` and
// `\S` become the Unicode White_Space set (PCRE2's \s also takes U+180E),
// and `\uXXXX` becomes `\x{XXXX}`. Invalid UTF-8 in the subject never
// matches (PCRE2_MATCH_INVALID_UTF), so raw bytes fall between matches.
//
//===----------------------------------------------------------------------===//

#ifndef R1FMT_SRC_BPEREGEX_H
#define R1FMT_SRC_BPEREGEX_H

#include "r1fmt/Expected.h"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace r1fmt::bpe {

/// Byte offsets [first, second) of one match.
using Span = std::pair<size_t, size_t>;

/// A compiled pattern; immutable and safe to share between threads.
class Regex {
public:
  /// Compiles `pattern` (Oniguruma syntax as tokenizer.json stores it).
  /// Errors are one line: "bad regex at offset N: why".
  static Expected<std::shared_ptr<const Regex>>
  compile(const std::string &pattern);
  /// A regex matching `literal` exactly.
  static Expected<std::shared_ptr<const Regex>>
  literal(const std::string &literal);
  ~Regex();
  Regex(const Regex &) = delete;
  Regex &operator=(const Regex &) = delete;

  /// Appends the non-overlapping matches in `text`, left to right. An empty
  /// match right after the previous match is skipped, as Rust's iterators do.
  void findAll(std::string_view text, std::vector<Span> &out) const;
  /// Whether `text` has a match.
  bool search(std::string_view text) const;

private:
  Regex() = default;
  void *code_ = nullptr; ///< pcre2_code_8.
  bool jit_ = false;
};

/// Rewrites `\s`, `\S` and `\uXXXX` (see the file comment); errors name the
/// construct it cannot rewrite.
Expected<std::string> translatePattern(const std::string &pattern);

} // namespace r1fmt::bpe

#endif // R1FMT_SRC_BPEREGEX_H
