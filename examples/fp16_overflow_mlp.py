#!/usr/bin/python3
"""The model of docs/debugging.md's worked example: a small MLP whose second
MatMul ('fc2', about 1.3e5 per element) is beyond float16's 65504, so it
breaks under precision_mode=force_fp16 and is right in fp32.

    examples/fp16_overflow_mlp.py mlp.onnx x.npy

writes the ONNX model (x: float32[4, 8] -> fc1 MatMul, fc1_bias Add, act1
Relu, fc2 MatMul, prob Softmax -> y) and an input for it.
"""
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save


def model():
    w1 = numpy_helper.from_array(np.full((8, 16), 10, np.float32), "w1")
    b1 = numpy_helper.from_array(np.full((16,), 0.5, np.float32), "b1")
    w2 = numpy_helper.from_array(np.full((16, 4), 100, np.float32), "w2")
    nodes = [helper.make_node("MatMul", ["x", "w1"], ["h0"], name="fc1"),
             helper.make_node("Add", ["h0", "b1"], ["h1"], name="fc1_bias"),
             helper.make_node("Relu", ["h1"], ["h2"], name="act1"),
             helper.make_node("MatMul", ["h2", "w2"], ["z"], name="fc2"),
             helper.make_node("Softmax", ["z"], ["y"], name="prob", axis=-1)]
    graph = helper.make_graph(
        nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 4])], [w1, b1, w2])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} OUT.onnx OUT_INPUT.npy")
    save(model(), sys.argv[1])
    np.save(sys.argv[2], np.random.default_rng(0).uniform(0.5, 1.5, (4, 8)).astype(np.float32))
