//===- Batcher.cpp - Dynamic batching of one model version ----------------===//
#include "Batcher.h"

namespace geflow::serve {

Batcher::Batcher(const BatchingOptions &options, int64_t maxBatchSize,
                 RunBatch run)
    : options_(options), maxBatchSize_(maxBatchSize), run_(std::move(run)) {
  int64_t threads = options.numBatchThreads > 0 ? options.numBatchThreads : 1;
  for (int64_t i = 0; i < threads; ++i)
    threads_.emplace_back([this] { loop(); });
}

Batcher::~Batcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_.notify_all();
  for (std::thread &t : threads_)
    t.join();
}

int64_t Batcher::queuedRows() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queuedRows_;
}

void Batcher::submit(BatchJob &job) {
  if (job.rows > maxBatchSize_) {
    job.result = invalidArgument("the request has " + std::to_string(job.rows) +
                                 " rows, more than max_batch_size " +
                                 std::to_string(maxBatchSize_));
    return;
  }
  std::unique_lock<std::mutex> lock(mu_);
  int64_t capacity = options_.maxEnqueuedBatches * maxBatchSize_;
  if (stopping_) {
    job.result = Status(Code::kUnavailable, "the model version is unloading");
    return;
  }
  if (queuedRows_ + job.rows > capacity) {
    job.result =
        Status(Code::kResourceExhausted,
               "the batching queue is full (" + std::to_string(queuedRows_) +
                   " rows waiting, max_enqueued_batches " +
                   std::to_string(options_.maxEnqueuedBatches) + ")");
    return;
  }
  job.enqueued = Clock::now();
  queue_.push_back(&job);
  queuedRows_ += job.rows;
  work_.notify_one();
  finished_.wait(lock, [&] { return job.done; });
}

void Batcher::loop() {
  auto timeout = std::chrono::microseconds(options_.batchTimeoutMicros);
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty())
      return; // stopping with nothing left
    // Wait for a full batch or the first request's timeout.
    Clock::time_point start = queue_.front()->enqueued + timeout;
    while (!stopping_ && queuedRows_ < maxBatchSize_ && !queue_.empty() &&
           Clock::now() < start)
      work_.wait_until(lock, start);
    if (queue_.empty())
      continue; // another thread took them
    std::vector<BatchJob *> batch, expired;
    int64_t rows = 0;
    Clock::time_point now = Clock::now();
    while (!queue_.empty() && rows + queue_.front()->rows <= maxBatchSize_) {
      BatchJob *job = queue_.front();
      queue_.pop_front();
      queuedRows_ -= job->rows;
      if (job->deadline < now) {
        expired.push_back(job);
        continue;
      }
      rows += job->rows;
      batch.push_back(job);
    }
    lock.unlock();
    for (BatchJob *job : expired)
      job->result = Status(Code::kDeadlineExceeded,
                           "the request timed out waiting for a batch");
    if (!batch.empty())
      run_(batch);
    lock.lock();
    for (BatchJob *job : expired)
      job->done = true;
    for (BatchJob *job : batch)
      job->done = true;
    finished_.notify_all();
    if (!queue_.empty())
      work_.notify_one();
  }
}

} // namespace geflow::serve
