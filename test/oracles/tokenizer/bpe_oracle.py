"""Oracle data for r1fmt::BpeTokenizer: tokenizer.json variants, a corpus and
the `tokenizers` package's ids and decodes for each.

usage: bpe_oracle.py OUTDIR [--gguf PATH] [--seed N] [--count N]

Writes OUTDIR/variants.json ([{name, nfc, vocab_size}]), OUTDIR/corpus.jsonl
({"text", "nfc_agrees"} per line) and per variant NAME.tokenizer.json,
NAME.ids.jsonl ({"ids", "plain", "decoded"}: ids with specials parsed and
encoded as text, and the decode of "ids"; aligned with the corpus) and
NAME.decode.jsonl ({"ids", "skip", "text"}).

Random code points are drawn among those assigned in Python's Unicode
database (14.0, PCRE2 10.42's version too): tokenizers' Oniguruma knows
Unicode 16, so later letters and symbols may split differently there.
"nfc_agrees" is false where tokenizers' NFC (older tables) differs from
Python's unicodedata NFC; NFC variants skip those strings.

Variants built from the SmolLM2 GGUF (when --gguf is given) use its real
49k vocabulary and merges with the pre-tokenizers of SmolLM2's hub file,
Qwen2.5, Llama-3 and DeepSeek-V3; the trained_* variants are small BPEs
trained here, so that the tests still run without the GGUF.
"""
import argparse
import copy
import json
import os
import random
import sys
import tempfile
import unicodedata

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models
from tokenizers import normalizers, pre_tokenizers, trainers

QWEN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}|"
        r" ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
LLAMA3 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|"
          r" ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
DEEPSEEK = [
    r"\p{N}{1,3}",
    "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+",
    "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|"
    "[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|"
    "\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
]


def split(pattern, behavior="Isolated", invert=False, literal=False):
    return {"type": "Split",
            "pattern": {"String" if literal else "Regex": pattern},
            "behavior": behavior, "invert": invert}


def byte_level(prefix=False, use_regex=False):
    return {"type": "ByteLevel", "add_prefix_space": prefix,
            "trim_offsets": True, "use_regex": use_regex}


def added(i, content, special=True, normalized=False, lstrip=False,
          rstrip=False, single_word=False):
    return {"id": i, "content": content, "single_word": single_word,
            "lstrip": lstrip, "rstrip": rstrip, "normalized": normalized,
            "special": special}


# --- corpus -----------------------------------------------------------------

PROSE = [
    "The quick brown fox jumps over the lazy dog.",
    "It's a truth universally acknowledged, that a single man in possession "
    "of a good fortune, must be in want of a wife.",
    "I'LL BE THERE, WE'RE SURE THEY'VE GONE, SHE'D SAY IT'S HIS.",
    "Don't you think we'll make it? You're right, I'm sure they'd agree.",
    "  Leading spaces, trailing spaces   ",
    "Hello, world! How are you doing today???",
    "e-mail: someone@example.com, url: https://example.org/a?b=c&d=e#f",
    "Prices rose 3.5% to $1,234,567.89 in Q3 2024 (vs. 1999).",
    "naïve café résumé coöperate Ångström façade jalapeño",
]
CODE = [
    "def f(x):\n    return x * 2\n\n\nif __name__ == '__main__':\n    print(f(21))\n",
    "#include <vector>\nint main() {\n\tstd::vector<int> v{1, 2, 3};\n\tfor (int i : v)\n\t\treturn i;\n}\n",
    "class A:\n    def __init__(self):\n        self.x = {'a': [1, 2], 'b': None}\n",
    "    if (a && b || !c) { x += y >> 2; } // comment\r\n",
    "SELECT name, COUNT(*) FROM t WHERE id > 10 GROUP BY name;",
    "fn main() { let s: &str = \"hi\"; println!(\"{}\", s); }",
]
SCRIPTS = [
    "中文分词测试，我们今天去公园散步。", "東京都の天気は晴れです。カタカナとひらがな",
    "한국어 문장입니다. 안녕하세요!", "ภาษาไทยไม่มีช่องว่าง", "Привет, как дела? Ёлка.",
    "مرحبا بالعالم، كيف حالك؟", "שלום עולם, מה שלומך?", "नमस्ते दुनिया, आप कैसे हैं?",
    "Ελληνικά γράμματα: αβγδ ΑΒΓΔ", "Tiếng Việt có dấu: Hà Nội, Sài Gòn",
    "ﷺ ﷽ ﻻ", "ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ", "ቋንቋ አማርኛ", "ꦧꦱꦗꦮ",
]
EMOJI = [
    "👍", "👍🏽", "👩‍💻", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇯🇵🇺🇸", "❤️", "🧑🏿‍🚀", "😀😃😄",
    "1️⃣", "🤷‍♀️", "🫠", "👋🏻 hi 👋🏿",
]
COMBINING = [
    "e\u0301", "a\u0300\u0316", "A\u030a", "\u212b", "\u1100\u1161\u11a8",
    "Z\u0351\u036b\u0343\u036a\u0302", "o\u0308\u0304", "\u0915\u094d\u0937",
    "\u00c5", "n\u0303", "\u2126", "\u0041\u0308\u0304",
]
NUMBERS = [
    "0", "7", "42", "123", "1234", "12345678901234567890", "3.14159",
    "1e-10", "٠١٢٣٤٥٦٧٨٩", "１２３４", "²³", "Ⅻ", "①②", "𝟘𝟙𝟚", "١٢٣abc456",
    "v1.2.3", "2024-01-01T12:34:56Z", "+1 (555) 123-4567",
]
CONTRACTIONS = [
    "'s", "'S", "'t", "'T", "'re", "'RE", "'Re", "'ve", "'VE", "'m", "'M",
    "'ll", "'LL", "'Ll", "'d", "'D", "'ſ", "'\u212a", "it's", "IT'S", "'''",
    "''s", " 's", "'s's",
]
SPACES = [" ", "  ", "\t", "\n", "\r\n", "\r", "\n\n", "\u00a0", "\u3000",
          "\u0085", "\u180e", "\u2028", "\u200b", "\u2003", "\x0b", "\x0c",
          "    ", "\t\t", " \n ", "\n \n"]
