//===- GrpcCodec.h - KServe v2 gRPC messages <-> tensors --------*- C++ -*-===//
//
// ModelInferRequest to tensors (typed contents or raw_input_contents) and
// tensors to a ModelInferResponse (raw_output_contents, as Triton answers).
// Pure functions, fuzzable on their own.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_SERVE_GRPCCODEC_H
#define GEFLOW_SERVE_GRPCCODEC_H

#include "KServeCodec.h"

#include "proto/grpc_predict_v2.pb.h"

namespace geflow::serve {

Result<InferRequest>
decodeGrpcInfer(const inference::ModelInferRequest &request,
                const Signature &signature);

void encodeGrpcInfer(const std::string &modelName, int64_t version,
                     const std::string &id, const std::vector<Tensor> &outputs,
                     const std::vector<RequestedOutput> &requested,
                     inference::ModelInferResponse *response);

} // namespace geflow::serve

#endif // GEFLOW_SERVE_GRPCCODEC_H
