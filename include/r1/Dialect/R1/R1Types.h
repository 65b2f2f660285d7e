//===- R1Types.h - Types of the r1 dialect --------------------*- C++ -*-===//

#ifndef R1_R1TYPES_H
#define R1_R1TYPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Types.h"

#define GET_TYPEDEF_CLASSES
#include "r1/Dialect/R1/R1OpsTypes.h.inc"

#endif // R1_R1TYPES_H
