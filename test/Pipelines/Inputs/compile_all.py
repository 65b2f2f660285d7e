"""Compiles every pipelines/*.r1p with r1c and sanity-checks each bundle.

usage: compile_all.py R1C PIPELINES_DIR OUT_DIR
Prints one `ok NAME stages=N` line per pipeline; exits 1 on any failure.
"""
import json
import os
import subprocess
import sys


def main():
    r1c, src, out = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    names = sorted(f for f in os.listdir(src) if f.endswith(".r1p"))
    if not names:
        print(f"no .r1p files in {src}")
        return 1
    status = 0
    for name in names:
        bundle = os.path.join(out, name[:-4] + ".r1plan")
        proc = subprocess.run([r1c, "compile", os.path.join(src, name), "-o",
                               bundle], capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"FAIL {name}: exit {proc.returncode}\n{proc.stderr}")
            status = 1
            continue
        with open(os.path.join(bundle, "plan.json")) as f:
            plan = json.load(f)
        for part in ("ir.mlir", "source.r1p"):
            if not os.path.isfile(os.path.join(bundle, part)):
                print(f"FAIL {name}: bundle lacks {part}")
                status = 1
        stages = plan["stages"]
        keys = [s["key"] for s in stages]
        if plan["schema_version"] != 1 or not stages or len(set(keys)) != len(keys):
            print(f"FAIL {name}: bad plan (version, no stages or repeated keys)")
            status = 1
            continue
        # Every input names something the plan defines earlier.
        seen = set()
        for s in stages:
            refs = []
            for v in s["inputs"].values():
                refs += v if isinstance(v, list) else [v]
            for r in refs:
                if isinstance(r, dict) and "stage" in r and r["stage"] not in seen:
                    print(f"FAIL {name}: {s['name']} reads {r['stage']} before it exists")
                    status = 1
                if isinstance(r, dict) and "model" in r and r["model"] not in plan["models"]:
                    print(f"FAIL {name}: unknown model {r['model']}")
                    status = 1
                if isinstance(r, dict) and "dataset" in r and r["dataset"] not in plan["datasets"]:
                    print(f"FAIL {name}: unknown dataset {r['dataset']}")
                    status = 1
            seen.add(s["name"])
        print(f"ok {name} stages={len(stages)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
