//===- Passes.td - Passes of the r1 dialect ---------------*- tablegen -*-===//

#ifndef R1_PASSES_TD
#define R1_PASSES_TD

include "mlir/Pass/PassBase.td"

#endif // R1_PASSES_TD
