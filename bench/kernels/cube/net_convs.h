//===- net_convs.h - Conv layers of ResNet-18/50 and MobileNetV2 ----------===//
//
// Every distinct conv layer (batch 1, 224 x 224, torchvision) of the three
// networks the format benchmark times, with how often it occurs, so a
// format's total over a network can be read off the per-layer times.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_BENCH_NET_CONVS_H
#define GEFLOW_BENCH_NET_CONVS_H

#include "cube/cube_shapes.h"

#include <cstdint>

namespace geflow::bench {

struct NetConv {
  const char *net;
  const char *name;
  int64_t cin, cout, hw, k, stride, pad, groups;
  int count;
};

inline constexpr NetConv kResNet18Convs[] = {
    {"resnet18", "conv1", 3, 64, 224, 7, 2, 3, 1, 1},
    {"resnet18", "l1.3x3", 64, 64, 56, 3, 1, 1, 1, 4},
    {"resnet18", "l2.3x3s2", 64, 128, 56, 3, 2, 1, 1, 1},
    {"resnet18", "l2.ds", 64, 128, 56, 1, 2, 0, 1, 1},
    {"resnet18", "l2.3x3", 128, 128, 28, 3, 1, 1, 1, 3},
    {"resnet18", "l3.3x3s2", 128, 256, 28, 3, 2, 1, 1, 1},
    {"resnet18", "l3.ds", 128, 256, 28, 1, 2, 0, 1, 1},
    {"resnet18", "l3.3x3", 256, 256, 14, 3, 1, 1, 1, 3},
    {"resnet18", "l4.3x3s2", 256, 512, 14, 3, 2, 1, 1, 1},
    {"resnet18", "l4.ds", 256, 512, 14, 1, 2, 0, 1, 1},
    {"resnet18", "l4.3x3", 512, 512, 7, 3, 1, 1, 1, 3},
};

inline constexpr NetConv kMobileNetV2Convs[] = {
    {"mobilenet_v2", "conv1", 3, 32, 224, 3, 2, 1, 1, 1},
    {"mobilenet_v2", "b1.dw", 32, 32, 112, 3, 1, 1, 32, 1},
    {"mobilenet_v2", "b1.pw", 32, 16, 112, 1, 1, 0, 1, 1},
    {"mobilenet_v2", "b2.exp", 16, 96, 112, 1, 1, 0, 1, 1},
    {"mobilenet_v2", "b2.dw", 96, 96, 112, 3, 2, 1, 96, 1},
    {"mobilenet_v2", "b2.pw", 96, 24, 56, 1, 1, 0, 1, 1},
    {"mobilenet_v2", "b3.exp", 24, 144, 56, 1, 1, 0, 1, 2},
    {"mobilenet_v2", "b3.dw", 144, 144, 56, 3, 1, 1, 144, 1},
    {"mobilenet_v2", "b3.pw", 144, 24, 56, 1, 1, 0, 1, 1},
    {"mobilenet_v2", "b4.dw", 144, 144, 56, 3, 2, 1, 144, 1},
    {"mobilenet_v2", "b4.pw", 144, 32, 28, 1, 1, 0, 1, 1},
    {"mobilenet_v2", "b5.exp", 32, 192, 28, 1, 1, 0, 1, 3},
    {"mobilenet_v2", "b5.dw", 192, 192, 28, 3, 1, 1, 192, 2},
    {"mobilenet_v2", "b5.pw", 192, 32, 28, 1, 1, 0, 1, 2},
    {"mobilenet_v2", "b6.dw", 192, 192, 28, 3, 2, 1, 192, 1},
    {"mobilenet_v2", "b6.pw", 192, 64, 14, 1, 1, 0, 1, 1},
    {"mobilenet_v2", "b7.exp", 64, 384, 14, 1, 1, 0, 1, 4},
    {"mobilenet_v2", "b7.dw", 384, 384, 14, 3, 1, 1, 384, 4},
    {"mobilenet_v2", "b7.pw", 384, 64, 14, 1, 1, 0, 1, 3},
    {"mobilenet_v2", "b8.pw", 384, 96, 14, 1, 1, 0, 1, 1},
    {"mobilenet_v2", "b9.exp", 96, 576, 14, 1, 1, 0, 1, 3},
    {"mobilenet_v2", "b9.dw", 576, 576, 14, 3, 1, 1, 576, 2},
    {"mobilenet_v2", "b9.pw", 576, 96, 14, 1, 1, 0, 1, 2},
    {"mobilenet_v2", "b10.dw", 576, 576, 14, 3, 2, 1, 576, 1},
    {"mobilenet_v2", "b10.pw", 576, 160, 7, 1, 1, 0, 1, 1},
    {"mobilenet_v2", "b11.exp", 160, 960, 7, 1, 1, 0, 1, 3},
    {"mobilenet_v2", "b11.dw", 960, 960, 7, 3, 1, 1, 960, 3},
    {"mobilenet_v2", "b11.pw", 960, 160, 7, 1, 1, 0, 1, 2},
    {"mobilenet_v2", "b12.pw", 960, 320, 7, 1, 1, 0, 1, 1},
    {"mobilenet_v2", "last", 320, 1280, 7, 1, 1, 0, 1, 1},
};

inline int64_t netConvOut(const NetConv &s) {
  return (s.hw + 2 * s.pad - s.k) / s.stride + 1;
}

inline double netConvFlops(const NetConv &s) {
  int64_t o = netConvOut(s);
  return 2.0 * s.cout * (s.cin / s.groups) * s.k * s.k * o * o;
}

} // namespace geflow::bench

#endif // GEFLOW_BENCH_NET_CONVS_H
