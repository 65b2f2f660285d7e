"""Artifact keys follow the contents of a jsonl file: compiles a pipeline,
checks that a second compile takes the file's digest from r1c's cache, edits
one byte of the file, recompiles, and prints which stage keys changed."""
import hashlib
import json
import os
import shutil
import subprocess
import sys

OLD = 1577836800  # 2020-01-01: old enough for the digest cache


def compile_plan(r1c, src, out):
    subprocess.run([r1c, "compile", src, "-o", out], check=True)
    with open(os.path.join(out, "plan.json")) as f:
        return json.load(f)


def main():
    r1c, inputs, work = sys.argv[1:4]
    cache = os.path.join(work, "cache")
    os.environ["R1C_CACHE_DIR"] = cache
    os.makedirs(os.path.join(work, "data"))
    src = os.path.join(work, "p.r1p")
    shutil.copy(os.path.join(inputs, "jsonl_keys.r1p"), src)
    data = os.path.join(work, "data", "chat.jsonl")
    with open(data, "w") as f:
        f.write('{"q": "1+1=", "a": "2"}\n{"q": "2+2=", "a": "4"}\n')
    os.utime(data, (OLD, OLD))

    a = compile_plan(r1c, src, os.path.join(work, "a.r1plan"))
    digest = a["datasets"]["chat"]["digest"]
    real = "sha256:" + hashlib.sha256(open(data, "rb").read()).hexdigest()
    print("digest matches sha256:", digest == real)
    print("task datasets have no digest:", "digest" not in a["datasets"]["corpus"])

    # A second compile reads the digest from the cache: a forged entry shows.
    with open(os.path.join(cache, "digests.json")) as f:
        entries = json.load(f)
    print("cache entries for the file:",
          sum(k.startswith(data + "\t") for k in entries))
    forged = "sha256:" + "0" * 64
    with open(os.path.join(cache, "digests.json"), "w") as f:
        json.dump({k: forged for k in entries}, f)
    b = compile_plan(r1c, src, os.path.join(work, "b.r1plan"))
    print("second compile used the cache:",
          b["datasets"]["chat"]["digest"] == forged)

    # Edit one byte (same size) and give the file another old mtime.
    with open(data, "r+b") as f:
        f.seek(20)
        f.write(b"5")
    os.utime(data, (OLD + 60, OLD + 60))
    c = compile_plan(r1c, src, os.path.join(work, "c.r1plan"))
    new = "sha256:" + hashlib.sha256(open(data, "rb").read()).hexdigest()
    print("edited digest matches sha256:", c["datasets"]["chat"]["digest"] == new)
    for sa, sc in zip(a["stages"], c["stages"]):
        print(f"stage {sa['name']}:", "same" if sa["key"] == sc["key"] else "changed")


if __name__ == "__main__":
    main()
