//===- R1Dialect.h - The r1 pipeline dialect ------------------*- C++ -*-===//

#ifndef R1_R1DIALECT_H
#define R1_R1DIALECT_H

#include "mlir/IR/Dialect.h"

#include "r1/Dialect/R1/R1OpsDialect.h.inc"

#endif // R1_R1DIALECT_H