SPECIALS = ["<|im_start|>", "<|im_end|>", "<|endoftext|>", "<tool_call>",
            "</tool_call>", "<|begin_of_text|>", "<mask>", "[word]", "café",
            "cafe\u0301", "<|im_sta", "im_end|>", "<|im_start|><|im_end|>"]


def random_codepoints(rng, n):
    out = []
    while len(out) < n:
        r = rng.random()
        if r < 0.3:
            c = rng.randint(0x20, 0x7E)
        elif r < 0.45:
            c = rng.randint(0x80, 0x2FF)
        elif r < 0.85:
            c = rng.randint(0x300, 0xFFFD)
        else:
            c = rng.randint(0x10000, 0x10FFFF)
        if unicodedata.category(chr(c)) not in ("Cn", "Cs"):
            out.append(chr(c))
    return "".join(out)


def corpus(seed, count):
    rng = random.Random(seed)
    pools = [PROSE, CODE, SCRIPTS, EMOJI, COMBINING, NUMBERS, CONTRACTIONS,
             SPACES, SPECIALS]
    texts = ["", " ", "a", "\n", "<|im_start|>", "<|im_start|>user\nHello<|im_end|>\n"
             "<|im_start|>assistant\nHi there!<|im_end|>", "Hello   \n\n  world  ",
             "trailing spaces   ", "\r\n\r\n", "x\u0085y\u180ez\u2028w"]
    for pool in pools:
        texts += pool
    words = [w for p in PROSE + SCRIPTS for w in p.split()]
    while len(texts) < count:
        kind = rng.random()
        if kind < 0.15:
            texts.append(random_codepoints(rng, rng.randint(1, 40)))
        elif kind < 0.3:
            texts.append(" ".join(rng.choice(words)
                                  for _ in range(rng.randint(1, 30))))
        else:
            parts = []
            for _ in range(rng.randint(1, 8)):
                pool = rng.choice(pools)
                piece = rng.choice(pool)
                if pool is CODE and rng.random() < 0.5:
                    piece = piece.replace("    ", "\t")
                parts.append(piece)
                if rng.random() < 0.5:
                    parts.append(rng.choice(SPACES))
            texts.append("".join(parts))
    return texts


# --- variants ---------------------------------------------------------------

