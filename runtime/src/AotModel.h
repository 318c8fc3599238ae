//===- AotModel.h - A generated library's model handle ----------*- C++ -*-===//
//
// The <name>_* functions of a generated library reach the runtime with the
// library's descriptor and a model handle. Two kinds of handle exist: a
// library that embeds the .gfm and runs it through the executor
// (AotGfm.cpp), and one whose task program was emitted as code
// (AotProgram.cpp). Everything past <name>_create is common (AotLibrary.cpp)
// and goes through this interface, so a code library links no .gfm reader
// (and no protobuf).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_SRC_AOTMODEL_H
#define GEFLOW_RUNTIME_SRC_AOTMODEL_H

#include "geflow/runtime/Device.h"
#include "geflow/runtime/Model.h"
#include "geflow/runtime/Stream.h"
#include "geflow/runtime/gfaot_impl.h"

#include <memory>
#include <string>
#include <vector>

namespace geflow::rt::aot {

class AotModel {
public:
  virtual ~AotModel() = default;

  const gfaot_library *lib = nullptr;
  std::shared_ptr<Device> device;

  virtual const std::vector<TensorInfo> &inputs() const = 0;
  virtual const std::vector<TensorInfo> &outputs() const = 0;
  virtual const std::vector<GearInfo> &gears() const = 0;
  virtual StatusOr<Model::Selection>
  select(const std::vector<std::vector<int64_t>> &shapes) const = 0;
  /// Runs and waits (stream null) or enqueues the run on `stream`.
  virtual Status run(Stream *stream, const std::vector<TensorRef> &in,
                     const std::vector<TensorRef> &out) = 0;
};

/// "<name>_<what>": how messages name a call of library `lib`.
std::string call(const gfaot_library *lib, const char *what);

/// The device for `options`, shared by the handles created with the same
/// options (or the process table's open device of that id).
StatusOr<std::shared_ptr<Device>> deviceFor(const gfaot_options &options);

/// Makes `model` a live handle (the common entries accept only live ones)
/// and stores it in *handle.
void publish(std::unique_ptr<AotModel> model, void **handle);

/// Runs `body` (returning Status) with exceptions turned into errors, sets
/// the thread's last error and returns the status code.
gfaot_status report(const Status &status);
template <typename Body> gfaot_status guarded(Body &&body) {
  try {
    return report(body());
  } catch (const std::bad_alloc &) {
    return report(Status(ErrorCode::kOutOfMemory, "host allocation failed"));
  } catch (const std::exception &e) {
    return report(internalError(e.what()));
  } catch (...) {
    return report(internalError("unknown exception"));
  }
}

} // namespace geflow::rt::aot

#endif // GEFLOW_RUNTIME_SRC_AOTMODEL_H
