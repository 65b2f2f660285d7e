//===- Passes.td - Conversions out of the r1 dialect ------*- tablegen -*-===//

#ifndef R1_CONVERSION_PASSES_TD
#define R1_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def LossToKernelsPass : Pass<"r1-loss-to-kernels", "::mlir::ModuleOp"> {
  let summary = "Writes every differentiated r1.loss as one fused linalg kernel";
  let description = [{
    For each `r1.loss` of each `r1.pipeline` (after `r1-differentiate-loss`),
    adds a `func.func @r1k_<loss>` to the module: one `linalg.generic` over
    the N tokens that evaluates the loss body, its `grad` region with
    `dloss` bound to the token's reduction weight, and the reduction, in one
    pass. Arguments, all 1-D f32 memrefs of N elements unless noted: the
    loss's `params` in order, then `weight`, then one gradient output per
    `grad_params` entry, then the result:

    - `target=cpu`: `loss` is a 0-d f64 memref that receives
      sum_n w_n * loss_n (the generic's iterator is a reduction), and the
      function gets `llvm.emit_c_interface` (the C ABI of docs/kernels.md);
    - `target=gpu`: `wloss` is a 1-D f32 memref of the per-token terms
      w_n * loss_n (the iterator is parallel; the caller sums them).

    Tokens with weight 0 (padding) contribute 0 to the loss and get
    gradient 0 even where the body is not finite there, as the
    interpreter's masked reduction. The body is computed on tensors
    (`bufferization.to_tensor` of the arguments, written back with
    `bufferization.materialize_in_destination`), so one-shot bufferization
    writes the outputs in place. A loss without a backward is an error.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"cpu\"",
           "cpu (fused reduction, C interface) or gpu (per-token terms)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // R1_CONVERSION_PASSES_TD
