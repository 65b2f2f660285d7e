//===- ExactNumber.h - Exact numbers of any length --------------*- C++ -*-===//
//
// answer_match's numeric equivalence: "+12", "-0.50", ".5", "3/6", " 7 " are
// parsed exactly (big integers, never floating point) and compared as
// rationals.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_REWARD_EXACTNUMBER_H
#define R1RT_REWARD_EXACTNUMBER_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace r1rt::reward {

/// An exact rational: (negative ? -1 : 1) * digits / (denominator * 10^scale)
/// where `digits` and `denominator` are decimal digit strings without leading
/// zeros ("0" for zero) and trailing zeros of a decimal are stripped.
struct ExactNumber {
  bool negative = false;
  std::string digits;            ///< numerator magnitude
  std::string denominator = "1"; ///< integer denominator of an a/b form
  size_t scale = 0;              ///< decimal places of the numerator
};

/// Parses `ws* [+-] (D+ [. D*] | . D+) [ws* / ws* D+] ws*`. Returns
/// std::nullopt for anything else, including a zero denominator.
std::optional<ExactNumber> parseExactNumber(std::string_view text);

/// True when a and b denote the same rational. Comparisons whose
/// cross-multiplication would exceed ~10^8 digit-pair operations are treated
/// as unequal (never slow, never approximate).
bool exactlyEqual(const ExactNumber &a, const ExactNumber &b);

/// Decimal big-integer product of two digit strings (used by exactlyEqual;
/// exposed for tests).
std::string multiplyDecimal(std::string_view a, std::string_view b);

} // namespace r1rt::reward

#endif // R1RT_REWARD_EXACTNUMBER_H
