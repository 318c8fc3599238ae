//===- OutputCheck.cpp - A compile's output must load ---------------------===//
#include "OutputCheck.h"

#include "dialects/npu/IR/NPUOps.h"
#include "geflow/runtime/Gfm.h"
#include "geflow/runtime/Model.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace geflow {

// The name with its bytes above 0x7f escaped (printing it raw would carry
// the invalid bytes into the message).
static std::string escaped(StringRef name) {
  std::string out;
  llvm::raw_string_ostream os(out);
  os.write_escaped(name, /*UseHexEscapes=*/true);
  return out;
}

static StringRef nameOf(Location loc) {
  if (auto fused = dyn_cast<FusedLoc>(loc))
    if (!fused.getLocations().empty())
      loc = fused.getLocations().front();
  if (auto named = dyn_cast<NameLoc>(loc))
    return named.getName().getValue();
  return "";
}

LogicalResult checkGfmNames(ModuleOp module, const std::string &modelName) {
  auto bad =
      [&](Location loc, StringRef what, StringRef name) {
        return emitError(loc)
                   << what << " '" << escaped(name)
                   << "' is not valid UTF-8, which the .gfm's names must be",
               failure();
      };
  if (!llvm::json::isUTF8(modelName))
    return bad(module.getLoc(), "the model name", modelName);
  for (npu::ProgramOp program : module.getOps<npu::ProgramOp>()) {
    for (unsigned i = 0; i < program.getNumArguments(); ++i)
      if (auto name = program.getArgAttrOfType<StringAttr>(i, "ge.name"))
        if (!llvm::json::isUTF8(name.getValue()))
          return bad(program.getLoc(), "input name", name.getValue());
    for (unsigned i = 0; i < program.getNumResults(); ++i)
      if (auto name = program.getResultAttrOfType<StringAttr>(i, "ge.name"))
        if (!llvm::json::isUTF8(name.getValue()))
          return bad(program.getLoc(), "output name", name.getValue());
    WalkResult walk = program.walk([&](Operation *op) {
      StringRef name = nameOf(op->getLoc());
      if (!llvm::json::isUTF8(name)) {
        (void)bad(op->getLoc(), "node name", name);
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();
  }
  return success();
}

LogicalResult checkGfmLoads(ModuleOp module, const std::vector<uint8_t> &bytes,
                            const std::string &modelName, bool gearPadding) {
  auto file = rt::GfmFile::fromBytes(bytes.data(), bytes.size(), modelName);
  if (!file.ok())
    return emitError(module.getLoc()) << "the compiled model would not load: "
                                      << file.status().message(),
           failure();
  if (gearPadding) {
    rt::Status st = rt::checkGearPadding(**file);
    if (!st.ok())
      return emitError(module.getLoc(), st.message()), failure();
  }
  return success();
}

} // namespace geflow
