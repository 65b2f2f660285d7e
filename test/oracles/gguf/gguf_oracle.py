"""Reference data for r1formats' GGUF reader (test/unittests/Formats/GgufTest.cpp).

The references are the .venv's gguf package (GGUFWriter, gguf.quants) and
transformers' GGUF loader. Subcommands:

  synth OUT SEED     random GGUF files written with gguf.GGUFWriter: metadata
                     of every value type, tensors of every supported ggml type
                     at several shapes; expected values as raw float32 files
                     from gguf.quants.dequantize, described in OUT/synth.json.
  smollm2 GGUF OUT   from the real SmolLM2 file: sampled dequantized rows
                     (gguf.quants), Q/K rows unpermuted by transformers'
                     LlamaTensorProcessor, transformers' config and
                     GGUF->HF tensor name maps; a tensor-less variant GGUF with
                     another pre-tokenizer and user-defined tokens.
  tokcheck GGUF JSON the tokenizer.json we emitted, loaded with `tokenizers`,
                     against transformers' own GGUF tokenizer on ~2000
                     strings. Prints "PASS tokenizer ..." and exits 0 when
                     every id sequence and decode matches.
"""

import json
import os
import sys

import numpy as np

import gguf
from gguf import GGMLQuantizationType as Q
from gguf import GGUFValueType as V


def f32_file(path, arr):
    np.ascontiguousarray(arr, dtype="<f4").tofile(path)


def random_halves(rng, n):
    """Finite float16 bit patterns, with zeros, subnormals and extremes."""
    h = rng.integers(0, 0x10000, size=n, dtype=np.uint32).astype(np.uint16)
    exp = (h >> 10) & 0x1F
    h = np.where(exp == 0x1F, h & ~np.uint16(0x4000), h).astype(np.uint16)
    return h


def k_quant_blocks(rng, qtype, n_blocks):
    """Random K-quant blocks: random bytes, fp16 fields set to finite
    values (gguf-py cannot quantize K types, but dequantizes any bytes)."""
    size = gguf.GGML_QUANT_SIZES[qtype][1]
    b = rng.integers(0, 256, size=(n_blocks, size), dtype=np.uint8)
    if qtype == Q.Q4_K:  # d, dmin first
        b[:, 0:4] = random_halves(rng, 2 * n_blocks).reshape(n_blocks, 2).view(np.uint8)
    elif qtype == Q.Q6_K:  # d last
        b[:, 208:210] = random_halves(rng, n_blocks).reshape(n_blocks, 1).view(np.uint8)
    return b


