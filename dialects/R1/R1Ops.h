//===- R1Ops.h - Operations of the r1 dialect -----------------*- C++ -*-===//

#ifndef R1_R1OPS_H
#define R1_R1OPS_H

#include "R1/R1Dialect.h"
#include "R1/R1Types.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OpDefinition.h"

#define GET_OP_CLASSES
#include "R1/R1Ops.h.inc"

#endif // R1_R1OPS_H
