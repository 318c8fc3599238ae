//===- matrix_determinant.cpp - MatrixDeterminant on the host -------------===//
//
// GE MatrixDeterminant (ONNX Det): the determinant of each [M, M] matrix of
// x [..., M, M] by LU decomposition with partial pivoting, in double,
// rounded once to the dtype (f32, f16, bf16).
//
//===----------------------------------------------------------------------===//
#include "kernels/host/value_shaped.h"

#include <cmath>
#include <utility>

namespace geflow::kernels::host {

rt::Status hostCheckMatrixDeterminant(const std::vector<TensorDesc> &inputs,
                                      const std::vector<TensorDesc> &outputs,
                                      const AttrMap &) {
  if (inputs.size() != 1 || outputs.size() != 1)
    return invalid("MatrixDeterminant takes one input and gives one output");
  const TensorDesc &x = inputs[0], &y = outputs[0];
  if (!rt::isFloat(x.dtype) || x.dtype != y.dtype)
    return unsupported("MatrixDeterminant on the host takes f32, f16 or bf16 "
                       "and gives the same dtype");
  size_t rank = x.shape.size();
  if (rank < 2 || x.shape[rank - 1] != x.shape[rank - 2] ||
      y.shape != std::vector<int64_t>(x.shape.begin(), x.shape.end() - 2))
    return invalid("MatrixDeterminant maps [..., M, M] to [...]");
  return requirePlain("MatrixDeterminant", {x, y});
}

rt::Status hostRunMatrixDeterminant(const rt::HostCallArgs &args) {
  const TensorDesc &x = (*args.inputDescs)[0];
  int64_t m = x.shape.back();
  int64_t count =
      numElements(std::vector<int64_t>(x.shape.begin(), x.shape.end() - 2));
  std::vector<double> a(m * m);
  for (int64_t k = 0; k < count; ++k) {
    for (int64_t i = 0; i < m * m; ++i)
      a[i] = loadAsDouble(x.dtype, args.inputs[0], k * m * m + i);
    double det = 1;
    for (int64_t c = 0; c < m && det != 0; ++c) {
      int64_t pivot = c;
      for (int64_t r = c + 1; r < m; ++r)
        if (std::fabs(a[r * m + c]) > std::fabs(a[pivot * m + c]))
          pivot = r;
      if (a[pivot * m + c] == 0) {
        det = 0;
        break;
      }
      if (pivot != c) {
        for (int64_t j = 0; j < m; ++j)
          std::swap(a[c * m + j], a[pivot * m + j]);
        det = -det;
      }
      det *= a[c * m + c];
      for (int64_t r = c + 1; r < m; ++r) {
        double f = a[r * m + c] / a[c * m + c];
        for (int64_t j = c; j < m; ++j)
          a[r * m + j] -= f * a[c * m + j];
      }
    }
    storeFromDouble(x.dtype, args.outputs[0], k, det);
  }
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
