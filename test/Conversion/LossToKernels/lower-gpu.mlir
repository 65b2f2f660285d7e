// RUN: r1c-opt %s --r1-loss-to-kernels=target=gpu --r1-lower-loss-kernels-gpu | FileCheck %s
//
// The GPU kernel after the upstream lowering (r1-lower-loss-kernels-gpu):
// the host function launches ceil(N / 256) blocks of 256 threads of the
// outlined kernel, serialized to PTX for sm_90 in a gpu.binary.

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

// CHECK: #[[$BLOCKS:.*]] = affine_map<()[s0] -> (s0 ceildiv 256)>
// CHECK: module attributes {gpu.container_module}
// CHECK-LABEL: func.func @r1k_scaled(
// CHECK-SAME: %[[LP:[^:]*]]: memref<?xf32>, %[[ADV:[^:]*]]: memref<?xf32>, %[[W:[^:]*]]: memref<?xf32>, %[[G:[^:]*]]: memref<?xf32>, %[[L:[^:]*]]: memref<?xf32>)
// CHECK: %[[N:.*]] = memref.dim %[[LP]]
// CHECK: %[[NB:.*]] = affine.apply #[[$BLOCKS]]()[%[[N]]]
// CHECK: gpu.launch_func @r1k_scaled_kernel::@r1k_scaled_kernel blocks in (%[[NB]], %{{.*}}, %{{.*}}) threads in (%[[C256:.*]], %{{.*}}, %{{.*}}) args(%[[LP]] : memref<?xf32>, %[[ADV]] : memref<?xf32>, %[[W]] : memref<?xf32>, %[[G]] : memref<?xf32>, %[[L]] : memref<?xf32>)
// CHECK: gpu.binary @r1k_scaled_kernel [#gpu.object<#nvvm.target<O = 3, chip = "sm_90"
// CHECK-SAME: .target sm_90
// CHECK-SAME: .visible .entry r1k_scaled_kernel(
// CHECK-SAME: .maxntid 256, 1, 1
// CHECK-SAME: setp.neu.f32
// CHECK-SAME: selp.f32
