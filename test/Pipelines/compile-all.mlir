// RUN: rm -rf %t && %python %S/Inputs/compile_all.py r1c %r1c_src/pipelines %t | FileCheck %s
// `r1c compile` succeeds on every file in pipelines/ and writes a complete,
// self-consistent bundle (inputs defined before use, distinct keys).

// CHECK-DAG: ok distill.r1p stages=
// CHECK-DAG: ok r1_tiny.r1p stages=11
// CHECK-DAG: ok r1_zero.r1p stages=
// CHECK-NOT: FAIL
