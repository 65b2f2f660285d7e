// RUN: r1c-opt %s | FileCheck %s
// CHECK-LABEL: func.func @tok
// CHECK: r1.tokenizer "chars"
func.func @tok() -> !r1.tokenizer {
  %0 = r1.tokenizer "chars"
  return %0 : !r1.tokenizer
}
