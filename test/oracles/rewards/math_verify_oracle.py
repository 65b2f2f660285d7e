"""answer_match oracle: math-verify's numeric equivalence on generated number pairs.

Usage: math_verify_oracle.py OUT_JSONL SEED COUNT

Writes one JSON line per case: {"gold": "...", "pred": "...", "mv": bool,
"exclude": null | "<reason>"} where mv = verify(parse(gold), parse(pred)).
Forms are the ones both implementations support: integers (up to 40
digits), signed values, decimals (".5", "5.", trailing zeros), fractions
a/b, surrounding whitespace. "exclude" names a documented difference (see
docs/rewards.md) for which our verdict is not expected to agree.
"""
import json
import random
import sys
from fractions import Fraction

from math_verify import parse, verify


def big(rng, digits):
    return rng.randint(10 ** (digits - 1) if digits > 1 else 0, 10 ** digits - 1)


def as_decimal(value, rng):
    """A decimal spelling of a Fraction whose denominator is 2^a 5^b, or None."""
    den = value.denominator
    k = 0
    while den % 2 == 0 or den % 5 == 0:
        den //= 2 if den % 2 == 0 else 5
        k += 1
    if den != 1:
        return None
    places = k + rng.randint(0, 2)  # maybe trailing zeros
    scaled = abs(value) * 10 ** places
    digits = str(scaled.numerator).rjust(places + 1, "0")
    whole, frac = digits[:-places] if places else digits, digits[-places:] if places else ""
    sign = "-" if value < 0 else ""
    if places == 0:
        return sign + whole + rng.choice(["", "."])
    if whole == "0" and rng.random() < 0.3:
        whole = ""
    return f"{sign}{whole}.{frac}"


def spellings(value, rng):
    """Several textual forms of one exact value."""
    out = [str(value.numerator) if value.denominator == 1 else
           f"{value.numerator}/{value.denominator}"]
    m = rng.randint(2, 9)
    out.append(f"{value.numerator * m}/{value.denominator * m}")
    dec = as_decimal(value, rng)
    if dec is not None:
        out.append(dec)
    return out


def random_value(rng):
    kind = rng.random()
    sign = rng.choice([1, -1])
    if kind < 0.35:
        return Fraction(sign * big(rng, rng.randint(1, 40)))
    if kind < 0.7:
        return Fraction(sign * big(rng, rng.randint(1, 8)), 10 ** rng.randint(1, 6))
    return Fraction(sign * big(rng, rng.randint(1, 5)), rng.randint(1, 400))


def perturb(value, rng):
    """A different value, at a relative distance math-verify's float
    tolerance cannot hide (except a big integer plus one, compared exactly)."""
    choice = rng.random()
    if choice < 0.25:
        return -value if value != 0 else Fraction(1)
    if choice < 0.45:
        return value * 10 if value != 0 else Fraction(-1, 2)
    if choice < 0.65 and value.denominator == 1:
        return value + rng.choice([1, -1])
    if abs(value) >= 1000:
        return value * Fraction(rng.choice([9, 11, 7, 13]), 10)
    return value + Fraction(rng.choice([1, -1]), rng.choice([1, 2, 7, 10, 100]))


def exclusion(gold, pred, a, b):
    if gold.lstrip().startswith("+") or pred.lstrip().startswith("+"):
        return "plus_sign"  # math-verify does not parse a leading '+'
    if gold.lstrip().startswith("-.") or pred.lstrip().startswith("-."):
        return "negative_bare_decimal"  # math-verify misreads "-.5"
    if (a != b and ("." in gold or "." in pred)
            and abs(a - b) <= Fraction(1, 10 ** 5) * max(abs(a), abs(b), 1)):
        return "float_tolerance"  # math-verify compares decimals with a tolerance
    return None


def main():
    out_path, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    with open(out_path, "w") as out:
        made = 0
        while made < count:
            a = random_value(rng)
            b = a if rng.random() < 0.5 else perturb(a, rng)
            gold = rng.choice(spellings(a, rng))
            pred = rng.choice(spellings(b, rng))
            if rng.random() < 0.2:
                pred = " " * rng.randint(1, 2) + pred + " " * rng.randint(0, 2)
            if rng.random() < 0.05 and not pred.startswith("-"):
                pred = "+" + pred
            mv = bool(verify(parse(gold), parse(pred)))
            out.write(json.dumps({"gold": gold, "pred": pred, "mv": mv,
                                  "exclude": exclusion(gold, pred, a, b),
                                  "exact": a == b}) + "\n")
            made += 1


if __name__ == "__main__":
    main()
