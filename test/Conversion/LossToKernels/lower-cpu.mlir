// RUN: r1c-opt %s --r1-loss-to-kernels --r1-lower-loss-kernels-cpu | FileCheck %s
//
// The CPU kernel after the upstream lowering (r1-lower-loss-kernels-cpu):
// one loop over the tokens in the LLVM dialect, exp shared by the forward
// and the backward (CSE), the loss accumulated in f64, and the C interface
// wrapper the runtime calls (one pointer per memref descriptor).

r1.pipeline @p {
  %scaled = r1.loss @scaled reduce token_mean params ["logp", "adv"] {
  ^bb0(%lp: f32, %adv: f32):
    %0 = math.exp %lp : f32
    %1 = arith.mulf %0, %adv : f32
    r1.yield %1 : f32
  } grad ["logp"] {
  ^bb0(%lp: f32, %adv: f32, %dloss: f32):
    %0 = math.exp %lp : f32
    %1 = arith.mulf %dloss, %adv : f32
    %2 = arith.mulf %1, %0 : f32
    r1.yield %2 : f32
  }
}

// CHECK-LABEL: llvm.func @r1k_scaled(
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK-NOT: linalg.
// CHECK-NOT: memref.
// The loss starts at 0:
// CHECK: %[[Z64:.*]] = llvm.mlir.constant(0.000000e+00 : f64) : f64
// CHECK: llvm.store %[[Z64]]
// CHECK: ^bb1(%[[N:.*]]: i64):
// CHECK-NEXT: llvm.icmp "slt" %[[N]]
// CHECK: ^bb2:
// CHECK: %[[LP:.*]] = llvm.load {{.*}} -> f32
// CHECK: %[[ADV:.*]] = llvm.load {{.*}} -> f32
// CHECK: %[[W:.*]] = llvm.load {{.*}} -> f32
// CHECK: %[[ACC:.*]] = llvm.load {{.*}} -> f64
// CHECK: %[[E:.*]] = llvm.intr.exp(%[[LP]]) : (f32) -> f32
// CHECK-NOT: llvm.intr.exp
// CHECK: %[[LOSS:.*]] = llvm.fmul %[[E]], %[[ADV]] : f32
// CHECK: %[[WA:.*]] = llvm.fmul %[[W]], %[[ADV]] : f32
// CHECK: %[[D:.*]] = llvm.fmul %[[WA]], %[[E]] : f32
// CHECK: %[[LIVE:.*]] = llvm.fcmp "une" %[[W]]
// CHECK: %[[G:.*]] = llvm.select %[[LIVE]], %[[D]]
// CHECK: %[[L64:.*]] = llvm.fpext %[[LOSS]] : f32 to f64
// CHECK: %[[W64:.*]] = llvm.fpext %[[W]] : f32 to f64
// CHECK: %[[T:.*]] = llvm.fmul %[[W64]], %[[L64]] : f64
// CHECK: %[[TM:.*]] = llvm.select %[[LIVE]], %[[T]]
// CHECK: %[[SUM:.*]] = llvm.fadd %[[ACC]], %[[TM]] : f64
// CHECK: llvm.store %[[G]], {{.*}} : f32, !llvm.ptr
// CHECK: llvm.store %[[SUM]], {{.*}} : f64, !llvm.ptr
// CHECK: llvm.return

// params, weight, grad, loss: five descriptors.
// CHECK-LABEL: llvm.func @_mlir_ciface_r1k_scaled(
// CHECK-SAME: %{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: !llvm.ptr)
// CHECK: llvm.call @r1k_scaled(
