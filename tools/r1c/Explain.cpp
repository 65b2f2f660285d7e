//===- Explain.cpp - r1c explain: stage DAG and cost tables --------------===//

#include "CompileCommands.h"
#include "CompileSupport.h"

#include "r1/Dialect/R1/ModelMath.h"
#include "r1/Dialect/R1/Passes.h"
#include "r1/Dialect/R1/R1Schema.h"
#include "r1/Dialect/R1/RecipeAnalysis.h"

#include "llvm/Support/Format.h"

using namespace mlir;
using namespace r1;
using namespace r1::driver;

namespace {
/// 1234567 -> "1.23M" (SI prefixes; "-" for unknown).
std::string human(double v, StringRef unit = "") {
  if (v < 0)
    return "-";
  static const char *const prefixes[] = {"", "K", "M", "G", "T", "P", "E"};
  unsigned i = 0;
  while (v >= 1000 && i + 1 < std::size(prefixes)) {
    v /= 1000;
    ++i;
  }
  std::string s;
  llvm::raw_string_ostream os(s);
  if (i == 0)
    os << llvm::format("%.0f", v);
  else
    os << llvm::format(v < 10 ? "%.2f" : "%.1f", v);
  os << prefixes[i] << unit;
  return s;
}

/// Prints rows as a table with left-aligned first columns and
/// right-aligned numbers, under a header row and a rule.
void printTable(llvm::raw_ostream &os, ArrayRef<std::vector<std::string>> rows,
                unsigned leftColumns) {
  std::vector<size_t> width;
  for (const auto &row : rows)
    for (size_t i = 0; i < row.size(); ++i) {
      if (width.size() <= i)
        width.push_back(0);
      width[i] = std::max(width[i], row[i].size());
    }
  for (size_t r = 0; r < rows.size(); ++r) {
    os << "  ";
    for (size_t i = 0; i < rows[r].size(); ++i) {
      if (i)
        os << "  ";
      if (i < leftColumns)
        os << llvm::left_justify(rows[r][i], width[i]);
      else
        os << llvm::right_justify(rows[r][i], width[i]);
    }
    os << "\n";
    if (r == 0) {
      size_t total = 0;
      for (size_t w : width)
        total += w + 2;
      os << "  " << std::string(total - 2, '-') << "\n";
    }
  }
}

int64_t intAttr(Operation *op, StringRef name) {
  if (auto a = op->getAttrOfType<IntegerAttr>(name))
    return a.getInt();
  return -1;
}
} // namespace

LogicalResult driver::runExplain(llvm::SourceMgr &sourceMgr,
                                 MLIRContext &context, llvm::raw_ostream &os) {
  auto module = compileModule(sourceMgr, context, /*optimize=*/true);
  if (failed(module))
    return failure();
  for (PipelineOp p : (*module)->getOps<PipelineOp>()) {
    os << "pipeline " << p.getSymName() << " (seed " << p.getSeed() << ")\n\n";
    os << "models (KV cache per token per layer in bf16):\n";
    std::vector<std::vector<std::string>> rows = {
        {"model", "arch", "params", "active", "FLOPs/token", "KV cache",
         "MHA equiv.", "saving"}};
    for (ModelOp m : p.getBodyBlock().getOps<ModelOp>()) {
      int64_t kv = intAttr(m, "r1.kv_bytes_per_token_layer");
      int64_t mha = intAttr(m, "r1.mha_kv_bytes_per_token_layer");
      std::string saving = "-";
      if (kv > 0 && mha > 0) {
        llvm::raw_string_ostream s(saving);
        saving.clear();
        s << llvm::format("%.1fx", double(mha) / double(kv));
      }
      rows.push_back({m.getSymName().str(), m.getArch().str(),
                      human(intAttr(m, "r1.params")),
                      human(intAttr(m, "r1.active_params")),
                      human(intAttr(m, "r1.flops_per_token")),
                      kv < 0 ? "-" : std::to_string(kv) + " B",
                      mha < 0 ? "-" : std::to_string(mha) + " B", saving});
    }
    printTable(os, rows, 2);

    os << "\nstages (topological order; estimates are upper bounds):\n";
    rows = {{"stage", "kind", "key", "inputs", "tokens", "FLOPs"}};
    for (Operation &op : p.getBodyBlock()) {
      if (!isStageOp(&op))
        continue;
      std::string inputs;
      for (Value v : op.getOperands()) {
        StringRef name = getDefName(v); // a pretrained model's own name
        if (name == "?")
          continue; // reward expressions
        inputs += (inputs.empty() ? "" : ", ") + name.str();
      }
      double flops = double(intAttr(&op, "r1.flops"));
      rows.push_back({op.getAttrOfType<StringAttr>("sym_name").str(),
                      op.getName().stripDialect().str(),
                      getArtifactKey(&op).take_front(12).str(), inputs,
                      human(intAttr(&op, "r1.tokens")), human(flops)});
    }
    printTable(os, rows, 4);

    // LoRA stages train only their adapters.
    rows = {{"stage", "rank", "alpha", "targets", "adapters", "trainable",
             "of model"}};
    for (Operation &op : p.getBodyBlock()) {
      DictionaryAttr lora = isStageOp(&op)
                                ? getDict(getResolvedConfig(&op), "lora")
                                : DictionaryAttr();
      if (!lora)
        continue;
      std::string targets;
      if (auto arr = dyn_cast_or_null<ArrayAttr>(lora.get("targets")))
        for (Attribute t : arr)
          if (auto s = dyn_cast<StringAttr>(t))
            targets += (targets.empty() ? "" : ",") + s.getValue().str();
      int64_t trainable = intAttr(&op, "r1.trainable_params");
      ModelOp model = getRootModel(op.getOperand(0));
      int64_t total = model ? intAttr(model, "r1.params") : -1;
      std::string share = "-";
      if (trainable >= 0 && total > 0) {
        share.clear();
        llvm::raw_string_ostream s(share);
        s << llvm::format("%.2f%%", 100.0 * double(trainable) / double(total));
      }
      std::string alpha;
      llvm::raw_string_ostream(alpha)
          << llvm::format("%g", getFloat(lora, "alpha"));
      int64_t adapters = intAttr(&op, "r1.lora_adapters");
      rows.push_back({op.getAttrOfType<StringAttr>("sym_name").str(),
                      std::to_string(getInt(lora, "rank")), alpha, targets,
                      adapters < 0 ? "-" : std::to_string(adapters),
                      human(double(trainable)), share});
    }
    if (rows.size() > 1) {
      os << "\nLoRA stages (trainable parameters: the adapters only):\n";
      printTable(os, rows, 4);
    }
  }
  return success();
}
