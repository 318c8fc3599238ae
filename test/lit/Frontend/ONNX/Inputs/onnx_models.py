"""Small ONNX models for the ONNX frontend's lit tests.

Usage: onnx_models.py NAME OUTPUT.onnx

Each model is built with onnx.helper at test time (no binary files in the
repository). The models are tiny on purpose: every test checks how one op
or one attribute is translated, so the IR stays readable in FileCheck.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT
I64 = TensorProto.INT64
MODELS = {}


def model(name):
    def register(fn):
        MODELS[name] = fn
        return fn

    return register


def vi(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def graph(nodes, inputs, outputs, inits=(), opset=13, name="g"):
    g = helper.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def unary_chain(ops, opset=13, shape=(2, 3), dtype=F):
    """x -> op1 -> op2 -> ... with one node per op, each feeding an output."""
    nodes, outputs = [], []
    for i, (op, attrs) in enumerate(ops):
        nodes.append(helper.make_node(op, ["x"], [f"y{i}"], name=f"n{i}", **attrs))
        outputs.append(vi(f"y{i}", dtype, None))
    return graph(nodes, [vi("x", dtype, list(shape))], outputs, opset=opset)


# ---------------------------------------------------------------------------
# Elementwise
# ---------------------------------------------------------------------------


@model("host_types")
def _():
    """DOUBLE, INT16, UINT16, UINT32 and UINT64 inputs, initializers (raw and
    typed fields) and casts between them and FLOAT."""
    D, I16, U16, U32, U64 = (TensorProto.DOUBLE, TensorProto.INT16,
                             TensorProto.UINT16, TensorProto.UINT32,
                             TensorProto.UINT64)
    inits = [
        const("dk", np.array([0.5, -1.25, 2.0], np.float64)),
        helper.make_tensor("u64k", U64, [3], [1, 2, 18446744073709551615]),
        helper.make_tensor("u32k", U32, [3], [7, 8, 4294967295]),
        helper.make_tensor("i16k", I16, [3], [-32768, 0, 32767]),
        helper.make_tensor("u16k", U16, [3], [0, 1, 65535]),
    ]
    nodes = [
        helper.make_node("Add", ["d", "dk"], ["d_sum"], name="d_add"),
        helper.make_node("Cast", ["d_sum"], ["d_f32"], name="d_cast", to=F),
        helper.make_node("Max", ["i16", "i16k"], ["i16_max"], name="i16_max"),
        helper.make_node("Min", ["u16", "u16k"], ["u16_min"], name="u16_min"),
        helper.make_node("Mod", ["u32", "u32k"], ["u32_mod"], name="u32_mod"),
        helper.make_node("Mul", ["u64", "u64k"], ["u64_mul"], name="u64_mul"),
        helper.make_node("Cast", ["f"], ["f_f64"], name="f_cast", to=D),
    ]
    inputs = [vi("d", D, [2, 3]), vi("i16", I16, [3]), vi("u16", U16, [3]),
              vi("u32", U32, [3]), vi("u64", U64, [3]), vi("f", F, [3])]
    outputs = [vi("d_f32", F, [2, 3]), vi("i16_max", I16, [3]),
               vi("u16_min", U16, [3]), vi("u32_mod", U32, [3]),
               vi("u64_mul", U64, [3]), vi("f_f64", D, [3])]
    return graph(nodes, inputs, outputs, inits)


@model("strings")
def _():
    """STRING inputs and outputs, Cast to and from them, StringNormalizer
    and TfIdfVectorizer over strings."""
    S = TensorProto.STRING
    nodes = [
        helper.make_node("Cast", ["s"], ["s_f32"], name="parse", to=F),
        helper.make_node("Cast", ["f"], ["f_str"], name="format", to=S),
        helper.make_node("StringNormalizer", ["s"], ["norm"], name="norm",
                         case_change_action="UPPER", is_case_sensitive=0,
                         stopwords=["nan"], locale="en_US"),
        helper.make_node("TfIdfVectorizer", ["s"], ["tf"], name="tfidf",
                         mode="TF", min_gram_length=1, max_gram_length=2,
                         max_skip_count=0, ngram_counts=[0, 2],
                         ngram_indexes=[0, 1, 2], pool_strings=["1.5", "-2", "1.5", "-2"]),
    ]
    inputs = [vi("s", S, [3]), vi("f", F, [2])]
    outputs = [vi("s_f32", F, [3]), vi("f_str", S, [2]), vi("norm", S, [2]),
               vi("tf", F, [3])]
    return graph(nodes, inputs, outputs)


@model("string_const")
def _():
    """A STRING initializer, parsed to FLOAT."""
    S = TensorProto.STRING
    inits = [helper.make_tensor("k", S, [2], [b"0.25", b"-INF"])]
    nodes = [helper.make_node("Cast", ["k"], ["y"], name="parse", to=F)]
    return graph(nodes, [], [vi("y", F, [2])], inits)


@model("regex")
def _():
    """RegexFullMatch (opset 20) on a STRING input."""
    nodes = [helper.make_node("RegexFullMatch", ["s"], ["m"], name="match",
                              pattern=r"[a-z]+\d*")]
    return graph(nodes, [vi("s", TensorProto.STRING, [2, 2])],
                 [vi("m", TensorProto.BOOL, [2, 2])], opset=20)


@model("binary")
def _():
    ops = ["Add", "Sub", "Mul", "Div", "Equal", "Less", "Greater"]
    nodes = [helper.make_node(op, ["a", "b"], [f"y_{op}"], name=op) for op in ops]
    nodes.append(helper.make_node("Pow", ["a", "e"], ["y_Pow"], name="Pow"))
    nodes.append(helper.make_node("Where", ["c", "a", "b"], ["y_Where"], name="Where"))
    return graph(
        nodes,
        [vi("a", F, [2, 3]), vi("b", F, [3]), vi("e", I64, [1]),
         vi("c", TensorProto.BOOL, [2, 1])],
        [vi(f"y_{op}", F if op not in ("Equal", "Less", "Greater")
            else TensorProto.BOOL, None) for op in ops + ["Pow", "Where"]],
        opset=13)


@model("pow_int_base")
def _():
    nodes = [helper.make_node("Pow", ["i", "e"], ["y"], name="pow")]
    return graph(nodes, [vi("i", TensorProto.INT32, [3]), vi("e", F, [])],
                 [vi("y", TensorProto.INT32, None)], opset=15)


@model("mod")
def _():
    I32 = TensorProto.INT32
    nodes = [
        helper.make_node("Mod", ["i", "j"], ["floor"], name="python_mod"),
        helper.make_node("Mod", ["i", "j"], ["trunc"], fmod=1, name="c_fmod"),
        helper.make_node("Mod", ["a", "b"], ["fmod"], fmod=1, name="float_fmod"),
    ]
    return graph(nodes, [vi("i", I32, [4]), vi("j", I32, [1]), vi("a", F, [2, 3]),
                         vi("b", F, [3])],
                 [vi("floor", I32, None), vi("trunc", I32, None), vi("fmod", F, None)])


@model("variadic")
def _():
    nodes = [
        helper.make_node("Max", ["a", "b", "c"], ["max"], name="max"),
        helper.make_node("Min", ["a"], ["min"], name="min"),
        helper.make_node("Sum", ["a", "b"], ["sum"], name="sum"),
        helper.make_node("Mean", ["a", "b", "c"], ["mean"], name="mean"),
    ]
    return graph(nodes, [vi("a", F, [2, 3]), vi("b", F, [3]), vi("c", F, [1])],
                 [vi(n, F, None) for n in ["max", "min", "sum", "mean"]])


@model("unary")
def _():
    return unary_chain([(op, {}) for op in
                        ["Sqrt", "Reciprocal", "Exp", "Log", "Neg", "Abs", "Erf"]])


@model("cast")
def _():
    nodes = [
        helper.make_node("Cast", ["x"], ["h"], to=TensorProto.FLOAT16, name="c16"),
        helper.make_node("Cast", ["x"], ["i"], to=TensorProto.INT32, name="ci"),
        helper.make_node("CastLike", ["x", "like"], ["l"], name="cl"),
    ]
    return graph(nodes, [vi("x", F, [4]), vi("like", TensorProto.INT8, [1])],
                 [vi("h", TensorProto.FLOAT16, None), vi("i", TensorProto.INT32, None),
                  vi("l", TensorProto.INT8, None)], opset=15)


@model("clip_opset7")
def _():
    return unary_chain([("Clip", {"min": -1.0, "max": 6.0}), ("Clip", {"max": 2.5})],
                       opset=7)


@model("clip_opset13")
def _():
    nodes = [
        helper.make_node("Clip", ["x", "lo", "hi"], ["y0"], name="both"),
        helper.make_node("Clip", ["x", "", "hi"], ["y1"], name="max_only"),
        helper.make_node("Clip", ["x"], ["y2"], name="none"),
    ]
    return graph(nodes, [vi("x", F, [4])], [vi(f"y{i}", F, None) for i in range(3)],
                 [const("lo", np.float32(0)), const("hi", np.float32(6))])


@model("clip_dynamic")
def _():
    nodes = [helper.make_node("Clip", ["x", "lo"], ["y"], name="dyn_clip")]
    return graph(nodes, [vi("x", F, [4]), vi("lo", F, [])], [vi("y", F, None)])


@model("clip_int8")
def _():
    I8 = TensorProto.INT8
    nodes = [
        helper.make_node("Clip", ["x", "", "hi"], ["y0"], name="max_only"),
        helper.make_node("Clip", ["x"], ["y1"], name="none"),
    ]
    return graph(nodes, [vi("x", I8, [4])], [vi(f"y{i}", I8, None) for i in range(2)],
                 [const("hi", np.int8(100))])


# ---------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------


@model("activations")
def _():
    return unary_chain([("Relu", {}), ("LeakyRelu", {"alpha": 0.2}), ("Sigmoid", {}),
                        ("Tanh", {}), ("HardSigmoid", {"alpha": 0.25}),
                        ("HardSwish", {}), ("Elu", {"alpha": 0.5}),
                        ("Softplus", {}), ("Softsign", {})], opset=14)


@model("activations_composed")
def _():
    return unary_chain([("Selu", {}), ("Celu", {"alpha": 2.0}),
                        ("ThresholdedRelu", {"alpha": 0.5}),
                        ("Shrink", {"lambd": 1.0, "bias": 0.25})], opset=13)


@model("reduce_composed")
def _():
    return unary_chain([("ReduceL1", {"axes": [1]}),
                        ("ReduceSumSquare", {"axes": [0], "keepdims": 0}),
                        ("ReduceLogSum", {}),
                        ("ReduceLogSumExp", {"axes": [-1], "keepdims": 0})],
                       opset=13, shape=(2, 3))


@model("depth_space")
def _():
    nodes = [
        helper.make_node("DepthToSpace", ["x"], ["dcr"], blocksize=2, name="d2s"),
        helper.make_node("DepthToSpace", ["x"], ["crd"], blocksize=2, mode="CRD",
                         name="d2s_crd"),
        helper.make_node("SpaceToDepth", ["x"], ["s2d"], blocksize=2, name="s2d"),
        helper.make_node("Size", ["x"], ["size"], name="size"),
    ]
    return graph(nodes, [vi("x", F, [1, 8, 2, 4])],
                 [vi(n, F, None) for n in ["dcr", "crd", "s2d"]] + [vi("size", I64, None)])


@model("prelu")
def _():
    nodes = [helper.make_node("PRelu", ["x", "slope"], ["y"], name="prelu")]
    return graph(nodes, [vi("x", F, [1, 3, 4, 4])], [vi("y", F, None)],
                 [const("slope", np.full((3, 1, 1), 0.1, np.float32))])


@model("logical")
def _():
    B = TensorProto.BOOL
    nodes = [
        helper.make_node("Not", ["p"], ["not"], name="not"),
        helper.make_node("And", ["p", "q"], ["and"], name="and"),
        helper.make_node("Or", ["p", "q"], ["or"], name="or"),
        helper.make_node("Xor", ["p", "q"], ["xor"], name="xor"),
        helper.make_node("LessOrEqual", ["a", "b"], ["le"], name="le"),
        helper.make_node("GreaterOrEqual", ["a", "b"], ["ge"], name="ge"),
        helper.make_node("IsNaN", ["a"], ["nan"], name="isnan"),
        helper.make_node("IsInf", ["a"], ["pinf"], detect_negative=0, name="isinf"),
        helper.make_node("Sign", ["a"], ["sign"], name="sign"),
    ]
    return graph(nodes, [vi("p", B, [2, 3]), vi("q", B, [3]), vi("a", F, [2, 3]),
                         vi("b", F, [2, 3])],
                 [vi(n, B, None) for n in ["not", "and", "or", "xor", "le", "ge",
                                           "nan", "pinf"]] + [vi("sign", F, None)],
                 opset=13)


@model("trilu_eyelike")
def _():
    nodes = [
        helper.make_node("Trilu", ["x", "k"], ["upper"], name="triu"),
        helper.make_node("Trilu", ["x"], ["lower"], upper=0, name="tril"),
        helper.make_node("EyeLike", ["x"], ["eye"], k=1, name="eye"),
        helper.make_node("MeanVarianceNormalization", ["x4"], ["mvn"], name="mvn"),
    ]
    return graph(nodes, [vi("x", F, [2, 3]), vi("x4", F, [1, 2, 3, 3])],
                 [vi(n, F, None) for n in ["upper", "lower", "eye", "mvn"]],
                 [const("k", np.array(1, np.int64))], opset=14)


@model("trilu_runtime_k")
def _():
    nodes = [
        helper.make_node("Trilu", ["x", "k"], ["upper"], name="triu"),
        helper.make_node("Trilu", ["x", "k"], ["lower"], upper=0, name="tril"),
    ]
    return graph(nodes, [vi("x", TensorProto.INT64, [2, 3]), vi("k", I64, [])],
                 [vi(n, TensorProto.INT64, None) for n in ["upper", "lower"]],
                 opset=14)


@model("index_ops")
def _():
    nodes = [
        helper.make_node("GatherElements", ["x", "idx"], ["ge"], axis=1, name="gather"),
        helper.make_node("ArgMax", ["x"], ["amax"], axis=1, name="argmax"),
        helper.make_node("ArgMin", ["x"], ["amin"], axis=0, keepdims=0,
                         select_last_index=1, name="argmin"),
        helper.make_node("Hardmax", ["x"], ["hmax"], axis=1, name="hardmax"),
        helper.make_node("OneHot", ["idx", "depth", "values"], ["onehot"], axis=1,
                         name="onehot"),
    ]
    return graph(nodes, [vi("x", F, [3, 4]), vi("idx", I64, [3, 2]), vi("depth", F, []),
                         vi("values", F, [2])],
                 [vi("ge", F, None), vi("amax", I64, None), vi("amin", I64, None),
                  vi("hmax", F, None), vi("onehot", F, [3, 5, 2])], opset=13)


@model("gather_scatter")
def _():
    nodes = [
        helper.make_node("GatherND", ["x", "nd"], ["g"], batch_dims=1, name="gather_nd"),
        helper.make_node("ScatterElements", ["x", "e", "u"], ["se"], axis=2,
                         reduction="add", name="scatter_elements"),
        helper.make_node("ScatterND", ["x", "n", "s"], ["sn"], name="scatter_nd"),
    ]
    return graph(nodes, [vi("x", F, [2, 3, 4]), vi("nd", I64, [2, 5, 2]),
                         vi("e", I64, [2, 3, 2]), vi("u", F, [2, 3, 2]),
                         vi("n", I64, [2, 1]), vi("s", F, [2, 3, 4])],
                 [vi("g", F, None), vi("se", F, None), vi("sn", F, None)], opset=16)


@model("losses")
def _():
    nodes = [
        helper.make_node("NegativeLogLikelihoodLoss", ["x", "t", "w"], ["nll"],
                         ignore_index=2, reduction="mean", name="nll"),
        helper.make_node("SoftmaxCrossEntropyLoss", ["x", "t"], ["sce", "logp"],
                         reduction="sum", name="sce"),
    ]
    return graph(nodes, [vi("x", F, [3, 5, 2]), vi("t", I64, [3, 2]), vi("w", F, [5])],
                 [vi("nll", F, None), vi("sce", F, None), vi("logp", F, None)],
                 opset=13)


@model("rounding_trig")
def _():
    return unary_chain([(op, {}) for op in
                        ["Floor", "Ceil", "Round", "Sin", "Cos", "Tan", "Asin",
                         "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh"]])


@model("quantize")
def _():
    U8 = TensorProto.UINT8
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "s", "zp"], ["q"], name="quant"),
        helper.make_node("DequantizeLinear", ["q", "s", "zp"], ["dq"], name="dequant"),
        helper.make_node("QuantizeLinear", ["x", "cs"], ["qc"], axis=1, name="per_axis"),
        helper.make_node("DynamicQuantizeLinear", ["x"], ["y", "ys", "yzp"],
                         name="dynamic"),
    ]
    return graph(nodes, [vi("x", F, [2, 3, 4]), vi("s", F, []), vi("zp", U8, []),
                         vi("cs", F, [3])],
                 [vi("q", U8, None), vi("dq", F, None), vi("qc", U8, None),
                  vi("y", U8, None), vi("ys", F, None), vi("yzp", U8, None)])


@model("resize")
def _():
    nodes = [
        helper.make_node("Resize", ["x", "", "s"], ["by_scales"], mode="linear",
                         name="by_scales"),
        helper.make_node("Resize", ["x", "", "", "sizes"], ["by_sizes"], mode="cubic",
                         coordinate_transformation_mode="align_corners", name="by_sizes"),
        helper.make_node("Resize", ["x", "", "cs"], ["const_scales"], name="const_scales"),
    ]
    return graph(nodes, [vi("x", F, [1, 1, 2, 2]), vi("s", F, [4])],
                 [vi("by_scales", F, [1, 1, 4, 6]), vi("by_sizes", F, None),
                  vi("const_scales", F, None)],
                 [const("sizes", np.array([1, 1, 3, 5], np.int64)),
                  const("cs", np.array([1, 1, 2, 1.5], np.float32))])


@model("gridsample")
def _():
    nodes = [helper.make_node("GridSample", ["x", "g"], ["y"], mode="bicubic",
                              padding_mode="border", align_corners=1, name="gs")]
    return graph(nodes, [vi("x", F, [1, 2, 4, 4]), vi("g", F, [1, 3, 5, 2])],
                 [vi("y", F, None)], opset=16)


@model("upsample")
def _():
    nodes = [helper.make_node("Upsample", ["x", "s"], ["y"], name="up")]
    return graph(nodes, [vi("x", F, [1, 1, 2, 2])], [vi("y", F, None)],
                 [const("s", np.array([1, 1, 2, 3], np.float32))], opset=9)


@model("runtime_shape_inputs")
def _():
    nodes = [
        helper.make_node("Unsqueeze", ["x", "axes"], ["unsq"], name="unsqueeze"),
        helper.make_node("Expand", ["x", "shape"], ["exp"], name="expand"),
        helper.make_node("Tile", ["x", "reps"], ["tile"], name="tile"),
        helper.make_node("Split", ["x", "split"], ["s0", "s1"], axis=1, name="split"),
        helper.make_node("ConstantOfShape", ["shape"], ["zeros"], name="cos"),
        helper.make_node("Range", ["start", "limit", "delta"], ["range"], name="range"),
    ]
    return graph(nodes,
                 [vi("x", F, [2, 3]), vi("axes", I64, [1]), vi("shape", I64, [3]),
                  vi("reps", I64, [2]), vi("split", I64, [2]), vi("start", I64, []),
                  vi("limit", I64, []), vi("delta", I64, [])],
                 [vi("unsq", F, [2, 1, 3]), vi("exp", F, [4, 2, 3]), vi("tile", F, [4, 9]),
                  vi("s0", F, [2, 1]), vi("s1", F, [2, 2]), vi("zeros", F, [4, 2, 3]),
                  vi("range", I64, [3])], opset=13)


@model("runtime_shape_unknown")
def _():
    nodes = [helper.make_node("Unsqueeze", ["x", "axes"], ["y"], name="unsqueeze")]
    return graph(nodes, [vi("x", F, [2, 3]), vi("axes", I64, [1])], [vi("y", F, None)],
                 opset=13)


@model("value_shaped")
def _():
    B = TensorProto.BOOL
    nodes = [
        helper.make_node("Slice", ["x", "starts", "ends"], ["sl"], name="slice"),
        helper.make_node("Pad", ["x", "pads", "value"], ["pad"], mode="constant",
                         name="pad"),
        helper.make_node("ReduceSum", ["x", "axes"], ["sum"], keepdims=0, name="rsum"),
        helper.make_node("TopK", ["x", "k"], ["tv", "ti"], axis=1, largest=0,
                         name="topk"),
        helper.make_node("TopK", ["x", "kc"], ["cv", "ci"], name="topk_const"),
        helper.make_node("NonZero", ["cond"], ["nz"], name="nonzero"),
        helper.make_node("Compress", ["x", "c1"], ["cmp"], axis=1, name="compress"),
        helper.make_node("Unique", ["x"], ["u", "ui", "uinv", "uc"], name="unique"),
        helper.make_node("NonMaxSuppression", ["boxes", "scores", "maxo"], ["nms"],
                         center_point_box=1, name="nms"),
    ]
    return graph(nodes,
                 [vi("x", F, [2, 3]), vi("starts", I64, [1]), vi("ends", I64, [1]),
                  vi("pads", I64, [4]), vi("value", F, []), vi("axes", I64, [1]),
                  vi("k", I64, [1]), vi("cond", B, [2, 2]), vi("c1", B, [3]),
                  vi("boxes", F, [1, 5, 4]), vi("scores", F, [1, 2, 5]),
                  vi("maxo", I64, [1])],
                 [vi("sl", F, [1, 3]), vi("pad", F, [3, 5]), vi("sum", F, [3]),
                  vi("tv", F, [2, 2]), vi("ti", I64, [2, 2]), vi("cv", F, [2, 1]),
                  vi("ci", I64, [2, 1]), vi("nz", I64, [2, 3]), vi("cmp", F, [2, 2]),
                  vi("u", F, [4]), vi("ui", I64, [4]), vi("uinv", I64, [6]),
                  vi("uc", I64, [4]), vi("nms", I64, [3, 3])],
                 [const("kc", np.array([1], np.int64))], opset=13)


@model("value_shaped_unknown")
def _():
    nodes = [helper.make_node("NonZero", ["x"], ["y"], name="nonzero")]
    return graph(nodes, [vi("x", F, [2, 3])], [vi("y", I64, None)], opset=13)


@model("recurrent")
def _():
    nodes = [
        helper.make_node("RNN", ["x", "rw", "rr"], ["ry", "rh"], hidden_size=3,
                         name="rnn"),
        helper.make_node("GRU", ["x", "gw", "gr", "gb"], ["gy", "gh"], hidden_size=3,
                         linear_before_reset=1, direction="reverse", name="gru"),
        helper.make_node("LSTM", ["x", "lw", "lr", "", "lens"], ["ly", "lh", "lc"],
                         hidden_size=3, name="lstm"),
    ]
    inits = [const("rw", np.ones((1, 3, 2), np.float32)),
             const("rr", np.ones((1, 3, 3), np.float32)),
             const("gw", np.ones((1, 9, 2), np.float32)),
             const("gr", np.ones((1, 9, 3), np.float32)),
             const("gb", np.ones((1, 18), np.float32)),
             const("lw", np.ones((1, 12, 2), np.float32)),
             const("lr", np.ones((1, 12, 3), np.float32))]
    return graph(nodes, [vi("x", F, [2, 4, 2]), vi("lens", TensorProto.INT32, [4])],
                 [vi(n, F, None) for n in ["ry", "rh", "gy", "gh", "ly", "lh", "lc"]],
                 inits, opset=14)


@model("recurrent_too_long")
def _():
    # A 200-byte model asking for 65537 unrolled steps (found by fuzzing).
    nodes = [helper.make_node("GRU", ["x", "gw", "gr"], ["gy"], hidden_size=1,
                              name="gru")]
    inits = [const("gw", np.ones((1, 3, 1), np.float32)),
             const("gr", np.ones((1, 3, 1), np.float32))]
    return graph(nodes, [vi("x", F, [65537, 1, 1])], [vi("gy", F, None)], inits,
                 opset=14)


# ---------------------------------------------------------------------------
# Control flow (If, Loop, Scan): subgraphs imported inline
# ---------------------------------------------------------------------------

B = TensorProto.BOOL


def if_node(cond, then_nodes, then_out, else_nodes, else_out, name="choose",
            out="y"):
    then_g = helper.make_graph(then_nodes, "then_g", [], [vi(then_out, F, None)])
    else_g = helper.make_graph(else_nodes, "else_g", [], [vi(else_out, F, None)])
    return helper.make_node("If", [cond], [out], then_branch=then_g,
                            else_branch=else_g, name=name)


@model("if_runtime")
def _():
    # A condition computed at run time: both branches (reading the outer x
    # and the outer initializer w) are imported and each output selected.
    then_nodes = [helper.make_node("Mul", ["x", "w"], ["t"], name="then_mul")]
    else_nodes = [helper.make_node("Relu", ["x"], ["e"], name="else_relu")]
    nodes = [helper.make_node("ReduceSum", ["x"], ["s"], keepdims=0, name="sum"),
             helper.make_node("Greater", ["s", "zero"], ["c"], name="positive"),
             if_node("c", then_nodes, "t", else_nodes, "e")]
    return graph(nodes, [vi("x", F, [4])], [vi("y", F, [4])],
                 [const("w", np.full(4, 2, np.float32)),
                  const("zero", np.float32(0))])


@model("if_constant")
def _():
    # A constant condition imports only the branch it picks.
    then_nodes = [helper.make_node("Neg", ["x"], ["t"], name="then_neg")]
    else_nodes = [helper.make_node("Exp", ["x"], ["e"], name="else_exp")]
    nodes = [if_node("c", then_nodes, "t", else_nodes, "e")]
    return graph(nodes, [vi("x", F, [4])], [vi("y", F, [4])],
                 [const("c", np.array(False))])


def loop_body(nodes, inputs, outputs):
    return helper.make_graph(nodes, "body", inputs, outputs)


def counter_body():
    # y += x[i : i + 1] (a Slice whose starts come from the counter), and the
    # running y as a scan output.
    nodes = [
        helper.make_node("Identity", ["cond_in"], ["cond_out"], name="keep"),
        helper.make_node("Add", ["i", "one"], ["end"], name="next"),
        helper.make_node("Unsqueeze", ["i", "axes"], ["start1"], name="s1"),
        helper.make_node("Unsqueeze", ["end", "axes"], ["end1"], name="e1"),
        helper.make_node("Slice", ["table", "start1", "end1"], ["piece"],
                         name="piece"),
        helper.make_node("Add", ["y_in", "piece"], ["y_out"], name="acc"),
        helper.make_node("Identity", ["y_out"], ["scan"], name="emit"),
    ]
    return loop_body(nodes, [vi("i", I64, []), vi("cond_in", B, []),
                             vi("y_in", F, [1])],
                     [vi("cond_out", B, []), vi("y_out", F, [1]),
                      vi("scan", F, [1])])


def counter_inits():
    return [const("table", np.arange(1, 6, dtype=np.float32)),
            const("one", np.int64(1)), const("axes", np.array([0], np.int64))]


@model("loop_constant")
def _():
    # Trip count 3, condition true: three iterations, no masking.
    nodes = [helper.make_node("Loop", ["m", "c", "y0"], ["y", "ys"],
                              body=counter_body(), name="loop")]
    return graph(nodes, [vi("y0", F, [1])], [vi("y", F, [1]), vi("ys", F, [3, 1])],
                 counter_inits() + [const("m", np.int64(3)), const("c", np.array(True))])


@model("loop_runtime")
def _():
    # Trip count and condition are inputs: the scan output's declared length
    # (4) bounds the unrolling, and each carried value is masked.
    nodes = [helper.make_node("Loop", ["m", "c", "y0"], ["y", "ys"],
                              body=counter_body(), name="loop")]
    return graph(nodes, [vi("m", I64, []), vi("c", B, []), vi("y0", F, [1])],
                 [vi("y", F, [1]), vi("ys", F, [4, 1])], counter_inits())


@model("loop_while")
def _():
    # A run-time trip count and condition, a body that needs no constant
    # iteration number: a ge.While; the scan output has its declared
    # length (4).
    body = loop_body(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"], name="keep"),
         helper.make_node("Add", ["y_in", "step"], ["y_out"], name="acc"),
         helper.make_node("Identity", ["y_out"], ["scan"], name="emit")],
        [vi("i", I64, []), vi("cond_in", B, []), vi("y_in", F, [1])],
        [vi("cond_out", B, []), vi("y_out", F, [1]), vi("scan", F, [1])])
    nodes = [helper.make_node("Loop", ["m", "c", "y0"], ["y", "ys"],
                              body=body, name="loop")]
    return graph(nodes, [vi("m", I64, []), vi("c", B, []), vi("y0", F, [1])],
                 [vi("y", F, [1]), vi("ys", F, [4, 1])],
                 [const("step", np.full(1, 1.5, np.float32))])


@model("loop_no_bound")
def _():
    # A run-time trip count and no scan output: no bound to unroll to.
    nodes = [helper.make_node("Loop", ["m", "", "y0"], ["y"],
                              body=counter_body(), name="endless")]
    body = nodes[0].attribute[0].g
    del body.output[2]
    return graph(nodes, [vi("m", I64, []), vi("y0", F, [1])], [vi("y", F, [1])],
                 counter_inits())


@model("loop_too_long")
def _():
    nodes = [helper.make_node("Loop", ["m", "", "y0"], ["y", "ys"],
                              body=counter_body(), name="long_loop")]
    return graph(nodes, [vi("y0", F, [1])], [vi("y", F, [1]), vi("ys", F, None)],
                 counter_inits() + [const("m", np.int64(1 << 40))])


@model("loop_nested_too_big")
def _():
    # 4096 x 4096 iterations of a two-node body: each Loop is within the
    # per-node limits, the whole model is not.
    inner = helper.make_node("Loop", ["m", "", "y_in"], ["y_out"],
                             body=helper.make_graph(
                                 [helper.make_node("Identity", ["c2"], ["c2_out"]),
                                  helper.make_node("Add", ["z_in", "one_f"], ["z_out"])],
                                 "inner", [vi("j", I64, []), vi("c2", B, []),
                                           vi("z_in", F, [1])],
                                 [vi("c2_out", B, []), vi("z_out", F, [1])]),
                             name="inner_loop")
    outer_body = loop_body(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]), inner],
        [vi("i", I64, []), vi("cond_in", B, []), vi("y_in", F, [1])],
        [vi("cond_out", B, []), vi("y_out", F, [1])])
    nodes = [helper.make_node("Loop", ["m", "", "y0"], ["y"], body=outer_body,
                              name="outer_loop")]
    return graph(nodes, [vi("y0", F, [1])], [vi("y", F, [1])],
                 [const("m", np.int64(4096)), const("one_f", np.float32(1))])


@model("loop_bad_arity")
def _():
    # The body takes 3 inputs; a Loop with two carried values passes 4.
    nodes = [helper.make_node("Loop", ["m", "", "y0", "y0"], ["y", "z", "ys"],
                              body=counter_body(), name="bad_loop")]
    return graph(nodes, [vi("y0", F, [1])], [vi("y", F, [1])],
                 counter_inits() + [const("m", np.int64(2))])


@model("loop_missing_outer")
def _():
    body = counter_body()
    body.node[5].input[1] = "nowhere"
    nodes = [helper.make_node("Loop", ["m", "", "y0"], ["y", "ys"], body=body,
                              name="loop")]
    return graph(nodes, [vi("y0", F, [1])], [vi("y", F, [1])],
                 counter_inits() + [const("m", np.int64(2))])


@model("scan")
def _():
    # Running sums over axis 1, read backwards, stacked along output axis 1.
    body = helper.make_graph(
        [helper.make_node("Add", ["s_in", "x_t"], ["s_out"], name="acc"),
         helper.make_node("Identity", ["s_out"], ["emit"], name="emit")],
        "scan_body", [vi("s_in", F, [2]), vi("x_t", F, [2])],
        [vi("s_out", F, [2]), vi("emit", F, [2])])
    nodes = [helper.make_node("Scan", ["s0", "x"], ["s", "ys"], body=body,
                              num_scan_inputs=1, scan_input_axes=[1],
                              scan_input_directions=[1], scan_output_axes=[1],
                              name="scan")]
    return graph(nodes, [vi("s0", F, [2]), vi("x", F, [2, 3])],
                 [vi("s", F, [2]), vi("ys", F, [2, 3])])


# ---------------------------------------------------------------------------
# Convolution and pooling
# ---------------------------------------------------------------------------


def conv_model(attrs, x_shape=(1, 2, 8, 8), w_shape=(4, 2, 3, 3), bias=True,
               op="Conv", opset=13):
    inputs = ["x", "w"] + (["b"] if bias else [])
    inits = [const("w", np.ones(w_shape, np.float32))]
    if bias:
        channels = w_shape[0] if op == "Conv" else w_shape[1] * attrs.get("group", 1)
        inits.append(const("b", np.zeros(channels, np.float32)))
    nodes = [helper.make_node(op, inputs, ["y"], name="conv", **attrs)]
    return graph(nodes, [vi("x", F, list(x_shape))], [vi("y", F, None)], inits,
                 opset=opset)


@model("conv_pads")
def _():
    # ONNX pads [h_begin, w_begin, h_end, w_end] = [1, 2, 3, 4].
    return conv_model({"pads": [1, 2, 3, 4], "strides": [2, 1], "dilations": [1, 2]})


@model("conv_same_upper")
def _():
    return conv_model({"auto_pad": "SAME_UPPER", "strides": [2, 2]},
                      w_shape=(4, 2, 3, 3), bias=False)


@model("conv_same_lower")
def _():
    return conv_model({"auto_pad": "SAME_LOWER", "strides": [2, 2]},
                      w_shape=(4, 2, 3, 3), bias=False)


@model("conv_valid_group")
def _():
    return conv_model({"auto_pad": "VALID", "group": 2}, x_shape=(1, 4, 8, 8),
                      w_shape=(4, 2, 3, 3))


@model("conv1d")
def _():
    return conv_model({"pads": [1, 2], "strides": [2]}, x_shape=(1, 2, 16),
                      w_shape=(4, 2, 3))


@model("conv3d")
def _():
    # ONNX pads [d_begin, h_begin, w_begin, d_end, h_end, w_end].
    return conv_model({"pads": [1, 0, 2, 0, 1, 1], "strides": [1, 2, 1],
                       "dilations": [2, 1, 1], "group": 2},
                      x_shape=(1, 2, 6, 8, 8), w_shape=(4, 1, 3, 3, 3))


@model("conv_transpose_3d")
def _():
    return conv_model({"strides": [2, 1, 2], "pads": [1, 0, 0, 1, 1, 0],
                       "output_padding": [1, 0, 0]},
                      x_shape=(1, 2, 3, 4, 5), w_shape=(2, 3, 3, 3, 3),
                      op="ConvTranspose")


@model("conv4d")
def _():
    return conv_model({}, x_shape=(1, 1, 2, 2, 2, 2), w_shape=(1, 1, 2, 2, 2, 2),
                      bias=False)


@model("conv_transpose")
def _():
    return conv_model({"strides": [2, 2], "pads": [1, 1, 1, 1],
                       "output_padding": [1, 0]},
                      x_shape=(1, 2, 5, 5), w_shape=(2, 3, 3, 3),
                      op="ConvTranspose")


@model("conv_transpose_output_shape")
def _():
    return conv_model({"strides": [3, 2], "output_shape": [10, 8]},
                      x_shape=(1, 1, 3, 3), w_shape=(1, 2, 3, 3), bias=False,
                      op="ConvTranspose")


@model("pools")
def _():
    return unary_chain(
        [("MaxPool", {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]}),
         ("MaxPool", {"kernel_shape": [2, 2], "strides": [2, 2], "ceil_mode": 1}),
         ("AveragePool", {"kernel_shape": [3, 3], "pads": [0, 1, 2, 1],
                          "count_include_pad": 1}),
         ("AveragePool", {"kernel_shape": [2, 2], "auto_pad": "SAME_UPPER"}),
         ("GlobalAveragePool", {}), ("GlobalMaxPool", {})],
        opset=13, shape=(1, 3, 7, 7))


@model("pools_3d")
def _():
    return unary_chain(
        [("MaxPool", {"kernel_shape": [3, 3, 3], "strides": [2, 2, 2],
                      "pads": [1, 1, 1, 1, 1, 1]}),
         ("MaxPool", {"kernel_shape": [2, 2, 2], "dilations": [1, 2, 1],
                      "ceil_mode": 1}),
         ("AveragePool", {"kernel_shape": [3, 2, 3], "pads": [0, 1, 1, 1, 0, 1],
                          "count_include_pad": 1}),
         ("AveragePool", {"kernel_shape": [2, 2, 2], "strides": [2, 2, 2]}),
         ("LpPool", {"kernel_shape": [2, 2, 2], "p": 3}),
         ("GlobalAveragePool", {}), ("GlobalMaxPool", {}), ("GlobalLpPool", {})],
        opset=13, shape=(1, 3, 5, 6, 7))


@model("pools_lifted_to_3d")
def _():
    """LpPool, GlobalLpPool and dilated AveragePool (opset 19) of rank 1 and 2
    run as 3-D pools over unit depths."""
    x = vi("x", F, [1, 2, 7, 7])
    x1 = vi("x1", F, [1, 2, 9])
    nodes = [
        helper.make_node("LpPool", ["x"], ["lp"], kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1], strides=[2, 2], p=1),
        helper.make_node("LpPool", ["x1"], ["lp1"], kernel_shape=[3]),
        helper.make_node("GlobalLpPool", ["x"], ["glp"], p=2),
        helper.make_node("AveragePool", ["x"], ["dil"], kernel_shape=[2, 2],
                         dilations=[2, 2]),
    ]
    return graph(nodes, [x, x1], [vi(n, F, None) for n in ["lp", "lp1", "glp", "dil"]],
                 opset=19)


@model("maxpool_indices")
def _():
    nodes = [helper.make_node("MaxPool", ["x"], ["y", "idx"], kernel_shape=[2, 2],
                              name="pool_with_indices")]
    return graph(nodes, [vi("x", F, [1, 1, 4, 4])],
                 [vi("y", F, None), vi("idx", I64, None)])


# ---------------------------------------------------------------------------
# Gemm and MatMul
# ---------------------------------------------------------------------------


@model("gemm")
def _():
    nodes = [
        helper.make_node("Gemm", ["a", "w", "bias"], ["linear"], transB=1, name="linear"),
        helper.make_node("Gemm", ["at", "w2", "c"], ["scaled"], alpha=0.5, beta=2.0,
                         transA=1, name="scaled"),
        helper.make_node("Gemm", ["a", "w2t"], ["noc"], name="noc"),
    ]
    inits = [const("w", np.ones((5, 4), np.float32)),
             const("bias", np.zeros(5, np.float32)),
             const("w2", np.ones((4, 6), np.float32)),
             const("w2t", np.ones((4, 6), np.float32)),
             const("c", np.ones((1, 6), np.float32))]
    return graph(nodes, [vi("a", F, [3, 4]), vi("at", F, [4, 3])],
                 [vi("linear", F, None), vi("scaled", F, None), vi("noc", F, None)],
                 inits, opset=13)


@model("matmul")
def _():
    nodes = [
        helper.make_node("MatMul", ["m", "n"], ["mm2d"], name="mm2d"),
        helper.make_node("MatMul", ["b3", "n"], ["bmm"], name="bmm"),
        helper.make_node("MatMul", ["v", "n"], ["vecmat"], name="vecmat"),
        helper.make_node("MatMul", ["m", "u"], ["matvec"], name="matvec"),
        helper.make_node("MatMul", ["b4", "b3"], ["bcast"], name="bcast"),
    ]
    return graph(nodes, [vi("m", F, [2, 3]), vi("n", F, [3, 4]), vi("b3", F, [5, 2, 3]),
                         vi("v", F, [3]), vi("u", F, [3]), vi("b4", F, [2, 1, 4, 2])],
                 [vi(n, F, None) for n in ["mm2d", "bmm", "vecmat", "matvec", "bcast"]])


@model("matmul_int")
def _():
    nodes = [helper.make_node("MatMul", ["a", "b"], ["y"], name="int_mm")]
    return graph(nodes, [vi("a", TensorProto.INT32, [2, 2]),
                         vi("b", TensorProto.INT32, [2, 2])],
                 [vi("y", TensorProto.INT32, None)])


# ---------------------------------------------------------------------------
# Normalization and softmax
# ---------------------------------------------------------------------------


@model("batchnorm")
def _():
    c = 3
    inits = [const(n, np.full(c, v, np.float32)) for n, v in
             [("scale", 1), ("bias", 0), ("mean", 0), ("var", 1)]]
    nodes = [helper.make_node("BatchNormalization", ["x", "scale", "bias", "mean", "var"],
                              ["y"], epsilon=1e-3, name="bn")]
    return graph(nodes, [vi("x", F, [2, c, 4, 4])], [vi("y", F, None)], inits, opset=15)


@model("batchnorm_training")
def _():
    c = 3
    inits = [const(n, np.full(c, v, np.float32)) for n, v in
             [("scale", 1), ("bias", 0), ("mean", 0), ("var", 1)]]
    nodes = [helper.make_node("BatchNormalization", ["x", "scale", "bias", "mean", "var"],
                              ["y", "rm", "rv"], training_mode=1, name="bn_train")]
    return graph(nodes, [vi("x", F, [2, c, 4, 4])],
                 [vi("y", F, None), vi("rm", F, None), vi("rv", F, None)], inits,
                 opset=15)


@model("lrn")
def _():
    nodes = [helper.make_node("LRN", ["x"], ["y"], size=3, alpha=0.0002, beta=0.5,
                              bias=2.0, name="lrn")]
    return graph(nodes, [vi("x", F, [1, 4, 2, 2])], [vi("y", F, None)])


@model("layernorm")
def _():
    nodes = [
        helper.make_node("LayerNormalization", ["x", "gamma", "beta"], ["y"],
                         axis=-1, epsilon=1e-6, name="ln"),
        helper.make_node("LayerNormalization", ["x", "gamma2"], ["z", "mean", "inv"],
                         axis=1, name="ln_nobias"),
    ]
    inits = [const("gamma", np.ones(8, np.float32)), const("beta", np.zeros(8, np.float32)),
             const("gamma2", np.ones((4, 8), np.float32))]
    return graph(nodes, [vi("x", F, [2, 4, 8])],
                 [vi("y", F, None), vi("z", F, None), vi("mean", F, None),
                  vi("inv", F, None)], inits, opset=17)


@model("softmax_opset11")
def _():
    return unary_chain([("Softmax", {}), ("LogSoftmax", {"axis": -1}),
                        ("Softmax", {"axis": 0})], opset=11, shape=(2, 3, 4))


@model("softmax_opset13")
def _():
    return unary_chain([("Softmax", {}), ("LogSoftmax", {"axis": 1})], opset=13,
                       shape=(2, 3, 4))


@model("instancenorm")
def _():
    nodes = [helper.make_node("InstanceNormalization", ["x", "s", "b"], ["y"],
                              epsilon=1e-5, name="in")]
    return graph(nodes, [vi("x", F, [1, 3, 4, 4])], [vi("y", F, None)],
                 [const("s", np.ones(3, np.float32)), const("b", np.zeros(3, np.float32))])


# ---------------------------------------------------------------------------
# Shape manipulation
# ---------------------------------------------------------------------------


@model("reshape")
def _():
    nodes = [
        helper.make_node("Reshape", ["x", "s1"], ["r1"], name="r1"),
        helper.make_node("Reshape", ["x", "s2"], ["r2"], name="r2"),
        helper.make_node("Flatten", ["x"], ["f1"], name="f1"),
        helper.make_node("Flatten", ["x"], ["f0"], axis=0, name="f0"),
        helper.make_node("Flatten", ["d"], ["fd"], axis=-2, name="fd"),
        helper.make_node("Transpose", ["x"], ["t"], perm=[0, 2, 3, 1], name="t"),
        helper.make_node("Transpose", ["x"], ["tr"], name="tr"),
    ]
    return graph(nodes, [vi("x", F, [2, 3, 4, 5]), vi("d", F, ["N", 3, 4])],
                 [vi(n, F, None) for n in ["r1", "r2", "f1", "f0", "fd", "t", "tr"]],
                 [const("s1", np.array([0, -1, 5], np.int64)),
                  const("s2", np.array([6, 20], np.int64))])


@model("squeeze_opset11")
def _():
    nodes = [
        helper.make_node("Unsqueeze", ["x"], ["u"], axes=[0, -1], name="unsq"),
        helper.make_node("Squeeze", ["u"], ["s"], axes=[-1], name="sq"),
        helper.make_node("Squeeze", ["u"], ["all"], name="sq_all"),
    ]
    return graph(nodes, [vi("x", F, [3, 4])],
                 [vi(n, F, None) for n in ["u", "s", "all"]], opset=11)


@model("squeeze_opset13")
def _():
    nodes = [
        helper.make_node("Unsqueeze", ["x", "ax"], ["u"], name="unsq"),
        helper.make_node("Squeeze", ["u", "sx"], ["s"], name="sq"),
    ]
    return graph(nodes, [vi("x", F, [3, 4])], [vi("u", F, None), vi("s", F, None)],
                 [const("ax", np.array([1, -1], np.int64)),
                  const("sx", np.array([-3], np.int64))])


@model("expand_tile")
def _():
    nodes = [
        helper.make_node("Expand", ["x", "shape"], ["e"], name="expand"),
        helper.make_node("Tile", ["x", "reps"], ["t"], name="tile"),
        helper.make_node("Identity", ["x"], ["i"], name="id"),
        helper.make_node("Dropout", ["x"], ["d"], name="drop"),
    ]
    return graph(nodes, [vi("x", F, [3, 1])], [vi(n, F, None) for n in "etid"],
                 [const("shape", np.array([2, 3, 4], np.int64)),
                  const("reps", np.array([2, 2], np.int64))])


@model("shape_start_end")
def _():
    nodes = [
        helper.make_node("Shape", ["x"], ["all"], name="shape"),
        helper.make_node("Shape", ["x"], ["tail"], start=-2, name="shape_tail"),
    ]
    return graph(nodes, [vi("x", F, ["N", 3, 4])],
                 [vi("all", I64, None), vi("tail", I64, None)], opset=15)


@model("shape_fold")
def _():
    # Reshape(x, Concat(Gather(Shape(x), 0), [-1])): with a static x the
    # whole shape computation folds to a constant.
    nodes = [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Gather", ["s", "zero"], ["n"], axis=0, name="gather"),
        helper.make_node("Unsqueeze", ["n", "axes0"], ["n1"], name="unsq"),
        helper.make_node("Concat", ["n1", "minus1"], ["target"], axis=0, name="concat"),
        helper.make_node("Reshape", ["x", "target"], ["y"], name="reshape"),
    ]
    return graph(nodes, [vi("x", F, [2, 3, 4])], [vi("y", F, None)],
                 [const("zero", np.array(0, np.int64)),
                  const("axes0", np.array([0], np.int64)),
                  const("minus1", np.array([-1], np.int64))])


@model("shape_fold_dynamic")
def _():
    m = MODELS["shape_fold"]()
    m.graph.input[0].type.tensor_type.shape.dim[0].dim_param = "N"
    return m


@model("constant_subgraph")
def _():
    # torch's `class_token.expand(n, -1, -1)` as exported for ViT: Expand's
    # shape is Where(Equal(shape, ConstantOfShape * -1), ConstantOfShape,
    # shape), all constant. Tile's repeats come from logical and arithmetic
    # ops on constants (Not/And/Or/Xor, Cast, Abs, Neg, Sign, Max, Min, Mod,
    # ReduceProd, Range, Slice, Squeeze, Unsqueeze, Concat, Gather, GatherND).
    C = lambda name, v: helper.make_node(
        "Constant", [], [name], value=numpy_helper.from_array(np.array(v, np.int64)))
    n = helper.make_node
    nodes = [
        C("shape", [2, -1, -1]), C("three", [3]), C("minus1", -1),
        n("ConstantOfShape", ["three"], ["ones"],
          value=numpy_helper.from_array(np.array([1], np.int64))),
        n("Mul", ["ones", "minus1"], ["neg"]),
        n("Equal", ["shape", "neg"], ["is_neg"]),
        n("Where", ["is_neg", "ones", "shape"], ["target"]),
        n("Expand", ["token", "target"], ["y"], name="expand"),
        # repeats = [1, 2]
        n("Range", ["r0", "r5", "r1"], ["range"]),                 # [0 1 2 3 4]
        n("Slice", ["range", "s1", "s3"], ["sl"]),                 # [1 2]
        n("Neg", ["sl"], ["ng"]), n("Abs", ["ng"], ["ab"]),        # [1 2]
        n("Sign", ["ng"], ["sg"]),                                 # [-1 -1]
        n("Max", ["ab", "sg"], ["mx"]), n("Min", ["mx", "r5s"], ["mn"]),
        n("Mod", ["mn", "r5s"], ["md"]),                           # [1 2]
        n("Greater", ["md", "r1"], ["gt"]),                        # [F T]
        n("Not", ["gt"], ["nt"]), n("And", ["gt", "nt"], ["nd"]),  # [F F]
        n("Or", ["gt", "nd"], ["orr"]), n("Xor", ["orr", "nd"], ["xr"]),
        n("Cast", ["xr"], ["ci"], to=TensorProto.INT64),           # [0 1]
        n("Add", ["ci", "r1"], ["reps0"]),                         # [1 2]
        n("ReduceProd", ["reps0"], ["prod"], keepdims=1),          # [2]
        n("Gather", ["reps0", "g0"], ["first"], axis=0),           # 1
        n("Unsqueeze", ["first", "ax0"], ["first1"]),              # [1]
        n("Squeeze", ["prod"], ["prod0"]),                         # 2
        n("Unsqueeze", ["prod0", "ax0"], ["prod1"]),               # [2]
        n("Concat", ["first1", "prod1"], ["reps"], axis=0),        # [1 2]
        n("Tile", ["x", "reps"], ["z"], name="tile"),
        n("GatherND", ["nd_data", "nd_idx"], ["reps2"]),           # [2 1]
        n("Tile", ["x", "reps2"], ["w"], name="tile2"),
    ]
    return graph(nodes, [vi("token", F, [1, 1, 4]), vi("x", F, [2, 3])],
                 [vi("y", F, None), vi("z", F, None), vi("w", F, None)],
                 [const("r0", np.array(0, np.int64)), const("r5", np.array(5, np.int64)),
                  const("r1", np.array(1, np.int64)), const("r5s", np.array([5], np.int64)),
                  const("s1", np.array([1], np.int64)), const("s3", np.array([3], np.int64)),
                  const("g0", np.array(0, np.int64)), const("ax0", np.array([0], np.int64)),
                  const("nd_data", np.array([[7, 2], [1, 5]], np.int64)),
                  const("nd_idx", np.array([[0, 1], [1, 0]], np.int64))])


# ---------------------------------------------------------------------------
# Concat, Split, Slice, Gather, Pad
# ---------------------------------------------------------------------------


@model("concat_split")
def _():
    nodes = [
        helper.make_node("Concat", ["a", "b"], ["c"], axis=-1, name="concat"),
        helper.make_node("Split", ["c"], ["s0", "s1"], axis=1, split=[2, 5], name="split11"),
    ]
    return graph(nodes, [vi("a", F, [2, 3]), vi("b", F, [2, 4])],
                 [vi(n, F, None) for n in ["c", "s0", "s1"]], opset=11)


@model("split_opset13")
def _():
    nodes = [
        helper.make_node("Split", ["x", "sizes"], ["a", "b"], axis=-1, name="split_in"),
        helper.make_node("Split", ["x"], ["e0", "e1", "e2"], axis=0, name="split_eq"),
    ]
    return graph(nodes, [vi("x", F, [6, 5])],
                 [vi(n, F, None) for n in ["a", "b", "e0", "e1", "e2"]],
                 [const("sizes", np.array([1, 4], np.int64))])


@model("slice_opset9")
def _():
    return unary_chain([("Slice", {"starts": [1, -3], "ends": [1000, -1],
                                   "axes": [0, 1]})], opset=9, shape=(4, 6))


@model("slice_opset13")
def _():
    nodes = [
        helper.make_node("Slice", ["x", "st", "en", "ax", "sp"], ["rev"], name="reverse"),
        helper.make_node("Slice", ["x", "st2", "en2"], ["clamped"], name="clamped"),
        helper.make_node("Slice", ["d", "st3", "en3", "ax3"], ["dyn"], name="dyn_batch"),
    ]
    big = np.iinfo(np.int64).max
    return graph(nodes, [vi("x", F, [4, 6]), vi("d", F, ["N", 6])],
                 [vi(n, F, None) for n in ["rev", "clamped", "dyn"]],
                 [const("st", np.array([-1, 0], np.int64)),
                  const("en", np.array([-big, 6], np.int64)),
                  const("ax", np.array([0, 1], np.int64)),
                  const("sp", np.array([-1, 2], np.int64)),
                  const("st2", np.array([-10, 2], np.int64)),
                  const("en2", np.array([2, 100], np.int64)),
                  const("st3", np.array([1], np.int64)),
                  const("en3", np.array([3], np.int64)),
                  const("ax3", np.array([-1], np.int64))])


@model("slice_dynamic_starts")
def _():
    nodes = [helper.make_node("Slice", ["x", "starts", "ends"], ["y"], name="dyn_slice")]
    return graph(nodes, [vi("x", F, [4, 6]), vi("starts", I64, [1])], [vi("y", F, None)],
                 [const("ends", np.array([3], np.int64))])


@model("gather_pad")
def _():
    nodes = [
        helper.make_node("Gather", ["x", "idx"], ["g"], axis=-1, name="gather"),
        helper.make_node("Gather", ["x", "ids"], ["g2"], axis=0, name="gather_dyn"),
        helper.make_node("Pad", ["x", "pads", "cv"], ["p"], mode="constant", name="pad"),
        helper.make_node("Pad", ["x", "pads"], ["r"], mode="reflect", name="pad_reflect"),
    ]
    return graph(nodes, [vi("x", F, [3, 4]), vi("ids", I64, [2, 2])],
                 [vi(n, F, None) for n in ["g", "g2", "p", "r"]],
                 [const("idx", np.array([0, -1], np.int64)),
                  const("pads", np.array([1, 0, 2, 3], np.int64)),
                  const("cv", np.float32(1.5))], opset=13)


@model("pad_opset7")
def _():
    return unary_chain([("Pad", {"pads": [0, 1, 0, 2], "mode": "edge"}),
                        ("Pad", {"pads": [1, 1, 1, 1], "value": 2.0})], opset=7)


# ---------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------


@model("reduce_opset11")
def _():
    return unary_chain([("ReduceSum", {"axes": [1]}),
                        ("ReduceMean", {"axes": [-1], "keepdims": 0}),
                        ("ReduceMax", {}),
                        ("ReduceMin", {"axes": [0]}),
                        ("ReduceL2", {"axes": [1], "keepdims": 0}),
                        ("ReduceProd", {"axes": [2], "keepdims": 0})],
                       opset=11, shape=(2, 3, 4))


@model("reduce_opset13")
def _():
    nodes = [
        helper.make_node("ReduceSum", ["x", "axes"], ["s"], keepdims=0, name="sum_in"),
        helper.make_node("ReduceSum", ["x"], ["all"], name="sum_all"),
        helper.make_node("ReduceSum", ["x"], ["noop"], noop_with_empty_axes=1,
                         name="sum_noop"),
    ]
    return graph(nodes, [vi("x", F, [2, 3, 4])],
                 [vi(n, F, None) for n in ["s", "all", "noop"]],
                 [const("axes", np.array([0, -1], np.int64))])


# ---------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------


@model("constants")
def _():
    nodes = [
        helper.make_node("Constant", [], ["c"], value=const("cv", np.array([1.0, 2.0], np.float32)),
                         name="const"),
        helper.make_node("Constant", [], ["ci"], value_ints=[3, 4], name="const_ints"),
        helper.make_node("ConstantOfShape", ["shape"], ["zeros"], name="cos",
                         value=const("v", np.array([7], np.int64))),
        helper.make_node("Range", ["r0", "r1", "r2"], ["range"], name="range"),
        helper.make_node("Add", ["x", "big"], ["y"], name="add_big"),
        helper.make_node("Add", ["x", "small"], ["z"], name="add_small"),
    ]
    return graph(nodes, [vi("x", F, [16, 32])],
                 [vi("c", F, None), vi("ci", I64, None), vi("zeros", I64, None),
                  vi("range", F, None), vi("y", F, None), vi("z", F, None)],
                 [const("shape", np.array([2, 2], np.int64)),
                  const("r0", np.float32(1)), const("r1", np.float32(4)),
                  const("r2", np.float32(1.5)),
                  const("big", np.arange(512, dtype=np.float32).reshape(16, 32)),
                  const("small", np.ones(32, np.float32))])


@model("initializer_as_input")
def _():
    m = graph([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
              [vi("x", F, [2]), vi("w", F, [2])], [vi("y", F, None)],
              [const("w", np.array([1.0, 2.0], np.float32))])
    m.ir_version = 3
    return m


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


@model("unsupported_ops")
def _():
    nodes = [
        helper.make_node("Relu", ["x"], ["r"], name="ok_relu"),
        helper.make_node("DeformConv", ["r"], ["s1"], name="deform_1"),
        helper.make_node("Bernoulli", ["x"], ["c"], name="bernoulli_1"),
        helper.make_node("DeformConv", ["x"], ["s2"], name="deform_2"),
        helper.make_node("Scaler", ["x"], ["m"], domain="ai.onnx.ml", name="ml_scaler"),
        helper.make_node("MaxPool", ["x4"], ["p", "pi"], kernel_shape=[2, 2],
                         name="pool_idx"),
        helper.make_node("Conv", ["x6", "w6"], ["cv"], name="conv4d"),
        helper.make_node("Cast", ["x"], ["cplx"], to=TensorProto.COMPLEX64, name="to_complex"),
    ]
    m = graph(nodes, [vi("x", F, [2, 2]), vi("x4", F, [1, 1, 4, 4]),
                      vi("x6", F, [1, 1, 2, 2, 2, 2])],
              [vi(n, TensorProto.INT32, None) for n in ["s1", "s2"]] +
              [vi(n, F, None) for n in ["m", "p", "cv"]] +
              [vi("pi", I64, None), vi("cplx", TensorProto.COMPLEX64, None)],
              [const("w6", np.ones((1, 1, 2, 2, 2, 2), np.float32))])
    m.opset_import.append(helper.make_opsetid("ai.onnx.ml", 3))
    return m


@model("opset22")
def _():
    return unary_chain([("Relu", {})], opset=22)


@model("opset18_to_21")
def _():
    # Opset 21 model: Reduce* axes inputs (18), Split num_outputs (18), Pad
    # axes (18), Gelu (20).
    nodes = [
        helper.make_node("ReduceMean", ["x", "axes"], ["mean"], keepdims=0, name="mean"),
        helper.make_node("Split", ["x"], ["s0", "s1", "s2"], axis=2, num_outputs=3, name="split"),
        helper.make_node("Pad", ["x", "pads", "", "pad_axes"], ["padded"], name="pad"),
        helper.make_node("Gelu", ["x"], ["gelu"], approximate="tanh", name="gelu"),
    ]
    outs = ["mean", "s0", "s1", "s2", "padded", "gelu"]
    m = graph(nodes, [vi("x", F, [2, 3, 7])], [vi(o, F, None) for o in outs],
              [const("axes", np.array([1], np.int64)),
               const("pads", np.array([1, 2], np.int64)),
               const("pad_axes", np.array([-1], np.int64))], opset=21)
    m.ir_version = 10
    return m


@model("gelu_opset19")
def _():
    # Gelu exists from opset 20 on.
    nodes = [helper.make_node("Gelu", ["x"], ["y"], name="early_gelu")]
    return graph(nodes, [vi("x", F, [2])], [vi("y", F, None)], opset=19)


@model("opset6_same_definition")
def _():
    # GlobalAveragePool-1 is still the definition in force at opset 7.
    return unary_chain([("GlobalAveragePool", {})], opset=6, shape=(1, 2, 3, 3))


@model("opset6_changed_definition")
def _():
    # Add-6 broadcasts B from `axis`; B [3] does not match A's dim 0.
    nodes = [helper.make_node("Add", ["x", "b"], ["y"], name="old_add",
                              broadcast=1, axis=0)]
    return graph(nodes, [vi("x", F, [2, 3]), vi("b", F, [3])],
                 [vi("y", F, None)], opset=6)


@model("opset6_legacy_broadcast")
def _():
    # Add-6 with axis = 1: B [3] aligned with A's dim 1 (unsqueezed to
    # [3, 1]); Mul-6 with the default trailing alignment; Sub-6 without
    # broadcast (equal shapes).
    nodes = [
        helper.make_node("Add", ["x", "c"], ["a"], broadcast=1, axis=1),
        helper.make_node("Mul", ["a", "d"], ["m"], broadcast=1),
        helper.make_node("Sub", ["m", "x"], ["y"]),
    ]
    return graph(nodes, [vi("x", F, [2, 3, 4]), vi("c", F, [3]), vi("d", F, [4])],
                 [vi("y", F, None)], opset=6)


@model("opset6_gemm_batchnorm")
def _():
    # Gemm-6 `broadcast` and BatchNormalization-6 `is_test`/`spatial` are
    # dropped: Gemm-7's unidirectional broadcast and inference BN.
    nodes = [
        helper.make_node("Gemm", ["x", "w", "c"], ["g"], broadcast=1, transB=1),
        helper.make_node("Reshape", ["g"], ["r"], shape=[1, 4, 1, 1]),
        helper.make_node("BatchNormalization", ["r", "s", "b", "m", "v"], ["y"],
                         is_test=1, spatial=1, consumed_inputs=[0, 0, 0, 1, 1]),
    ]
    inits = [const("w", np.ones((4, 3), np.float32)), const("c", np.ones(4, np.float32))]
    inits += [const(n, np.ones(4, np.float32)) for n in "sbmv"]
    return graph(nodes, [vi("x", F, [1, 3])], [vi("y", F, None)], inits, opset=4)


@model("opset3_attributes_became_inputs")
def _():
    # Reshape-1's `shape`, Concat-1's default axis 1, Cast-1's type name,
    # Pad-1's `paddings`, Tile-1's tiles/axis inputs.
    nodes = [
        helper.make_node("Reshape", ["x"], ["r"], shape=[2, 3]),
        helper.make_node("Concat", ["r", "r"], ["c"]),
        helper.make_node("Pad", ["c"], ["p"], paddings=[0, 1, 0, 1]),
        helper.make_node("Tile", ["p", "tiles", "axis"], ["t"]),
        helper.make_node("Cast", ["t"], ["y"], to="INT32"),
    ]
    inits = [const("tiles", np.array(2, np.int64)), const("axis", np.array(0, np.int64))]
    return graph(nodes, [vi("x", F, [6])], [vi("y", TensorProto.INT32, None)],
                 inits, opset=1)


@model("opset6_training_batchnorm")
def _():
    nodes = [helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"],
                              ["y"], name="bn_train")]
    inits = [const(n, np.ones(2, np.float32)) for n in "sbmv"]
    return graph(nodes, [vi("x", F, [1, 2, 2])], [vi("y", F, None)], inits,
                 opset=6)


@model("double_input")
def _():
    return unary_chain([("Relu", {})], dtype=TensorProto.DOUBLE)


@model("dynamic_input")
def _():
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1], name="conv"),
        helper.make_node("Relu", ["c"], ["y"], name="relu"),
    ]
    return graph(nodes, [vi("x", F, ["batch", 3, "h", "w"])], [vi("y", F, None)],
                 [const("w", np.ones((8, 3, 3, 3), np.float32))])


@model("two_inputs")
def _():
    nodes = [helper.make_node("Add", ["x", "mask"], ["y"], name="add")]
    return graph(nodes, [vi("x", F, ["N", 128]), vi("mask", F, ["N", 128])],
                 [vi("y", F, ["N", 128])])


# ---------------------------------------------------------------------------
# Signal processing, training optimizers, run-time Dropout
# ---------------------------------------------------------------------------


@model("signal")
def _():
    """DFT (default length; runtime dft_length with a declared shape;
    onesided), STFT (window; runtime frame_length) and MelWeightMatrix."""
    I32 = TensorProto.INT32
    nodes = [
        helper.make_node("DFT", ["x"], ["d"], axis=1, name="dft"),
        helper.make_node("DFT", ["x", "n"], ["dn"], axis=1, inverse=1,
                         name="dft_runtime"),
        helper.make_node("DFT", ["x", "six"], ["d1"], axis=2, onesided=1,
                         name="dft_onesided"),
        helper.make_node("STFT", ["s", "step", "w"], ["st"], name="stft"),
        helper.make_node("STFT", ["s", "step", "", "len"], ["st2"],
                         onesided=0, name="stft_runtime"),
        helper.make_node("MelWeightMatrix", ["mels", "dftl", "rate", "lo", "hi"],
                         ["mel"], name="mel"),
    ]
    return graph(nodes,
                 [vi("x", F, [1, 5, 6, 1]), vi("n", I64, []), vi("s", F, [2, 32, 1]),
                  vi("step", I64, []), vi("len", I64, []), vi("mels", I32, []),
                  vi("dftl", I32, []), vi("rate", I32, []), vi("lo", F, []),
                  vi("hi", F, [])],
                 [vi("d", F, None), vi("dn", F, [1, 8, 6, 2]), vi("d1", F, None),
                  vi("st", F, [2, 7, 5, 2]), vi("st2", F, [2, 3, 16, 2]),
                  vi("mel", F, [9, 4])],
                 [const("six", np.array(6, np.int64)),
                  const("w", np.ones(8, np.float32))], opset=17)


@model("signal_unknown")
def _():
    nodes = [helper.make_node("DFT", ["x", "n"], ["d"], axis=1, name="dft")]
    return graph(nodes, [vi("x", F, [1, 5, 1]), vi("n", I64, [])],
                 [vi("d", F, None)], opset=17)


def training_graph(nodes, inputs, outputs, version=1):
    g = helper.make_graph(nodes, "g", inputs, outputs)
    m = helper.make_model(g, opset_imports=[
        helper.make_opsetid("", 17),
        helper.make_opsetid("ai.onnx.preview.training", version)])
    m.ir_version = 8
    return m


def optimizer_io(groups):
    inputs = [vi("R", F, []), vi("T", I64, [])]
    inputs += [vi(f"{g}{i}", F, [2]) for g in groups for i in (1, 2)]
    return inputs


@model("training_optimizers")
def _():
    D = "ai.onnx.preview.training"
    nodes = [
        helper.make_node("Adagrad", ["R", "T", "X1", "G1", "H1"], ["ax", "ah"],
                         domain=D, decay_factor=0.1, epsilon=1e-5,
                         norm_coefficient=0.001, name="adagrad"),
        helper.make_node("Momentum", ["R", "T", "X1", "X2", "G1", "G2", "V1", "V2"],
                         ["mx1", "mx2", "mv1", "mv2"], domain=D, alpha=0.9,
                         beta=0.5, mode="nesterov", norm_coefficient=0.0,
                         name="momentum"),
        helper.make_node("Adam", ["R", "T", "X1", "G1", "V1", "H1"],
                         ["dx", "dv", "dh"], domain=D, name="adam"),
    ]
    outs = ["ax", "ah", "mx1", "mx2", "mv1", "mv2", "dx", "dv", "dh"]
    return training_graph(nodes, optimizer_io("XGVH"), [vi(o, F, [2]) for o in outs])


@model("training_version2")
def _():
    nodes = [helper.make_node("Adagrad", ["R", "T", "X1", "G1", "H1"], ["ax", "ah"],
                              domain="ai.onnx.preview.training", name="adagrad")]
    return training_graph(nodes, optimizer_io("XGH"),
                          [vi("ax", F, [2]), vi("ah", F, [2])], version=2)


@model("training_bad_momentum")
def _():
    nodes = [helper.make_node("Momentum", ["R", "T", "X1", "G1", "V1"],
                              ["mx", "mv"], domain="ai.onnx.preview.training",
                              alpha=0.9, beta=0.1, mode="heavy",
                              norm_coefficient=0.0, name="momentum")]
    return training_graph(nodes, optimizer_io("XGV"),
                          [vi("mx", F, [2]), vi("mv", F, [2])])


@model("dropout_training")
def _():
    """ratio 0 (identity, all-true mask), run-time ratio and training_mode
    (host ge.Dropout), and a constant positive ratio in training (random:
    unsupported)."""
    B = TensorProto.BOOL
    nodes = [
        helper.make_node("Dropout", ["x", "zero", "yes"], ["y0", "m0"], name="zero"),
        helper.make_node("Dropout", ["x", "r", "t"], ["y1", "m1"], name="runtime"),
    ]
    return graph(nodes, [vi("x", F, [2, 3]), vi("r", F, []), vi("t", B, [])],
                 [vi("y0", F, None), vi("m0", B, None), vi("y1", F, None),
                  vi("m1", B, None)],
                 [const("zero", np.array(0, np.float32)),
                  const("yes", np.array(True))], opset=13)


@model("dropout_random")
def _():
    nodes = [helper.make_node("Dropout", ["x", "half", "yes"], ["y"], name="random")]
    return graph(nodes, [vi("x", F, [2, 3])], [vi("y", F, None)],
                 [const("half", np.array(0.5, np.float32)),
                  const("yes", np.array(True))], opset=13)


# ---------------------------------------------------------------------------
# External data
# ---------------------------------------------------------------------------


def external_model(location, weights=True):
    """A model whose weight `w` lives in external data at `location`."""
    w = np.arange(64, dtype=np.float32).reshape(8, 8)
    m = graph([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
              [vi("x", F, [2, 8])], [vi("y", F, None)], [const("w", w)])
    tensor = m.graph.initializer[0]
    data = tensor.raw_data
    tensor.ClearField("raw_data")
    tensor.data_location = TensorProto.EXTERNAL
    for key, value in [("location", location), ("offset", "16"),
                       ("length", str(len(data)))]:
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    return m, b"\0" * 16 + data


def save_external(path, location, data_path=None):
    m, data = external_model(location)
    target = data_path or os.path.join(os.path.dirname(path), location)
    os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
    with open(target, "wb") as f:
        f.write(data)
    onnx.save(m, path)


def main():
    name, out = sys.argv[1], sys.argv[2]
    if name == "external":
        save_external(out, "weights/w.bin")
    elif name == "external_escape":
        # ../w.bin exists but lies outside the model's directory.
        save_external(out, "../w.bin")
    elif name == "external_absolute":
        data = os.path.join(os.path.dirname(os.path.abspath(out)), "abs_w.bin")
        save_external(out, data, data)
    elif name == "external_symlink":
        # A symlink inside the model directory that points outside it.
        outside = os.path.join(os.path.dirname(os.path.abspath(out)), "..",
                               "outside_w.bin")
        m, data = external_model("link.bin")
        with open(outside, "wb") as f:
            f.write(data)
        link = os.path.join(os.path.dirname(os.path.abspath(out)), "link.bin")
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(os.path.abspath(outside), link)
        onnx.save(m, out)
    elif name == "external_short":
        m, data = external_model("short.bin")
        with open(os.path.join(os.path.dirname(os.path.abspath(out)), "short.bin"),
                  "wb") as f:
            f.write(data[:100])
        onnx.save(m, out)
    else:
        m = MODELS[name]()
        onnx.save(m, out)


if __name__ == "__main__":
    main()
