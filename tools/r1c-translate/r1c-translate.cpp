//===- r1c-translate.cpp - mlir-translate with the r1 translations --------===//
//
//   r1c-translate --r1-to-plan-json [--r1-source-dir=DIR] FILE.mlir
//
// prints plan.json of a pipeline already through r1-compile-pipeline
// (`r1c FILE.r1p --emit=mlir`), so the plan writer is tested from IR.
//
//===----------------------------------------------------------------------===//

#include "r1/Target/PlanWriter.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  r1::registerToPlanJsonTranslation();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "r1 translation driver\n"));
}
