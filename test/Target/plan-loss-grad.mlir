// RUN: r1c-translate --r1-to-plan-json %S/Inputs/loss-grad.mlir -o %t.json
// RUN: %python %S/Inputs/grad_trees.py %t.json | FileCheck %s
// RUN: %python %S/Inputs/flatten_json.py %t.json | FileCheck %s --check-prefix=FWD
// Each loss of plan.json carries "grad": one tree per differentiated
// parameter, in the forward's tree format, reading the parameters and the
// upstream gradient `dloss` (r1-differentiate-loss, docs/plan-format.md).
// The recipe is Inputs/loss-grad.r1p.

// clamp(x, lo, hi) is one node forward (torch.clamp) and its gradient
// passes where lo <= x <= hi.
// FWD: losses.clipped.body.op = "clamp"
// CHECK: clipped.logp = {"args": [{"args": [{"args": [{"name": "logp", "op": "param"}, {"op": "const", "value": -0.5}], "op": "ge"}, {"args": [{"name": "logp", "op": "param"}, {"op": "const", "value": 0.5}], "op": "le"}], "op": "and"}, {"name": "dloss", "op": "param"}, {"op": "const", "value": 0}], "op": "where"}

// GRPO's backward: only logp (old_logp, ref_logp, adv are detached).
// CHECK: grpo.logp = {"args": [{{.*}}"op": "add"}
// CHECK-NOT: grpo.{{old_logp|ref_logp|adv}}

// GSPO differentiates seq_logratio, which the runtime chains back to logp.
// CHECK: gspo.seq_logratio = {{.*}}"name": "seq_logratio"

// exp(logp) * adv: d/dlogp = (dloss * adv) * exp(logp).
// CHECK: scaled.logp = {"args": [{"args": [{"name": "dloss", "op": "param"}, {"name": "adv", "op": "param"}], "op": "mul"}, {"args": [{"name": "logp", "op": "param"}], "op": "exp"}], "op": "mul"}

// abs(min(logp, adv)): the share of the min (half on a tie) times the sign
// of the min.
// CHECK: split.logp = {{.*}}"op": "eq"{{.*}}"value": 0.5

// Every op of a grad tree is one the runtime's interpreter evaluates.
// CHECK: grad ops: add and clamp const eq exp ge gt le lt min mul neg param sub where
