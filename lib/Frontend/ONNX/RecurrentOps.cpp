//===- RecurrentOps.cpp - RNN, GRU, LSTM unrolled over the sequence -------===//
//
// The sequence length must be static: each time step becomes MatMulV2s and
// elementwise ops (the input projection of all steps is one MatMulV2).
// Per direction d and step t, with the gate pre-activations
//   g = X_t W^T + H_{t-1} R^T + Wb + Rb   (split per gate),
//   RNN:  H_t = f(g)
//   GRU:  z = f(g_z), r = f(g_r),
//         h = g2(X_t Wh^T + (r * H_{t-1}) Rh^T + Rbh + Wbh)     (lbr = 0)
//         h = g2(X_t Wh^T + r * (H_{t-1} Rh^T + Rbh) + Wbh)     (lbr = 1)
//         H_t = (1 - z) * h + z * H_{t-1}
//   LSTM: i = f(g_i + Pi C_{t-1}), f_ = f(g_f + Pf C_{t-1}), c = g2(g_c),
//         C_t = f_ C_{t-1} + i c, o = f(g_o + Po C_t), H_t = o * h(C_t)
// `clip` clips every pre-activation. With sequence_lens, steps past a
// batch entry's length keep its state and write zeros to Y. Y stacks H_t
// as [seq, dirs, batch, hidden] ([batch, seq, dirs, hidden] for layout 1),
// Y_h / Y_c are the last states.
//
//===----------------------------------------------------------------------===//
#include "OpTranslators.h"
#include "TranslatorUtils.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {
namespace {

enum class Cell { Rnn, Gru, Lstm };

struct Activation {
  std::string name;
  float alpha = 0, beta = 0;
};

/// Builds the ops of one recurrent node (every helper returns null after a
/// recorded failure).
class Unroller {
public:
  Unroller(NodeContext &n, Cell cell) : n(n), cell(cell) {}
  LogicalResult run();

private:
  int64_t gates() const {
    return cell == Cell::Rnn ? 1 : cell == Cell::Gru ? 3 : 4;
  }
  Value activate(const Activation &a, Value x);
  Value clip(Value x);
  /// Slice [begin, begin + size) of dim `axis`.
  Value slice(Value x, int64_t axis, int64_t begin, int64_t size);
  /// Parameter tensor [dirs, ...] of direction d, without the dirs dim.
  Value ofDirection(Value param, int64_t d);
  Value runDirection(int64_t d, bool reverse, Value x,
                     SmallVectorImpl<Value> &ys, Value *lastC);

