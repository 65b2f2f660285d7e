//===- R1Ops.h - Operations of the r1 dialect -----------------*- C++ -*-===//

#ifndef R1_R1OPS_H
#define R1_R1OPS_H

#include "r1/Dialect/R1/R1Dialect.h"
#include "r1/Dialect/R1/R1Types.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "r1/Dialect/R1/R1Ops.h.inc"

namespace r1 {
/// True for the ops that are stages of the recipe (pretrain, sft, grpo, ppo,
/// reject_sample, mix, distill, eval, export).
bool isStageOp(mlir::Operation *op);
/// True for stages that only consume (eval, export): the roots of liveness.
bool isSinkStageOp(mlir::Operation *op);
} // namespace r1

#endif // R1_R1OPS_H
