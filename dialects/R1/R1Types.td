//===- R1Types.td - Types of the r1 dialect ---------------*- tablegen -*-===//

#ifndef R1_TYPES_TD
#define R1_TYPES_TD

include "R1/R1Dialect.td"
include "mlir/IR/AttrTypeBase.td"

class R1_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<R1_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

def R1_TokenizerType : R1_Type<"Tokenizer", "tokenizer"> {
  let summary = "A tokenizer";
}

#endif // R1_TYPES_TD
