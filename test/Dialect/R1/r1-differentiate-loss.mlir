// RUN: r1c-opt %s --r1-differentiate-loss | FileCheck %s
// RUN: r1c-opt %s --r1-differentiate-loss | r1c-opt | FileCheck %s
// RUN: r1c-opt %s --r1-differentiate-loss --r1-differentiate-loss | FileCheck %s
// RUN: r1c-opt %s --r1-differentiate-loss --canonicalize | FileCheck %s --check-prefix=CANON
// RUN: r1c %S/Inputs/builtin-losses.r1p --emit=mlir 2>/dev/null | FileCheck %s --check-prefix=BUILTIN
// The backward does not change artifact keys:
// RUN: r1c-opt %s --r1-assign-artifact-keys | grep -o 'r1.key = "[0-9a-f]*"' > %t.before
// RUN: r1c-opt %s --r1-differentiate-loss --r1-assign-artifact-keys | grep -o 'r1.key = "[0-9a-f]*"' > %t.after
// RUN: diff %t.before %t.after
//
// One loss per derivative rule. The `grad` region takes the parameters plus
// the upstream gradient %dloss and yields the vector-Jacobian product for
// each differentiable parameter (logp, seq_logratio). Rules are PyTorch's.

r1.pipeline @ops {
  // Both uses of logp contribute: d = dloss + dloss.
  // CHECK-LABEL: r1.loss @add reduce
  // CHECK: } grad ["logp"] {
  // CHECK-NEXT: ^bb0(%{{.*}}: f32, %{{.*}}: f32, %[[G:.*]]: f32):
  // CHECK-NEXT: %[[D:.*]] = arith.addf %[[G]], %[[G]] : f32
  // CHECK-NEXT: r1.yield %[[D]] : f32
  // CHECK-NEXT: }
  %add = r1.loss @add reduce token_mean params ["logp", "adv"] {
  ^bb0(%lp: f32, %adv: f32):
    %0 = arith.addf %lp, %adv : f32
    %1 = arith.addf %0, %lp : f32
    r1.yield %1 : f32
  }

  // d(adv - logp)/dlogp = -dloss.
  // CHECK-LABEL: r1.loss @sub reduce
  // CHECK: } grad ["logp"] {
  // CHECK-NEXT: ^bb0(%{{.*}}: f32, %{{.*}}: f32, %[[G:.*]]: f32):
  // CHECK-NEXT: %[[D:.*]] = arith.negf %[[G]] : f32
  // CHECK-NEXT: r1.yield %[[D]] : f32
  %sub = r1.loss @sub reduce token_mean params ["logp", "adv"] {
  ^bb0(%lp: f32, %adv: f32):
    %0 = arith.subf %adv, %lp : f32
    r1.yield %0 : f32
  }

  // CHECK-LABEL: r1.loss @mul reduce
  // CHECK: } grad ["logp"] {
  // CHECK-NEXT: ^bb0(%{{.*}}: f32, %[[ADV:.*]]: f32, %[[G:.*]]: f32):
  // CHECK-NEXT: %[[D:.*]] = arith.mulf %[[G]], %[[ADV]] : f32
  // CHECK-NEXT: r1.yield %[[D]] : f32
  %mul = r1.loss @mul reduce token_mean params ["logp", "adv"] {
  ^bb0(%lp: f32, %adv: f32):
    %0 = arith.mulf %lp, %adv : f32
    r1.yield %0 : f32
  }

  // Numerator: dloss / adv. Denominator: -dloss * ((adv / logp) / logp),
  // reusing the recomputed quotient.
  // CHECK-LABEL: r1.loss @div reduce
  // CHECK: } grad ["logp"] {
  // CHECK-NEXT: ^bb0(%[[LP:.*]]: f32, %[[ADV:.*]]: f32, %[[G:.*]]: f32):
  // CHECK-NEXT: %[[Q:.*]] = arith.divf %[[ADV]], %[[LP]] : f32
  // CHECK-NEXT: %[[NG:.*]] = arith.negf %[[G]] : f32
  // CHECK-NEXT: %[[QQ:.*]] = arith.divf %[[Q]], %[[LP]] : f32
  // CHECK-NEXT: %[[DDEN:.*]] = arith.mulf %[[NG]], %[[QQ]] : f32
  // CHECK-NEXT: %[[DNUM:.*]] = arith.divf %[[G]], %[[ADV]] : f32
  // CHECK-NEXT: %[[D:.*]] = arith.addf %[[DDEN]], %[[DNUM]] : f32
  // CHECK-NEXT: r1.yield %[[D]] : f32
  %div = r1.loss @div reduce token_mean params ["logp", "adv"] {
  ^bb0(%lp: f32, %adv: f32):
    %0 = arith.divf %lp, %adv : f32
    %1 = arith.divf %adv, %lp : f32
    %2 = arith.addf %0, %1 : f32
    r1.yield %2 : f32
  }

  // CHECK-LABEL: r1.loss @neg reduce
  // CHECK: } grad ["logp"] {
  // CHECK-NEXT: ^bb0(%{{.*}}: f32, %[[G:.*]]: f32):
  // CHECK-NEXT: %[[D:.*]] = arith.negf %[[G]] : f32
  // CHECK-NEXT: r1.yield %[[D]] : f32
  %neg = r1.loss @neg reduce token_mean params ["logp"] {
  ^bb0(%lp: f32):
    %0 = arith.negf %lp : f32
    r1.yield %0 : f32
  }

  // exp' = exp, from the recomputed forward value.
  // CHECK-LABEL: r1.loss @exp reduce
  // CHECK: } grad ["logp"] {
  // CHECK-NEXT: ^bb0(%[[LP:.*]]: f32, %[[G:.*]]: f32):
  // CHECK-NEXT: %[[E:.*]] = math.exp %[[LP]] : f32
  // CHECK-NEXT: %[[D:.*]] = arith.mulf %[[G]], %[[E]] : f32
  // CHECK-NEXT: r1.yield %[[D]] : f32
  %exp = r1.loss @exp reduce token_mean params ["logp"] {
  ^bb0(%lp: f32):
    %0 = math.exp %lp : f32
    r1.yield %0 : f32
  }

  // CHECK-LABEL: r1.loss @log reduce
  // CHECK: } grad ["logp"] {
  // CHECK-NEXT: ^bb0(%[[LP:.*]]: f32, %[[G:.*]]: f32):
  // CHECK-NEXT: %[[D:.*]] = arith.divf %[[G]], %[[LP]] : f32
  // CHECK-NEXT: r1.yield %[[D]] : f32
  %log = r1.loss @log reduce token_mean params ["logp"] {
  ^bb0(%lp: f32):
    %0 = math.log %lp : f32
    r1.yield %0 : f32
  }

  // abs' = sign(x) = (x > 0) - (x < 0), 0 at 0.
  // CHECK-LABEL: r1.loss @abs reduce
  // CHECK: } grad ["logp"] {
  // CHECK-NEXT: ^bb0(%[[LP:.*]]: f32, %[[G:.*]]: f32):
  // CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK-NEXT: %[[GT:.*]] = arith.cmpf ogt, %[[LP]], %[[Z]] : f32
  // CHECK-NEXT: %[[P:.*]] = arith.uitofp %[[GT]] : i1 to f32
  // CHECK-NEXT: %[[LT:.*]] = arith.cmpf olt, %[[LP]], %[[Z]] : f32
  // CHECK-NEXT: %[[N:.*]] = arith.uitofp %[[LT]] : i1 to f32
  // CHECK-NEXT: %[[S:.*]] = arith.subf %[[P]], %[[N]] : f32
  // CHECK-NEXT: %[[D:.*]] = arith.mulf %[[G]], %[[S]] : f32
  // CHECK-NEXT: r1.yield %[[D]] : f32
  %abs = r1.loss @abs reduce token_mean params ["logp"] {
  ^bb0(%lp: f32):
    %0 = math.absf %lp : f32
    r1.yield %0 : f32
  }

  // torch.minimum: the smaller side gets dloss, a tie gives dloss / 2 to
  // each side. Both parameters are differentiable here.
  // CHECK-LABEL: r1.loss @min reduce
  // CHECK: } grad ["logp", "seq_logratio"] {
  // CHECK-NEXT: ^bb0(%[[LP:.*]]: f32, %[[S:.*]]: f32, %[[G:.*]]: f32):
  // CHECK-NEXT: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
  // CHECK-NEXT: %[[HG:.*]] = arith.mulf %[[G]], %[[HALF]] : f32
  // CHECK-NEXT: %[[EQ:.*]] = arith.cmpf oeq, %[[LP]], %[[S]] : f32
  // CHECK-NEXT: %[[SPLIT:.*]] = arith.select %[[EQ]], %[[HG]], %[[G]] : f32
  // CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK-NEXT: %[[GT:.*]] = arith.cmpf ogt, %[[LP]], %[[S]] : f32
  // CHECK-NEXT: %[[DLP:.*]] = arith.select %[[GT]], %[[Z]], %[[SPLIT]] : f32
  // CHECK-NEXT: %[[LT:.*]] = arith.cmpf olt, %[[LP]], %[[S]] : f32
  // CHECK-NEXT: %[[DS:.*]] = arith.select %[[LT]], %[[Z]], %[[SPLIT]] : f32
  // CHECK-NEXT: r1.yield %[[DLP]], %[[DS]] : f32, f32
  %min = r1.loss @min reduce token_mean params ["logp", "seq_logratio"] {
  ^bb0(%lp: f32, %s: f32):
    %0 = arith.minimumf %lp, %s : f32
    r1.yield %0 : f32
  }

  // torch.maximum, logp on the right: it loses where adv > logp.
  // CHECK-LABEL: r1.loss @max reduce
  // CHECK: } grad ["logp"] {
  // CHECK-NEXT: ^bb0(%[[LP:.*]]: f32, %[[ADV:.*]]: f32, %[[G:.*]]: f32):
  // CHECK-NEXT: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
  // CHECK-NEXT: %[[HG:.*]] = arith.mulf %[[G]], %[[HALF]] : f32
  // CHECK-NEXT: %[[EQ:.*]] = arith.cmpf oeq, %[[ADV]], %[[LP]] : f32
  // CHECK-NEXT: %[[SPLIT:.*]] = arith.select %[[EQ]], %[[HG]], %[[G]] : f32
  // CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK-NEXT: %[[GT:.*]] = arith.cmpf ogt, %[[ADV]], %[[LP]] : f32
  // CHECK-NEXT: %[[D:.*]] = arith.select %[[GT]], %[[Z]], %[[SPLIT]] : f32
  // CHECK-NEXT: r1.yield %[[D]] : f32
  %max = r1.loss @max reduce token_mean params ["logp", "adv"] {
  ^bb0(%lp: f32, %adv: f32):
    %0 = arith.maximumf %adv, %lp : f32
    r1.yield %0 : f32
  }

  // clamp(x, lo, hi), lowered as minimumf(maximumf(x, lo), hi), is
  // torch.clamp: dloss where lo <= x <= hi, bounds included, no tie split.
  // CHECK-LABEL: r1.loss @clamp reduce
  // CHECK: } grad ["logp"] {
  // CHECK-NEXT: ^bb0(%[[LP:.*]]: f32, %[[G:.*]]: f32):
  // CHECK-NEXT: %[[LO:.*]] = arith.constant -2.000000e+01 : f32
  // CHECK-NEXT: %[[HI:.*]] = arith.constant 2.000000e+01 : f32
  // CHECK-NEXT: %[[GE:.*]] = arith.cmpf oge, %[[LP]], %[[LO]] : f32
  // CHECK-NEXT: %[[LE:.*]] = arith.cmpf ole, %[[LP]], %[[HI]] : f32
  // CHECK-NEXT: %[[IN:.*]] = arith.andi %[[GE]], %[[LE]] : i1
  // CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK-NEXT: %[[D:.*]] = arith.select %[[IN]], %[[G]], %[[Z]] : f32
  // CHECK-NEXT: r1.yield %[[D]] : f32
  // CHECK-NOT: arith.maximumf
  %clamp = r1.loss @clamp reduce token_mean params ["logp"] {
  ^bb0(%lp: f32):
    %lo = arith.constant -2.000000e+01 : f32
    %hi = arith.constant 2.000000e+01 : f32
    %0 = arith.maximumf %lp, %lo : f32
    %1 = arith.minimumf %0, %hi : f32
    r1.yield %1 : f32
  }

  // Tensor bounds (torch.clamp's tensor overload): hi gets dloss where
  // x > hi or hi < lo; lo gets it where x < lo < hi.
  // CHECK-LABEL: r1.loss @clamp_bounds reduce
  // CHECK: } grad ["logp"] {
  // CHECK-NEXT: ^bb0(%[[LP:.*]]: f32, %[[ADV:.*]]: f32, %[[G:.*]]: f32):
  // CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
  // CHECK-NEXT: %[[ABOVE:.*]] = arith.cmpf ogt, %[[ADV]], %[[LP]] : f32
  // CHECK-NEXT: %[[CROSS:.*]] = arith.cmpf olt, %[[LP]], %[[ONE]] : f32
  // CHECK-NEXT: %[[HIC:.*]] = arith.ori %[[ABOVE]], %[[CROSS]] : i1
  // CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK-NEXT: %[[DHI:.*]] = arith.select %[[HIC]], %[[G]], %[[Z]] : f32
  // CHECK-NEXT: %[[BELOW:.*]] = arith.cmpf olt, %[[ADV]], %[[LP]] : f32
  // CHECK-NEXT: %[[ORD:.*]] = arith.cmpf olt, %[[LP]], %[[ONE]] : f32
  // CHECK-NEXT: %[[LOC:.*]] = arith.andi %[[BELOW]], %[[ORD]] : i1
  // CHECK-NEXT: %[[DLO:.*]] = arith.select %[[LOC]], %[[G]], %[[Z]] : f32
  // CHECK-NEXT: %[[D:.*]] = arith.addf %[[DHI]], %[[DLO]] : f32
  // CHECK-NEXT: r1.yield %[[D]] : f32
  %clamp_bounds = r1.loss @clamp_bounds reduce token_mean params ["logp", "adv"] {
  ^bb0(%lp: f32, %adv: f32):
    %c = arith.constant 1.000000e+00 : f32
    %0 = arith.maximumf %adv, %lp : f32
    %1 = arith.minimumf %0, %c : f32
    %2 = arith.maximumf %adv, %c : f32
    %3 = arith.minimumf %2, %lp : f32
    %4 = arith.addf %1, %3 : f32
    r1.yield %4 : f32
  }

  // where/select routes dloss to the branch taken; the condition (a
  // comparison) gets nothing.
  // CHECK-LABEL: r1.loss @select reduce
  // CHECK: } grad ["logp"] {
  // CHECK-NEXT: ^bb0(%[[LP:.*]]: f32, %[[ADV:.*]]: f32, %[[G:.*]]: f32):
  // CHECK-NEXT: %[[C:.*]] = arith.cmpf ogt, %[[LP]], %[[ADV]] : f32
  // CHECK-NEXT: %[[A:.*]] = arith.select %[[C]], %[[LP]], %[[ADV]] : f32
  // CHECK-NEXT: %[[B:.*]] = arith.select %[[C]], %[[ADV]], %[[LP]] : f32
  // CHECK-NEXT: %[[GA:.*]] = arith.mulf %[[G]], %[[B]] : f32
  // CHECK-NEXT: %[[GB:.*]] = arith.mulf %[[G]], %[[A]] : f32
  // CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK-NEXT: %[[FROMB:.*]] = arith.select %[[C]], %[[Z]], %[[GB]] : f32
  // CHECK-NEXT: %[[FROMA:.*]] = arith.select %[[C]], %[[GA]], %[[Z]] : f32
  // CHECK-NEXT: %[[D:.*]] = arith.addf %[[FROMB]], %[[FROMA]] : f32
  // CHECK-NEXT: r1.yield %[[D]] : f32
  %select = r1.loss @select reduce token_mean params ["logp", "adv"] {
  ^bb0(%lp: f32, %adv: f32):
    %c = arith.cmpf ogt, %lp, %adv : f32
    %0 = arith.select %c, %lp, %adv : f32
    %1 = arith.select %c, %adv, %lp : f32
    %2 = arith.mulf %0, %1 : f32
    r1.yield %2 : f32
  }

  // A comparison is a constant 1.0/0.0 factor: (logp < 0) * logp has
  // derivative dloss * (logp < 0).
  // CHECK-LABEL: r1.loss @compare reduce
  // CHECK: } grad ["logp"] {
  // CHECK-NEXT: ^bb0(%[[LP:.*]]: f32, %{{.*}}: f32, %[[G:.*]]: f32):
  // CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK-NEXT: %[[C:.*]] = arith.cmpf olt, %[[LP]], %[[Z]] : f32
  // CHECK-NEXT: %[[F:.*]] = arith.uitofp %[[C]] : i1 to f32
  // CHECK-NEXT: %[[D:.*]] = arith.mulf %[[G]], %[[F]] : f32
  // CHECK-NEXT: r1.yield %[[D]] : f32
  %compare = r1.loss @compare reduce token_mean params ["logp", "adv"] {
  ^bb0(%lp: f32, %adv: f32):
    %zero = arith.constant 0.000000e+00 : f32
    %c = arith.cmpf olt, %lp, %zero : f32
    %f = arith.uitofp %c : i1 to f32
    %0 = arith.mulf %f, %lp : f32
    r1.yield %0 : f32
  }

  // Constants have no gradient; a loss that does not read logp yields 0.
  // CHECK-LABEL: r1.loss @constants reduce
  // CHECK: } grad ["logp"] {
  // CHECK-NEXT: ^bb0(%{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32):
  // CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK-NEXT: r1.yield %[[Z]] : f32
  %constants = r1.loss @constants reduce token_mean params ["logp", "adv"] {
  ^bb0(%lp: f32, %adv: f32):
    %two = arith.constant 2.000000e+00 : f32
    %0 = arith.mulf %two, %adv : f32
    r1.yield %0 : f32
  }

  // old_logp, ref_logp and adv are detached by the runtime: only logp is
  // differentiated, wherever it sits in `params`.
  // CHECK-LABEL: r1.loss @detached reduce
  // CHECK: } grad ["logp"] {
  // CHECK-NEXT: ^bb0(%{{.*}}: f32, %{{.*}}: f32, %[[REF:.*]]: f32, %[[ADV:.*]]: f32, %[[G:.*]]: f32):
  // CHECK-NEXT: %[[RA:.*]] = arith.mulf %[[REF]], %[[ADV]] : f32
  // CHECK-NEXT: %[[D:.*]] = arith.mulf %[[G]], %[[RA]] : f32
  // CHECK-NEXT: r1.yield %[[D]] : f32
  %detached = r1.loss @detached reduce seq_mean params ["old_logp", "logp", "ref_logp", "adv"] {
  ^bb0(%olp: f32, %lp: f32, %ref: f32, %adv: f32):
    %0 = arith.subf %lp, %olp : f32
    %1 = arith.mulf %ref, %adv : f32
    %2 = arith.mulf %0, %1 : f32
    r1.yield %2 : f32
  }

  // No differentiable parameter (the front end rejects such a loss): an
  // empty backward.
  // CHECK-LABEL: r1.loss @no_logp reduce
  // CHECK: } grad [] {
  // CHECK-NEXT: ^bb0(%{{.*}}: f32, %{{.*}}: f32):
  // CHECK-NEXT: r1.yield{{$}}
  %no_logp = r1.loss @no_logp reduce token_mean params ["adv"] {
  ^bb0(%adv: f32):
    r1.yield %adv : f32
  }

  // An existing backward is regenerated from the body.
  // CHECK-LABEL: r1.loss @stale reduce
  // CHECK: } grad ["logp"] {
  // CHECK-NEXT: ^bb0(%{{.*}}: f32, %[[G:.*]]: f32):
  // CHECK-NEXT: %[[D:.*]] = arith.negf %[[G]] : f32
  // CHECK-NEXT: r1.yield %[[D]] : f32
  %stale = r1.loss @stale reduce token_mean params ["logp"] {
  ^bb0(%lp: f32):
    %0 = arith.negf %lp : f32
    r1.yield %0 : f32
  } grad ["logp"] {
  ^bb0(%lp: f32, %g: f32):
    r1.yield %g : f32
  }

  %t = r1.tokenizer bytes
  %m = r1.model @m(%t) {dim = 16, layers = 1, heads = 2, ffn = 32} : !r1.model<dense>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  %acc = r1.reward @acc answer_match {}
  %c = r1.pretrain @c(%m, %d) {} : (!r1.model<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  %g = r1.grpo @g(%c, %d, %acc, %exp) {} : (!r1.ckpt<dense>, !r1.dataset<prompt>, !r1.reward, !r1.loss) -> !r1.ckpt<dense>
}

// Canonicalization folds what the rules leave: -(-dloss) is dloss.
// CANON-LABEL: r1.loss @sub_of_neg reduce
// CANON: } grad ["logp"] {
// CANON-NEXT: ^bb0(%{{.*}}: f32, %{{.*}}: f32, %[[G:.*]]: f32):
// CANON-NEXT: r1.yield %[[G]] : f32
r1.pipeline @canon {
  %sub_of_neg = r1.loss @sub_of_neg reduce token_mean params ["logp", "adv"] {
  ^bb0(%lp: f32, %adv: f32):
    %0 = arith.subf %adv, %lp : f32
    %1 = arith.negf %0 : f32
    r1.yield %1 : f32
  }
}

// The built-in losses through r1c (r1-compile-pipeline canonicalizes each
// loss after differentiating it). GRPO: -min(rA, clamp(r, 0.8, 1.2)A) +
// 0.04 k3 with r = exp(clamp(logp - old_logp, -20, 20)):
//   d/dlogp = r [-20 <= logp - old_logp <= 20] (A dmin_r + A dclip [0.8 <= r <= 1.2])
//             + 0.04 dloss (1 - exp(ref_logp - logp)),
// with dmin_r, dclip the shares of -dloss the min gives each side.
// BUILTIN-LABEL: r1.loss @grpo reduce seq_mean params ["logp", "old_logp", "ref_logp", "adv"]
// BUILTIN: } grad ["logp"] {
// BUILTIN-NEXT: ^bb0(%[[LP:.*]]: f32, %[[OLD:.*]]: f32, %[[REF:.*]]: f32, %[[ADV:.*]]: f32, %[[G:.*]]: f32):
// BUILTIN-DAG: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// BUILTIN-DAG: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// BUILTIN-DAG: %[[M20:.*]] = arith.constant -2.000000e+01 : f32
// BUILTIN-DAG: %[[BETA:.*]] = arith.constant 4.000000e-02 : f32
// BUILTIN-DAG: %[[HI:.*]] = arith.constant 1.200000e+00 : f32
// BUILTIN-DAG: %[[LO:.*]] = arith.constant 8.000000e-01 : f32
// BUILTIN-DAG: %[[P20:.*]] = arith.constant 2.000000e+01 : f32
// BUILTIN: %[[LR:.*]] = arith.subf %[[LP]], %[[OLD]] : f32
// BUILTIN-NEXT: %[[LR1:.*]] = arith.maximumf %[[LR]], %[[M20]] : f32
// BUILTIN-NEXT: %[[LR2:.*]] = arith.minimumf %[[LR1]], %[[P20]] : f32
// BUILTIN-NEXT: %[[R:.*]] = math.exp %[[LR2]] : f32
// BUILTIN-NEXT: %[[RA:.*]] = arith.mulf %[[R]], %[[ADV]] : f32
// BUILTIN-NEXT: %[[C1:.*]] = arith.maximumf %[[R]], %[[LO]] : f32
// BUILTIN-NEXT: %[[C2:.*]] = arith.minimumf %[[C1]], %[[HI]] : f32
// BUILTIN-NEXT: %[[CA:.*]] = arith.mulf %[[C2]], %[[ADV]] : f32
// BUILTIN-NEXT: %[[KLARG:.*]] = arith.subf %[[REF]], %[[LP]] : f32
// BUILTIN-NEXT: %[[KLEXP:.*]] = math.exp %[[KLARG]] : f32
// BUILTIN-NEXT: %[[BG:.*]] = arith.mulf %[[G]], %[[BETA]] : f32
// BUILTIN-NEXT: %[[BGE:.*]] = arith.mulf %[[BG]], %[[KLEXP]] : f32
// BUILTIN-NEXT: %[[NBGE:.*]] = arith.negf %[[BGE]] : f32
// BUILTIN-NEXT: %[[DKL:.*]] = arith.addf %[[BG]], %[[NBGE]] : f32
// BUILTIN-NEXT: %[[NG:.*]] = arith.negf %[[G]] : f32
// BUILTIN-NEXT: %[[HNG:.*]] = arith.mulf %[[NG]], %[[HALF]] : f32
// BUILTIN-NEXT: %[[TIE:.*]] = arith.cmpf oeq, %[[RA]], %[[CA]] : f32
// BUILTIN-NEXT: %[[SPLIT:.*]] = arith.select %[[TIE]], %[[HNG]], %[[NG]] : f32
// BUILTIN-NEXT: %[[RALOSES:.*]] = arith.cmpf ogt, %[[RA]], %[[CA]] : f32
// BUILTIN-NEXT: %[[DRA:.*]] = arith.select %[[RALOSES]], %[[Z]], %[[SPLIT]] : f32
// BUILTIN-NEXT: %[[CALOSES:.*]] = arith.cmpf olt, %[[RA]], %[[CA]] : f32
// BUILTIN-NEXT: %[[DCA:.*]] = arith.select %[[CALOSES]], %[[Z]], %[[SPLIT]] : f32
// BUILTIN-NEXT: %[[DC:.*]] = arith.mulf %[[DCA]], %[[ADV]] : f32
// BUILTIN-DAG: %[[GELO:.*]] = arith.cmpf oge, %[[R]], %[[LO]] : f32
// BUILTIN-DAG: %[[LEHI:.*]] = arith.cmpf ole, %[[R]], %[[HI]] : f32
// BUILTIN: %[[INCLIP:.*]] = arith.andi %[[GELO]], %[[LEHI]] : i1
// BUILTIN-NEXT: %[[DRCLIP:.*]] = arith.select %[[INCLIP]], %[[DC]], %[[Z]] : f32
// BUILTIN-NEXT: %[[DRMIN:.*]] = arith.mulf %[[DRA]], %[[ADV]] : f32
// BUILTIN-NEXT: %[[DR:.*]] = arith.addf %[[DRCLIP]], %[[DRMIN]] : f32
// BUILTIN-NEXT: %[[DLR:.*]] = arith.mulf %[[DR]], %[[R]] : f32
// BUILTIN-DAG: %[[GE20:.*]] = arith.cmpf oge, %[[LR]], %[[M20]] : f32
// BUILTIN-DAG: %[[LE20:.*]] = arith.cmpf ole, %[[LR]], %[[P20]] : f32
// BUILTIN: %[[IN20:.*]] = arith.andi %[[GE20]], %[[LE20]] : i1
// BUILTIN-NEXT: %[[DPG:.*]] = arith.select %[[IN20]], %[[DLR]], %[[Z]] : f32
// BUILTIN-NEXT: %[[D:.*]] = arith.addf %[[DKL]], %[[DPG]] : f32
// BUILTIN-NEXT: r1.yield %[[D]] : f32
// BUILTIN-NEXT: }

// Dr. GRPO and DAPO: the same clipped surrogate without KL.
// BUILTIN-LABEL: r1.loss @dr_grpo reduce seq_sum_norm params ["logp", "old_logp", "adv"]
// BUILTIN: } grad ["logp"] {
// BUILTIN: arith.constant 1.200000e+00
// BUILTIN: r1.yield
// BUILTIN-LABEL: r1.loss @dapo reduce token_mean params ["logp", "old_logp", "adv"]
// BUILTIN: } grad ["logp"] {
// BUILTIN: arith.constant 1.280000e+00
// BUILTIN: r1.yield

// GSPO differentiates seq_logratio; the runtime chains it back to logp.
// BUILTIN-LABEL: r1.loss @gspo reduce seq_mean params ["seq_logratio", "adv"]
// BUILTIN: } grad ["seq_logratio"] {
// BUILTIN-NEXT: ^bb0(%[[S:.*]]: f32, %{{.*}}: f32, %{{.*}}: f32):
// BUILTIN: %[[SGE:.*]] = arith.cmpf oge, %[[S]], %{{.*}} : f32
// BUILTIN: r1.yield
