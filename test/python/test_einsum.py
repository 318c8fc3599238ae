"""ONNX Einsum through the Python API, against numpy.einsum.

ge.Einsum has no device kernel: under mix_compile_mode it runs on the host
CPU engine (accumulating floats in double). Results equal numpy.einsum at
rtol = 1e-6 (atol 1e-6 for sums near zero) in float32 and float64; a bad
equation fails the compile naming the node.
"""
import numpy as np
import pytest
from onnx import TensorProto, helper

import geflow

# (equation, input shapes): batch matmul, transpose, diagonal, sum, inner
# product, ellipsis broadcasting, implicit output, three operands.
CASES = [
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("ij->ji", [(3, 4)]),
    ("ii->i", [(4, 4)]),
    ("...ii->...i", [(2, 3, 3)]),
    ("ij->", [(3, 4)]),
    ("i,i", [(5,), (5,)]),
    ("...ij,...jk->...ik", [(2, 1, 3, 4), (3, 4, 2)]),
    ("ij,jk", [(3, 4), (4, 2)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("b i i, b j -> b j", [(2, 3, 3), (2, 4)]),
]

DTYPES = {np.float32: TensorProto.FLOAT, np.float64: TensorProto.DOUBLE}


def einsum_model(equation, shapes, elem, out_shape):
    names = [f"x{i}" for i in range(len(shapes))]
    node = helper.make_node("Einsum", names, ["y"], name="the_einsum",
                            equation=equation)
    vi = helper.make_tensor_value_info
    graph = helper.make_graph(
        [node], "einsum", [vi(n, elem, list(s)) for n, s in zip(names, shapes)],
        [vi("y", elem, None if out_shape is None else list(out_shape))])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("equation,shapes", CASES)
def test_einsum_matches_numpy(rng, equation, shapes, dtype):
    inputs = [rng.standard_normal(s).astype(dtype) for s in shapes]
    ref = np.einsum(equation.replace(" ", ""),
                    *[x.astype(np.float64) for x in inputs])
    exe = geflow.compile(einsum_model(equation, shapes, DTYPES[dtype], ref.shape),
                         {"mix_compile_mode": "true"})
    (y,) = exe.run({f"x{i}": x for i, x in enumerate(inputs)})
    assert y.dtype == dtype
    assert y.shape == ref.shape
    np.testing.assert_allclose(y, ref, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("equation,shapes,message", [
    ("ij,jk->ik", [(3, 4)], r"2 input terms for 1 inputs"),
    ("ijk->i", [(3, 4)], r"names 3 dims but input 0 has rank 2"),
    ("ij->iz", [(3, 4)], r"output label 'z' appears in no input term"),
    ("i.j->i", [(3, 4)], r"'\.' that is not part of '\.\.\.'"),
    ("i1->i", [(3,)], r"character '1'"),
])
def test_bad_equation_names_the_node(equation, shapes, message):
    model = einsum_model(equation, shapes, TensorProto.DOUBLE, None)
    with pytest.raises(geflow.CompileError, match=r"the_einsum(.|\n)*" + message):
        geflow.compile(model, {"mix_compile_mode": "true"})


def test_mismatched_label_sizes_fail():
    model = einsum_model("ij,jk->ik", [(3, 4), (5, 2)], TensorProto.DOUBLE, None)
    with pytest.raises(geflow.CompileError, match=r"label 'j' has size 4 and 5"):
        geflow.compile(model, {"mix_compile_mode": "true"})
