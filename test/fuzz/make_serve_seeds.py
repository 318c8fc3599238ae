"""Writes the seed corpora of the geflow-serve fuzz targets (serve_tf,
serve_kserve, serve_grpc): valid and near-valid requests for each signature
of ServeFuzzSupport.cpp, in the targets' input layouts (byte 0 picks the
signature; serve_kserve's bytes 1-2 are the Inference-Header-Content-Length,
present when byte 0 has its top bit).

    make_serve_seeds.py BUILD_DIR   (needs BUILD_DIR/tools/geflow-serve/python)
"""
import json
import os
import struct
import sys

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")

# The signatures of ServeFuzzSupport.cpp: (name, KServe datatype, numpy
# dtype, shape with the varying dims made concrete).
SIGNATURES = [
    [("x", "FP32", np.float32, [2, 3])],
    [("a", "INT32", np.int32, [2, 2]), ("b", "BOOL", np.bool_, [3])],
    [("h", "FP16", np.float16, [2]), ("g", "BF16", None, [2, 2]), ("i8", "INT8", np.int8, [3]),
     ("u8", "UINT8", np.uint8, []), ("l", "INT64", np.int64, [1, 2])],
    [("img", "FP32", np.float32, [1, 2, 2, 1])],
]
OUTPUTS = [["y"], ["s", "t"], ["o"], ["p", "q"]]


