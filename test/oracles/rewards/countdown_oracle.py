"""Countdown oracle: reasoning-gym's countdown scorer on generated and mutated answers.

Usage: countdown_oracle.py PROBLEMS_JSONL OUT_JSONL SEED

PROBLEMS_JSONL holds our task.countdown records (meta numbers/target, answer).
To those problems this script adds reasoning-gym's own generated problems
(their reference expressions are independent correct answers), mutates every
answer several ways, and writes one JSON line per case:
  {"numbers": [...], "target": N, "answer": "...", "rg_correct": bool,
   "exclude": null | "<reason>"}
rg_correct is CountdownDataset.score_answer(...) == 1.0. "exclude" names a
documented semantic difference (see docs/rewards.md) for which our verdict is
not expected to agree.
"""
import json
import random
import re
import sys

from reasoning_gym.games.countdown import CountdownConfig, CountdownDataset
from sympy import Integer
from sympy.parsing.sympy_parser import parse_expr

TOKEN = re.compile(r"\d+|[-+*/()]|\s+|.")


def mutations(answer, numbers, target, rng):
    """Yields (answer) variants, correct and incorrect."""
    yield answer
    yield " ".join(TOKEN.findall(answer.replace(" ", "")))
    yield "(" + answer + ")"
    yield answer.replace("(", "").replace(")", "")
    yield answer + "=" + str(target)
    yield "-(" + answer + ")"
    yield answer + "+0"
    yield answer + "*1"
    yield answer.replace("*", "**", 1)
    yield answer.replace("*", "x", 1)
    yield answer + "/(" + str(numbers[0]) + "-" + str(numbers[0]) + ")"
    toks = [t for t in TOKEN.findall(answer) if not t.isspace()]
    ops = [i for i, t in enumerate(toks) if t in "+-*/"]
    nums = [i for i, t in enumerate(toks) if t.isdigit()]
    for _ in range(3):
        if ops:
            t = list(toks)
            i = rng.choice(ops)
            t[i] = rng.choice([o for o in "+-*/" if o != t[i]])
            yield "".join(t)
        if nums:
            t = list(toks)
            i = rng.choice(nums)
            t[i] = str(max(0, int(t[i]) + rng.choice([-1, 1, 2])))
            yield "".join(t)
        if len(nums) >= 2:
            t = list(toks)
            i, j = rng.sample(nums, 2)
            t[i], t[j] = t[j], t[i]
            yield "".join(t)
        t = list(toks)
        rng.shuffle(t)
        yield "".join(t)
    if nums:
        t = list(toks)
        t[nums[-1]] = "0" + t[nums[-1]]
        yield "".join(t)
        t = list(toks)
        del t[nums[-1]]
        yield "".join(t)
    yield "+".join(str(n) for n in numbers)
    yield "*".join(str(n) for n in numbers)
    yield ""


def exclusion(answer, target):
    """The documented reason our verdict may differ, or None."""
    if "**" in answer or "^" in answer or "//" in answer:
        return "sympy_operator"  # sympy power/xor/floor-division; we reject
    try:
        value = parse_expr(answer)
    except Exception:
        return None
    if value.is_Rational and value != Integer(target):
        try:
            if abs(float(value) - target) <= 1e-6 + 1e-5 * abs(target):
                return "float_tolerance"
        except Exception:
            return None
    return None


def main():
    problems_path, out_path, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = random.Random(seed)
    problems = []
    with open(problems_path) as f:
        for line in f:
            rec = json.loads(line)
            problems.append((rec["meta"]["numbers"], rec["meta"]["target"], rec["answer"]))
    rg = CountdownDataset(CountdownConfig(min_numbers=3, max_numbers=4, min_value=1,
                                          max_value=25, min_target=1, max_target=200,
                                          size=45, seed=seed))
    for entry in rg:
        problems.append((entry["metadata"]["numbers"], entry["metadata"]["target"],
                         entry["answer"]))
    scorer = CountdownDataset(CountdownConfig(size=1, seed=seed))
    with open(out_path, "w") as out:
        for numbers, target, answer in problems:
            entry = {"metadata": {"numbers": numbers, "target": target}}
            for cand in dict.fromkeys(mutations(answer, numbers, target, rng)):
                verdict = scorer.score_answer(cand, entry) == 1.0
                out.write(json.dumps({"numbers": numbers, "target": target,
                                      "answer": cand, "rg_correct": verdict,
                                      "exclude": exclusion(cand, target)}) + "\n")


if __name__ == "__main__":
    main()
