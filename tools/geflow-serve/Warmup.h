//===- Warmup.h - Warming a version up before it serves ---------*- C++ -*-===//
//
// A version is marked available only after it has served warm-up requests
// (TF Serving's --enable_model_warmup), so the first real request does not
// pay for first touches: every gear runs once on zeros (arena, contexts,
// kernels), then one zero request of the smallest gear goes through each
// protocol's decoder, Servable::infer (the batcher included) and the
// protocol's encoder, so the codec code, the JSON parser and the request
// path's buffers are warm too.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SERVE_WARMUP_H
#define GEFLOW_SERVE_WARMUP_H

#include "Servable.h"

namespace geflow::serve {

/// Warms `servable` up; an error names the step that failed.
Status warmUpRequestPath(Servable &servable);

} // namespace geflow::serve

#endif // GEFLOW_SERVE_WARMUP_H