  NodeContext &n;
  Cell cell;
  Type et;
  int64_t seq = 0, batch = 0, hidden = 0, inputSize = 0;
  SmallVector<Activation> acts; // per direction: f, g, h as the cell uses
  std::optional<float> clipValue;
  bool linearBeforeReset = false;
  Value seqLens;            // [batch] i32/i64, or null
  Value initialH, initialC; // [dirs, batch, hidden], or null
};

Value Unroller::activate(const Activation &a, Value x) {
  if (!x)
    return {};
  if (a.name == "Sigmoid")
    return n.create<SigmoidOp>(x);
  if (a.name == "Tanh")
    return n.create<TanhOp>(x);
  if (a.name == "Relu")
    return n.create<ReluOp>(x);
  if (a.name == "LeakyRelu")
    return n.create<LeakyReluOp>(x, APFloat(a.alpha));
  if (a.name == "HardSigmoid")
    return n.create<HardSigmoidOp>(x, APFloat(a.alpha), APFloat(a.beta));
  if (a.name == "Affine") {
    Value scaled = n.create<MulOp>(x, n.constantScalar(et, a.alpha));
    return scaled ? n.create<AddOp>(scaled, n.constantScalar(et, a.beta))
                  : Value();
  }
  (void)n.unsupported("activation '" + a.name + "' is not supported");
  return {};
}

Value Unroller::clip(Value x) {
  if (!x || !clipValue)
    return x;
  Builder &b = n.getBuilder();
  return n.create<ClipOp>(x, b.getF32FloatAttr(-*clipValue),
                          b.getF32FloatAttr(*clipValue));
}

Value Unroller::slice(Value x, int64_t axis, int64_t begin, int64_t size) {
  if (!x)
    return {};
  // An input without a known rank (a weight without a shape) or of too low
  // a rank cannot be sliced per gate or direction.
  std::optional<int64_t> knownRank = getRank(x);
  if (!knownRank || axis >= *knownRank) {
    (void)n.fail("the recurrent weights, biases and states need a known "
                 "rank above " +
                 std::to_string(axis));
    return {};
  }
  int64_t rank = *knownRank;
  SmallVector<int64_t> offsets(rank, 0), sizes(rank, -1);
  offsets[axis] = begin;
  sizes[axis] = size;
  return n.create<SliceOp>(x, offsets, sizes);
}

Value Unroller::ofDirection(Value param, int64_t d) {
  Value s = slice(param, 0, d, 1);
  return s ? n.create<SqueezeOp>(s, ArrayRef<int64_t>{0}) : Value();
}

/// One direction: returns the last H and appends H_t (masked) per step to
/// `ys` in time order.
Value Unroller::runDirection(int64_t d, bool reverse, Value x,
                             SmallVectorImpl<Value> &ys, Value *lastC) {
  Value w = ofDirection(n.getInput(1), d), r = ofDirection(n.getInput(2), d);
  // Wb + Rb, one [G*hidden] bias; GRU with linear_before_reset keeps Rbh.
  Value wb, rbh;
  if (Value b = n.getInput(3)) {
    Value bd = ofDirection(b, d);
    wb = slice(bd, 0, 0, gates() * hidden);
    Value rb = slice(bd, 0, gates() * hidden, gates() * hidden);
    if (cell == Cell::Gru) {
      // Rbh is added inside the reset product (lbr) or with h's input term.
      rbh = slice(rb, 0, 2 * hidden, hidden);
      // A bias that does not slice (a wrong rank) leaves no operand.
      Value head = slice(rb, 0, 0, 2 * hidden);
      rb = head ? n.create<ConcatV2Op>(
                      ValueRange{head, n.constant(DenseElementsAttr::get(
                                           RankedTensorType::get({hidden}, et),
                                           n.getBuilder().getZeroAttr(et)))},
                      uint64_t(0))
                : Value();
    }
    wb = wb && rb ? n.create<AddOp>(wb, rb) : Value();
  }
  // X W^T + bias for every step at once: [seq * batch, G * hidden].
  Value flat = n.create<ReshapeOp>(x, n.constantI64({seq * batch, inputSize}));
  Value xw =
      flat && w ? n.create<MatMulV2Op>(flat, w, wb, false, true) : Value();
  xw = xw ? n.create<ReshapeOp>(xw,
                                n.constantI64({seq, batch, gates() * hidden}))
          : Value();
  Value p = n.getInput(7) && cell == Cell::Lstm ? ofDirection(n.getInput(7), d)
                                                : Value();
  Value h = initialH ? ofDirection(initialH, d)
                     : n.constant(DenseElementsAttr::get(
                           RankedTensorType::get({batch, hidden}, et),
                           n.getBuilder().getZeroAttr(et)));
  Value c;
  if (cell == Cell::Lstm)
    c = initialC ? ofDirection(initialC, d)
                 : n.constant(DenseElementsAttr::get(
                       RankedTensorType::get({batch, hidden}, et),
                       n.getBuilder().getZeroAttr(et)));
  const Activation &f = acts[d * (cell == Cell::Rnn   ? 1
                                  : cell == Cell::Gru ? 2
                                                      : 3)];
  const Activation &g =
      cell == Cell::Rnn ? f : acts[d * (cell == Cell::Gru ? 2 : 3) + 1];
  const Activation &hAct = cell == Cell::Lstm ? acts[d * 3 + 2] : g;
  SmallVector<Value> steps(seq);
  for (int64_t s = 0; s < seq && !n.hasFailed(); ++s) {
    int64_t t = reverse ? seq - 1 - s : s;
    Value xt = n.create<SqueezeOp>(slice(xw, 0, t, 1), ArrayRef<int64_t>{0});
    Value hr =
        n.create<MatMulV2Op>(h, r, Value(), false, true); // [batch, G*hidden]
    if (!xt || !hr)
      return {};
    auto gate = [&](Value v, int64_t k) {
      return slice(v, 1, k * hidden, hidden);
    };
    Value newH, newC;
    if (cell == Cell::Rnn) {
      newH = activate(f, clip(n.create<AddOp>(xt, hr)));
    } else if (cell == Cell::Gru) {
      Value z = activate(f, clip(n.create<AddOp>(gate(xt, 0), gate(hr, 0))));
      Value rr = activate(f, clip(n.create<AddOp>(gate(xt, 1), gate(hr, 1))));
      Value hh;
      if (linearBeforeReset) {
        Value recur = gate(hr, 2);
        if (rbh)
          recur = n.create<AddOp>(recur, rbh);
        hh = n.create<AddOp>(gate(xt, 2), n.create<MulOp>(rr, recur));
      } else {
        Value rh = n.create<MulOp>(rr, h);
        Value rhh = n.create<MatMulV2Op>(rh, slice(r, 0, 2 * hidden, hidden),
                                         Value(), false, true);
        if (rbh)
          rhh = n.create<AddOp>(rhh, rbh);
        hh = n.create<AddOp>(gate(xt, 2), rhh);
      }
      Value cand = activate(g, clip(hh));
      // (1 - z) * h~ + z * H = h~ + z * (H - h~)
      newH =
          n.create<AddOp>(cand, n.create<MulOp>(z, n.create<SubOp>(h, cand)));
    } else {
      Value pre = n.create<AddOp>(xt, hr);
      Value gi = gate(pre, 0), go = gate(pre, 1), gf = gate(pre, 2),
            gc = gate(pre, 3);
      if (p) {
        gi = n.create<AddOp>(gi, n.create<MulOp>(slice(p, 0, 0, hidden), c));
        gf = n.create<AddOp>(
            gf, n.create<MulOp>(slice(p, 0, 2 * hidden, hidden), c));
      }
      Value i = activate(f, clip(gi));
      Value fg = activate(f, clip(gf));
      Value cand = activate(g, clip(gc));
      newC = n.create<AddOp>(n.create<MulOp>(fg, c), n.create<MulOp>(i, cand));
      if (p)
        go = n.create<AddOp>(
            go, n.create<MulOp>(slice(p, 0, hidden, hidden), newC));
      Value o = activate(f, clip(go));
      newH = n.create<MulOp>(o, activate(hAct, newC));
    }
    if (!newH || n.hasFailed())
      return {};
    Value out = newH;
    if (seqLens) {
      // Past a batch entry's length the state stays and Y is zero.
      Value step = n.constantScalar(getElementType(seqLens), t);
      Value valid = n.create<ExpandDimsOp>(n.create<LessOp>(step, seqLens),
                                           ArrayRef<int64_t>{1});
      newH = n.create<SelectOp>(valid, newH, h);
      if (newC)
        newC = n.create<SelectOp>(valid, newC, c);
      out = n.create<SelectOp>(valid, out, n.constantScalar(et, 0));
    }
    h = newH;
    c = newC;
    steps[t] = out;
  }
  // A failure before the loop (a weight whose shape does not fit the input)
  // skips it and leaves the steps empty: not a result.
  if (n.hasFailed())
    return {};
  ys.append(steps.begin(), steps.end());
  if (lastC)
    *lastC = c;
  return h;
}

LogicalResult Unroller::run() {
  Value x = n.getRequiredInput(0);
  if (!x || !n.getRequiredInput(1) || !n.getRequiredInput(2) ||
      failed(requireFloat(n, x)))
    return failure();
  et = getElementType(x);
  int64_t layout = n.getInt("layout", 0);
  auto xs = getShape(x);
  if (!xs || xs->size() != 3 || llvm::any_of(*xs, ShapedType::isDynamic))
    return n.unsupported(
        "the input must have a static [seq, batch, input] shape");
  if (layout != 0) // [batch, seq, input] -> [seq, batch, input]
    x = n.create<TransposeOp>(x, ArrayRef<int64_t>{1, 0, 2});
  seq = (*getShape(x))[0];
  // Each step becomes a handful of ops: a tiny model with a huge static
  // sequence would take minutes and gigabytes to unroll.
  constexpr int64_t kMaxUnrolledSteps = 4096;
  if (seq > kMaxUnrolledSteps)
    return n.unsupported(
        "a sequence of " + std::to_string(seq) + " steps is longer than the " +
        std::to_string(kMaxUnrolledSteps) + " steps geflow unrolls");
  batch = (*getShape(x))[1];
  inputSize = (*getShape(x))[2];
  hidden = n.getInt("hidden_size", 0);
  auto ws = getShape(n.getInput(1));
  if (hidden <= 0 && ws && ws->size() == 3 && !ShapedType::isDynamic((*ws)[1]))
    hidden = (*ws)[1] / gates();
  if (hidden <= 0)
    return n.fail("hidden_size is needed");
  // The unrolled ops' shapes are products of these sizes (the per-step
  // matmul over seq * batch rows, biases of 2 * gates * hidden values):
  // sizes whose products overflow are refused, not wrapped.
  int64_t rows = 0, width = 0, elements = 0;
  if (llvm::MulOverflow(seq, batch, rows) ||
      llvm::MulOverflow(int64_t(2 * gates()), hidden, width) ||
      llvm::MulOverflow(rows, std::max(width, inputSize), elements))
    return n.fail("hidden_size " + std::to_string(hidden) +
                  " and the input shape describe more elements than fit in "
                  "64 bits");
  std::string direction = n.getString("direction", "forward");
  if (direction != "forward" && direction != "reverse" &&
      direction != "bidirectional")
    return n.fail("direction must be forward, reverse or bidirectional");
  int64_t dirs = direction == "bidirectional" ? 2 : 1;
  if (n.hasAttr("clip"))
    clipValue = n.getFloat("clip", 0);
  linearBeforeReset = n.getInt("linear_before_reset", 0) != 0;
  if (n.getInt("input_forget", 0) != 0)
    return n.unsupported("input_forget = 1 is not supported");
  // Activations: f (and g, h) per direction, with ONNX defaults.
  SmallVector<std::string> defaults =
      cell == Cell::Rnn   ? SmallVector<std::string>{"Tanh"}
      : cell == Cell::Gru ? SmallVector<std::string>{"Sigmoid", "Tanh"}
                          : SmallVector<std::string>{"Sigmoid", "Tanh", "Tanh"};
  SmallVector<float> alphas = n.getFloats("activation_alpha"),
                     betas = n.getFloats("activation_beta");
  SmallVector<std::string> names = n.getStrings("activations");
  for (int64_t d = 0; d < dirs; ++d)
    for (size_t k = 0; k < defaults.size(); ++k) {
      size_t i = d * defaults.size() + k;
      Activation a;
      a.name = i < names.size() ? names[i] : defaults[k];
      // Defaults of the parameterized activations (ONNX).
      a.alpha = a.name == "LeakyRelu"     ? 0.01f
                : a.name == "HardSigmoid" ? 0.2f
                                          : 1.0f;
      a.beta = a.name == "HardSigmoid" ? 0.5f : 0.0f;
      if (i < alphas.size())
        a.alpha = alphas[i];
      if (i < betas.size())
        a.beta = betas[i];
      acts.push_back(a);
    }
  seqLens = n.getInput(4);
  if (seqLens) {
    // All lengths equal to the sequence need no masking.
    if (auto lens = n.getConstantInts(4);
        lens && llvm::all_of(*lens, [&](int64_t l) { return l == seq; }))
      seqLens = Value();
  }
  // Initial states [dirs, batch, hidden] ([batch, dirs, hidden] in layout 1).
  for (auto [i, state] :
       {std::pair<unsigned, Value *>{5, &initialH}, {6, &initialC}}) {
    *state = n.getInput(i);
    if (*state && layout != 0)
      *state = n.create<TransposeOp>(*state, ArrayRef<int64_t>{1, 0, 2});
  }
  SmallVector<Value> hs, cs;
  SmallVector<SmallVector<Value>> ys(dirs);
  for (int64_t d = 0; d < dirs; ++d) {
    bool reverse = direction == "reverse" || d == 1;
    Value lastC;
    Value last = runDirection(d, reverse, x, ys[d], &lastC);
    if (!last)
      return failure();
    hs.push_back(n.create<ExpandDimsOp>(last, ArrayRef<int64_t>{0}));
    if (lastC)
      cs.push_back(n.create<ExpandDimsOp>(lastC, ArrayRef<int64_t>{0}));
  }
  // Y: [seq, dirs, batch, hidden].
  SmallVector<Value> perStep;
  for (int64_t t = 0; t < seq; ++t) {
    SmallVector<Value> dirsAtT;
    for (int64_t d = 0; d < dirs; ++d)
      dirsAtT.push_back(
          n.create<ExpandDimsOp>(ys[d][t], ArrayRef<int64_t>{0, 1}));
    perStep.push_back(
        dirs == 1 ? dirsAtT[0]
                  : n.create<ConcatV2Op>(ValueRange(dirsAtT), uint64_t(1)));
  }
  Value y = seq == 1 ? perStep[0]
                     : n.create<ConcatV2Op>(ValueRange(perStep), uint64_t(0));
  Value yh =
      dirs == 1 ? hs[0] : n.create<ConcatV2Op>(ValueRange(hs), uint64_t(0));
  Value yc = cs.empty()  ? Value()
             : dirs == 1 ? cs[0]
                         : n.create<ConcatV2Op>(ValueRange(cs), uint64_t(0));
  if (layout != 0) {
    if (y)
      y = n.create<TransposeOp>(y, ArrayRef<int64_t>{2, 0, 1, 3});
    if (yh)
      yh = n.create<TransposeOp>(yh, ArrayRef<int64_t>{1, 0, 2});
    if (yc)
      yc = n.create<TransposeOp>(yc, ArrayRef<int64_t>{1, 0, 2});
  }
  n.setOutput(0, y);
  n.setOutput(1, yh);
  if (cell == Cell::Lstm)
    n.setOutput(2, yc);
  return success(y && yh && !n.hasFailed());
}

template <Cell C> LogicalResult translateRecurrent(NodeContext &n) {
  return Unroller(n, C).run();
}

} // namespace

ArrayRef<OpTranslator> getRecurrentTranslators() {
  static const OpTranslator table[] = {
      {"RNN", translateRecurrent<Cell::Rnn>},
      {"GRU", translateRecurrent<Cell::Gru>},
      {"LSTM", translateRecurrent<Cell::Lstm>},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
