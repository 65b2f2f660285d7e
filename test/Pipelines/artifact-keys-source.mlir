// RUN: rm -rf %t && %python %S/Inputs/compare_keys.py r1c %t %S/Inputs/keys_a.r1p %S/Inputs/keys_b.r1p %S/Inputs/keys_c.r1p | FileCheck %s
// Artifact keys from source: keys_b renames every stage and the pipeline and
// changes whitespace and comments (no key changes); keys_c edits only the
// last training stage (only it and the eval downstream change).

// CHECK: stage 0 lm: same same
// CHECK: stage 1 tuned: same same
// CHECK: stage 2 rl: same changed
// CHECK: stage 3 eval: same changed
