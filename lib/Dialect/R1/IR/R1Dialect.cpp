//===- R1Dialect.cpp - The r1 dialect: registration, types, ops ----------===//

#include "R1/R1Dialect.h"
#include "R1/R1Ops.h"
#include "R1/R1Types.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace r1;

#include "R1/R1OpsDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "R1/R1OpsTypes.cpp.inc"

#define GET_OP_CLASSES
#include "R1/R1Ops.cpp.inc"

void R1Dialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "R1/R1OpsTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "R1/R1Ops.cpp.inc"
      >();
}
