//===- int_elementwise.cpp - Integer binary and comparison kernels --------===//
#include "kernels/vector/int_elementwise.h"
#include "kernels/vector/ew_engine.h"
#include "kernels/vector/nd_shape.h"

#include <type_traits>

namespace geflow::kernels::vec {

namespace {

struct IntBinaryTiling {
  int32_t op;
  uint8_t dtype;
  uint8_t boolOut;
  uint8_t pad[2];
  int32_t rank;
  int32_t reserved; // what would be padding: the bytes are tiling data
  int64_t shape[kMaxRank];
  int64_t strideA[kMaxRank], strideB[kMaxRank];
  int64_t total, rowLen;
};

bool isCompare(EwOp op) {
  return op >= EwOp::Equal && op <= EwOp::GreaterEqual;
}

template <typename T> struct Arith {
  using U = std::make_unsigned_t<T>;
  // Wrapping arithmetic through the unsigned type (no signed overflow UB);
  // int8/uint8 promote to int, so the results are cast back.
  static T add(T a, T b) { return static_cast<T>(U(U(a) + U(b))); }
  static T sub(T a, T b) { return static_cast<T>(U(U(a) - U(b))); }
  static T mul(T a, T b) { return static_cast<T>(U(U(a) * U(b))); }
  static T div(T a, T b) {
    if constexpr (std::is_signed_v<T>)
      if (b == T(-1)) // INT_MIN / -1 overflows
        return static_cast<T>(U(U(0) - U(a)));
    return static_cast<T>(a / b);
  }
  /// Remainder with the dividend's sign (C %), or the divisor's (Python %).
  static T mod(T a, T b) {
    if constexpr (std::is_signed_v<T>)
      if (b == T(-1)) // INT_MIN % -1 overflows; the remainder is 0
        return T(0);
    return static_cast<T>(a % b);
  }
  static T floorMod(T a, T b) {
    T r = mod(a, b);
    if constexpr (std::is_signed_v<T>)
      if (r != 0 && ((r < 0) != (b < 0)))
        r = static_cast<T>(r + b);
    return r;
  }
  /// a^b by squaring, wrapping. A negative exponent gives the truncated
  /// real result: 1 / a^|b| is 0 unless |a| == 1 (a == 0 is rejected).
  static T pow(T a, T b) {
    if constexpr (std::is_signed_v<T>)
      if (b < 0)
        return a == 1 ? T(1) : a == T(-1) ? T((b & 1) ? -1 : 1) : T(0);
    U result = 1, base = U(a);
    for (U e = U(b); e; e >>= 1) {
      if (e & 1)
        result = U(result * base);
      base = U(base * base);
    }
    return static_cast<T>(result);
  }
};

/// y[j] = f(a[j * sa], b[j * sb]) for one row; sa, sb in {0, 1}.
/// The failure of an integer op without a result: x / 0, x % 0, or 0 to a
/// negative power, with the operands.
template <typename T> int32_t divideByZero(EwOp op, T a, T b) {
  const char *what = op == EwOp::Div ? " / " : op == EwOp::Pow ? " ** " : " % ";
  setFailureDetail(
      std::string("integer ") +
      (op == EwOp::Pow ? "0 to a negative power" : "division by zero") +
      " has no result (" + std::to_string(a) + what + std::to_string(b) + ")");
  return kVecErrDivideByZero;
}

template <typename T, typename R, class Fn>
void row(const T *a, int64_t sa, const T *b, int64_t sb, R *y, int64_t n,
         Fn f) {
  if (sa && sb)
    for (int64_t j = 0; j < n; ++j)
      y[j] = f(a[j], b[j]);
  else if (sa)
    for (int64_t j = 0; j < n; ++j)
      y[j] = f(a[j], b[0]);
  else if (sb)
    for (int64_t j = 0; j < n; ++j)
      y[j] = f(a[0], b[j]);
  else
    for (int64_t j = 0; j < n; ++j)
      y[j] = f(a[0], b[0]);
}

template <typename T>
int32_t runTyped(const IntBinaryTiling &t, const KernelArgs &args,
                 int64_t begin, int64_t end) {
  const T *a = static_cast<const T *>(args.inputs[0]);
  const T *b = static_cast<const T *>(args.inputs[1]);
  int last = t.rank - 1;
  int64_t sa = t.strideA[last], sb = t.strideB[last];
  for (int64_t f = begin; f < end;) {
    int64_t col = f % t.rowLen, n = t.rowLen - col;
    if (n > end - f)
      n = end - f;
    int64_t offA = col * sa, offB = col * sb, rest = f / t.rowLen;
    for (int d = last - 1; d >= 0; --d) {
      offA += (rest % t.shape[d]) * t.strideA[d];
      offB += (rest % t.shape[d]) * t.strideB[d];
      rest /= t.shape[d];
    }
    const T *pa = a + offA, *pb = b + offB;
    EwOp op = static_cast<EwOp>(t.op);
    if (t.boolOut) {
      uint8_t *y = static_cast<uint8_t *>(args.outputs[0]) + f;
      switch (op) {
      case EwOp::Equal:
        row(pa, sa, pb, sb, y, n, [](T p, T q) { return p == q; });
        break;
      case EwOp::NotEqual:
        row(pa, sa, pb, sb, y, n, [](T p, T q) { return p != q; });
        break;
      case EwOp::Less:
        row(pa, sa, pb, sb, y, n, [](T p, T q) { return p < q; });
        break;
      case EwOp::LessEqual:
        row(pa, sa, pb, sb, y, n, [](T p, T q) { return p <= q; });
        break;
      case EwOp::Greater:
        row(pa, sa, pb, sb, y, n, [](T p, T q) { return p > q; });
        break;
      default:
        row(pa, sa, pb, sb, y, n, [](T p, T q) { return p >= q; });
        break;
      }
    } else {
      T *y = static_cast<T *>(args.outputs[0]) + f;
      switch (op) {
      case EwOp::Add:
        row(pa, sa, pb, sb, y, n, Arith<T>::add);
        break;
      case EwOp::Sub:
        row(pa, sa, pb, sb, y, n, Arith<T>::sub);
        break;
      case EwOp::Mul:
        row(pa, sa, pb, sb, y, n, Arith<T>::mul);
        break;
      case EwOp::Max:
        row(pa, sa, pb, sb, y, n, [](T p, T q) { return p > q ? p : q; });
        break;
      case EwOp::Min:
        row(pa, sa, pb, sb, y, n, [](T p, T q) { return p < q ? p : q; });
        break;
      case EwOp::Div:
        for (int64_t j = 0; j < n; ++j)
          if (pb[j * sb] == 0)
            return divideByZero(op, pa[j * sa], pb[j * sb]);
        row(pa, sa, pb, sb, y, n, Arith<T>::div);
        break;
      case EwOp::Mod:
      case EwOp::FloorMod:
        for (int64_t j = 0; j < n; ++j)
          if (pb[j * sb] == 0)
            return divideByZero(op, pa[j * sa], pb[j * sb]);
        if (op == EwOp::Mod)
          row(pa, sa, pb, sb, y, n, Arith<T>::mod);
        else
          row(pa, sa, pb, sb, y, n, Arith<T>::floorMod);
        break;
      case EwOp::Pow:
        if constexpr (std::is_signed_v<T>)
          for (int64_t j = 0; j < n; ++j)
            if (pa[j * sa] == 0 && pb[j * sb] < 0)
              return divideByZero(op, pa[j * sa], pb[j * sb]);
        row(pa, sa, pb, sb, y, n, Arith<T>::pow);
        break;
      default:
        return kVecErrBadTiling;
      }
    }
    f += n;
  }
  return 0;
}

} // namespace

bool isIntEwDtype(DType t) {
  return t == DType::I8 || t == DType::U8 || t == DType::I32 ||
         t == DType::I64 || t == DType::Bool;
}

Status tileIntBinary(const std::string &kernel, EwOp op,
                     const TilingContext &ctx, TilingResult *result) {
  if (ctx.inputs.size() != 2 || ctx.outputs.size() != 1)
    return invalidArgument(kernel + ": expects 2 inputs and 1 output, got " +
                           std::to_string(ctx.inputs.size()) + " and " +
                           std::to_string(ctx.outputs.size()));
  DType dt = ctx.inputs[0].dtype;
  if (ctx.inputs[1].dtype != dt)
    return invalidArgument(kernel + ": input 1 dtype " +
                           std::string(rt::dtypeName(ctx.inputs[1].dtype)) +
                           " differs from input 0 dtype " +
                           std::string(rt::dtypeName(dt)));
  bool cmp = isCompare(op);
  if (dt == DType::Bool && !cmp)
    return unsupported(kernel + ": bool inputs are only compared");
  if (!cmp && op != EwOp::Add && op != EwOp::Sub && op != EwOp::Mul &&
      op != EwOp::Div && op != EwOp::Max && op != EwOp::Min &&
      op != EwOp::Pow && op != EwOp::Mod && op != EwOp::FloorMod)
    return unsupported(kernel + ": integer inputs are not supported");
  DType want = cmp ? DType::Bool : dt;
  if (ctx.outputs[0].dtype != want)
    return invalidArgument(kernel + ": output dtype " +
                           std::string(rt::dtypeName(ctx.outputs[0].dtype)) +
                           ", expected " + std::string(rt::dtypeName(want)));
  Shape out;
  GEFLOW_RETURN_IF_ERROR(broadcastShapes(
      kernel, {ctx.inputs[0].shape, ctx.inputs[1].shape}, &out));
  if (out != ctx.outputs[0].shape)
    return invalidArgument(
        kernel + ": output shape " + shapeStr(ctx.outputs[0].shape) +
        " differs from the broadcast shape " + shapeStr(out));
  std::vector<int64_t> sa, sb, so = contiguousStrides(out);
  broadcastStrides(ctx.inputs[0].shape, out, &sa);
  broadcastStrides(ctx.inputs[1].shape, out, &sb);
  Shape shape = out;
  collapseDims(&shape, {&sa, &sb, &so});
  GEFLOW_RETURN_IF_ERROR(checkRank(kernel, "the output", shape.size()));
  IntBinaryTiling t{};
  t.op = static_cast<int32_t>(op);
  t.dtype = static_cast<uint8_t>(dt);
  t.boolOut = cmp;
  t.rank = static_cast<int32_t>(shape.size());
  for (size_t d = 0; d < shape.size(); ++d) {
    t.shape[d] = shape[d];
    t.strideA[d] = sa[d];
    t.strideB[d] = sb[d];
  }
  t.total = rt::numElements(shape);
  t.rowLen = shape.back();
  int64_t bytes = t.total * static_cast<int64_t>(rt::dtypeSize(dt)) * 3;
  result->blockDim = chooseBlockDim(socOf(ctx), (t.total + 1023) / 1024, bytes);
  result->tilingData = encodeTiling(t);
  result->workspaceSize = 0;
  return Status::OK();
}

int32_t runIntBinary(const KernelArgs &args, uint32_t blockIdx,
                     uint32_t blockDim) {
  IntBinaryTiling t;
  if (!decodeTiling(args, &t) || args.numInputs != 2 || args.numOutputs != 1 ||
      t.rank < 1 || t.rank > kMaxRank)
    return kVecErrBadTiling;
  int64_t begin, end;
  blockRange(t.total, blockIdx, blockDim, &begin, &end);
  if (begin >= end)
    return 0;
  switch (static_cast<DType>(t.dtype)) {
  case DType::I8:
    return runTyped<int8_t>(t, args, begin, end);
  case DType::U8:
  case DType::Bool: // 0/1 bytes: compared as uint8
    return runTyped<uint8_t>(t, args, begin, end);
  case DType::I32:
    return runTyped<int32_t>(t, args, begin, end);
  case DType::I64:
    return runTyped<int64_t>(t, args, begin, end);
  default:
    return kVecErrBadTiling;
  }
}

} // namespace geflow::kernels::vec
