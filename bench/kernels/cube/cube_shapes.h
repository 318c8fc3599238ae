//===- cube_shapes.h - Benchmark shapes of the Cube kernels ---------------===//
//
// The ResNet-50 (v1.5, torchvision) convolutions at batch 1 and 224 x 224:
// every distinct layer shape once, with how often it occurs in the network.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_BENCH_CUBE_SHAPES_H
#define GEFLOW_BENCH_CUBE_SHAPES_H

#include <cstdint>

namespace geflow::bench {

struct ConvShape {
  const char *name;
  int64_t cin, cout, hw, k, stride, pad;
  int count; // occurrences in ResNet-50
};

inline constexpr ConvShape kResNet50Convs[] = {
    {"conv1", 3, 64, 224, 7, 2, 3, 1},
    {"l1.1x1a", 64, 64, 56, 1, 1, 0, 1},
    {"l1.3x3", 64, 64, 56, 3, 1, 1, 3},
    {"l1.1x1up", 64, 256, 56, 1, 1, 0, 4},
    {"l1.1x1dn", 256, 64, 56, 1, 1, 0, 2},
    {"l2.1x1a", 256, 128, 56, 1, 1, 0, 1},
    {"l2.3x3s2", 128, 128, 56, 3, 2, 1, 1},
    {"l2.1x1up", 128, 512, 28, 1, 1, 0, 4},
    {"l2.ds", 256, 512, 56, 1, 2, 0, 1},
    {"l2.1x1dn", 512, 128, 28, 1, 1, 0, 3},
    {"l2.3x3", 128, 128, 28, 3, 1, 1, 3},
    {"l3.1x1a", 512, 256, 28, 1, 1, 0, 1},
    {"l3.3x3s2", 256, 256, 28, 3, 2, 1, 1},
    {"l3.1x1up", 256, 1024, 14, 1, 1, 0, 6},
    {"l3.ds", 512, 1024, 28, 1, 2, 0, 1},
    {"l3.1x1dn", 1024, 256, 14, 1, 1, 0, 5},
    {"l3.3x3", 256, 256, 14, 3, 1, 1, 5},
    {"l4.1x1a", 1024, 512, 14, 1, 1, 0, 1},
    {"l4.3x3s2", 512, 512, 14, 3, 2, 1, 1},
    {"l4.1x1up", 512, 2048, 7, 1, 1, 0, 3},
    {"l4.ds", 1024, 2048, 14, 1, 2, 0, 1},
    {"l4.1x1dn", 2048, 512, 7, 1, 1, 0, 2},
    {"l4.3x3", 512, 512, 7, 3, 1, 1, 2},
};

inline int64_t convOut(const ConvShape &s) {
  return (s.hw + 2 * s.pad - s.k) / s.stride + 1;
}

inline double convFlops(const ConvShape &s) {
  int64_t o = convOut(s);
  return 2.0 * s.cout * s.cin * s.k * s.k * o * o;
}

inline constexpr int64_t kSgemmSizes[] = {256, 512, 1024, 2048};

} // namespace geflow::bench

#endif // GEFLOW_BENCH_CUBE_SHAPES_H
