"""Prints the grad trees of every loss in a plan.json as one compact JSON
line each (`LOSS.PARAM = TREE`, sorted), then the ops they use."""
import json
import sys


def ops(tree, out):
    out.add(tree["op"])
    for arg in tree.get("args", []):
        ops(arg, out)


def main():
    with open(sys.argv[1]) as f:
        plan = json.load(f)
    used = set()
    for name, loss in sorted(plan["losses"].items()):
        for param, tree in sorted(loss.get("grad", {}).items()):
            print(f"{name}.{param} = {json.dumps(tree, sort_keys=True)}")
            ops(tree, used)
    print("grad ops:", " ".join(sorted(used)))


if __name__ == "__main__":
    main()
