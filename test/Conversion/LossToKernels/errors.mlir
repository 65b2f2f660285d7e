// RUN: r1c-opt %s --split-input-file --verify-diagnostics --r1-loss-to-kernels
// RUN: not r1c-opt %s --split-input-file --r1-loss-to-kernels=target=tpu 2>&1 | FileCheck %s --check-prefix=TARGET

// A loss must be differentiated first; each loss is reported.
r1.pipeline @p {
  // expected-error @+1 {{'r1.loss' op has no backward; run r1-differentiate-loss before r1-loss-to-kernels}}
  %l = r1.loss @l reduce token_mean params ["logp"] {
  ^bb0(%lp: f32):
    r1.yield %lp : f32
  }
  // expected-error @+1 {{'r1.loss' op has no backward}}
  %m = r1.loss @m reduce seq_mean params ["logp", "adv"] {
  ^bb0(%lp: f32, %adv: f32):
    %0 = arith.mulf %lp, %adv : f32
    r1.yield %0 : f32
  }
}

// -----

// The kernel's symbol is taken.
func.func @r1k_l() {
  return
}
r1.pipeline @p {
  // expected-error @+1 {{'r1.loss' op kernel 'r1k_l' already exists in the module}}
  %l = r1.loss @l reduce token_mean params ["logp"] {
  ^bb0(%lp: f32):
    r1.yield %lp : f32
  } grad ["logp"] {
  ^bb0(%lp: f32, %dloss: f32):
    r1.yield %dloss : f32
  }
}

// TARGET: error: r1-loss-to-kernels: unknown target 'tpu'; expected cpu or gpu
