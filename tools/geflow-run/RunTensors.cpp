//===- RunTensors.cpp - geflow-run's inputs, outputs and summaries --------===//
#include "RunTensors.h"

#include "geflow/runtime/Half.h"
#include "geflow/runtime/Memory.h"
#include "geflow/runtime/Npy.h"
#include "geflow/runtime/Strings.h"
// Header-only scalar conversions (the runtime's own, so that random fp16 /
// bf16 inputs and printed values round exactly as the kernels do).

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <sstream>

namespace geflow::run {

using rt::DType;
using rt::Status;
using rt::StatusOr;

StatusOr<HostTensor> allocateTensor(const rt::TensorInfo &info) {
  HostTensor t;
  t.name = info.name;
  t.dtype = info.dtype;
  t.format = info.format;
  t.shape = info.shape;
  t.bytes = info.bytes;
  size_t rounded = (info.bytes + 63) / 64 * 64;
  t.data.reset(
      static_cast<uint8_t *>(std::aligned_alloc(64, rounded ? rounded : 64)));
  if (!t.data)
    return Status(rt::ErrorCode::kOutOfMemory, "cannot allocate " +
                                                   rt::formatBytes(info.bytes) +
                                                   " for '" + info.name + "'");
  std::memset(t.data.get(), 0, rounded);
  if (t.dtype == DType::String)
    t.strings = std::make_shared<rt::StringStore>();
  return t;
}

namespace {

std::string inputNames(const rt::Model &model) {
  std::string out;
  for (const rt::TensorInfo &in : model.inputs())
    out += (out.empty() ? "" : ", ") + in.name;
  return out;
}

// Floats uniform in [-1, 1), integers in [0, 4) (small enough to be valid
// indices of most gathers), bools 0/1. Derived from mt19937's raw output
// only, so the values are the same with every standard library.
/// Sets string element `i` of `t` to a copy of `s` (kept by t.strings).
Status setString(HostTensor &t, size_t i, std::string_view s) {
  StatusOr<rt::StringRef> r = t.strings->add(s);
  if (!r.ok())
    return Status(r.status().code(),
                  "input '" + t.name + "': " + r.status().message());
  rt::setStringAt(t.data.get(), i, *r);
  return Status::OK();
}

void fillRandom(HostTensor &t, uint32_t seed) {
  std::mt19937 gen(seed);
  auto uniform = [&] {
    return float(gen() >> 8) * (2.0f / 16777216.0f) - 1.0f;
  };
  size_t n = t.bytes / rt::dtypeSize(t.dtype);
  uint8_t *p = t.data.get();
  for (size_t i = 0; i < n; ++i) {
    switch (t.dtype) {
    case DType::F32: {
      float v = uniform();
      std::memcpy(p + 4 * i, &v, 4);
      break;
    }
    case DType::F16: {
      uint16_t v = rt::floatToHalf(uniform());
      std::memcpy(p + 2 * i, &v, 2);
      break;
    }
    case DType::BF16: {
      uint16_t v = rt::floatToBf16(uniform());
      std::memcpy(p + 2 * i, &v, 2);
      break;
    }
    case DType::I8:
    case DType::U8:
      p[i] = static_cast<uint8_t>(gen() % 4);
      break;
    case DType::Bool:
      p[i] = static_cast<uint8_t>(gen() & 1);
      break;
    case DType::I32: {
      int32_t v = static_cast<int32_t>(gen() % 4);
      std::memcpy(p + 4 * i, &v, 4);
      break;
    }
    case DType::I64: {
      int64_t v = static_cast<int64_t>(gen() % 4);
      std::memcpy(p + 8 * i, &v, 8);
      break;
    }
    case DType::F64: {
      double v = uniform();
      std::memcpy(p + 8 * i, &v, 8);
      break;
    }
    case DType::I16:
    case DType::U16: {
      uint16_t v = static_cast<uint16_t>(gen() % 4);
      std::memcpy(p + 2 * i, &v, 2);
      break;
    }
    case DType::U32: {
      uint32_t v = static_cast<uint32_t>(gen() % 4);
      std::memcpy(p + 4 * i, &v, 4);
      break;
    }
    case DType::U64: {
      uint64_t v = gen() % 4;
      std::memcpy(p + 8 * i, &v, 8);
      break;
    }
    case DType::String: // "s0" ... "s3": short and never over the limits
      (void)setString(t, i, "s" + std::to_string(gen() % 4));
      break;
    }
  }
}

bool isPaddedFormat(rt::Format f) {
  return f == rt::Format::NC1HWC0 || f == rt::Format::FRACTAL_Z ||
         f == rt::Format::FRACTAL_NZ;
}

StatusOr<HostTensor> readInput(const rt::TensorInfo &sig,
                               const std::string &path) {
  StatusOr<rt::NpyArray> array = rt::readNpy(path);
  if (!array.ok())
    return Status(array.status().code(),
                  "input '" + sig.name + "': " + array.status().message());
  if (!rt::npyHolds(*array, sig.dtype)) {
    std::string held = array->dtype
                           ? std::string(rt::dtypeName(*array->dtype)) + " ('" +
                                 array->descr + "')"
                           : "'" + array->descr + "'";
    return rt::invalidArgument("input '" + sig.name + "': '" + path +
                               "' holds " + held + " data, the model wants " +
                               std::string(rt::dtypeName(sig.dtype)) + " ('" +
                               rt::npyDescr(sig.dtype) + "')");
  }
  if (isPaddedFormat(sig.format))
    return rt::unsupported("input '" + sig.name + "' has format " +
                           std::string(rt::formatName(sig.format)) +
                           "; geflow-run reads .npy files only for ND, NCHW "
                           "and NHWC inputs");
  rt::TensorInfo info = sig;
  info.shape = array->shape;
  info.bytes = array->data.size();
  if (sig.dtype == DType::String) {
    StatusOr<std::vector<std::string>> strings =
        rt::npyStrings(*array, "input '" + sig.name + "': '" + path + "'");
    if (!strings.ok())
      return strings.status();
    info.bytes = strings->size() * sizeof(rt::StringRef);
    StatusOr<HostTensor> t = allocateTensor(info);
    if (!t.ok())
      return t;
    for (size_t i = 0; i < strings->size(); ++i)
      GEFLOW_RETURN_IF_ERROR(setString(*t, i, (*strings)[i]));
    return t;
  }
  StatusOr<HostTensor> t = allocateTensor(info);
  if (!t.ok())
    return t;
  if (info.bytes)
    std::memcpy(t->data.get(), array->data.data(), info.bytes);
  return t;
}

double element(const HostTensor &t, size_t i) {
  return rt::elementAsDouble(t.dtype, t.data.get(), i);
}

std::string number(double v, bool isFloat) {
  std::ostringstream os;
  if (isFloat)
    os.precision(6);
  os << v;
  return os.str();
}

} // namespace

StatusOr<std::vector<HostTensor>>
prepareInputs(const rt::Model &model,
              const std::map<std::string, std::string> &files, uint32_t seed,
              std::vector<std::string> *notes) {
  for (const auto &[name, path] : files) {
    bool known =
        std::any_of(model.inputs().begin(), model.inputs().end(),
                    [&](const rt::TensorInfo &i) { return i.name == name; });
    if (!known)
      return rt::invalidArgument("--input names '" + name +
                                 "', which is not an input of the model; its "
                                 "inputs are: " +
                                 inputNames(model));
  }
  std::vector<HostTensor> out;
  for (size_t i = 0; i < model.inputs().size(); ++i) {
    const rt::TensorInfo &sig = model.inputs()[i];
    if (!files.empty()) {
      auto it = files.find(sig.name);
      if (it == files.end())
        return rt::invalidArgument("input '" + sig.name +
                                   "' has no --input; give every input or none "
                                   "(inputs: " +
                                   inputNames(model) + ")");
      StatusOr<HostTensor> t = readInput(sig, it->second);
      if (!t.ok())
        return t.status();
      out.push_back(std::move(t.value()));
      continue;
    }
    // Geared dims (-1) take gear 0's sizes.
    rt::TensorInfo info = model.gears().front().inputs[i];
    StatusOr<HostTensor> t = allocateTensor(info);
    if (!t.ok())
      return t.status();
    fillRandom(*t, seed * 7919u + static_cast<uint32_t>(i));
    notes->push_back("input '" + sig.name + "': random " +
                     std::string(rt::dtypeName(sig.dtype)) +
                     rt::shapeToString(info.shape) + " (seed " +
                     std::to_string(seed) + ")");
    out.push_back(std::move(t.value()));
  }
  return out;
}

std::string summarize(const HostTensor &t) {
  std::ostringstream os;
  bool isFloat = rt::isFloat(t.dtype);
  size_t n = t.bytes / rt::dtypeSize(t.dtype);
  os << "output '" << t.name << "': " << rt::dtypeName(t.dtype) << " "
     << rt::shapeToString(t.shape);
  if (t.format != rt::Format::ND && t.format != rt::Format::NCHW)
    os << " (" << rt::formatName(t.format) << ")";
  os << "\n";
  if (n == 0)
    return os.str() + "  (empty)\n";
  constexpr size_t kShown = 8;
  if (t.dtype == DType::String) {
    os << "  values:";
    for (size_t i = 0; i < std::min(n, kShown); ++i) {
      std::string_view s = rt::stringAt(t.data.get(), i);
      os << " '" << s.substr(0, 32) << (s.size() > 32 ? "...'" : "'");
    }
    if (n > kShown)
      os << " ... (" << n << " strings)";
    return os.str() + "\n";
  }
  os << "  values:";
  for (size_t i = 0; i < std::min(n, kShown); ++i)
    os << " " << number(element(t, i), isFloat);
  if (n > kShown)
    os << " ... (" << n << " values)";
  os << "\n";
  double lo = INFINITY, hi = -INFINITY, sum = 0;
  size_t nans = 0;
  for (size_t i = 0; i < n; ++i) {
    double v = element(t, i);
    if (std::isnan(v)) {
      ++nans;
      continue;
    }
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += v;
  }
  os << "  min " << number(lo, isFloat) << ", max " << number(hi, isFloat)
     << ", mean " << number(n > nans ? sum / double(n - nans) : NAN, true);
  if (nans)
    os << ", " << nans << " NaN";
  os << "\n";
  // Top 5 of the last dim (of row 0 for a matrix): classifier outputs.
  if (isFloat && (t.shape.size() == 1 || t.shape.size() == 2) && nans == 0) {
    size_t cols = static_cast<size_t>(t.shape.back());
    std::vector<size_t> idx(cols);
    std::iota(idx.begin(), idx.end(), 0);
    size_t k = std::min<size_t>(5, cols);
    // Ties keep index order, so the listing is deterministic.
    std::partial_sort(idx.begin(), idx.begin() + k, idx.end(),
                      [&](size_t a, size_t b) {
                        double va = element(t, a), vb = element(t, b);
                        return va > vb || (va == vb && a < b);
                      });
    os << "  top-" << k << (t.shape.size() == 2 ? " of row 0" : "") << ":";
    for (size_t j = 0; j < k; ++j)
      os << " [" << idx[j] << "] " << number(element(t, idx[j]), true);
    os << "\n";
  }
  return os.str();
}

// Nearest-rank percentile of sorted latencies (q in (0, 1]).
static double percentile(const std::vector<double> &sorted, double q) {
  size_t rank = static_cast<size_t>(std::ceil(q * sorted.size()));
  return sorted[std::min(sorted.size(), std::max<size_t>(rank, 1)) - 1];
}

std::string latencySummary(std::vector<double> ms, double wallSeconds) {
  std::sort(ms.begin(), ms.end());
  size_t n = ms.size();
  double median = n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
  double total = std::accumulate(ms.begin(), ms.end(), 0.0);
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(3);
  os << "min " << ms.front() << " ms, median " << median << " ms, max "
     << ms.back() << " ms; mean " << total / n << " ms, p90 "
     << percentile(ms, 0.90) << " ms, p99 " << percentile(ms, 0.99) << " ms";
  os.precision(1);
  double seconds = wallSeconds > 0 ? wallSeconds : total / 1000;
  if (seconds > 0)
    os << "; " << n / seconds << " inferences/s";
  return os.str();
}

std::string outputFileName(const std::string &name) {
  std::string out = name.empty() ? "output" : name;
  for (char &c : out)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
          c == '.'))
      c = '_';
  if (out == "." || out == "..")
    out = "_";
  return out;
}

} // namespace geflow::run
