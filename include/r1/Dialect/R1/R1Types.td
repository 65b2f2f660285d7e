//===- R1Types.td - Types of the r1 dialect ---------------*- tablegen -*-===//

#ifndef R1_TYPES_TD
#define R1_TYPES_TD

include "r1/Dialect/R1/R1Dialect.td"
include "mlir/IR/AttrTypeBase.td"

class R1_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<R1_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

def R1_TokenizerType : R1_Type<"Tokenizer", "tokenizer"> {
  let summary = "A tokenizer (chars, bytes or a HuggingFace tokenizer.json)";
}

def R1_ModelType : R1_Type<"Model", "model"> {
  let summary = "A randomly initialized model of an architecture";
  let description = [{
    `!r1.model<deepseek>` or `!r1.model<dense>`: the untrained network that a
    `r1.model` op declares. Training stages turn it into a `!r1.ckpt`.
  }];
  let parameters = (ins StringRefParameter<"architecture">:$arch);
  let assemblyFormat = "`<` custom<Keyword>($arch) `>`";
  let genVerifyDecl = 1;
}

def R1_CkptType : R1_Type<"Ckpt", "ckpt"> {
  let summary = "Trained weights of an architecture";
  let parameters = (ins StringRefParameter<"architecture">:$arch);
  let assemblyFormat = "`<` custom<Keyword>($arch) `>`";
  let genVerifyDecl = 1;
}

def R1_DatasetType : R1_Type<"Dataset", "dataset"> {
  let summary = "A dataset of one kind";
  let description = [{
    The kind says what each record holds:
    - `text`: plain text (pretraining);
    - `prompt`: a prompt with a verifiable answer (RL, rejection sampling,
      eval); its reference solution also makes it usable as text or pairs;
    - `pairs`: prompt and response pairs (SFT, distillation).
  }];
  let parameters = (ins StringRefParameter<"record kind">:$kind);
  let assemblyFormat = "`<` custom<Keyword>($kind) `>`";
  let genVerifyDecl = 1;
}

def R1_RewardType : R1_Type<"Reward", "reward"> {
  let summary = "A per-response score (a verifier or an expression of them)";
}

def R1_LossType : R1_Type<"Loss", "loss"> {
  let summary = "A per-token policy loss with its reduction";
}

def R1_AnyModelOrCkpt : AnyTypeOf<[R1_ModelType, R1_CkptType]>;

#endif // R1_TYPES_TD
