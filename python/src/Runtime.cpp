//===- Runtime.cpp - Devices, streams and events for Python ---------------===//
#include "Runtime.h"
#include "Errors.h"

#include "geflow/runtime/Interop.h"

#include <pybind11/stl.h>

#include <map>
#include <mutex>
#include <optional>
#include <set>

namespace geflow::python {

std::shared_ptr<rt::Device> getDevice(int32_t id) {
  // setDevice takes a reference and sets the calling thread's current device
  // (which the C API creates streams on). Once per thread and device: the
  // references are never dropped, so the device outlives everything Python
  // holds on it.
  thread_local std::set<int32_t> setOnThisThread;
  auto current = rt::getCurrentDeviceId();
  if (!setOnThisThread.count(id) || !current.ok() || *current != id) {
    check(rt::setDevice(id));
    setOnThisThread.insert(id);
  }
  return unwrap(rt::getOpenDevice(id));
}

namespace {
thread_local int32_t tlsPythonDevice = 0;
} // namespace

int32_t currentDevice() { return tlsPythonDevice; }

PyStream::PyStream(int32_t deviceId) : deviceId_(deviceId) {
  getDevice(deviceId);
  if (gfrtCreateStream(&handle_) != GFRT_SUCCESS)
    throw StatusError(rt::internalError(
        std::string("cannot create a stream: ") + gfrtGetLastErrorMessage()));
  stream_ = unwrap(rt::streamFromHandle(handle_));
}

PyStream::~PyStream() {
  // The C++ stream lives on while runs in flight hold it; its destructor
  // waits for its queued work, which never needs the GIL.
  (void)gfrtDestroyStream(handle_);
  if (stream_ && PyGILState_Check()) {
    py::gil_scoped_release release;
    stream_.reset();
  }
}

std::shared_ptr<PyStream> defaultStream(int32_t deviceId) {
  static std::mutex mu;
  // Leaked on purpose: destroying streams at process exit could wait on
  // AI cores that are already gone.
  static auto *streams = new std::map<int32_t, std::shared_ptr<PyStream>>();
  std::lock_guard<std::mutex> lock(mu);
  std::shared_ptr<PyStream> &s = (*streams)[deviceId];
  if (!s)
    s = std::make_shared<PyStream>(deviceId);
  return s;
}

namespace {

bool notReady(const rt::Status &st) {
  return st.code() == rt::ErrorCode::kNotReady;
}

} // namespace

void bindRuntime(py::module_ &m) {
  m.def("get_device_count", &rt::getDeviceCount,
        "Number of device ids the runtime has (aclrtGetDeviceCount); "
        "GEFLOW_DEVICE_COUNT / GEFLOW_DEVICE_CORES split the host's cores "
        "into several.");
  m.def(
      "set_device",
      [](int32_t id) {
        check(rt::deviceEnvironmentStatus());
        getDevice(id);
        tlsPythonDevice = id;
      },
      py::arg("device_id"), R"doc(
Makes `device_id` the calling thread's device (aclrtSetDevice): geflow.load,
geflow.compile (without ge.exec.deviceId) and geflow.Stream() use it from now
on. Each device owns its own AI cores and memory; see docs/distributed.md.
)doc");
  m.def(
      "get_device", [] { return tlsPythonDevice; },
      "The calling thread's device (geflow.set_device; 0 by default).");
  m.def(
      "get_mem_info",
      [](std::optional<int32_t> id) {
        rt::MemoryStats stats =
            getDevice(id.value_or(tlsPythonDevice))->allocator().stats();
        uint64_t used = stats.inUse + stats.cached;
        return py::make_tuple(stats.limit > used ? stats.limit - used : 0,
                              stats.limit);
      },
      py::arg("device_id") = py::none(),
      "(free, total) bytes of a device's memory (aclrtGetMemInfo); default: "
      "the thread's device.");
  m.def(
      "core_stats",
      [](std::optional<int32_t> id) {
        py::list cores;
        for (const rt::CoreStats &c :
             getDevice(id.value_or(tlsPythonDevice))->coreStats()) {
          py::dict d;
          d["busy_ns"] = c.busyNs;
          d["work_items"] = c.workItems;
          d["pickup_ns"] = c.pickupNs;
          d["sleeps"] = c.sleeps;
          d["wake_ns"] = c.wakeNs;
          cores.append(d);
        }
        return cores;
      },
      py::arg("device_id") = py::none(), R"doc(
Per AI core of a device (default: the thread's), what it did since the device
opened (rt::Device::coreStats): busy_ns (running tasks or blocks, not polling),
work_items taken from the queue and their summed queue wait pickup_ns, sleeps
(futex waits) and summed wake-up latency wake_ns. Subtract two readings to look
at one stretch of time.
)doc");
  m.def(
      "get_device_properties",
      [](int32_t id) {
        rt::DeviceProperties p = unwrap(rt::getDeviceProperties(id));
        py::dict d;
        d["device_id"] = p.id;
        d["soc_name"] = p.socName;
        d["ai_core_count"] = p.aiCoreCount;
        d["cpus"] = p.cpus;
        d["total_memory"] = p.totalMemory;
        return d;
      },
      py::arg("device_id"),
      "A device's soc name, AI core count, host CPUs (empty: not pinned) "
      "and memory size.");
  py::class_<PyStream, std::shared_ptr<PyStream>>(m, "Stream", R"doc(
An in-order queue of work on the virtual NPU (ACL's aclrtStream).

run_async() enqueues on a stream and returns at once; work on one stream runs
in order, work on different streams runs concurrently. Events order work across
streams. A failure of a task shows at the next synchronize() of the stream
(which also clears it); until then the stream's later tasks are skipped.
)doc")
      .def(py::init([](std::optional<int32_t> id) {
             return std::make_shared<PyStream>(id.value_or(currentDevice()));
           }),
           py::arg("device_id") = py::none())
      .def(
          "synchronize",
          [](PyStream &s) {
            rt::Status st;
            {
              py::gil_scoped_release release;
              st = s.stream()->synchronize();
            }
            check(st);
          },
          "Waits for the stream's work; raises the first failure of a task.")
      .def(
          "query",
          [](PyStream &s) {
            rt::Status st = s.stream()->query();
            if (!st.ok() && !notReady(st))
              check(st);
            return st.ok();
          },
          "True when every task enqueued so far has finished.")
      .def(
          "wait_event",
          [](PyStream &s, std::shared_ptr<rt::Event> e) {
            check(s.stream()->waitEvent(*e));
          },
          py::arg("event"),
          "Makes the stream's later work wait for the event's latest record.")
      .def(
          "record_event",
          [](PyStream &s, std::shared_ptr<rt::Event> e) {
            check(s.stream()->recordEvent(*e));
          },
          py::arg("event"), "Records `event` at this point of the stream.")
      .def_property_readonly("id", [](PyStream &s) { return s.stream()->id(); })
      .def_property_readonly("device_id", &PyStream::deviceId)
      .def("__repr__", [](PyStream &s) {
        return "<geflow.Stream " + std::to_string(s.stream()->id()) +
               " on device " + std::to_string(s.deviceId()) + ">";
      });

  py::class_<rt::Event, std::shared_ptr<rt::Event>>(m, "Event", R"doc(
A point in a stream (ACL's aclrtEvent): record it on a stream, wait for it on
the host (synchronize) or on another stream (Stream.wait_event), and time the
work between two events (elapsed_time).
)doc")
      .def(py::init<>())
      .def(
          "record",
          [](std::shared_ptr<rt::Event> e, std::shared_ptr<PyStream> s) {
            if (!s)
              s = defaultStream(0);
            check(s->stream()->recordEvent(*e));
          },
          py::arg("stream") = nullptr,
          "Records the event on `stream` (default: device 0's default stream).")
      .def(
          "synchronize",
          [](rt::Event &e) {
            rt::Status st;
            {
              py::gil_scoped_release release;
              st = e.synchronize();
            }
            check(st);
          },
          "Waits until the latest record has been reached; raises the failure "
          "it carries, if any.")
      .def(
          "query",
          [](rt::Event &e) {
            rt::Status st = e.query();
            if (!st.ok() && !notReady(st))
              check(st);
            return st.ok();
          },
          "True once every record enqueued so far has been reached.")
      .def(
          "elapsed_time",
          [](rt::Event &start, rt::Event &end) {
            return unwrap(rt::Event::elapsedMs(start, end));
          },
          py::arg("end"),
          "Milliseconds from this event's latest record to `end`'s (both must "
          "have been reached).");
}

} // namespace geflow::python
