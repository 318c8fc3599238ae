//===- fft.cpp - Discrete Fourier transforms of any length ----------------===//
#include "kernels/host/fft.h"

#include <cmath>
#include <cstddef>
#include <utility>

namespace geflow::kernels::host {

namespace {

constexpr double kPi = 3.14159265358979323846;

bool isPowerOfTwo(size_t n) { return n && (n & (n - 1)) == 0; }

/// In-place iterative radix-2 transform; sign -1 forward, +1 inverse.
void radix2(std::vector<Complex> &x, int sign) {
  size_t n = x.size();
  for (size_t i = 1, j = 0; i < n; ++i) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1)
      j ^= bit;
    j ^= bit;
    if (i < j)
      std::swap(x[i], x[j]);
  }
  // twiddle[k] = e^(sign 2 pi i k / n), each from its exact angle.
  std::vector<Complex> twiddle(n / 2);
  for (size_t k = 0; k < n / 2; ++k)
    twiddle[k] = std::polar(1.0, sign * 2 * kPi * double(k) / double(n));
  for (size_t len = 2; len <= n; len <<= 1) {
    size_t stride = n / len;
    for (size_t start = 0; start < n; start += len)
      for (size_t k = 0; k < len / 2; ++k) {
        Complex odd = x[start + k + len / 2] * twiddle[k * stride];
        x[start + k + len / 2] = x[start + k] - odd;
        x[start + k] += odd;
      }
  }
}

/// Bluestein: with c[j] = e^(sign pi i j^2 / n), w^(jk) = c[j] c[k]
/// conj(c[k - j]), so X = c * (a conv b) for a[j] = x[j] c[j] and
/// b[l] = conj(c[l]): a circular convolution of power-of-two length m.
void bluestein(std::vector<Complex> &x, int sign) {
  size_t n = x.size(), m = 1;
  while (m < 2 * n - 1)
    m <<= 1;
  std::vector<Complex> chirp(n);
  for (size_t j = 0; j < n; ++j) {
    // j^2 mod 2n keeps the angle small and exact.
    size_t square = (j * j) % (2 * n);
    chirp[j] = std::polar(1.0, sign * kPi * double(square) / double(n));
  }
  std::vector<Complex> a(m), b(m);
  for (size_t j = 0; j < n; ++j)
    a[j] = x[j] * chirp[j];
  b[0] = std::conj(chirp[0]);
  for (size_t l = 1; l < n; ++l)
    b[l] = b[m - l] = std::conj(chirp[l]);
  radix2(a, -1);
  radix2(b, -1);
  for (size_t i = 0; i < m; ++i)
    a[i] *= b[i];
  radix2(a, +1);
  for (size_t k = 0; k < n; ++k)
    x[k] = chirp[k] * a[k] / double(m);
}

} // namespace

void fourierTransform(std::vector<Complex> &x, bool inverse) {
  int sign = inverse ? +1 : -1;
  if (x.size() <= 1)
    return;
  if (isPowerOfTwo(x.size()))
    radix2(x, sign);
  else
    bluestein(x, sign);
}

} // namespace geflow::kernels::host