def smollm2_variants(gguf):
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(os.path.dirname(gguf),
                                        gguf_file=os.path.basename(gguf))
    with tempfile.TemporaryDirectory() as tmp:
        tok.save_pretrained(tmp)
        with open(os.path.join(tmp, "tokenizer.json")) as f:
            base = json.load(f)
    n = len(base["model"]["vocab"])
    out = {"smollm2": base}

    v = copy.deepcopy(base)  # the hub file's pre-tokenizer
    v["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        {"type": "Digits", "individual_digits": True},
        byte_level(False, True)]}
    out["smollm2_digits"] = v

    v = copy.deepcopy(base)  # Qwen2.5: NFC, one Split, legacy merges
    v["normalizer"] = {"type": "NFC"}
    v["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        split(QWEN), byte_level()]}
    v["model"]["merges"] = [" ".join(m) for m in v["model"]["merges"]]
    v["added_tokens"] += [added(n, "<tool_call>", special=False),
                          added(n + 1, "</tool_call>", special=False)]
    out["qwen2"] = v

    v = copy.deepcopy(base)  # Llama-3: ignore_merges, bos from the template
    v["model"]["ignore_merges"] = True
    v["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        split(LLAMA3), byte_level()]}
    v["added_tokens"] += [added(n, "<|begin_of_text|>")]
    v["post_processor"] = {"type": "Sequence", "processors": [
        {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False,
         "use_regex": True},
        {"type": "TemplateProcessing",
         "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                    {"Sequence": {"id": "A", "type_id": 0}}],
         "pair": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                  {"Sequence": {"id": "A", "type_id": 0}},
                  {"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 1}},
                  {"Sequence": {"id": "B", "type_id": 1}}],
         "special_tokens": {"<|begin_of_text|>": {
             "id": "<|begin_of_text|>", "ids": [n],
             "tokens": ["<|begin_of_text|>"]}}}]}
    out["llama3"] = v

    v = copy.deepcopy(base)  # DeepSeek-V3 / R1
    v["normalizer"] = {"type": "Sequence", "normalizers": []}
    v["pre_tokenizer"] = {"type": "Sequence", "pretokenizers":
                          [split(p) for p in DEEPSEEK] + [byte_level()]}
    out["deepseek"] = v
    return out


def trained_variants(seed):
    train = corpus(seed + 1, 3000)
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=3000, show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
    tok.train_from_iterator(train, trainer)
    tok.add_tokens([
        AddedToken("<mask>", lstrip=True, rstrip=True, normalized=False),
        AddedToken("[word]", single_word=True, normalized=False),
        AddedToken("cafe\u0301", normalized=True),
        AddedToken("<tool_call>", normalized=False)])
    base = json.loads(tok.to_str())
    out = {"trained_qwen": base}

    v = copy.deepcopy(base)  # GPT-2 style: prefix space, regex, no normalizer
    v["normalizer"] = None
    v["pre_tokenizer"] = byte_level(True, True)
    v["model"]["merges"] = [" ".join(m) for m in v["model"]["merges"]]
    out["trained_gpt2"] = v

    v = copy.deepcopy(base)  # every Split behavior (Removed drops text)
    v["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        split("-", "MergedWithPrevious", literal=True),
        split(r"\d+", "MergedWithNext"),
        split(r"[,;]", "Removed"),
        split(r"\p{L}+", "Contiguous", invert=True),
        split(r"\s", "Isolated", invert=True),
        {"type": "Digits", "individual_digits": False},
        byte_level(True, False)]}
    out["trained_behaviors"] = v
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--gguf", default="")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--count", type=int, default=10000)
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    texts = corpus(a.seed, a.count)
    nfc = normalizers.NFC()
    with open(os.path.join(a.outdir, "corpus.jsonl"), "w") as f:
        for t in texts:
            agrees = nfc.normalize_str(t) == unicodedata.normalize("NFC", t)
            f.write(json.dumps({"text": t, "nfc_agrees": agrees}) + "\n")
    variants = trained_variants(a.seed)
    if a.gguf:
        variants.update(smollm2_variants(a.gguf))
    rng = random.Random(a.seed + 2)
    meta = []
    for name, spec in variants.items():
        text = json.dumps(spec, ensure_ascii=False)
        with open(os.path.join(a.outdir, name + ".tokenizer.json"), "w") as f:
            f.write(text)
        tok = Tokenizer.from_str(text)
        ids = [e.ids for e in tok.encode_batch(texts, add_special_tokens=False)]
        tok.encode_special_tokens = True
        plain = [e.ids for e in tok.encode_batch(texts, add_special_tokens=False)]
        with open(os.path.join(a.outdir, name + ".ids.jsonl"), "w") as f:
            for i, p in zip(ids, plain):
                f.write(json.dumps({"ids": i, "plain": p,
                                    "decoded": tok.decode(
                                        i, skip_special_tokens=False)}) + "\n")
        size = tok.get_vocab_size(with_added_tokens=True)
        with open(os.path.join(a.outdir, name + ".decode.jsonl"), "w") as f:
            for k in range(500):
                seq = [rng.randrange(size) for _ in range(rng.randint(0, 24))]
                skip = k % 2 == 1
                f.write(json.dumps({"ids": seq, "skip": skip,
                                    "text": tok.decode(seq, skip_special_tokens=skip)})
                        + "\n")
        meta.append({"name": name, "vocab_size": size,
                     "nfc": "NFC" in json.dumps(spec.get("normalizer"))})
        print(f"{name}: vocab {size}", file=sys.stderr)
    with open(os.path.join(a.outdir, "variants.json"), "w") as f:
        json.dump(meta, f)


if __name__ == "__main__":
    main()
