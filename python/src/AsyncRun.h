//===- AsyncRun.h - A run in flight on a stream -----------------*- C++ -*-===//
//
// What Executable.run_async and Session.run_graph_with_stream_async return:
// the run's buffers and an event recorded after it. result() waits for the
// event, not the whole stream, so several runs may be in flight on one
// stream and be collected in any order.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_PYTHON_ASYNCRUN_H
#define GEFLOW_PYTHON_ASYNCRUN_H

#include "Arrays.h"
#include "Errors.h"
#include "Runtime.h"

namespace geflow::python {

/// One run enqueued by run_async: owns the bound inputs and outputs until
/// the run has finished.
class AsyncRun {
public:
  AsyncRun(std::shared_ptr<PyStream> stream, BoundTensors inputs,
           BoundTensors outputs)
      : stream_(std::move(stream)), inputs_(std::move(inputs)),
        outputs_(std::move(outputs)) {}

  /// Destroyed with the GIL held: a run still in flight is waited for first
  /// (without the GIL), so its buffers outlive it.
  ~AsyncRun() {
    if (!finished_) {
      py::gil_scoped_release release;
      (void)done_.synchronize();
    }
  }

  rt::Event &event() { return done_; }

  /// result() returns these outputs (all, as a list, unless set).
  void selectResult(std::vector<rt::TensorInfo> infos,
                    std::vector<size_t> selected, bool asDict) {
    infos_ = std::move(infos);
    selected_ = std::move(selected);
    asDict_ = asDict;
  }

  py::object result() {
    rt::Status st;
    {
      py::gil_scoped_release release;
      st = done_.synchronize();
    }
    finished_ = true;
    inputs_.keepAlive.clear();
    check(st);
    if (!infos_.empty())
      return selectedResult(infos_, selected_, asDict_, outputs_.keepAlive);
    py::list out;
    for (py::object &o : outputs_.keepAlive)
      out.append(o);
    return std::move(out);
  }

  bool done() const { return done_.query().ok(); }

  /// Waits for a partly enqueued run before its error is raised.
  void waitAfterFailure() {
    py::gil_scoped_release release;
    (void)done_.synchronize();
    finished_ = true;
  }

private:
  std::shared_ptr<PyStream> stream_;
  BoundTensors inputs_, outputs_;
  rt::Event done_;
  bool finished_ = false;
  std::vector<rt::TensorInfo> infos_;
  std::vector<size_t> selected_;
  bool asDict_ = false;
};

} // namespace geflow::python

#endif // GEFLOW_PYTHON_ASYNCRUN_H
