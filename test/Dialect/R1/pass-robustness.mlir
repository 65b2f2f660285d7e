// Every pass on every verifier-accepted input: no crash, no new error.
// RUN: r1c-opt %S/ops.mlir --r1-verify-recipe -o /dev/null 2>&1 | FileCheck %s --allow-empty
// RUN: r1c-opt %S/ops.mlir --r1-infer-costs -o /dev/null 2>&1 | FileCheck %s --allow-empty
// RUN: r1c-opt %S/ops.mlir --r1-dead-stage-elim -o /dev/null
// RUN: r1c-opt %S/ops.mlir --canonicalize -o /dev/null 2>&1 | FileCheck %s --allow-empty
// RUN: r1c-opt %S/ops.mlir --r1-assign-artifact-keys -o /dev/null 2>&1 | FileCheck %s --allow-empty
// RUN: r1c-opt %S/ops.mlir --r1-differentiate-loss -o /dev/null 2>&1 | FileCheck %s --allow-empty
// RUN: r1c-opt %S/ops.mlir --r1-compile-pipeline -o /dev/null
// RUN: r1c-opt %S/r1-infer-costs.mlir --r1-compile-pipeline -o /dev/null
// RUN: r1c-opt %S/r1-assign-artifact-keys.mlir --r1-compile-pipeline -o /dev/null
// RUN: r1c-opt %S/canonicalize.mlir --r1-infer-costs --r1-assign-artifact-keys --r1-dead-stage-elim --r1-differentiate-loss -o /dev/null
// RUN: r1c-opt %S/r1-dead-stage-elim.mlir --split-input-file --r1-verify-recipe --canonicalize --r1-infer-costs --r1-assign-artifact-keys --r1-differentiate-loss -o /dev/null
// RUN: r1c-opt %S/r1-verify-recipe.mlir --split-input-file --r1-infer-costs --r1-dead-stage-elim --canonicalize --r1-assign-artifact-keys --r1-differentiate-loss -o /dev/null
// RUN: r1c-opt %S/r1-differentiate-loss.mlir --r1-compile-pipeline -o /dev/null
// The verify-recipe cases are verifier-accepted IR that the pass rejects:
// it reports errors and fails cleanly, it never crashes.
// RUN: not r1c-opt %S/r1-verify-recipe.mlir --split-input-file --r1-compile-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=REJECT
// RUN: r1c --emit=mlir-raw %r1c_src/test/Pipelines/Inputs/r1_tiny_sketch.r1p 2>/dev/null > %t.mlir
// RUN: r1c-opt %t.mlir --r1-infer-costs --r1-assign-artifact-keys --canonicalize --r1-dead-stage-elim --r1-verify-recipe --r1-differentiate-loss -o /dev/null
// CHECK-NOT: error
// REJECT: error: grpo stage 'g' needs prompts with verifiable answers
// REJECT-NOT: PLEASE submit a bug report
