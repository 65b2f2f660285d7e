//===- ExactNumberTest.cpp - Tests of exact numeric equivalence -----------===//

#include "r1rt/reward/ExactNumber.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>

using namespace r1rt::reward;

namespace {

bool eq(std::string_view a, std::string_view b) {
  auto x = parseExactNumber(a), y = parseExactNumber(b);
  EXPECT_TRUE(x && y) << a << " | " << b;
  return x && y && exactlyEqual(*x, *y);
}

TEST(ExactNumber, ParsesTheSupportedForms) {
  for (const char *ok : {"0", "-0", "+12", " 7 ", "\t-3.50\n", ".5", "5.",
                         "-.25", "3/4", "-6 / 8", "1.5/3", "007", "0/5"})
    EXPECT_TRUE(parseExactNumber(ok).has_value()) << ok;
  for (const char *bad :
       {"", " ", "+", "-", ".", "1/0", "1/", "/2", "1e3", "1,000", "--1",
        "1.2.3", "3/-4", "0x10", "½", "1 2", "12a", "1/2/3"})
    EXPECT_FALSE(parseExactNumber(bad).has_value()) << bad;
}

TEST(ExactNumber, EquivalenceTable) {
  EXPECT_TRUE(eq("12", "+12"));
  EXPECT_TRUE(eq("-0", "0.000"));
  EXPECT_TRUE(eq("0/7", "0"));
  EXPECT_TRUE(eq("1.50", "3/2"));
  EXPECT_TRUE(eq(".5", "1/2"));
  EXPECT_TRUE(eq("5.", "5"));
  EXPECT_TRUE(eq("-6/8", "-0.75"));
  EXPECT_TRUE(eq("007", "7"));
  EXPECT_TRUE(eq("1.5/3", "0.5"));
  EXPECT_FALSE(eq("-1/2", "1/2"));
  EXPECT_FALSE(eq("1/3", "0.3333333333"));
  EXPECT_FALSE(eq("0.1", "0.10000000000000001"));
  EXPECT_FALSE(eq("12", "120"));
  EXPECT_FALSE(eq("1.2", "12"));
}

/// Reference: compare p1/q1 and p2/q2 with 128-bit cross-multiplication.
TEST(ExactNumber, RandomFractionsAndDecimalsMatchInt128Reference) {
  std::mt19937_64 rng(42);
  for (int iter = 0; iter < 20000; ++iter) {
    auto fraction = [&](int64_t &p, int64_t &q) {
      p = static_cast<int64_t>(rng() % 2000001) - 1000000;
      q = 1 + static_cast<int64_t>(rng() % 1000);
      if (rng() % 3 == 0) { // a decimal: q = 10^k
        int k = static_cast<int>(rng() % 5);
        q = 1;
        for (int i = 0; i < k; ++i)
          q *= 10;
        std::string digits = std::to_string(std::llabs(p));
        while (static_cast<int>(digits.size()) <= k)
          digits = "0" + digits;
        std::string text = (p < 0 ? "-" : "") +
                           digits.substr(0, digits.size() - k) +
                           (k ? "." + digits.substr(digits.size() - k) : "");
        return text;
      }
      return std::to_string(p) + "/" + std::to_string(q);
    };
    int64_t p1, q1, p2, q2;
    std::string a = fraction(p1, q1);
    std::string b = rng() % 4 == 0 ? a : fraction(p2, q2);
    if (a == b)
      p2 = p1, q2 = q1;
    bool want =
        static_cast<__int128>(p1) * q2 == static_cast<__int128>(p2) * q1;
    ASSERT_EQ(eq(a, b), want) << a << " vs " << b;
  }
}

TEST(ExactNumber, MultiplyMatchesInt128AndKnownBigProducts) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 5000; ++i) {
    uint64_t x = rng() % 10000000000000ull, y = rng() % 100000000000ull;
    unsigned __int128 z = static_cast<unsigned __int128>(x) * y;
    std::string want;
    do {
      want.insert(want.begin(), static_cast<char>('0' + z % 10));
      z /= 10;
    } while (z);
    ASSERT_EQ(multiplyDecimal(std::to_string(x), std::to_string(y)), want);
  }
  // (10^n - 1)^2 = 9..98 0..01 (n-1 nines, 8, n-1 zeros, 1).
  for (size_t n : {9u, 10u, 1000u, 4567u}) {
    std::string nines(n, '9');
    std::string want =
        std::string(n - 1, '9') + "8" + std::string(n - 1, '0') + "1";
    EXPECT_EQ(multiplyDecimal(nines, nines), want);
  }
}

/// n * k for a digit string and a small k, by schoolbook (test reference).
std::string timesSmall(const std::string &n, int k) {
  std::string out(n.size() + 3, '0');
  int carry = 0;
  size_t pos = out.size();
  for (size_t i = n.size(); i-- > 0;) {
    int v = (n[i] - '0') * k + carry;
    out[--pos] = static_cast<char>('0' + v % 10);
    carry = v / 10;
  }
  while (carry) {
    out[--pos] = static_cast<char>('0' + carry % 10);
    carry /= 10;
  }
  return out.substr(out.find_first_not_of('0'));
}

TEST(ExactNumber, TenThousandDigitNumbersAreExact) {
  std::mt19937 rng(3);
  std::string big(10000, '0');
  for (char &c : big)
    c = static_cast<char>('0' + rng() % 10);
  big[0] = '7';
  std::string off = big;
  off.back() = off.back() == '9' ? '8' : static_cast<char>(off.back() + 1);
  EXPECT_TRUE(eq(big, "+" + big));
  EXPECT_TRUE(eq(big, "000" + big + ".000"));
  EXPECT_FALSE(eq(big, off));
  EXPECT_FALSE(eq(big, "-" + big));
  // big == (big*7)/7 and big/3 == (big*3)/9, via a full 10k-digit product.
  EXPECT_TRUE(eq(big, timesSmall(big, 7) + "/7"));
  EXPECT_FALSE(eq(off, timesSmall(big, 7) + "/7"));
  EXPECT_TRUE(eq(big + "/3", timesSmall(big, 3) + "/9"));
  // Two 10k-digit fractions: a/b == (a*2)/(b*2).
  std::string other = off;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(
      eq(big + "/" + other, timesSmall(big, 2) + "/" + timesSmall(other, 2)));
  EXPECT_FALSE(
      eq(big + "/" + other, timesSmall(big, 2) + "/" + timesSmall(big, 2)));
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  EXPECT_LT(seconds, 20.0); // a hang guard, not a performance assertion
}

TEST(ExactNumber, MegabyteOperandsNeverHang) {
  std::string huge(1 << 20, '3');
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(eq(huge, huge + ".0"));
  EXPECT_FALSE(eq(huge, huge + "/3")); // 1M digits x 1 digit
  EXPECT_TRUE(eq(huge + "/" + huge, "1"));
  EXPECT_FALSE(eq(huge + "/7", huge + "1/71"));
  // Equal in truth, but 1M x 1M digits is past the documented cost bound:
  // reported unequal, immediately.
  EXPECT_FALSE(eq(huge + "/" + huge, huge + "0/" + huge + "0"));
  EXPECT_FALSE(eq("0." + huge, "1/3"));
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  EXPECT_LT(seconds, 20.0); // a hang guard, not a performance assertion
}

} // namespace
