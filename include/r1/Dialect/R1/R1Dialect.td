//===- R1Dialect.td - The r1 pipeline dialect -------------*- tablegen -*-===//

#ifndef R1_DIALECT_TD
#define R1_DIALECT_TD

include "mlir/IR/OpBase.td"

def R1_Dialect : Dialect {
  let name = "r1";
  let summary = "Pipeline IR for DeepSeek-R1-style training recipes";
  let description = [{
    The `r1` dialect holds a whole training recipe: models, tokenizer,
    datasets, rewards, losses and stages. Stage ops consume and produce SSA
    values, so the stage DAG is the use-def graph.
  }];
  let cppNamespace = "::r1";
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 0;
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

class R1_Op<string mnemonic, list<Trait> traits = []>
    : Op<R1_Dialect, mnemonic, traits>;

#endif // R1_DIALECT_TD
