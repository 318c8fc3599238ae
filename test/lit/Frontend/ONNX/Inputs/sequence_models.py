"""Small ONNX models with sequence and optional values for lit tests.

Usage: sequence_models.py NAME OUTPUT.onnx
"""
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

F, I64, I32 = TensorProto.FLOAT, TensorProto.INT64, TensorProto.INT32
MODELS = {}


def model(fn):
    MODELS[fn.__name__] = fn
    return fn


def vi(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


def seq_vi(name, dtype, shape=None):
    return helper.make_value_info(
        name, helper.make_sequence_type_proto(
            helper.make_tensor_type_proto(dtype, shape)))


def opt_vi(name, inner):
    return helper.make_value_info(name, helper.make_optional_type_proto(inner))


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def graph(nodes, inputs, outputs, inits=(), opset=17):
    g = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


@model
def construct_at_insert():
    """[a, b] -> insert c at 1 -> erase -1 -> at 1, length."""
    return graph(
        [helper.make_node("SequenceConstruct", ["a", "b"], ["s"]),
         helper.make_node("SequenceInsert", ["s", "c", "one"], ["s2"]),
         helper.make_node("SequenceErase", ["s2"], ["s3"]),
         helper.make_node("SequenceAt", ["s3", "one"], ["y"]),
         helper.make_node("SequenceLength", ["s3"], ["n"])],
        [vi("a", F, [2]), vi("b", F, [3]), vi("c", F, [4])],
        [vi("y", F, None), vi("n", I64, [])], [const("one", np.int64(1))])


@model
def seq_io():
    """A sequence input mapped elementwise, returned as a sequence."""
    body = helper.make_graph(
        [helper.make_node("Add", ["e", "t"], ["r"])], "body",
        [vi("e", F, ["N"]), vi("t", F, [1])], [vi("r", F, ["N"])])
    return graph(
        [helper.make_node("SequenceMap", ["x", "t"], ["y"], body=body)],
        [seq_vi("x", F, ["N"]), vi("t", F, [1])], [seq_vi("y", F, ["N"])])


@model
def optional_io():
    return graph(
        [helper.make_node("OptionalHasElement", ["o"], ["has"]),
         helper.make_node("OptionalGetElement", ["o"], ["v"])],
        [opt_vi("o", helper.make_tensor_type_proto(F, [4]))],
        [vi("has", TensorProto.BOOL, []), vi("v", F, [4])], opset=15)


@model
def at_out_of_range():
    return graph(
        [helper.make_node("SequenceConstruct", ["a", "a"], ["s"]),
         helper.make_node("SequenceAt", ["s", "five"], ["y"])],
        [vi("a", F, [2])], [vi("y", F, [2])], [const("five", np.int64(5))])


@model
def mixed_dtypes():
    return graph(
        [helper.make_node("SequenceConstruct", ["a", "b"], ["s"]),
         helper.make_node("SequenceLength", ["s"], ["n"])],
        [vi("a", F, [2]), vi("b", I32, [2])], [vi("n", I64, [])])


@model
def seq_as_tensor():
    # y has no declared type, so ONNX shape inference (which would stop at
    # the type mismatch first) leaves the check to the importer.
    return graph(
        [helper.make_node("SequenceConstruct", ["a", "a"], ["s"]),
         helper.make_node("Relu", ["s"], ["y"])],
        [vi("a", F, [2])], [helper.make_empty_tensor_value_info("y")])


@model
def split_concat():
    """SplitToSequence into size-1 parts squeezed, ConcatFromSequence
    stacking them on a new axis 1 (a transpose)."""
    return graph(
        [helper.make_node("SplitToSequence", ["x"], ["s"], axis=0, keepdims=0),
         helper.make_node("ConcatFromSequence", ["s"], ["y"], axis=1,
                          new_axis=1)],
        [vi("x", F, [3, 2])], [vi("y", F, [2, 3])])


def main():
    with open(sys.argv[2], "wb") as f:
        f.write(MODELS[sys.argv[1]]().SerializeToString())


if __name__ == "__main__":
    main()
