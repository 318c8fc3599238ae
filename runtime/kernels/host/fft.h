//===- fft.h - Discrete Fourier transforms of any length -------*- C++ -*-===//
//
// The transform DFT, STFT (and anything else) on the host share: radix-2
// Cooley-Tukey for powers of two, Bluestein's chirp-z transform (three
// radix-2 transforms of the next power of two >= 2n - 1) for every other
// length, all in double with twiddles computed from exact angles.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_HOST_FFT_H
#define GEFLOW_KERNELS_HOST_FFT_H

#include <complex>
#include <vector>

namespace geflow::kernels::host {

using Complex = std::complex<double>;

/// Replaces `x` (any length n >= 1) by X[k] = sum_j x[j] e^(-2 pi i jk / n),
/// or with `inverse` by sum_j x[j] e^(+2 pi i jk / n) (not divided by n).
void fourierTransform(std::vector<Complex> &x, bool inverse);

} // namespace geflow::kernels::host

#endif
