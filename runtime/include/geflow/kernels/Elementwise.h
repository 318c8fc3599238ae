//===- Elementwise.h - Elementwise op codes and the vec_fused program ----===//
//
// The vector unit runs every floating-point elementwise kernel (add, relu,
// less, ...) as a small program of elementwise instructions over tiles held
// in a cache-resident buffer; `vec_fused` exposes that program directly so
// the compiler can fuse chains (UB fusion). This header is the contract
// between the compiler (which emits programs) and the kernels (which run
// them); docs/kernels.md describes it for readers.
//
// A program is the int attribute `program`: 5 ints per instruction,
//   [opcode, dst, src0, src1, src2]
// with operands encoded as
//   0..99    register r (a tile-sized temporary),
//   100+i    kernel input i (broadcast numpy-style to the output shape),
//   200+k    constant k (the float attribute `constants`),
//   300+k    kernel output k (only as dst; each output is written once),
//   -1       unused operand slot.
// Opcode numbers are stored in compiled programs: never renumber, only append.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_KERNELS_ELEMENTWISE_H
#define GEFLOW_KERNELS_ELEMENTWISE_H

#include <cstdint>
#include <optional>
#include <string_view>

namespace geflow::kernels {

enum class EwOp : int32_t {
  // Unary: dst = f(src0).
  Copy = 0,
  Neg = 1,
  Abs = 2,
  Relu = 3,
  Relu6 = 4,
  Sigmoid = 5,
  Tanh = 6,
  Gelu = 7,     // 0.5 x (1 + erf(x / sqrt 2))
  GeluTanh = 8, // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
  HardSwish = 9,
  Exp = 10,
  Log = 11,
  Sqrt = 12,
  Rsqrt = 13,
  Reciprocal = 14,
  Erf = 15,
  Floor = 16,
  Ceil = 17,
  Round = 18, // half to even
  Sin = 19,
  Cos = 20,
  Tan = 21,
  Asin = 22,
  Acos = 23,
  Atan = 24,
  Sinh = 25,
  Cosh = 26,
  Asinh = 27,
  Acosh = 28,
  Atanh = 29,
  // Unary with scalar parameters; the parameters are src1 (and src2) and
  // must be constants.
  LeakyRelu = 32,   // (x, alpha): x >= 0 ? x : alpha x
  HardSigmoid = 33, // (x, alpha, beta): clamp(alpha x + beta, 0, 1)
  // Binary: dst = src0 op src1.
  Add = 64,
  Sub = 65,
  Mul = 66,
  Div = 67,
  Max = 68, // NaN-propagating, like numpy.maximum
  Min = 69,
  Pow = 70, // numpy.power semantics for negative bases with integer exponents
  Mod = 71, // C fmod: the remainder has the dividend's sign
  FloorMod = 72, // numpy.mod / Python %: the remainder has the divisor's sign
  // Comparisons produce 1.0 or 0.0 (stored as 1/0 in a Bool output).
  Equal = 96,
  NotEqual = 97,
  Less = 98,
  LessEqual = 99,
  Greater = 100,
  GreaterEqual = 101,
  // Ternary.
  Select = 128, // (cond, a, b): cond != 0 ? a : b
  MulAdd = 129, // (a, b, c): a * b + c (fused on AVX2 / AVX-512)
  Clip = 130,   // (x, lo, hi): min(max(x, lo), hi)
};

/// Number of sources an opcode reads (1, 2 or 3), 0 for an unknown opcode.
int ewOpArity(EwOp op);
/// Lower-case name ("add", "leaky_relu", ...): the registry name of the
/// single-op kernel, or null for an unknown opcode.
const char *ewOpName(EwOp op);
std::optional<EwOp> parseEwOp(std::string_view name);
bool isKnownEwOp(int32_t code);

/// Operand encoding of `program` (see the file comment).
namespace ewoperand {
constexpr int32_t kNone = -1;
constexpr int32_t kRegBase = 0, kInputBase = 100, kConstBase = 200,
                  kOutputBase = 300, kKindSpan = 100;
constexpr int32_t reg(int32_t r) { return kRegBase + r; }
constexpr int32_t input(int32_t i) { return kInputBase + i; }
constexpr int32_t constant(int32_t k) { return kConstBase + k; }
constexpr int32_t output(int32_t k) { return kOutputBase + k; }
} // namespace ewoperand

/// Limits of one program (checked by the tiling function).
constexpr int kEwMaxInstrs = 64;
constexpr int kEwMaxRegs = 16;
constexpr int kEwMaxInputs = 16;
constexpr int kEwMaxOutputs = 4;
constexpr int kEwMaxConsts = 64;

} // namespace geflow::kernels

#endif // GEFLOW_KERNELS_ELEMENTWISE_H
