//===- Runtime.h - Devices, streams and events for Python -------*- C++ -*-===//
//
// Python uses the runtime's process-wide device table: the extension opens a
// device on first use and keeps it open for the life of the process, so
// executables, streams and sessions all share one virtual NPU per id and
// geflow.finalize() never closes it under them.
//
// A geflow.Stream is a C API stream (gfrtCreateStream), so it can be handed
// both to Executable.run_async (through its C++ object) and to the Session's
// RunGraphWithStreamAsync (through its handle).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_PYTHON_RUNTIME_H
#define GEFLOW_PYTHON_RUNTIME_H

#include "geflow/runtime/Device.h"
#include "geflow/runtime/Event.h"
#include "geflow/runtime/Stream.h"
#include "geflow/runtime/gfrt.h"

#include <pybind11/pybind11.h>

#include <memory>

namespace geflow::python {

namespace py = pybind11;

/// Device `id`, opened (and made current on the calling thread) if needed.
std::shared_ptr<rt::Device> getDevice(int32_t id);

/// The device geflow.set_device chose for the calling thread (0 until then):
/// where load, compile and Stream put work without a device id.
int32_t currentDevice();

class PyStream {
public:
  explicit PyStream(int32_t deviceId);
  ~PyStream();
  PyStream(const PyStream &) = delete;
  PyStream &operator=(const PyStream &) = delete;

  const std::shared_ptr<rt::Stream> &stream() const { return stream_; }
  gfrtStream handle() const { return handle_; }
  int32_t deviceId() const { return deviceId_; }

private:
  int32_t deviceId_;
  gfrtStream handle_ = nullptr;
  std::shared_ptr<rt::Stream> stream_;
};

/// The stream run_async uses when none is given (one per device, created on
/// first use).
std::shared_ptr<PyStream> defaultStream(int32_t deviceId);

void bindRuntime(py::module_ &m);

} // namespace geflow::python

#endif // GEFLOW_PYTHON_RUNTIME_H
