//===- low_precision_test_util.h - f16 / bf16 operands for kernel tests ---===//
//
// Inputs are random floats rounded to the storage dtype; references are
// computed in double from exactly those rounded values, so a kernel's error
// is its fp32 arithmetic plus the rounding of its output. With u the unit
// roundoff of the output dtype (f32 2^-24, f16 2^-11, bf16 2^-8) the tests
// accept |got - ref| <= rtol * scale + u * |ref| + atol, where scale is the
// size of what was summed (sum |x w| for products).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TEST_KERNELS_CUBE_LOW_PRECISION_TEST_UTIL_H
#define GEFLOW_TEST_KERNELS_CUBE_LOW_PRECISION_TEST_UTIL_H

#include "cube/cube_test_util.h"
#include "geflow/runtime/Half.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

namespace geflow::kernels::testing {

inline float roundTo(DType dt, float v) {
  if (dt == DType::F16)
    return geflow::rt::halfToFloat(geflow::rt::floatToHalf(v));
  if (dt == DType::BF16)
    return geflow::rt::bf16ToFloat(geflow::rt::floatToBf16(v));
  return v;
}

inline double unitRoundoff(DType dt) {
  if (dt == DType::F16)
    return std::ldexp(1.0, -11);
  if (dt == DType::BF16)
    return std::ldexp(1.0, -8);
  return std::ldexp(1.0, -24);
}

/// A tensor as a kernel reads it: `values` are the (rounded) numbers, the
/// storage holds them in `dtype`.
struct StoredTensor {
  DType dtype = DType::F32;
  std::vector<float> values;
  std::vector<uint16_t> bits; // f16 / bf16 storage

  const void *data() const {
    return dtype == DType::F32 ? static_cast<const void *>(values.data())
                               : static_cast<const void *>(bits.data());
  }
};

inline StoredTensor storedFrom(DType dt, std::vector<float> v) {
  StoredTensor t;
  t.dtype = dt;
  if (dt != DType::F32) {
    t.bits.resize(v.size());
    for (size_t i = 0; i < v.size(); ++i) {
      t.bits[i] = dt == DType::F16 ? geflow::rt::floatToHalf(v[i])
                                   : geflow::rt::floatToBf16(v[i]);
      v[i] = dt == DType::F16 ? geflow::rt::halfToFloat(t.bits[i])
                              : geflow::rt::bf16ToFloat(t.bits[i]);
    }
  }
  t.values = std::move(v);
  return t;
}

inline StoredTensor storedRandom(DType dt, size_t n, uint32_t seed,
                                 float lo = -1.f, float hi = 1.f) {
  return storedFrom(dt, randomFloats(n, seed, lo, hi));
}

/// An output buffer of n elements of `dtype` plus one guard element, all
/// NaN before the kernel runs.
class OutputBuffer {
public:
  OutputBuffer(DType dt, size_t n)
      : dtype_(dt), n_(n), buf_(allocBuffer((n + 1) * esize())) {
    for (size_t i = 0; i <= n; ++i) {
      if (dt == DType::F32) {
        float nan = std::nanf("");
        std::memcpy(buf_.get() + 4 * i, &nan, 4);
      } else {
        uint16_t nan = dt == DType::F16 ? 0x7E00 : 0x7FC0;
        std::memcpy(buf_.get() + 2 * i, &nan, 2);
      }
    }
  }
  void *data() { return buf_.get(); }
  size_t esize() const { return dtype_ == DType::F32 ? 4 : 2; }
  float at(size_t i) const {
    if (dtype_ == DType::F32) {
      float v;
      std::memcpy(&v, buf_.get() + 4 * i, 4);
      return v;
    }
    uint16_t h;
    std::memcpy(&h, buf_.get() + 2 * i, 2);
    return dtype_ == DType::F16 ? geflow::rt::halfToFloat(h)
                                : geflow::rt::bf16ToFloat(h);
  }
  std::vector<float> values() const {
    std::vector<float> v(n_);
    for (size_t i = 0; i < n_; ++i)
      v[i] = at(i);
    return v;
  }
  bool guardIntact() const { return std::isnan(at(n_)); }

private:
  DType dtype_;
  size_t n_;
  Buffer buf_;
};

/// |got - ref| <= rtol * scale + u * |ref| + atol everywhere (u: the unit
/// roundoff of the output dtype).
inline ::testing::AssertionResult
closeToRounded(const std::vector<float> &got, const std::vector<double> &ref,
               const std::vector<double> &scale, double rtol, double u,
               double atol) {
  return withinBounds(got.data(), ref, [&](size_t i) {
    return rtol * scale[i] + u * std::fabs(ref[i]) + atol;
  });
}

/// The bound a test holds a result to: |got - ref| <= rtol * scale + atol,
/// plus u * |ref| (u: the unit roundoff of the output dtype) when
/// `plusOutputRounding`. The f16/bf16 tests allow that one rounding of the
/// result; the fp32 tests hold their f32 outputs to the bound without it.
struct Tolerance {
  double rtol = 0, atol = 0;
  bool plusOutputRounding = false;
};

inline ::testing::AssertionResult
withinTolerance(const std::vector<float> &got, const std::vector<double> &ref,
                const std::vector<double> &scale, const Tolerance &tol,
                DType outputDtype) {
  if (!tol.plusOutputRounding)
    return allClose(got.data(), ref, scale, tol.rtol, tol.atol);
  return closeToRounded(got, ref, scale, tol.rtol, unitRoundoff(outputDtype),
                        tol.atol);
}

/// The storage cases every f16/bf16 test covers: input dtype, output dtype
/// (the same or f32, as with cube_fp16in_fp32out).
struct DtypeCase {
  DType in, out;
  std::string label() const {
    return std::string(rt::dtypeName(in)) + "->" +
           std::string(rt::dtypeName(out));
  }
};
inline const std::vector<DtypeCase> &lowPrecisionCases() {
  static const std::vector<DtypeCase> cases = {{DType::F16, DType::F16},
                                               {DType::F16, DType::F32},
                                               {DType::BF16, DType::BF16},
                                               {DType::BF16, DType::F32}};
  return cases;
}

/// (soc a Cube program is tiled for, ISA that runs it): every ISA on its own
/// soc (AVX-512 with and without AVX512-BF16, so bf16 runs on bf16-pair
/// panels and on fp32 panels), and pair panels tiled for AVX-512 run by the
/// units that expand them to fp32.
inline std::vector<std::pair<SocInfo, Isa>>
cubeSocsAndIsas(uint32_t cores = 2) {
  std::vector<std::pair<SocInfo, Isa>> out;
  for (Isa isa : runnableIsas()) {
    SocInfo soc = socVariant(isa, cores);
    soc.hasAvx512Bf16 = isa == Isa::AVX512;
    out.push_back({soc, isa});
  }
  if (SocInfo::host().isa == Isa::AVX512) {
    SocInfo noDot = socVariant(Isa::AVX512, cores);
    noDot.hasAvx512Bf16 = false;
    out.push_back({noDot, Isa::AVX512});
    SocInfo dot = socVariant(Isa::AVX512, cores);
    dot.hasAvx512Bf16 = true;
    out.push_back({dot, Isa::AVX2});
    out.push_back({dot, Isa::Portable});
  }
  return out;
}

} // namespace geflow::kernels::testing

#endif // GEFLOW_TEST_KERNELS_CUBE_LOW_PRECISION_TEST_UTIL_H
