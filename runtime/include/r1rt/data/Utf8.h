//===- Utf8.h - UTF-8 validation and decoding -------------------*- C++ -*-===//

#ifndef R1RT_DATA_UTF8_H
#define R1RT_DATA_UTF8_H

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace r1rt::data {

/// Returns the byte offset of the first ill-formed UTF-8 sequence in `text`
/// (overlongs, surrogates and code points above U+10FFFF are ill-formed), or
/// std::nullopt when the whole text is valid.
std::optional<size_t> findInvalidUtf8(std::string_view text);

/// Decodes valid UTF-8 into code points. Ill-formed bytes decode as U+FFFD
/// one byte at a time, so arbitrary input never throws.
std::vector<char32_t> decodeUtf8(std::string_view text);

/// Number of code points in `text` (ill-formed bytes count one each).
size_t countCodePoints(std::string_view text);

/// Encodes one code point as UTF-8.
std::string encodeUtf8(char32_t codePoint);

} // namespace r1rt::data

#endif // R1RT_DATA_UTF8_H
