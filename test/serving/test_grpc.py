"""The KServe v2 gRPC service through grpcio stubs generated at build time
from tools/geflow-serve/proto/grpc_predict_v2.proto."""
import grpc
import numpy as np
import pytest

import grpc_predict_v2_pb2 as pb
import grpc_predict_v2_pb2_grpc as pb_grpc

from conftest import image, same_bits


@pytest.fixture(scope="module")
def stub(server):
    with grpc.insecure_channel(server.grpc_target) as channel:
        grpc.channel_ready_future(channel).result(timeout=30)
        yield pb_grpc.GRPCInferenceServiceStub(channel)


def test_health_and_metadata(stub):
    assert stub.ServerLive(pb.ServerLiveRequest(), timeout=10).live
    assert stub.ServerReady(pb.ServerReadyRequest(), timeout=10).ready
    assert stub.ModelReady(pb.ModelReadyRequest(name="cnn"), timeout=10).ready
    assert stub.ModelReady(pb.ModelReadyRequest(name="cnn", version="1"), timeout=10).ready
    assert not stub.ModelReady(pb.ModelReadyRequest(name="cnn", version="5"), timeout=10).ready
    meta = stub.ServerMetadata(pb.ServerMetadataRequest(), timeout=10)
    assert meta.name == "geflow-serve"
    m = stub.ModelMetadata(pb.ModelMetadataRequest(name="pair"), timeout=10)
    assert m.name == "pair" and list(m.versions) == ["1"] and m.platform == "geflow_gfm"
    assert [(t.name, t.datatype, list(t.shape)) for t in m.inputs] == \
        [("a", "FP32", [2, 4]), ("b", "FP32", [2, 4])]
    assert [t.name for t in m.outputs] == ["sum", "prod"]


def infer_request(model, x, raw=True, version=""):
    req = pb.ModelInferRequest(model_name=model, model_version=version, id="g1")
    t = req.inputs.add(name="image", datatype="FP32", shape=list(x.shape))
    if raw:
        req.raw_input_contents.append(x.tobytes())
    else:
        t.contents.fp32_contents.extend(x.ravel().tolist())
    return req


def test_model_infer_raw_and_typed(stub, executables, rng):
    x = image(rng)
    (expected,) = executables["cnn"].run({"image": x})
    for raw in (True, False):
        r = stub.ModelInfer(infer_request("cnn", x, raw, version="1"), timeout=30)
        assert r.model_name == "cnn" and r.model_version == "1" and r.id == "g1"
        (o,) = r.outputs
        assert o.name == "logits" and o.datatype == "FP32" and list(o.shape) == [1, 10]
        same_bits(np.frombuffer(r.raw_output_contents[0], np.float32).reshape(1, 10), expected)


def test_model_infer_outputs_requested(stub, executables, rng):
    a = rng.standard_normal((2, 4)).astype(np.float32)
    b = rng.standard_normal((2, 4)).astype(np.float32)
    s, p = executables["pair"].run({"a": a, "b": b})
    req = pb.ModelInferRequest(model_name="pair")
    for name, arr in (("b", b), ("a", a)):
        req.inputs.add(name=name, datatype="FP32", shape=[2, 4])
        req.raw_input_contents.append(arr.tobytes())
    req.outputs.add(name="prod")
    r = stub.ModelInfer(req, timeout=30)
    assert [o.name for o in r.outputs] == ["prod"]
    same_bits(np.frombuffer(r.raw_output_contents[0], np.float32).reshape(2, 4), p)
    del s


@pytest.mark.parametrize("mutate, code, words", [
    (lambda r: setattr(r, "model_name", "nope"), grpc.StatusCode.NOT_FOUND, "unknown model 'nope'"),
    (lambda r: setattr(r, "model_version", "3"), grpc.StatusCode.NOT_FOUND, "no available version 3"),
    (lambda r: setattr(r.inputs[0], "name", "img"), grpc.StatusCode.INVALID_ARGUMENT, "unknown input 'img'"),
    (lambda r: setattr(r.inputs[0], "datatype", "INT32"), grpc.StatusCode.INVALID_ARGUMENT, "has dtype INT32"),
    (lambda r: r.inputs[0].shape.__setitem__(2, 16), grpc.StatusCode.INVALID_ARGUMENT, "bytes of raw_input_contents"),
    (lambda r: r.raw_input_contents.__setitem__(0, b"\0" * 100), grpc.StatusCode.INVALID_ARGUMENT, "100 bytes"),
    (lambda r: r.outputs.add(name="probs"), grpc.StatusCode.INVALID_ARGUMENT, "unknown output 'probs'"),
    (lambda r: setattr(r.inputs[0], "datatype", "BYTES"), grpc.StatusCode.INVALID_ARGUMENT, "datatype 'BYTES'"),
])
def test_bad_requests(stub, rng, mutate, code, words):
    req = infer_request("cnn", image(rng))
    mutate(req)
    with pytest.raises(grpc.RpcError) as err:
        stub.ModelInfer(req, timeout=30)
    assert err.value.code() == code
    assert words in err.value.details(), err.value.details()
