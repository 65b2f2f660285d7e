//===- ExactNumber.cpp - Exact decimal/fraction parsing and comparison ----===//

#include "r1rt/reward/ExactNumber.h"

#include <algorithm>
#include <cctype>

namespace r1rt::reward {

namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}
bool isDigit(char c) { return c >= '0' && c <= '9'; }

std::string stripLeadingZeros(std::string_view digits) {
  size_t k = digits.find_first_not_of('0');
  return k == std::string_view::npos ? std::string("0")
                                     : std::string(digits.substr(k));
}

constexpr uint32_t kBase = 1'000'000'000;

/// Little-endian base-1e9 limbs of a decimal digit string.
std::vector<uint32_t> toLimbs(std::string_view digits) {
  std::vector<uint32_t> limbs;
  for (size_t end = digits.size(); end > 0;) {
    size_t start = end >= 9 ? end - 9 : 0;
    uint32_t v = 0;
    for (size_t i = start; i < end; ++i)
      v = v * 10 + static_cast<uint32_t>(digits[i] - '0');
    limbs.push_back(v);
    end = start;
  }
  return limbs;
}

// Largest digit-count product exactlyEqual will multiply out.
constexpr double kMaxDigitProduct = 1e9;
// Longest operand (digits, zeros appended for scale) it will build.
constexpr size_t kMaxOperandDigits = 4'000'000;

} // namespace

std::optional<ExactNumber> parseExactNumber(std::string_view s) {
  size_t i = 0, n = s.size();
  auto skipSpace = [&] {
    while (i < n && isSpace(s[i]))
      ++i;
  };
  auto digitRun = [&] {
    size_t start = i;
    while (i < n && isDigit(s[i]))
      ++i;
    return s.substr(start, i - start);
  };
  skipSpace();
  ExactNumber out;
  if (i < n && (s[i] == '+' || s[i] == '-'))
    out.negative = s[i++] == '-';
  std::string_view whole = digitRun(), frac;
  if (i < n && s[i] == '.') {
    ++i;
    frac = digitRun();
  }
  if (whole.empty() && frac.empty())
    return std::nullopt;
  skipSpace();
  if (i < n && s[i] == '/') {
    ++i;
    skipSpace();
    std::string_view den = digitRun();
    if (den.empty())
      return std::nullopt;
    out.denominator = stripLeadingZeros(den);
    if (out.denominator == "0")
      return std::nullopt;
    skipSpace();
  }
  if (i != n)
    return std::nullopt;
  std::string digits = std::string(whole) + std::string(frac);
  out.scale = frac.size();
  // Canonical decimal: no trailing fractional zeros, no leading zeros.
  size_t keep = digits.size();
  while (out.scale > 0 && keep > 0 && digits[keep - 1] == '0') {
    --keep;
    --out.scale;
  }
  digits.resize(keep);
  out.digits = stripLeadingZeros(digits);
  if (out.digits == "0") {
    out.negative = false;
    out.scale = 0;
    out.denominator = "1";
  }
  return out;
}

std::string multiplyDecimal(std::string_view a, std::string_view b) {
  std::vector<uint32_t> x = toLimbs(a), y = toLimbs(b);
  std::vector<uint64_t> acc(x.size() + y.size() + 1, 0);
  for (size_t i = 0; i < x.size(); ++i) {
    uint64_t carry = 0;
    for (size_t j = 0; j < y.size(); ++j) {
      uint64_t cur = acc[i + j] + static_cast<uint64_t>(x[i]) * y[j] + carry;
      acc[i + j] = cur % kBase;
      carry = cur / kBase;
    }
    for (size_t k = i + y.size(); carry; ++k) {
      uint64_t cur = acc[k] + carry;
      acc[k] = cur % kBase;
      carry = cur / kBase;
    }
  }
  while (acc.size() > 1 && acc.back() == 0)
    acc.pop_back();
  std::string out = std::to_string(acc.back());
  char buf[16];
  for (size_t k = acc.size() - 1; k-- > 0;) {
    std::snprintf(buf, sizeof buf, "%09u", static_cast<unsigned>(acc[k]));
    out += buf;
  }
  return out;
}

bool exactlyEqual(const ExactNumber &a, const ExactNumber &b) {
  if (a.negative != b.negative)
    return false;
  if (a.denominator == "1" && b.denominator == "1")
    return a.digits == b.digits && a.scale == b.scale;
  if (a.digits == "0" || b.digits == "0")
    return a.digits == b.digits;
  // a.digits * 10^b.scale * b.den == b.digits * 10^a.scale * a.den
  size_t lhsLen = a.digits.size() + b.scale, rhsLen = b.digits.size() + a.scale;
  if (lhsLen > kMaxOperandDigits || rhsLen > kMaxOperandDigits)
    return false;
  // Lengths of the two products differ by more than one: cannot be equal.
  size_t lhsTotal = lhsLen + b.denominator.size();
  size_t rhsTotal = rhsLen + a.denominator.size();
  if (lhsTotal > rhsTotal + 1 || rhsTotal > lhsTotal + 1)
    return false;
  if (static_cast<double>(lhsLen) * b.denominator.size() > kMaxDigitProduct ||
      static_cast<double>(rhsLen) * a.denominator.size() > kMaxDigitProduct)
    return false;
  std::string lhs =
      multiplyDecimal(a.digits + std::string(b.scale, '0'), b.denominator);
  std::string rhs =
      multiplyDecimal(b.digits + std::string(a.scale, '0'), a.denominator);
  return lhs == rhs;
}

} // namespace r1rt::reward
