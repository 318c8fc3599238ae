//===- WeightLayout.h - Where a .gfm keeps each weight -------------*- C++
//-*-===//
//
// Private to GeflowTarget: the weight blob and external weight files of a
// .gfm (WeightLayout.cpp), read by the program writer (GfmWriter.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_TARGET_WEIGHTLAYOUT_H
#define GEFLOW_LIB_TARGET_WEIGHTLAYOUT_H

#include "geflow/Target/GfmWriter.h"

#include "dialects/npu/IR/NPUOps.h"

#include "proto/gfm.pb.h"
#include "llvm/ADT/DenseMap.h"

#include <vector>

namespace geflow::target {

/// A planned buffer as the file records it.
gfm::Buffer toBuffer(npu::BufferAttr b);

/// Where each weight placement (of npu-layout-weights) lands in the file.
/// Without external weights that is the placement itself; with them, large
/// weights go to external files and the rest is compacted in the blob.
class WeightLayout {
public:
  mlir::LogicalResult build(mlir::ModuleOp module, uint64_t blobSize,
                            const GfmWriteOptions &options, gfm::Model &model);
  gfm::Buffer buffer(npu::BufferAttr placement) const;
  const std::vector<uint8_t> &blob() const { return blob_; }

private:
  struct Place {
    gfm::Region region;
    uint32_t slot;
    uint64_t offset;
  };
  bool remapped_ = false;
  /// By the placement's blob offset and size (equal weights share one
  /// placement; an empty weight may sit at the next one's offset).
  llvm::DenseMap<std::pair<uint64_t, uint64_t>, Place> places_;
  std::vector<uint8_t> blob_;
};

} // namespace geflow::target

#endif
