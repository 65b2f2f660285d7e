"""GRPO oracle: TRL's own advantage and loss code on tensors written by the C++ test.

Usage: trl_grpo_oracle.py IN.json OUT.json

IN.json (written by test/unittests/Runtime/Train/GrpoOracleTest.cpp):
  {"group_size": G, "rewards": [B], "logp"/"old_logp"/"ref_logp"/"mask": [[B][T]],
   "cases": [{"name", "scale_rewards", "loss_type", "importance_sampling_level",
              "beta", "epsilon_low", "epsilon_high", "max_completion_length"}]}
OUT.json:
  {"trl_version", "advantages": {"group": [B], "none": [B]},
   "cases": {name: {"loss", "grad": [[B][T]], "kl" (or null), "clip_region"}}}

Everything is float64 on CPU. Nothing here re-implements the math:
- advantages: the exact source block of GRPOTrainer._generate_and_score_completions
  that turns rewards_per_func into advantages (located by its first and last lines,
  executed with TRL's module globals, e.g. its nanstd);
- loss, k3 KL and the reductions: GRPOTrainer._compute_loss itself, called on a
  minimal trainer stand-in whose model forward returns the given logp.
"""

import inspect
import json
import sys
import textwrap
from collections import defaultdict
from types import SimpleNamespace

import torch
import trl
import trl.trainer.grpo_trainer as grpo_module
from trl.trainer.grpo_trainer import GRPOTrainer

ADV_FIRST = 'if self.multi_objective_aggregation == "sum_then_normalize":'
ADV_LAST = "advantages = torch.nan_to_num(advantages, nan=0.0)"


def trl_advantage_block():
    """Returns TRL's reward -> advantage code as a compiled block."""
    lines = inspect.getsource(GRPOTrainer._generate_and_score_completions).splitlines()
    first = [i for i, l in enumerate(lines) if l.strip() == ADV_FIRST]
    last = [i for i, l in enumerate(lines) if l.strip() == ADV_LAST]
    if len(first) != 1 or len(last) != 1 or last[0] <= first[0]:
        sys.exit(f"trl {trl.__version__}: cannot locate the advantage block in "
                 "GRPOTrainer._generate_and_score_completions; update this oracle")
    return compile(textwrap.dedent("\n".join(lines[first[0]:last[0] + 1])),
                   "trl-advantages", "exec")


def trl_advantages(rewards, group_size, scale_rewards):
    rewards_per_func = rewards.unsqueeze(1)  # one reward function, weight 1
    env = dict(vars(grpo_module))
    env.update(
        self=SimpleNamespace(multi_objective_aggregation="sum_then_normalize",
                             reward_weights=torch.ones(1, dtype=rewards.dtype),
                             scale_rewards=scale_rewards),
        rewards_per_func=rewards_per_func,
        unscorable_mask=torch.isnan(rewards_per_func).all(dim=1),
        num_generations=group_size,
        device=rewards.device,
    )
    exec(trl_advantage_block(), env)
    return env["advantages"]


class Accelerator:
    """Single-process stand-in for accelerate's collective calls."""
    num_processes = 1

    def reduce(self, tensor, reduction="sum"):
        return tensor

    def gather(self, tensor):
        return tensor

    def gather_for_metrics(self, tensor):
        return tensor


def trl_loss(case, logp, old_logp, ref_logp, mask, advantages):
    logp = logp.clone().requires_grad_(True)
    trainer = SimpleNamespace(
        loss_type=case["loss_type"],
        importance_sampling_level=case["importance_sampling_level"],
        beta=case["beta"],
        epsilon_low=case["epsilon_low"],
        epsilon_high=case["epsilon_high"],
        max_completion_length=case["max_completion_length"],
        top_entropy_quantile=1.0,
        off_policy_mask_threshold=None,
        use_vllm=False,
        aux_loss_enabled=False,
        _entropy_bonus_enabled=False,
        args=SimpleNamespace(use_bias_correction_kl=False, delta=None),
        model=SimpleNamespace(training=False),  # eval: no grad-accumulation scaling
        current_gradient_accumulation_steps=1,
        accelerator=Accelerator(),
        _metrics={"train": defaultdict(list), "eval": defaultdict(list)},
        _get_per_token_logps_and_entropies=lambda *a, **k: (logp, torch.zeros_like(logp), None),
    )
    B = logp.shape[0]
    inputs = {
        "prompt_ids": torch.zeros(B, 1, dtype=torch.long),
        "prompt_mask": torch.ones(B, 1, dtype=torch.long),
        "completion_ids": torch.zeros_like(mask, dtype=torch.long),
        "completion_mask": mask.long(),
        "advantages": advantages,
        "old_per_token_logps": old_logp,
        "ref_per_token_logps": ref_logp,
        "num_items_in_batch": mask.sum(),
    }
    loss = GRPOTrainer._compute_loss(trainer, None, inputs)
    loss.backward()
    metrics = trainer._metrics["eval"]
    return {
        "loss": loss.item(),
        "grad": logp.grad.tolist(),
        "kl": metrics["kl"][0] if "kl" in metrics else None,
        "clip_region": metrics["clip_ratio/region_mean"][0],
    }


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    t = lambda key: torch.tensor(spec[key], dtype=torch.float64)
    rewards, logp, old_logp, ref_logp = t("rewards"), t("logp"), t("old_logp"), t("ref_logp")
    mask = t("mask").long()
    group_size = spec["group_size"]
    adv = {s: trl_advantages(rewards, group_size, s) for s in ("group", "none")}
    cases = {c["name"]: trl_loss(c, logp, old_logp, ref_logp, mask, adv[c["scale_rewards"]])
             for c in spec["cases"]}
    out = {"trl_version": trl.__version__,
           "advantages": {k: v.tolist() for k, v in adv.items()},
           "cases": cases}
    with open(sys.argv[2], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