def values(dtype, shape, seed=0):
    rng = np.random.default_rng(seed)
    if dtype is None:  # bfloat16: the top halves of float32 values
        return (rng.standard_normal(shape).astype(np.float32).view(np.uint32) >> 16).astype(np.uint16)
    if dtype == np.bool_:
        return rng.integers(0, 2, shape).astype(np.bool_)
    if np.issubdtype(dtype, np.integer):
        return rng.integers(-5 if np.issubdtype(dtype, np.signedinteger) else 0, 9, shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def as_json(v, dtype):
    if dtype is None:  # bfloat16 values as the floats they stand for
        return (v.astype(np.uint32) << 16).view(np.float32).tolist()
    return v.tolist()


def write(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def tf_seeds():
    for i, sig in enumerate(SIGNATURES):
        arrays = [(n, dt, values(dt, s, i)) for n, _, dt, s in sig]
        cols = {n: as_json(v, dt) for n, dt, v in arrays}
        body = {"inputs": cols if len(cols) > 1 else next(iter(cols.values()))}
        write("serve_tf", f"sig{i}_columnar.json", bytes([i]) + json.dumps(body).encode())
        if all(s and s[0] == sig[0][3][0] for _, _, _, s in sig):  # row format needs a batch dim
            rows = []
            for r in range(sig[0][3][0]):
                row = {n: as_json(v, dt)[r] for n, dt, v in arrays}
                rows.append(row if len(row) > 1 else next(iter(row.values())))
            write("serve_tf", f"sig{i}_rows.json", bytes([i]) + json.dumps({"instances": rows}).encode())
    edge = {
        "empty_instances.json": (0, b'{"instances": []}'),
        "both_forms.json": (0, b'{"instances": [[1,2,3]], "inputs": [[1,2,3]]}'),
        "ragged.json": (0, b'{"instances": [[1,2,3],[1,2]]}'),
        "b64.json": (0, b'{"instances": [{"b64": "AAAA"}]}'),
        "deep.json": (0, b'{"instances": ' + b"[" * 300 + b"]" * 300 + b"}"),
        "named_rows.json": (1, b'{"instances": [{"a": [1, 2], "b": true}, {"a": [3, 4], "b": false}]}'),
        "huge_number.json": (0, b'{"inputs": [[1e309, -1e309, 3]]}'),
        "int_overflow.json": (1, b'{"inputs": {"a": [[2147483648, 0], [1, 2]], "b": [1]}}'),
        "signature_name.json": (0, b'{"signature_name": "serving_default", "instances": [[1,2,3]]}'),
    }
    for name, (sig, body) in edge.items():
        write("serve_tf", name, bytes([sig]) + body)


def kserve_json(sig, flat, binary):
    inputs, tail = [], b""
    for n, dtn, dt, s in sig:
        v = values(dt, s)
        entry = {"name": n, "shape": s, "datatype": dtn}
        if binary:
            raw = v.tobytes()
            entry["parameters"] = {"binary_data_size": len(raw)}
            tail += raw
        else:
            data = as_json(v, dt)
            entry["data"] = np.asarray(data).reshape(-1).tolist() if flat else data
        inputs.append(entry)
    return {"id": "seed", "inputs": inputs}, tail


def kserve_seeds():
    for i, sig in enumerate(SIGNATURES):
        outs = [{"name": o, "parameters": {"binary_data": bool(k % 2)}} for k, o in enumerate(OUTPUTS[i])]
        for flat in (False, True):
            head, _ = kserve_json(sig, flat, False)
            head["outputs"] = outs
            body = json.dumps(head).encode()
            write("serve_kserve", f"sig{i}_{'flat' if flat else 'nested'}.bin", bytes([i, 0, 0]) + body)
        head, tail = kserve_json(sig, False, True)
        head["parameters"] = {"binary_data_output": True}
        body = json.dumps(head).encode()
        write("serve_kserve", f"sig{i}_binary.bin",
              bytes([0x80 | i]) + struct.pack("<H", len(body)) + body + tail)
    edge = {
        "length_too_long.bin": (0x80, 0xFFFF, b'{"inputs": []}'),
        "binary_no_length.bin": (0, 0, b'{"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32",'
                                       b' "parameters": {"binary_data_size": 12}}]}' + b"\0" * 12),
        "binary_size_wrong.bin": (0x80, 85, b'{"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32",'
                                            b' "parameters": {"binary_data_size": 8}}]}' + b"\0" * 12),
        "shape_data_mismatch.bin": (0, 0, b'{"inputs": [{"name": "x", "shape": [4, 3], "datatype": "FP32",'
                                          b' "data": [1, 2, 3]}]}'),
        "huge_shape.bin": (0, 0, b'{"inputs": [{"name": "x", "shape": [1099511627776, 3],'
                                 b' "datatype": "FP32", "data": [1, 2, 3]}]}'),
        "negative_shape.bin": (0, 0, b'{"inputs": [{"name": "x", "shape": [-1, 3], "datatype": "FP32", "data": []}]}'),
        "unknown_output.bin": (0, 0, b'{"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32",'
                                     b' "data": [1, 2, 3]}], "outputs": [{"name": "zz"}]}'),
        "bad_datatype.bin": (0, 0, b'{"inputs": [{"name": "x", "shape": [1, 3], "datatype": "BYTES", "data": ["a"]}]}'),
    }
    for name, (flags, length, body) in edge.items():
        if name == "binary_size_wrong.bin":
            length = body.index(b"\0")
        write("serve_kserve", name, bytes([flags]) + struct.pack("<H", length) + body)


def grpc_seeds(build):
    sys.path.insert(0, os.path.join(build, "tools", "geflow-serve", "python"))
    import grpc_predict_v2_pb2 as pb
    typed_field = {"FP32": "fp32_contents", "INT32": "int_contents", "INT8": "int_contents",
                   "UINT8": "uint_contents", "INT64": "int64_contents", "BOOL": "bool_contents"}
    for i, sig in enumerate(SIGNATURES):
        for raw in (False, True):
            req = pb.ModelInferRequest(model_name="m", id="seed")
            for n, dtn, dt, s in sig:
                t = req.inputs.add(name=n, datatype=dtn, shape=s)
                v = values(dt, s)
                if raw or dtn not in typed_field:
                    req.raw_input_contents.append(v.tobytes())
                else:
                    getattr(t.contents, typed_field[dtn]).extend(v.reshape(-1).tolist())
            if raw or all(dtn in typed_field for _, dtn, _, _ in sig):
                for o in OUTPUTS[i]:
                    req.outputs.add(name=o)
                write("serve_grpc", f"sig{i}_{'raw' if raw else 'typed'}.pb",
                      bytes([i]) + req.SerializeToString())
    req = pb.ModelInferRequest(model_name="m")
    req.inputs.add(name="x", datatype="FP32", shape=[1 << 40, 3])
    write("serve_grpc", "huge_shape_typed.pb", bytes([0]) + req.SerializeToString())
    req = pb.ModelInferRequest(model_name="m")
    req.inputs.add(name="x", datatype="FP32", shape=[2, 3]).contents.fp32_contents.extend([1.0] * 5)
    write("serve_grpc", "typed_count_wrong.pb", bytes([0]) + req.SerializeToString())


if __name__ == "__main__":
    tf_seeds()
    kserve_seeds()
    grpc_seeds(sys.argv[1])
