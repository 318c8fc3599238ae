//===- RunTensors.h - geflow-run's host tensors: inputs, outputs, reports -===//
#ifndef GEFLOW_TOOLS_GEFLOW_RUN_RUNTENSORS_H
#define GEFLOW_TOOLS_GEFLOW_RUN_RUNTENSORS_H

#include "geflow/runtime/Model.h"
#include "geflow/runtime/Status.h"

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace geflow::run {

struct FreeDeleter {
  void operator()(uint8_t *p) const { std::free(p); }
};

/// A tensor in 64-byte aligned host memory (kernels read and write it in
/// place: the executor binds it zero-copy).
struct HostTensor {
  std::string name;
  rt::DType dtype = rt::DType::F32;
  rt::Format format = rt::Format::ND;
  std::vector<int64_t> shape;
  uint64_t bytes = 0;
  std::unique_ptr<uint8_t, FreeDeleter> data;
  /// String tensors: the bytes their elements point at (inputs: read from
  /// the .npy file; outputs: where a run keeps its strings).
  std::shared_ptr<rt::StringStore> strings;

  rt::TensorRef ref() const {
    return {data.get(), bytes, dtype, shape, strings.get()};
  }
};

/// A zero-filled tensor of `info`'s dtype, format and shape.
rt::StatusOr<HostTensor> allocateTensor(const rt::TensorInfo &info);

/// The model's inputs: read from the .npy files named in `files` (input
/// name -> path; every input or none), or random when `files` is empty
/// (deterministic for `seed`; geared dims take gear 0's). Lines for the
/// user (what was generated) are appended to `notes`.
rt::StatusOr<std::vector<HostTensor>>
prepareInputs(const rt::Model &model,
              const std::map<std::string, std::string> &files, uint32_t seed,
              std::vector<std::string> *notes);

/// Multi-line summary of an output: dtype, shape, first values, range and,
/// for float vectors and matrices, the top 5 (of row 0).
std::string summarize(const HostTensor &t);

/// "min 0.123 ms, median 0.130 ms, max 0.400 ms; mean 0.140 ms, p90 0.200 ms,
/// p99 0.400 ms; 7142.9 inferences/s" of `ms` (not empty; nearest-rank
/// percentiles). The throughput is the runs over `wallSeconds` (the timed
/// phase, runs overlapping when concurrent), else over the latencies' sum.
std::string latencySummary(std::vector<double> ms, double wallSeconds = 0);

/// `name` made safe as a file name (path separators and other special
/// characters become '_').
std::string outputFileName(const std::string &name);

} // namespace geflow::run

#endif // GEFLOW_TOOLS_GEFLOW_RUN_RUNTENSORS_H
