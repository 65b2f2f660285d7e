// RUN: r1c-opt %s --r1-loss-to-kernels | FileCheck %s --check-prefixes=CHECK,CPU
// RUN: r1c-opt %s --r1-loss-to-kernels=target=gpu | FileCheck %s --check-prefixes=CHECK,GPU
// RUN: r1c-opt %s --r1-loss-to-kernels | r1c-opt | FileCheck %s --check-prefixes=CHECK,CPU
//
// One fused kernel per differentiated loss: the body, the backward (dloss
// bound to the token's weight), the padding mask and the reduction in one
// linalg.generic over the tokens. Arguments: params..., weight, grads...,
// then the loss (cpu: f64 scalar, reduction) or the per-token terms (gpu).

r1.pipeline @p {
  // The pipeline is left as it was.
  // CHECK: r1.loss @scaled
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

  // Two differentiable parameters: two gradient outputs, in grad order.
  %two = r1.loss @two reduce seq_mean params ["logp", "seq_logratio", "adv"] {
  ^bb0(%lp: f32, %s: f32, %adv: f32):
    %0 = arith.mulf %lp, %s : f32
    r1.yield %0 : f32
  } grad ["logp", "seq_logratio"] {
  ^bb0(%lp: f32, %s: f32, %adv: f32, %dloss: f32):
    %0 = arith.mulf %dloss, %s : f32
    %1 = arith.mulf %dloss, %lp : f32
    r1.yield %0, %1 : f32, f32
  }
}

// CPU-LABEL: func.func @r1k_scaled(
// CPU-SAME: %[[LP:.*]]: memref<?xf32>, %[[ADV:.*]]: memref<?xf32>, %[[W:.*]]: memref<?xf32>, %[[G:.*]]: memref<?xf32>, %[[L:.*]]: memref<f64>)
// CPU-SAME: attributes {llvm.emit_c_interface}
// GPU-LABEL: func.func @r1k_scaled(
// GPU-SAME: %[[LP:.*]]: memref<?xf32>, %[[ADV:.*]]: memref<?xf32>, %[[W:.*]]: memref<?xf32>, %[[G:.*]]: memref<?xf32>, %[[L:.*]]: memref<?xf32>) {
// CHECK-DAG: %[[TLP:.*]] = bufferization.to_tensor %[[LP]] restrict :
// CHECK-DAG: %[[TADV:.*]] = bufferization.to_tensor %[[ADV]] restrict :
// CHECK-DAG: %[[TW:.*]] = bufferization.to_tensor %[[W]] restrict :
// CHECK-DAG: %[[TG:.*]] = bufferization.to_tensor %[[G]] restrict writable :
// CHECK-DAG: %[[TL:.*]] = bufferization.to_tensor %[[L]] restrict writable :
// CPU: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f64) outs(%[[TL]] : tensor<f64>)
// CPU: %[[R:.*]]:2 = linalg.generic {{.*}}iterator_types = ["reduction"]} ins(%[[TLP]], %[[TADV]], %[[TW]] : {{.*}}) outs(%[[TG]], %[[ZERO]] : tensor<?xf32>, tensor<f64>)
// GPU: %[[R:.*]]:2 = linalg.generic {{.*}}iterator_types = ["parallel"]} ins(%[[TLP]], %[[TADV]], %[[TW]] : {{.*}}) outs(%[[TG]], %[[TL]] : tensor<?xf32>, tensor<?xf32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[A:.*]]: f32, %[[WT:.*]]: f32, %{{.*}}: f32, %[[ACC:[^:]*]]: f{{32|64}}):
// The body:
// CHECK-NEXT: %[[E:.*]] = math.exp %[[X]] : f32
// CHECK-NEXT: %[[LOSS:.*]] = arith.mulf %[[E]], %[[A]] : f32
// The backward, dloss := the weight:
// CHECK-NEXT: %[[E2:.*]] = math.exp %[[X]] : f32
// CHECK-NEXT: %[[DA:.*]] = arith.mulf %[[WT]], %[[A]] : f32
// CHECK-NEXT: %[[D:.*]] = arith.mulf %[[DA]], %[[E2]] : f32
// Padding (weight 0) gets 0:
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[LIVE:.*]] = arith.cmpf une, %[[WT]], %[[Z]] : f32
// CHECK-NEXT: %[[GR:.*]] = arith.select %[[LIVE]], %[[D]], %[[Z]] : f32
// On the CPU, the weighted term is summed in f64;
// CPU-NEXT: %[[L64:.*]] = arith.extf %[[LOSS]] : f32 to f64
// CPU-NEXT: %[[W64:.*]] = arith.extf %[[WT]] : f32 to f64
// CPU-NEXT: %[[T:.*]] = arith.mulf %[[W64]], %[[L64]] : f64
// CPU-NEXT: %[[Z64:.*]] = arith.constant 0.000000e+00 : f64
// CPU-NEXT: %[[TM:.*]] = arith.select %[[LIVE]], %[[T]], %[[Z64]] : f64
// CPU-NEXT: %[[SUM:.*]] = arith.addf %[[ACC]], %[[TM]] : f64
// CPU-NEXT: linalg.yield %[[GR]], %[[SUM]] : f32, f64
// on the GPU, it is written per token.
// GPU-NEXT: %[[T:.*]] = arith.mulf %[[WT]], %[[LOSS]] : f32
// GPU-NEXT: %[[TM:.*]] = arith.select %[[LIVE]], %[[T]], %[[Z]] : f32
// GPU-NEXT: linalg.yield %[[GR]], %[[TM]] : f32, f32
// CHECK: bufferization.materialize_in_destination %[[R]]#0 in restrict writable %[[G]]
// CHECK-NEXT: bufferization.materialize_in_destination %[[R]]#1 in restrict writable %[[L]]
// CHECK-NEXT: return

// CHECK-LABEL: func.func @r1k_two(
// CPU-SAME: %{{[^:]*}}: memref<?xf32>, %{{[^:]*}}: memref<?xf32>, %{{[^:]*}}: memref<?xf32>, %{{[^:]*}}: memref<?xf32>, %{{[^:]*}}: memref<?xf32>, %{{[^:]*}}: memref<?xf32>, %{{[^:]*}}: memref<f64>)
// GPU-SAME: %{{[^:]*}}: memref<?xf32>, %{{[^:]*}}: memref<?xf32>, %{{[^:]*}}: memref<?xf32>, %{{[^:]*}}: memref<?xf32>, %{{[^:]*}}: memref<?xf32>, %{{[^:]*}}: memref<?xf32>, %{{[^:]*}}: memref<?xf32>)
// CHECK: %[[R2:.*]]:3 = linalg.generic
// CHECK: arith.select
// CHECK-NEXT: arith.select
// CHECK: linalg.yield %{{.*}}, %{{.*}}, %{{.*}} :
// CHECK-COUNT-3: bufferization.materialize_in_destination %[[R2]]#
