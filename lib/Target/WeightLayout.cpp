//===- WeightLayout.cpp - Where a .gfm keeps each weight
//-------------------===//
#include "WeightLayout.h"

#include "dialects/ge/IR/GEUtils.h"
#include "geflow/runtime/Gfm.h"

#include "llvm/ADT/StringExtras.h"

#include <cstring>
#include <set>

using namespace mlir;
using namespace geflow::npu;

namespace geflow::target {

gfm::Buffer toBuffer(BufferAttr b) {
  gfm::Buffer out;
  out.set_region(static_cast<gfm::Region>(b.getRegion()));
  out.set_slot(b.getSlot());
  out.set_offset(b.getOffset());
  out.set_size(b.getSize());
  return out;
}

namespace {

// Copies one weight's bytes into the blob.
LogicalResult writeWeight(WeightOp w, std::vector<uint8_t> &blob) {
  if (!w.getPlacement() || !w.getValue())
    return success();
  BufferAttr place = *w.getPlacement();
  if (place.getEnd() > blob.size())
    return w.emitOpError("placement lies outside the weight blob");
  auto bytes = geflow::ge::getRawBytes(*w.getValue());
  if (failed(bytes))
    return w.emitOpError("weight data is not available");
  if (bytes->size() != place.getSize())
    return w.emitOpError() << "value has " << bytes->size()
                           << " bytes but its placement " << place.getSize();
  std::memcpy(blob.data() + place.getOffset(), bytes->data(), bytes->size());
  return success();
}

// A file name for a weight: its op's name, characters other than letters,
// digits and `_ - .` replaced, never hidden, unique among `taken`.
std::string weightFileName(WeightOp w, const std::string &prefix,
                           std::set<std::string> &taken) {
  Location loc = w.getLoc();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    if (!fused.getLocations().empty())
      loc = fused.getLocations().front();
  auto named = dyn_cast<NameLoc>(loc);
  std::string op = named ? named.getName().str() : "weight";
  std::string base = prefix.empty() ? op : prefix + "." + op;
  for (char &c : base)
    if (!llvm::isAlnum(c) && c != '_' && c != '-' && c != '.')
      c = '_';
  if (base.size() > 120) // leave room for the suffix under NAME_MAX
    base.resize(120);
  if (base.empty() || base[0] == '.')
    base = "w" + base;
  std::string name = base + ".bin";
  for (int i = 2; taken.count(name); ++i)
    name = base + "_" + std::to_string(i) + ".bin";
  taken.insert(name);
  return name;
}

} // namespace

LogicalResult WeightLayout::build(ModuleOp module, uint64_t blobSize,
                                  const GfmWriteOptions &options,
                                  gfm::Model &model) {
  if (options.externalWeightMinBytes == 0) {
    blob_.assign(blobSize, 0);
    WalkResult walked = module.walk([&](WeightOp w) {
      return failed(writeWeight(w, blob_)) ? WalkResult::interrupt()
                                           : WalkResult::advance();
    });
    return failure(walked.wasInterrupted());
  }
  if (!options.externalWeights)
    return module.emitError(
        "external weights requested without a place to put them");
  remapped_ = true;
  std::set<std::string> taken;
  uint64_t top = 0;
  WalkResult walked = module.walk([&](WeightOp w) {
    if (!w.getPlacement() || !w.getValue())
      return WalkResult::advance();
    BufferAttr place = *w.getPlacement();
    std::pair<uint64_t, uint64_t> key{place.getOffset(), place.getSize()};
    if (places_.count(key))
      return WalkResult::advance(); // shared: stored once
    auto bytes = geflow::ge::getRawBytes(*w.getValue());
    if (failed(bytes)) {
      w.emitOpError("weight data is not available");
      return WalkResult::interrupt();
    }
    if (bytes->size() != place.getSize()) {
      w.emitOpError() << "value has " << bytes->size()
                      << " bytes but its placement " << place.getSize();
      return WalkResult::interrupt();
    }
    if (bytes->size() >= options.externalWeightMinBytes) {
      std::string path =
          std::string(kExternalWeightDir) + "/" +
          weightFileName(w, options.externalWeights->prefix, taken);
      places_[key] = {gfm::EXTERNAL,
                      static_cast<uint32_t>(model.external_weights_size()), 0};
      gfm::ExternalWeight *ew = model.add_external_weights();
      ew->set_path(path);
      ew->set_length(bytes->size());
      ew->set_crc32c(rt::crc32c(bytes->data(), bytes->size()));
      options.externalWeights->files.push_back(
          {std::move(path), std::move(*bytes)});
      return WalkResult::advance();
    }
    places_[key] = {gfm::WEIGHT, 0, top};
    blob_.resize(top + bytes->size());
    std::memcpy(blob_.data() + top, bytes->data(), bytes->size());
    top = alignUp(top + bytes->size());
    blob_.resize(top);
    return WalkResult::advance();
  });
  return failure(walked.wasInterrupted());
}

gfm::Buffer WeightLayout::buffer(BufferAttr placement) const {
  gfm::Buffer out = toBuffer(placement);
  if (!remapped_)
    return out;
  // Every placed weight with a value was laid out (resolve() rejects one
  // without a value, a file_path weight, before asking).
  auto it = places_.find({placement.getOffset(), placement.getSize()});
  if (it == places_.end())
    return out;
  out.set_region(it->second.region);
  out.set_slot(it->second.slot);
  out.set_offset(it->second.offset);
  return out;
}

} // namespace geflow::target
