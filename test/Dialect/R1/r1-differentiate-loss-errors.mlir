// RUN: r1c-opt %s --split-input-file --verify-diagnostics --r1-differentiate-loss
// Ops with no derivative rule on the path from logp to the loss are errors
// at the op, with a note at the loss.

// expected-note @+2 {{while differentiating loss 'l'}}
r1.pipeline @p {
  %l = r1.loss @l reduce token_mean params ["logp"] {
  ^bb0(%lp: f32):
    // expected-error @+1 {{'math.sqrt' op has no derivative rule (r1-differentiate-loss supports arith addf subf mulf divf negf minimumf maximumf select cmpf constant and math exp log absf)}}
    %0 = math.sqrt %lp : f32
    r1.yield %0 : f32
  }
}

// -----

// Only the op nearest the loss is reported; the rest of the body is not
// reached.
// expected-note @+2 {{while differentiating loss 'l'}}
r1.pipeline @p {
  %l = r1.loss @l reduce token_mean params ["logp", "adv"] {
  ^bb0(%lp: f32, %adv: f32):
    %0 = math.tanh %lp : f32
    // expected-error @+1 {{'arith.remf' op has no derivative rule}}
    %1 = arith.remf %0, %adv : f32
    r1.yield %1 : f32
  }
}

// -----

// Every loss is checked: both errors are reported.
r1.pipeline @p {
  // expected-note @+1 {{while differentiating loss 'a'}}
  %a = r1.loss @a reduce token_mean params ["seq_logratio"] {
  ^bb0(%s: f32):
    // expected-error @+1 {{'math.tanh' op has no derivative rule}}
    %0 = math.tanh %s : f32
    r1.yield %0 : f32
  }
  // expected-note @+1 {{while differentiating loss 'b'}}
  %b = r1.loss @b reduce token_mean params ["logp"] {
  ^bb0(%lp: f32):
    // expected-error @+1 {{'math.sin' op has no derivative rule}}
    %0 = math.sin %lp : f32
    r1.yield %0 : f32
  }
}

// -----

// An op outside the path from logp needs no rule: no error.
r1.pipeline @p {
  %l = r1.loss @l reduce token_mean params ["logp", "adv"] {
  ^bb0(%lp: f32, %adv: f32):
    %0 = math.sqrt %adv : f32
    %1 = arith.mulf %lp, %0 : f32
    r1.yield %1 : f32
  }
}

// -----

// A cast is not differentiated through, even when the value comes back as
// f32: an error, not a silent zero.
// expected-note @+2 {{while differentiating loss 'l'}}
r1.pipeline @p {
  %l = r1.loss @l reduce token_mean params ["logp"] {
  ^bb0(%lp: f32):
    %0 = arith.extf %lp : f32 to f64
    %1 = arith.mulf %0, %0 : f64
    // expected-error @+1 {{'arith.truncf' op has no derivative rule}}
    %2 = arith.truncf %1 : f64 to f32
    r1.yield %2 : f32
  }
}
