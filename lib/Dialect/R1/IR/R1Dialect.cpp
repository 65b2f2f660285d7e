//===- R1Dialect.cpp - The r1 dialect: registration, types, directives ---===//

#include "r1/Dialect/R1/R1Dialect.h"
#include "r1/Dialect/R1/R1Ops.h"
#include "r1/Dialect/R1/R1Types.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace r1;

//===----------------------------------------------------------------------===//
// custom<Keyword>: a string printed as a bare word when it is one
//===----------------------------------------------------------------------===//

/// Prints `value` as a bare keyword (`deepseek`, `task.arith`) when it is a
/// valid identifier, else as a quoted string.
static void printKeywordOrStr(AsmPrinter &p, StringRef value) {
  p.printKeywordOrString(value);
}

/// Type form: parses a keyword or a string into `result`.
static ParseResult parseKeyword(AsmParser &parser, std::string &result) {
  return parser.parseKeywordOrString(&result);
}
static void printKeyword(AsmPrinter &p, StringRef value) {
  printKeywordOrStr(p, value);
}

/// Op form: parses a keyword or a string into a StringAttr.
static ParseResult parseKeyword(OpAsmParser &parser, StringAttr &result) {
  std::string value;
  if (parser.parseKeywordOrString(&value))
    return failure();
  result = parser.getBuilder().getStringAttr(value);
  return success();
}
static void printKeyword(OpAsmPrinter &p, Operation *, StringAttr value) {
  printKeywordOrStr(p, value.getValue());
}

#include "r1/Dialect/R1/R1OpsDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "r1/Dialect/R1/R1OpsTypes.cpp.inc"

#define GET_OP_CLASSES
#include "r1/Dialect/R1/R1Ops.cpp.inc"

void R1Dialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "r1/Dialect/R1/R1OpsTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "r1/Dialect/R1/R1Ops.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

static LogicalResult verifyArch(function_ref<InFlightDiagnostic()> emitError,
                                StringRef arch) {
  if (arch != "deepseek" && arch != "dense")
    return emitError() << "unknown architecture '" << arch
                       << "'; expected deepseek or dense";
  return success();
}

LogicalResult ModelType::verify(function_ref<InFlightDiagnostic()> emitError,
                                StringRef arch) {
  return verifyArch(emitError, arch);
}

LogicalResult CkptType::verify(function_ref<InFlightDiagnostic()> emitError,
                               StringRef arch) {
  return verifyArch(emitError, arch);
}

LogicalResult DatasetType::verify(function_ref<InFlightDiagnostic()> emitError,
                                  StringRef kind) {
  if (kind != "text" && kind != "prompt" && kind != "pairs")
    return emitError() << "unknown dataset kind '" << kind
                       << "'; expected text, prompt or pairs";
  return success();
}
