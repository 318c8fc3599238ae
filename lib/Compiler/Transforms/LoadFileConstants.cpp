//===- LoadFileConstants.cpp - Load external weights into the graph -------===//
#include "lib/Compiler/Transforms/Passes.h"

#include "dialects/ge/IR/GEOps.h"
#include "dialects/ge/IR/GEUtils.h"
#include "geflow/Frontend/WeightPaths.h"
#include "geflow/Support/InputLimits.h"

#include "llvm/Support/MemoryBuffer.h"

namespace geflow {
#define GEN_PASS_DEF_GELOADFILECONSTANTS
#include "lib/Compiler/Transforms/Passes.h.inc"
} // namespace geflow

using namespace mlir;

namespace geflow {
namespace {

LogicalResult loadOne(ge::FileConstantOp op, StringRef modelDir) {
  std::string error;
  auto path = frontend::resolveWeightFile(modelDir, op.getFilePath(), error);
  if (failed(path))
    return op.emitOpError() << error;
  auto type = cast<RankedTensorType>(op.getType());
  uint64_t bytes =
      type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8);
  // Regular files only: a FIFO or device named by the model must not hang.
  auto file = readInputFile(*path, UINT64_MAX, error,
                            /*requiresNullTerminator=*/false);
  if (!file)
    return op.emitOpError()
           << "cannot read weight file '" << op.getFilePath() << "': " << error;
  uint64_t size = file->getBufferSize(), offset = op.getOffset();
  if (offset > size || size - offset < bytes)
    return op.emitOpError() << "weight file '" << op.getFilePath() << "' has "
                            << size << " bytes; " << type << " needs " << bytes
                            << " bytes at offset " << offset;
  ArrayRef<char> data(file->getBufferStart() + offset, bytes);
  OpBuilder b(op);
  auto cst = ge::ConstOp::create(
      b, op.getLoc(), type, ge::makeElementsAttr(type, data, op.getFilePath()));
  op.replaceAllUsesWith(cst.getResult());
  op.erase();
  return success();
}

struct GELoadFileConstants
    : public impl::GELoadFileConstantsBase<GELoadFileConstants> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<ge::FileConstantOp> ops;
    module.walk([&](ge::FileConstantOp op) { ops.push_back(op); });
    if (ops.empty())
      return;
    auto dir = module->getAttrOfType<StringAttr>(kModelDirAttr);
    if (!dir) {
      ops.front().emitOpError() << "external weights need the model's "
                                   "directory; compile the model from its file";
      return signalPassFailure();
    }
    for (ge::FileConstantOp op : ops)
      if (failed(loadOne(op, dir.getValue())))
        return signalPassFailure();
  }
};

} // namespace
} // namespace geflow
