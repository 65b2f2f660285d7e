//===- R1Ops.td - Operations of the r1 dialect ------------*- tablegen -*-===//

#ifndef R1_OPS_TD
#define R1_OPS_TD

include "R1/R1Dialect.td"
include "R1/R1Types.td"

def R1_TokenizerOp : R1_Op<"tokenizer"> {
  let summary = "Declares the pipeline's tokenizer";
  let arguments = (ins StrAttr:$spec);
  let results = (outs R1_TokenizerType:$result);
  let assemblyFormat = "$spec attr-dict";
}

#endif // R1_OPS_TD
