#!/usr/bin/env python3
"""Writes test/serving/data/golden_tf_serving_warmup_requests: a warm-up file
in TensorFlow's exact TFRecord + PredictionLog format, made without geflow.

The records are built with protobuf's own Python library from classes that
protoc generates (at run time, into a scratch directory) from geflow-serve's
proto files, whose package, message names and field numbers are those of
tensorflow_serving/apis/{prediction_log,predict,model}.proto and
tensorflow/core/framework/tensor.proto. Each record is framed as
tf.io.TFRecordWriter frames it (tensorflow/core/lib/io/record_writer.cc):

    uint64 length (little-endian)
    uint32 masked_crc32c(length bytes)
    byte   data[length]
    uint32 masked_crc32c(data)

masked_crc32c(b) = ((crc >> 15 | crc << 17) + 0xa282ead8) mod 2^32, where crc
is CRC-32C (Castagnoli, reflected polynomial 0x82f63b78), computed here bit
by bit, independently of geflow.serving's table-driven one.

The records (one input "x" each, model "golden", signature
"serving_default"), checked by test/unit/serve/WarmupGoldenTest.cpp:
  1. DT_FLOAT  [2,2] float_val 1.5, -2       (the last value repeats)
  2. DT_DOUBLE [3]   double_val 0.25, 1e300, -3
  3. DT_INT16  [2]   int_val -32768, 32767
  4. DT_UINT16 [2]   int_val 65535, 0
  5. DT_UINT32 [2]   uint32_val 4294967295, 5
  6. DT_UINT64 [2]   uint64_val 18446744073709551615, 6
  7. DT_HALF   [2]   half_val 0x3c00, 0xc000 (1.0, -2.0)
  8. DT_FLOAT  [2]   tensor_content of float32 3.5, -0.5

Usage: make_golden_warmup.py [OUTPUT]
"""
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PROTO_ROOT = os.path.join(REPO, "tools", "geflow-serve")


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def frame(data):
    length = struct.pack("<Q", len(data))
    return (length + struct.pack("<I", masked(crc32c(length))) + data
            + struct.pack("<I", masked(crc32c(data))))


def records(pb):
    tf = pb["tf_tensor_pb2"]
    logs = pb["prediction_log_pb2"]

    def log(dtype, shape, **values):
        entry = logs.PredictionLog()
        request = entry.predict_log.request
        request.model_spec.name = "golden"
        request.model_spec.signature_name = "serving_default"
        tensor = request.inputs["x"]
        tensor.dtype = dtype
        for d in shape:
            tensor.tensor_shape.dim.add().size = d
        for field, value in values.items():
            if field == "tensor_content":
                tensor.tensor_content = value
            else:
                getattr(tensor, field).extend(value)
        return entry.SerializeToString()

    return [
        log(tf.DT_FLOAT, [2, 2], float_val=[1.5, -2]),
        log(tf.DT_DOUBLE, [3], double_val=[0.25, 1e300, -3]),
        log(tf.DT_INT16, [2], int_val=[-32768, 32767]),
        log(tf.DT_UINT16, [2], int_val=[65535, 0]),
        log(tf.DT_UINT32, [2], uint32_val=[4294967295, 5]),
        log(tf.DT_UINT64, [2], uint64_val=[18446744073709551615, 6]),
        log(tf.DT_HALF, [2], half_val=[0x3C00, 0xC000]),
        log(tf.DT_FLOAT, [2], tensor_content=struct.pack("<2f", 3.5, -0.5)),
    ]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        HERE, "data", "golden_tf_serving_warmup_requests")
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(["protoc", f"--proto_path={PROTO_ROOT}", f"--python_out={scratch}",
                        "proto/tf_tensor.proto", "proto/prediction_log.proto"], check=True)
        sys.path.insert(0, scratch)
        from proto import prediction_log_pb2, tf_tensor_pb2  # noqa: E402
        data = b"".join(frame(r) for r in records(
            {"tf_tensor_pb2": tf_tensor_pb2, "prediction_log_pb2": prediction_log_pb2}))
    with open(out, "wb") as f:
        f.write(data)
    print(f"wrote {out}: {len(data)} bytes")


if __name__ == "__main__":
    main()