def synth_tensor(rng, qtype, shape):
    """(raw array for GGUFWriter, expected float32 values)."""
    n = int(np.prod(shape))
    x = rng.standard_normal(shape).astype(np.float32) * rng.uniform(0.01, 10)
    if qtype == Q.F32:
        return x, x
    if qtype == Q.F16:
        h = random_halves(rng, n)
        h[:6] = [0x0000, 0x8000, 0x0001, 0x83FF, 0x7BFF, 0xFBFF][: min(6, n)]
        h = h.reshape(shape).view(np.float16)
        return h, gguf.quants.dequantize(h.view(np.uint8), Q.F16).reshape(shape)
    if qtype in (Q.Q4_K, Q.Q6_K):
        block_elems = gguf.GGML_QUANT_SIZES[qtype][0]
        raw = k_quant_blocks(rng, qtype, n // block_elems)
        raw = raw.reshape(*shape[:-1], -1)
    else:  # BF16, Q8_0, Q4_0, Q4_1
        raw = gguf.quants.quantize(x, qtype)
    return raw, gguf.quants.dequantize(raw, qtype).reshape(shape)


SHAPES = {
    1: [(7,), (4, 5), (2, 3, 4), (1, 2, 1, 3), (33, 129)],
    32: [(32,), (3, 64), (5, 2, 96), (40, 320)],
    256: [(256,), (3, 512), (2, 2, 256), (16, 1024)],
}
TYPES = [Q.F32, Q.F16, Q.BF16, Q.Q8_0, Q.Q4_0, Q.Q4_1, Q.Q4_K, Q.Q6_K]

METADATA = [
    ("t.uint8", V.UINT8, 200),
    ("t.int8", V.INT8, -100),
    ("t.uint16", V.UINT16, 60000),
    ("t.int16", V.INT16, -30000),
    ("t.uint32", V.UINT32, 4000000000),
    ("t.int32", V.INT32, -2000000000),
    ("t.uint64", V.UINT64, 2**63 + 12345),
    ("t.int64", V.INT64, -(2**62) - 7),
    ("t.float32", V.FLOAT32, float(np.float32(3.14159265))),
    ("t.float64", V.FLOAT64, 2.718281828459045),
    ("t.bool_true", V.BOOL, True),
    ("t.bool_false", V.BOOL, False),
    ("t.string", V.STRING, "h\u00e9llo \u4e16\u754c \U0001F600"),
    ("t.empty_string", V.STRING, ""),
]
ARRAYS = [
    ("t.arr_uint8", V.UINT8, [0, 1, 255]),
    ("t.arr_int32", V.INT32, [-5, 0, 7, 2**31 - 1]),
    ("t.arr_float32", V.FLOAT32, [float(np.float32(v)) for v in (0.5, -1.25, 1e-3)]),
    ("t.arr_bool", V.BOOL, [True, False, True]),
    ("t.arr_string", V.STRING, ["a", "", "b c", "\u00fcber"]),
    ("t.arr_int64", V.INT64, [-(2**40), 2**40]),
    ("t.arr_float64", V.FLOAT64, [1.0 / 3.0, -2.5]),
]


def write_synth(path, rng, alignment=None, with_tensors=True):
    w = gguf.GGUFWriter(path, arch="llama")
    if alignment:
        w.add_custom_alignment(alignment)
    meta = {}
    for key, vtype, value in METADATA:
        w.add_key_value(key, value, vtype)
        meta[key] = {"type": vtype.name.lower(), "value": value}
    for key, sub, value in ARRAYS:
        w.add_key_value(key, value, V.ARRAY, sub_type=sub)
        meta[key] = {"type": "array", "elem": sub.name.lower(), "value": value}
    tensors = []
    if with_tensors:
        for qtype in TYPES:
            block = gguf.GGML_QUANT_SIZES[qtype][0]
            for i, shape in enumerate(SHAPES[block]):
                name = f"{qtype.name.lower()}.{i}.weight"
                raw, want = synth_tensor(rng, qtype, shape)
                w.add_tensor(name, raw, raw_dtype=qtype)
                tensors.append({"name": name, "type": qtype.name, "shape": list(shape), "want": want})
        # A known type we do not dequantize, and the tensor the C++ test
        # corrupts (its name is searched for in the header).
        q2k = rng.integers(0, 256, size=(2, 84), dtype=np.uint8)
        w.add_tensor("q2k.weight", q2k, raw_dtype=Q.Q2_K)
        w.add_tensor("patch_me.weight", rng.standard_normal((2, 8)).astype(np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return meta, tensors


def synth(out, seed):
    rng = np.random.default_rng(seed)
    os.makedirs(out, exist_ok=True)
    files = {}
    for stem, alignment in (("synth", None), ("synth_align64", 64)):
        path = os.path.join(out, stem + ".gguf")
        meta, tensors = write_synth(path, rng, alignment)
        # Read back with gguf-py to be sure what the file holds.
        r = gguf.GGUFReader(path)
        for t in tensors:
            rt = r.get_tensor([x.name for x in r.tensors].index(t["name"]))
            got = gguf.quants.dequantize(rt.data, rt.tensor_type).reshape(t["shape"])
            assert np.array_equal(got.view(np.uint32), t["want"].view(np.uint32)), t["name"]
            t["file"] = f"{stem}.{t['name']}.f32"
            f32_file(os.path.join(out, t["file"]), t.pop("want"))
        files[stem] = {"path": path, "alignment": alignment or 32, "metadata": meta, "tensors": tensors}
    # An architecture and a tokenizer model we have no mapping for.
    w = gguf.GGUFWriter(os.path.join(out, "other_arch.gguf"), arch="falcon")
    w.add_string("tokenizer.ggml.model", "llama")
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    with open(os.path.join(out, "synth.json"), "w") as f:
        json.dump(files, f, indent=1)
    print("synth: wrote", sum(len(v["tensors"]) for v in files.values()), "tensors")


def name_map(config_dict, gguf_names):
    """transformers' GGUF->HF tensor names for a model of this config."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM
    from transformers.modeling_gguf_pytorch_utils import TensorProcessor, get_gguf_hf_weights_map

    config = AutoConfig.for_model(**config_dict)
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config)
    m = get_gguf_hf_weights_map(model, TensorProcessor(config=config_dict))
    return {k: v for k, v in m.items() if gguf_names is None or k in gguf_names}


def smollm2(path, out):
    from transformers.modeling_gguf_pytorch_utils import LlamaTensorProcessor, load_gguf_checkpoint

    os.makedirs(out, exist_ok=True)
    r = gguf.GGUFReader(path)
    by_name = {t.name: t for t in r.tensors}
    rng = np.random.default_rng(7)
    result = {"tensors": {}}

    def dq(name):
        t = by_name[name]
        return gguf.quants.dequantize(t.data, t.tensor_type).reshape([int(d) for d in reversed(t.shape)])

    for name in ("token_embd.weight", "blk.0.ffn_down.weight", "blk.29.attn_v.weight",
                 "blk.0.attn_norm.weight", "output_norm.weight"):
        w = dq(name)
        w2 = w.reshape(w.shape[0], -1) if w.ndim > 1 else w.reshape(1, -1)
        rows = sorted({0, w2.shape[0] - 1, *rng.integers(0, w2.shape[0], 6).tolist()})
        fname = name + ".rows.f32"
        f32_file(os.path.join(out, fname), w2[rows])
        result["tensors"][name] = {"type": by_name[name].tensor_type.name, "rows": rows, "file": fname}

    # Q and K as transformers' loader hands them to the model.
    parsed = load_gguf_checkpoint(path)
    config = parsed["config"]
    proc = LlamaTensorProcessor(config=config)
    result["unpermuted"] = {}
    for name in ("blk.0.attn_q.weight", "blk.0.attn_k.weight", "blk.17.attn_q.weight", "blk.29.attn_k.weight"):
        w = proc.process(weights=dq(name), name=name).weights
        fname = name + ".hf.f32"
        f32_file(os.path.join(out, fname), w)
        result["unpermuted"][name] = {"shape": list(w.shape), "file": fname}
    result["config"] = config

    # Name maps: SmolLM2 itself (every tensor), and tiny untied llama/qwen2/
    # qwen3 models so lm_head, biases and q/k norms are covered.
    names = set(by_name)
    result["names"] = name_map(dict(config), names)
    tiny = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                num_key_value_heads=2, vocab_size=100, tie_word_embeddings=False)
    for mt in ("llama", "qwen2", "qwen3"):
        result["names"].update({f"{mt}:{k}": v for k, v in name_map(dict(tiny, model_type=mt), None).items()})

    # A tensor-less GGUF with SmolLM2's vocabulary but another pre-tokenizer
    # (a Split regex), BOS added, user-defined tokens and a control token
    # outside the byte alphabet (transformers skips those).
    tokens = list(r.fields["tokenizer.ggml.tokens"].contents())
    types = list(r.fields["tokenizer.ggml.token_type"].contents())
    merges = list(r.fields["tokenizer.ggml.merges"].contents())
    types[3] = types[4] = 4
    tokens[15] = "<jupyter\u2192script>"
    hello = tokens.index("Ġhello")
    types[hello] = 4
    variant = os.path.join(out, "variant.gguf")
    w = gguf.GGUFWriter(variant, arch="llama")
    w.add_string("general.name", "variant")
    w.add_string("tokenizer.ggml.model", "gpt2")
    w.add_string("tokenizer.ggml.pre", "qwen2")
    w.add_array("tokenizer.ggml.tokens", tokens)
    w.add_key_value("tokenizer.ggml.token_type", types, V.ARRAY, sub_type=V.INT32)
    w.add_array("tokenizer.ggml.merges", merges)
    w.add_uint32("tokenizer.ggml.bos_token_id", 1)
    w.add_uint32("tokenizer.ggml.eos_token_id", 2)
    w.add_bool("tokenizer.ggml.add_bos_token", True)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    result["variant"] = os.path.basename(variant)

    with open(os.path.join(out, "smollm2.json"), "w") as f:
        json.dump(result, f, indent=1)
    print("smollm2: wrote", len(result["tensors"]), "row samples,", len(result["unpermuted"]), "unpermuted,",
          len(result["names"]), "names")


def test_strings(tokens, n=2000, seed=0):
    rng = np.random.default_rng(seed)
    words = ["hello", "world", "The", "quick", "brown", "fox", "jumps", "don't", "I'M", "we'll", "it's",
             "naïve", "café", "Ünïcödé", "日本語", "中文字符", "한국어", "Привет", "мир", "مرحبا", "שלום",
             "🙂", "👍🏽", "🇫🇷", "e\u0301", "x\u0308y", "1234567", "3.14159", "0x1F", "def", "foo()",
             "{'a': 1}", "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<repo_name>", "<reponame>",
             "<jupyter\u2192script>", " hello", "hello", "user", "assistant", "\\n", "http://x.y/z?q=1",
             "$$", "---", "...", "!!!", "αβγ", "ℕ", "½", "²", "\u00a0", "\u3000", "\ufeff", "\u200b",
             "ß", "İ", "ǅ", "ﬁ"]
    seps = [" ", "  ", "\n", "\n\n", "\t", " \n ", "\r\n", "", "   ", "\u00a0", "-", ",", ". "]
    out = ["", " ", "\n", "   ", "Hello world", "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"]
    special = [t for t in tokens[:17]]
    while len(out) < n:
        kind = rng.integers(0, 5)
        if kind == 0:  # words and separators
            k = int(rng.integers(1, 12))
            out.append("".join(str(rng.choice(words)) + str(rng.choice(seps)) for _ in range(k)))
        elif kind == 1:  # random code points from a few ranges
            k = int(rng.integers(1, 20))
            ranges = [(0x20, 0x7F), (0xA0, 0x250), (0x370, 0x530), (0x4E00, 0x4F00), (0x1F300, 0x1F650),
                      (0x0, 0x20), (0x2000, 0x2070)]
            s = ""
            for _ in range(k):
                lo, hi = ranges[int(rng.integers(0, len(ranges)))]
                s += chr(int(rng.integers(lo, hi)))
            out.append(s)
        elif kind == 2:  # digits and punctuation runs
            k = int(rng.integers(1, 8))
            out.append("".join(rng.choice(["0", "12", "345", "67890", "1,000", "-", ".", "'s", "'T", " ", "?!"])
                               for _ in range(k * 3)))
        elif kind == 3:  # vocabulary tokens glued together, specials included
            k = int(rng.integers(1, 10))
            picks = [tokens[int(i)] for i in rng.integers(0, len(tokens), k)]
            picks += [str(rng.choice(special))]
            rng.shuffle(picks)
            decoded = "".join(picks).replace("Ġ", " ").replace("Ċ", "\n")
            out.append(decoded)
        else:  # code-ish
            out.append(str(rng.choice(["def f(x):\n    return x  # done\n", "for (int i = 0; i < n; ++i) {}\n",
                                       "  if a==b:\n\t\tpass", "SELECT * FROM t WHERE id=42;",
                                       "    \n    \n", "x = [1, 2,  3]\r\n"])) * int(rng.integers(1, 4)))
    return out[:n]


def tokcheck(path, json_path):
    from tokenizers import Tokenizer
    from transformers import AutoTokenizer

    ours = Tokenizer.from_str(open(json_path, encoding="utf-8").read())
    hf = AutoTokenizer.from_pretrained(os.path.dirname(path), gguf_file=os.path.basename(path))
    tokens = [hf.convert_ids_to_tokens(i) for i in range(len(hf))]
    strings = test_strings(tokens)
    bad = 0
    n_ids = 0
    for s in strings:
        want = hf(s).input_ids
        got = ours.encode(s).ids
        n_ids += len(want)
        if got != want:
            bad += 1
            if bad <= 5:
                print("MISMATCH", repr(s), "ours", got[:20], "hf", want[:20])
            continue
        if ours.decode(got, skip_special_tokens=False) != hf.decode(want, skip_special_tokens=False):
            bad += 1
            if bad <= 5:
                print("DECODE MISMATCH", repr(s))
    if ours.get_vocab_size(with_added_tokens=True) != len(hf):
        print("VOCAB SIZE", ours.get_vocab_size(with_added_tokens=True), len(hf))
        bad += 1
    if bad:
        print(f"FAIL tokenizer {bad} of {len(strings)} strings differ")
        return 1
    print(f"PASS tokenizer {len(strings)} strings {n_ids} ids identical")
    return 0


def main(argv):
    if argv[1] == "synth":
        synth(argv[2], int(argv[3]))
    elif argv[1] == "smollm2":
        smollm2(argv[2], argv[3])
    elif argv[1] == "tokcheck":
        return tokcheck(argv[2], argv[3])
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
