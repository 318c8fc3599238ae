"""STRING tensors through the Python API.

Strings live on the host CPU engine (mix_compile_mode): inputs may be NumPy
'U', 'S' or object arrays or lists of str/bytes, string outputs come back
as object arrays of str. Cast to strings gives NumPy's astype(str) text
(ONNX's reference) except NaN/INF, which are ONNX's literals; Cast from
strings equals astype(np.float32) bit for bit; StringNormalizer and
TfIdfVectorizer equal a plain-Python reference (exact).
"""
import numpy as np
import pytest
from onnx import TensorProto, helper

import geflow

S, F = TensorProto.STRING, TensorProto.FLOAT
vi = helper.make_tensor_value_info


def model(nodes, inputs, outputs, opset=13):
    graph = helper.make_graph(nodes, "strings", inputs, outputs)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


@pytest.fixture(scope="module")
def casts():
    m = model([helper.make_node("Cast", ["f"], ["s"], to=S),
               helper.make_node("Cast", ["t"], ["g"], to=F)],
              [vi("f", F, [64]), vi("t", S, [64])],
              [vi("s", S, [64]), vi("g", F, [64])])
    return geflow.compile(m, {"mix_compile_mode": "true"})


def test_cast_matches_numpy(casts, rng):
    f = (rng.standard_normal(64) * 10.0 ** rng.integers(-8, 20, 64)).astype(np.float32)
    t = f.astype(str)  # a unicode 'U' array
    s, g = casts.run({"f": f, "t": t})
    assert s.dtype == object and s.shape == (64,)
    assert list(s) == list(f.astype(str))
    assert g.dtype == np.float32
    np.testing.assert_array_equal(g.view(np.uint32), f.view(np.uint32))


def test_cast_takes_bytes_lists_and_literals(casts):
    t = [b"1.5", "NaN", "INF", "-inf", "+INF", "1e-5", " 2 ", "-0"] * 8
    f = np.array([np.nan, np.inf, -np.inf, 0.5] * 16, np.float32)
    s, g = casts.run({"f": f, "t": np.array(t, dtype=object)})
    assert list(s[:4]) == ["NaN", "INF", "-INF", "0.5"]
    want = np.array([1.5, np.nan, np.inf, -np.inf, np.inf, 1e-5, 2, -0.0] * 8,
                    np.float32)
    np.testing.assert_array_equal(g, want)


def test_cast_reports_text_that_is_no_number(casts):
    t = np.array(["1"] * 63 + ["twelve"])
    with pytest.raises(geflow.Error, match="element 63 'twelve' is not a number"):
        casts.run({"f": np.zeros(64, np.float32), "t": t})
    with pytest.raises(geflow.Error, match="string tensor, got dtype float32"):
        casts.run({"f": np.zeros(64, np.float32), "t": np.zeros(64, np.float32)})


def normalize(words, action, case_sensitive, stopwords):
    """StringNormalizer in plain Python (ASCII and Latin letters). Case maps
    one character to one, as glibc's towupper/towlower (and ONNX Runtime)
    do: 'ß' has no one-character upper case and stays 'ß'."""
    def upper(w):
        return "".join(c.upper() if len(c.upper()) == 1 else c for c in w)

    if case_sensitive:
        kept = [w for w in words if w not in stopwords]
    else:
        stop = {w.lower() for w in stopwords}
        kept = [w for w in words if w.lower() not in stop]
    if action == "UPPER":
        kept = [upper(w) for w in kept]
    elif action == "LOWER":
        kept = [w.lower() for w in kept]
    return kept or [""]


@pytest.mark.parametrize("action", ["UPPER", "LOWER", "NONE"])
@pytest.mark.parametrize("case_sensitive", [0, 1])
def test_string_normalizer_matches_python(action, case_sensitive):
    words = ["Monday", "monday", "Tuesday", "Straße", "Éclair", "mONDAY"]
    stopwords = ["monday", "éclair"]
    want = normalize(words, action, case_sensitive, stopwords)
    m = model([helper.make_node("StringNormalizer", ["x"], ["y"],
                                case_change_action=action,
                                is_case_sensitive=case_sensitive,
                                stopwords=stopwords)],
              [vi("x", S, [1, len(words)])], [vi("y", S, [1, len(want)])],
              opset=10)
    exe = geflow.compile(m, {"mix_compile_mode": "true"})
    (y,) = exe.run({"x": np.array([words])})
    assert y.shape == (1, len(want))
    assert list(y[0]) == want


def tfidf_reference(row, grams, min_n, max_n, max_skip):
    counts = [0.0] * len(grams)
    for k, g in enumerate(grams):
        n = len(g)
        if not min_n <= n <= max_n:
            continue
        for skip in range(0, (max_skip if n > 1 else 0) + 1):
            step = skip + 1
            for start in range(len(row)):
                items = row[start:start + (n - 1) * step + 1:step]
                counts[k] += len(items) == n and list(items) == list(g)
    return counts


def test_tfidf_over_strings_matches_python(rng):
    words = ["a", "b", "c", "d"]
    grams = [["a"], ["c"], ["a", "b"], ["b", "c"], ["d", "a"]]
    pool = [w for g in grams for w in g]
    x = rng.choice(words, size=(3, 9))
    m = model([helper.make_node("TfIdfVectorizer", ["x"], ["y"], mode="TF",
                                min_gram_length=1, max_gram_length=2,
                                max_skip_count=2, ngram_counts=[0, 2],
                                ngram_indexes=list(range(5)),
                                pool_strings=pool)],
              [vi("x", S, [3, 9])], [vi("y", F, [3, 5])], opset=9)
    exe = geflow.compile(m, {"mix_compile_mode": "true"})
    (y,) = exe.run({"x": x})
    want = [tfidf_reference(list(r), grams, 1, 2, 2) for r in x]
    np.testing.assert_array_equal(y, np.array(want, np.float32))


def test_string_outputs_need_run(casts):
    with pytest.raises(geflow.Error, match="string tensor"):
        casts.run({"f": np.zeros(64, np.float32), "t": np.zeros(64).astype(str)},
                  outputs=[np.empty(64, object), np.empty(64, np.float32)])
