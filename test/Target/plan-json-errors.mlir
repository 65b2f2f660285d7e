// RUN: not r1c-translate --r1-to-plan-json --split-input-file %s 2>&1 | FileCheck %s
// A plan is made of exactly one pipeline; anything else is one error.

// CHECK: error: a plan holds exactly one r1.pipeline
module {
}

// -----

// CHECK: error: a plan holds exactly one r1.pipeline
r1.pipeline @a {
}
r1.pipeline @b {
}
