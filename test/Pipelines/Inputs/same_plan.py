"""same_plan.py BUNDLE_PLAN TRANSLATED_PLAN: exits 0 when the bundle's
plan.json equals the `r1c-translate --r1-to-plan-json` output once the
losses' "kernel" entries (files only the bundle writes) are dropped; else
prints the first differing path and exits 1."""
import json
import sys


def first_diff(a, b, path="plan"):
    if type(a) is not type(b):
        return path
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}"
            d = first_diff(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path} (length)"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_diff(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else path


def main():
    with open(sys.argv[1]) as f:
        bundle = json.load(f)
    with open(sys.argv[2]) as f:
        translated = json.load(f)
    kernels = sum(loss.pop("kernel", None) is not None
                  for loss in bundle.get("losses", {}).values())
    if kernels == 0:
        sys.exit(f"{sys.argv[1]}: no loss carries a kernel entry")
    d = first_diff(bundle, translated)
    if d:
        sys.exit(f"plans differ at {d}")
    print(f"same plan ({kernels} kernel entries dropped)")


if __name__ == "__main__":
    main()
