// RUN: r1c-translate --r1-to-plan-json %s | FileCheck %s
// A LoRA sft on a pretrained model's weights: the plan names the model as
// the stage's input and emits config.lora with alpha resolved to a number
// and the targets in their order; a stage without lora has no "lora".

r1.pipeline @p {
  %t = r1.tokenizer hf "/m/tokenizer.json" digest "sha256:00"
  %m = r1.model @policy(%t) {dim = 32, layers = 1, heads = 2, ffn = 64, vocab_size = 64} from {format = "hf", path = "/m", digest = "sha256:11"} : !r1.model<dense>
  %d = r1.dataset @d task.arith {count = 4} : !r1.dataset<prompt>
  %w = r1.pretrained %m : !r1.model<dense> -> !r1.ckpt<dense>
  %s = r1.sft @tuned(%w, %d) {steps = 2, lora = {rank = 8, alpha = 16, targets = ["v", "q"]}} : (!r1.ckpt<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  %f = r1.sft @full(%s, %d) {steps = 2} : (!r1.ckpt<dense>, !r1.dataset<prompt>) -> !r1.ckpt<dense>
  r1.export @out(%f) {path = "out"} : (!r1.ckpt<dense>) -> ()
}

// CHECK-LABEL: "stages"
// CHECK: "config": {
// CHECK: "lora": {
// CHECK-NEXT: "alpha": 16,
// CHECK-NEXT: "rank": 8,
// CHECK-NEXT: "targets": [
// CHECK-NEXT: "v",
// CHECK-NEXT: "q"
// CHECK-NEXT: ]
// CHECK: "inputs": {
// CHECK-NEXT: "data": {
// CHECK-NEXT: "dataset": "d"
// CHECK-NEXT: },
// CHECK-NEXT: "init": {
// CHECK-NEXT: "model": "policy"
// CHECK: "name": "tuned"
// CHECK: "config": {
// CHECK-NOT: "lora"
// CHECK: "name": "full"
