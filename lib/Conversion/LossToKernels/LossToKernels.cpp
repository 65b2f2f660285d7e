//===- LossToKernels.cpp - r1-loss-to-kernels: one fused kernel per loss --===//

#include "r1/Conversion/Passes.h"
#include "r1/Dialect/R1/R1Ops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace r1 {
#define GEN_PASS_DEF_LOSSTOKERNELSPASS
#include "r1/Conversion/Passes.h.inc"
} // namespace r1

using namespace mlir;
using namespace r1;

std::string r1::lossKernelName(StringRef lossName) {
  return ("r1k_" + lossName).str();
}

namespace {
/// Builds `func.func @r1k_<loss>` for one differentiated loss.
class KernelBuilder {
public:
  KernelBuilder(LossOp loss, bool gpu)
      : loss(loss), gpu(gpu), b(loss.getContext()), loc(loss.getLoc()) {}

  void build(OpBuilder::InsertPoint ip);

private:
  /// Clones the ops of `block` (but its terminator) with its arguments
  /// mapped to `args`; returns the values its r1.yield yields.
  SmallVector<Value> inlineBlock(Block &block, ValueRange args);

  LossOp loss;
  bool gpu;
  OpBuilder b;
  Location loc;
};
} // namespace

SmallVector<Value> KernelBuilder::inlineBlock(Block &block, ValueRange args) {
  IRMapping map;
  map.map(block.getArguments(), args);
  for (Operation &op : block.without_terminator())
    b.clone(op, map);
  SmallVector<Value> out;
  for (Value v : cast<YieldOp>(block.getTerminator()).getValues())
    out.push_back(map.lookupOrDefault(v));
  return out;
}

void KernelBuilder::build(OpBuilder::InsertPoint ip) {
  MLIRContext *ctx = loss.getContext();
  Type f32 = b.getF32Type(), f64 = b.getF64Type();
  auto vec = MemRefType::get({ShapedType::kDynamic}, f32);
  auto vecT = RankedTensorType::get({ShapedType::kDynamic}, f32);
  const unsigned nParams = loss.getParams().size();
  const unsigned nGrads = loss.getGradParamsAttr().size();
  // Arguments: params..., weight, grads..., loss (cpu) or wloss (gpu).
  SmallVector<Type> argTypes(nParams + 1 + nGrads, vec);
  Type resultBuf = gpu ? Type(vec) : Type(MemRefType::get({}, f64));
  argTypes.push_back(resultBuf);

  b.restoreInsertionPoint(ip);
  auto func = func::FuncOp::create(b, loc, lossKernelName(loss.getSymName()),
                                   b.getFunctionType(argTypes, {}));
  if (!gpu)
    func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                  UnitAttr::get(ctx));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);

  auto toTensor = [&](Value buf, bool writable) {
    auto type = cast<MemRefType>(buf.getType());
    auto t = RankedTensorType::get(type.getShape(), type.getElementType());
    return bufferization::ToTensorOp::create(b, loc, t, buf,
                                             /*restrict=*/true, writable)
        .getResult();
  };
  SmallVector<Value> ins, outs;
  for (unsigned i = 0; i <= nParams; ++i)
    ins.push_back(toTensor(entry->getArgument(i), /*writable=*/false));
  for (unsigned i = nParams + 1; i < entry->getNumArguments(); ++i)
    outs.push_back(toTensor(entry->getArgument(i), /*writable=*/true));
  if (!gpu) {
    Value zero = arith::ConstantOp::create(b, loc, b.getF64FloatAttr(0.0));
    outs.back() =
        linalg::FillOp::create(b, loc, zero, outs.back()).getResult(0);
  }

  AffineMap id = b.getDimIdentityMap();
  SmallVector<AffineMap> maps(ins.size() + nGrads, id);
  maps.push_back(gpu ? id : AffineMap::get(1, 0, ctx));
  auto iter = gpu ? utils::IteratorType::parallel
                  : utils::IteratorType::reduction;
  SmallVector<Type> resultTypes(nGrads, vecT);
  resultTypes.push_back(outs.back().getType());

  auto generic = linalg::GenericOp::create(
      b, loc, resultTypes, ins, outs, maps, {iter},
      [&](OpBuilder &nb, Location, ValueRange args) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
        ValueRange params = args.take_front(nParams);
        Value w = args[nParams];
        Value perToken = inlineBlock(loss.getBody().front(), params)[0];
        SmallVector<Value> gradArgs(params);
        gradArgs.push_back(w);
        SmallVector<Value> grads = inlineBlock(loss.getGrad().front(), gradArgs);
        // Padding (w == 0) contributes nothing, whatever the body gives.
        Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0));
        Value live = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE,
                                           w, zero);
        SmallVector<Value> yields;
        for (Value g : grads)
          yields.push_back(arith::SelectOp::create(b, loc, live, g, zero));
        if (gpu) {
          Value term = arith::MulFOp::create(b, loc, w, perToken);
          yields.push_back(arith::SelectOp::create(b, loc, live, term, zero));
        } else {
          Value wide = arith::ExtFOp::create(b, loc, f64, perToken);
          Value wideW = arith::ExtFOp::create(b, loc, f64, w);
          Value term = arith::MulFOp::create(b, loc, wideW, wide);
          Value zero64 =
              arith::ConstantOp::create(b, loc, b.getF64FloatAttr(0.0));
          term = arith::SelectOp::create(b, loc, live, term, zero64);
          yields.push_back(arith::AddFOp::create(b, loc, args.back(), term));
        }
        linalg::YieldOp::create(b, loc, yields);
      });

  for (auto [result, buf] :
       llvm::zip(generic.getResults(),
                 entry->getArguments().drop_front(nParams + 1))) {
    auto m = bufferization::MaterializeInDestinationOp::create(b, loc, result,
                                                                buf);
    m.setRestrict(true);
    m.setWritable(true);
  }
  func::ReturnOp::create(b, loc);
}

namespace {
struct LossToKernelsPass
    : public r1::impl::LossToKernelsPassBase<LossToKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (target != "cpu" && target != "gpu") {
      getOperation().emitError()
          << "r1-loss-to-kernels: unknown target '" << target
          << "'; expected cpu or gpu";
      return signalPassFailure();
    }
    ModuleOp module = getOperation();
    SmallVector<LossOp> losses;
    for (auto pipeline : module.getOps<PipelineOp>())
      for (auto loss : pipeline.getBodyBlock().getOps<LossOp>())
        losses.push_back(loss);
    bool ok = true;
    for (LossOp loss : losses) {
      if (loss.getGrad().empty() || !loss.getGradParamsAttr()) {
        loss.emitOpError() << "has no backward; run r1-differentiate-loss "
                              "before r1-loss-to-kernels";
        ok = false;
        continue;
      }
      if (module.lookupSymbol(lossKernelName(loss.getSymName()))) {
        loss.emitOpError() << "kernel '" << lossKernelName(loss.getSymName())
                           << "' already exists in the module";
        ok = false;
        continue;
      }
      OpBuilder end(module.getBodyRegion());
      end.setInsertionPointToEnd(module.getBody());
      KernelBuilder(loss, target == "gpu").build(end.saveInsertionPoint());
    }
    if (!ok)
      signalPassFailure();
  }
};
} // namespace
