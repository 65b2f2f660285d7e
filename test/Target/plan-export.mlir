// RUN: r1c-translate --r1-to-plan-json %S/Inputs/export.mlir | FileCheck %s
// An export stage reaches plan.json with its checkpoint input and its
// config, format defaulting to native (recipe: Inputs/export.r1p).

// CHECK-LABEL: "stages"
// CHECK: "name": "lm"
// CHECK: "config": {
// CHECK-NEXT: "format": "native",
// CHECK-NEXT: "path": "out/final"
// CHECK-NEXT: },
// CHECK: "inputs": {
// CHECK-NEXT: "ckpt": {
// CHECK-NEXT: "stage": "lm"
// CHECK: "kind": "export",
// CHECK-NEXT: "name": "out",
// CHECK-NEXT: "output": null
