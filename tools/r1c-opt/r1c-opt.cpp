//===- r1c-opt.cpp - mlir-opt with the r1 dialect and its passes ---------===//

#include "r1/Conversion/Passes.h"
#include "r1/Dialect/R1/Passes.h"
#include "r1/Dialect/R1/R1Dialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  r1::registerR1PassesAndPipelines();
  r1::registerR1ConversionPassesAndPipelines();
  mlir::DialectRegistry registry;
  registry.insert<r1::R1Dialect, mlir::arith::ArithDialect,
                  mlir::math::MathDialect, mlir::func::FuncDialect>();
  r1::registerLossKernelDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "r1 optimizer driver\n", registry));
}
