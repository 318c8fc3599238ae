//===- Servable.h - One loaded model version --------------------*- C++ -*-===//
//
// A model version the server answers with: the loaded rt::Model, its
// signature as the protocols show it, and how a request runs on it. A model
// whose gears differ only in the batch (dim 0 of every input and output,
// e.g. compiled with dynamic_batch_size) runs a request of n rows on the
// smallest gear of at least n rows, zero-padded, and answers exactly its n
// rows; with batching on, requests are merged onto those gears. A model of
// one shape-ranged gear whose only ranged dims are the batch (dim 0 of every
// input, one range, e.g. input_shape_range "x:[1~8,3,32,32]") runs any batch
// in the range as is; with batching on, requests are merged into one run of
// their total rows (zero-padded up to the range's minimum). Any other model
// runs each request on the gear that matches its shapes.
//
// Shared by the requests that use it (std::shared_ptr): when the repository
// unloads a version, it is freed only after its last request has finished.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SERVE_SERVABLE_H
#define GEFLOW_SERVE_SERVABLE_H

#include "Batcher.h"
#include "Tensor.h"

#include "geflow/runtime/Model.h"

#include <memory>
#include <optional>
#include <string>

namespace geflow::serve {

class Metrics;

class Servable {
public:
  /// Fails (naming the tensor) for a signature the protocols cannot carry:
  /// a tensor in a fractal or 5-D format.
  static Result<std::shared_ptr<Servable>>
  create(const std::string &modelName, int64_t version,
         std::unique_ptr<rt::Model> model, const BatchingOptions &batching,
         Metrics *metrics);
  ~Servable();

  const std::string &modelName() const { return modelName_; }
  int64_t version() const { return version_; }
  const Signature &signature() const { return signature_; }
  /// The batch gears (ascending), empty when the model has none.
  const std::vector<int64_t> &batchGears() const { return batchGears_; }
  /// The batch range of a model ranged in the batch only.
  struct BatchRange {
    int64_t min = 0, max = 0;
  };
  const std::optional<BatchRange> &batchRange() const { return batchRange_; }
  bool batching() const { return batcher_ != nullptr; }
  const std::vector<rt::GearInfo> &gears() const { return model_->gears(); }
  /// The gear of the smallest request: the smallest batch gear, else gear 0.
  size_t smallestGear() const {
    return gearOfBatch_.empty() ? 0 : gearOfBatch_[0];
  }
  int64_t queuedRows() const;

  /// Runs every gear once on zeros, so the first request is not slow.
  Status warmUp();

  /// `inputs` in the model's input order (checked against the signature);
  /// the outputs come back in the model's output order.
  Result<std::vector<Tensor>> infer(std::vector<Tensor> inputs,
                                    Clock::time_point deadline);

private:
  Servable(std::string modelName, int64_t version,
           std::unique_ptr<rt::Model> model, Metrics *metrics);
  void runBatch(std::vector<BatchJob *> &jobs);
  Result<std::vector<Tensor>> runExact(const std::vector<Tensor> &inputs);

  std::string modelName_;
  int64_t version_;
  std::unique_ptr<rt::Model> model_;
  Metrics *metrics_;
  Signature signature_;
  std::vector<int64_t> batchGears_;
  std::vector<size_t> gearOfBatch_; // gear index of batchGears_[i]
  std::optional<BatchRange> batchRange_;
  std::unique_ptr<Batcher> batcher_;
};

} // namespace geflow::serve

#endif // GEFLOW_SERVE_SERVABLE_H
