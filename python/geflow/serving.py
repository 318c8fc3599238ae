"""Helpers for geflow-serve (docs/serving.md).

``write_warmup_requests`` writes TF Serving's warm-up file: a TFRecord file of
``tensorflow.serving.PredictionLog`` records, each a predict request, which
geflow-serve (like TF Serving) replays before a model version serves. The
protobuf and TFRecord bytes are written here directly (field numbers of
tensorflow_serving/apis/prediction_log.proto, predict.proto, model.proto and
tensorflow/core/framework/tensor.proto), so neither TensorFlow nor generated
classes are needed; the file is the one ``tf.io.TFRecordWriter`` would write.

    import geflow.serving, numpy as np
    geflow.serving.write_warmup_requests(
        "/models/cnn/1", [{"image": np.zeros((1, 3, 32, 32), np.float32)}])
"""
import os
import struct

import numpy as np

WARMUP_FILE = os.path.join("assets.extra", "tf_serving_warmup_requests")

# tensorflow.DataType of each NumPy dtype (tensorflow/core/framework/types.proto).
_TF_DTYPES = {
    "float32": 1, "float64": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6,
    "int64": 9, "bool": 10, "bfloat16": 14, "uint16": 17, "float16": 19,
    "uint32": 22, "uint64": 23,
}


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC_TABLE = _crc32c_table()


def crc32c(data):
    """CRC-32C (Castagnoli) of ``data``."""
    crc = 0xFFFFFFFF
    table = _CRC_TABLE
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    """TFRecord's masked CRC-32C."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def tfrecord(data):
    """``data`` framed as one TFRecord record."""
    length = struct.pack("<Q", len(data))
    return (length + struct.pack("<I", masked_crc32c(length)) + data +
            struct.pack("<I", masked_crc32c(data)))


def _varint(value):
    value &= 0xFFFFFFFFFFFFFFFF  # negative int64: ten bytes, two's complement
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number, payload):
    """A length-delimited field (wire type 2)."""
    if isinstance(payload, str):
        payload = payload.encode()
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _varint_field(number, value):
    return _varint(number << 3) + _varint(value)


def tensor_proto(array, dtype=None):
    """A tensorflow.TensorProto of ``array`` (values in tensor_content).
    ``dtype`` overrides the array's: "bfloat16" for uint16 bit patterns."""
    array = np.ascontiguousarray(array)
    name = dtype or ("bool" if array.dtype == np.bool_ else array.dtype.name)
    if name not in _TF_DTYPES:
        raise ValueError(f"no TensorFlow dtype for {name}")
    shape = b"".join(_field(2, _varint_field(1, int(d))) for d in array.shape)
    data = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
    return (_varint_field(1, _TF_DTYPES[name]) + _field(2, shape) +
            (_field(4, data) if data else b""))


def prediction_log(inputs, model_name="", signature_name="serving_default",
                   output_filter=(), dtypes=None):
    """A serialized tensorflow.serving.PredictionLog holding a predict_log
    whose request gives ``inputs`` ({input name: array})."""
    dtypes = dtypes or {}
    spec = b""
    if model_name:
        spec += _field(1, model_name)
    if signature_name:
        spec += _field(3, signature_name)
    request = _field(1, spec)
    for name, array in inputs.items():
        entry = _field(1, name) + _field(2, tensor_proto(array, dtypes.get(name)))
        request += _field(2, entry)
    for name in output_filter:
        request += _field(3, name)
    predict_log = _field(1, request)
    return _field(6, predict_log)


def write_warmup_requests(path, requests, model_name="",
                          signature_name="serving_default", dtypes=None):
    """Writes ``requests`` (a list of {input name: array}) as a warm-up file.

    ``path`` is the file, or a model version directory (then the file is
    ``path/assets.extra/tf_serving_warmup_requests``, made as needed).
    ``dtypes`` ({input name: "bfloat16"}) marks uint16 arrays holding
    bfloat16 bits. Returns the file's path. TF Serving takes at most 1000
    records."""
    requests = list(requests)
    if len(requests) > 1000:
        raise ValueError(f"{len(requests)} warm-up requests: at most 1000")
    if os.path.isdir(path):
        path = os.path.join(path, WARMUP_FILE)
        os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        for inputs in requests:
            f.write(tfrecord(prediction_log(inputs, model_name, signature_name,
                                            dtypes=dtypes)))
    return path
