"""SIGKILL r1run in the middle of a GRPO stage, resume, and compare with an
uninterrupted run: completed stages must be reused, the killed stage must
resume from its last step checkpoint, and every committed file and every
per-step metric (timings aside) must be identical."""
import argparse, glob, json, os, re, signal, subprocess, sys, time

p = argparse.ArgumentParser()
p.add_argument("--tool", required=True, help="the r1run binary")
p.add_argument("--bundle", required=True)
p.add_argument("--work", required=True)
p.add_argument("--stage", default="reason")
p.add_argument("--kill-at-step", type=int, default=4)
a = p.parse_args()
cmd = [a.tool, a.bundle, "--threads", "1"]


def run(out, check=True):
    r = subprocess.run(cmd + ["--out", out], capture_output=True, text=True)
    if check and r.returncode != 0:
        sys.exit(f"r1run failed ({r.returncode}):\n{r.stderr}")
    return r.stderr


def stage_dir(out, stage):
    dirs = glob.glob(os.path.join(out, "*", f"{stage}-*"))
    return dirs[0] if len(dirs) == 1 else None


# 1. Uninterrupted reference.
run(os.path.join(a.work, "ref"))

# 2. Killed run: SIGKILL as soon as the GRPO stage has published a step >= N.
out = os.path.join(a.work, "killed")
proc = subprocess.Popen(cmd + ["--out", out], stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
deadline = time.time() + 300
while time.time() < deadline and proc.poll() is None:
    d = stage_dir(out, a.stage)
    steps = glob.glob(os.path.join(d, "steps", "step-*")) if d else []
    if any(int(s.rsplit("-", 1)[1]) >= a.kill_at_step for s in steps):
        proc.send_signal(signal.SIGKILL)
        break
    time.sleep(0.002)
proc.wait()
if proc.returncode != -signal.SIGKILL:
    sys.exit(f"r1run was not killed mid-stage (exit {proc.returncode}); "
             f"the stage finished before step {a.kill_at_step} was observed")
manifest = json.load(open(os.path.join(stage_dir(out, a.stage), "manifest.json")))
print(f"killed: {a.stage} status={manifest.get('status')}")
last = max(glob.glob(os.path.join(stage_dir(out, a.stage), "steps", "step-*")))
print("killed step files:", " ".join(sorted(os.listdir(last))))

# 3. Resume.
log = run(out)
for line in log.splitlines():
    if line.startswith("r1run: ") and ("reusing" in line or "resum" in line or "running" in line):
        print(re.sub(r"\S*/runs?/\S*|\S*killed\S*", "<dir>", line))

# 4. Compare every stage's committed files and metrics.
def timing_free(path):
    rows = [json.loads(l) for l in open(path)]
    return [{k: v for k, v in r.items() if not k.endswith("_s")} for r in rows]

def lora_json(path, root):
    """lora.json with the base artifact's path relative to the run's root."""
    j = json.load(open(path))
    if "artifact" in j["base"]:
        j["base"]["artifact"] = os.path.relpath(j["base"]["artifact"], root)
    return j

bad = 0
for ref_dir in sorted(glob.glob(os.path.join(a.work, "ref", "*", "*"))):
    name = os.path.basename(ref_dir)
    got_dir = os.path.join(out, os.path.basename(os.path.dirname(ref_dir)), name)
    files = json.load(open(os.path.join(ref_dir, "manifest.json")))["files"]
    for rel in sorted(files):
        x, y = os.path.join(ref_dir, rel), os.path.join(got_dir, rel)
        if rel == "metrics.jsonl":
            same = timing_free(x) == timing_free(y)
        elif rel == "lora.json":
            same = (lora_json(x, os.path.join(a.work, "ref")) ==
                    lora_json(y, out))
        else:
            same = open(x, "rb").read() == open(y, "rb").read()
        if not same:
            bad += 1
            print(f"DIFFERENT: {name}/{rel}")
    print(f"compared {name.split('-')[0]}: {len(files)} files")
sys.exit(1 if bad else 0)
