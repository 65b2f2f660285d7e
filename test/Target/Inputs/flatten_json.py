"""Prints a JSON file as sorted `path = value` lines, for FileCheck."""
import json
import sys


def walk(prefix, value, out):
    if isinstance(value, dict):
        if not value:
            out.append(f"{prefix} = {{}}")
        for k in sorted(value):
            walk(f"{prefix}.{k}" if prefix else k, value[k], out)
    elif isinstance(value, list) and value and any(
            isinstance(v, (dict, list)) for v in value):
        for i, v in enumerate(value):
            walk(f"{prefix}[{i}]", v, out)
    else:
        out.append(f"{prefix} = {json.dumps(value)}")


def main():
    with open(sys.argv[1]) as f:
        data = json.load(f)
    out = []
    walk("", data, out)
    print("\n".join(out))


if __name__ == "__main__":
    main()
