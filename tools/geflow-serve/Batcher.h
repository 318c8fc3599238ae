//===- Batcher.h - Dynamic batching of one model version --------*- C++ -*-===//
//
// TF Serving's dynamic batching: requests wait in a bounded queue and are
// merged, in arrival order, into batches of at most max_batch_size rows;
// a batch starts when it is full or when its first request has waited
// batch_timeout_micros. num_batch_threads batches run at once (each on its
// own stream). A full queue refuses the request (429 / RESOURCE_EXHAUSTED)
// instead of growing; a request whose deadline passes while queued is
// answered DEADLINE_EXCEEDED without running.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SERVE_BATCHER_H
#define GEFLOW_SERVE_BATCHER_H

#include "Tensor.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace geflow::serve {

using Clock = std::chrono::steady_clock;

/// TF Serving's batching parameters (--batching_parameters_file).
struct BatchingOptions {
  bool enabled = false;
  /// 0: the model's largest batch gear.
  int64_t maxBatchSize = 0;
  int64_t batchTimeoutMicros = 1000;
  int64_t maxEnqueuedBatches = 64;
  int64_t numBatchThreads = 2;
};

/// One request waiting for its rows.
struct BatchJob {
  std::vector<Tensor> *inputs = nullptr;
  int64_t rows = 0;
  Clock::time_point deadline;
  Clock::time_point enqueued;
  Result<std::vector<Tensor>> result = Status();
  bool done = false;
};

class Batcher {
public:
  /// Runs one batch and sets every job's result.
  using RunBatch = std::function<void(std::vector<BatchJob *> &)>;
  Batcher(const BatchingOptions &options, int64_t maxBatchSize, RunBatch run);
  /// Runs what is queued, then stops the threads.
  ~Batcher();

  /// Queues the job and waits for its result (in job.result).
  void submit(BatchJob &job);
  int64_t queuedRows() const;
  int64_t maxBatchSize() const { return maxBatchSize_; }

private:
  void loop();

  BatchingOptions options_;
  int64_t maxBatchSize_;
  RunBatch run_;
  mutable std::mutex mu_;
  std::condition_variable work_, finished_;
  std::deque<BatchJob *> queue_;
  int64_t queuedRows_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

} // namespace geflow::serve

#endif // GEFLOW_SERVE_BATCHER_H
