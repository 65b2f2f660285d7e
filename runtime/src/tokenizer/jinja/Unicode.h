//===- Unicode.h - UTF-8 helpers with Python's str semantics ----*- C++ -*-===//
//
// Template values keep strings as UTF-8, while Python indexes, slices and
// strips by code point. These helpers convert between the two and answer
// str.isspace() for a code point.
//
//===----------------------------------------------------------------------===//

#ifndef R1JINJA_UNICODE_H
#define R1JINJA_UNICODE_H

#include <string>

namespace r1jinja {

/// Decodes UTF-8; an invalid byte becomes U+FFFD.
std::u32string decodeUtf8(const std::string &s);
std::string encodeUtf8(const std::u32string &s);
void appendUtf8(std::string &out, char32_t c);
/// Number of code points (Python's len()).
size_t codePointCount(const std::string &s);
/// Python's str.isspace() for one code point.
bool isPySpace(char32_t c);
/// Python's str.rstrip() (no argument) on UTF-8 text.
std::string rstripSpace(const std::string &s);
/// The end of the run of Python whitespace that starts at byte `pos`.
size_t skipSpace(const std::string &s, size_t pos);
/// True when s[pos..] is non-empty and all Python whitespace.
bool allSpace(const std::string &s, size_t pos);

} // namespace r1jinja

#endif // R1JINJA_UNICODE_H
