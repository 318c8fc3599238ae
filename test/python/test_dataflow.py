"""geflow.dataflow: FlowGraph pipelines of compiled graphs and Python
functions, offline compilation (reference 000, DataFlow离线编译) and the
error cases. Tolerance: the flow's outputs equal the steps run one by one
exactly (the same kernels on the same inputs), so they are compared with
assert_array_equal; the CNN is checked against the NumPy reference at
rtol = atol = 1e-4."""
import json
import os
import shutil
import threading
import time

import numpy as np
import pytest

import geflow
import geflow.dataflow as df
import geflow_models
from conftest import assert_close, tiny_graph, tiny_reference


@pytest.fixture
def dataflow():
    df.init({"ge.exec.deviceId": "0"})
    yield df
    df.finalize()


@pytest.fixture(scope="module")
def cnn_onnx(tmp_path_factory):
    path = tmp_path_factory.mktemp("dataflow") / "cnn.onnx"
    model = geflow_models.MODELS["resnet_small"]()
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    return str(path), model


MEAN = np.array([0.485, 0.456, 0.406], np.float32).reshape(3, 1, 1)
STD = np.array([0.229, 0.224, 0.225], np.float32).reshape(3, 1, 1)


def preprocess(image):
    """uint8 HWC image -> normalized float32 NCHW batch of one."""
    chw = image.transpose(2, 0, 1).astype(np.float32) / 255.0
    return ((chw - MEAN) / STD)[None]


def postprocess(logits):
    """Softmax probabilities and the top-3 classes."""
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    return probs, np.argsort(-probs, axis=1)[:, :3].astype(np.int64)


def cnn_flow(onnx_path, options=None):
    """The document's flow, adapted: preprocessing function -> compiled CNN ->
    postprocessing function (two outputs)."""
    image = df.FlowData(name="image")
    pre = df.FlowNode(input_num=1, output_num=1, name="pre")
    pre.add_process_point(df.FuncProcessPoint(preprocess))
    cnn = df.FlowNode(input_num=1, output_num=1, name="cnn")
    cnn.add_process_point(df.GraphProcessPoint(df.Framework.ONNX, onnx_path, name="cnn"))
    post = df.FlowNode(input_num=1, output_num=2, name="post")
    post.add_process_point(df.FuncProcessPoint(postprocess))
    probs, top = post(cnn(pre(image)))
    return image, df.FlowGraph([probs, top], options or {})


def test_cnn_pipeline_100_items_in_order(dataflow, cnn_onnx, rng):
    path, model = cnn_onnx
    image, dag = cnn_flow(path)
    images = [rng.integers(0, 256, (32, 32, 3), dtype=np.uint8) for _ in range(100)]
    for i, img in enumerate(images):
        assert dag.feed_data({image: img}, df.FlowInfo(start_time=i, end_time=i + 1)) == 0
    exe = geflow.compile(path)
    for i, img in enumerate(images):
        outputs, info, status = dag.fetch_data(timeout=30000)
        assert status == df.SUCCESS, status.message
        assert (info.start_time, info.end_time) == (i, i + 1)  # feed order
        expected = postprocess(exe.run(preprocess(img))[0])
        np.testing.assert_array_equal(outputs[0], expected[0])
        np.testing.assert_array_equal(outputs[1], expected[1])
    # The CNN itself against the NumPy reference (first item).
    ref = geflow_models.reference(model, {"image": preprocess(images[0])})[0]
    assert_close(exe.run(preprocess(images[0]))[0], ref)


def test_nodes_overlap(dataflow):
    """Two 50 ms function stages on 8 items take about 9 x 50 ms pipelined,
    not 16 x 50 ms: node 1 works on item k+1 while node 2 works on item k."""
    def slow(x):
        time.sleep(0.05)
        return x + 1

    data = df.FlowData()
    a, b = df.FlowNode(1, 1), df.FlowNode(1, 1)
    a.add_process_point(df.FuncProcessPoint(slow))
    b.add_process_point(df.FuncProcessPoint(slow))
    dag = df.FlowGraph([b(a(data))])
    start = time.monotonic()
    for i in range(8):
        assert dag.feed_data({data: np.array([i])}) == 0
    got = [dag.fetch_data(timeout=10000) for _ in range(8)]
    elapsed = time.monotonic() - start
    assert [int(o[0][0][0]) for o in got] == [i + 2 for i in range(8)]
    assert elapsed < 0.75, f"{elapsed:.3f} s: the two stages did not overlap"


def test_fan_out_fan_in_and_mapping(dataflow):
    """A diamond: the graph's two outputs feed two functions whose results a
    third function joins, with map_input swapping its arguments."""
    x = df.FlowData(shape=[2, 4], dtype=np.float32)
    g = df.FlowNode(1, 2, name="tiny")
    g.add_process_point(df.GraphProcessPoint(None, tiny_graph()))
    y, z = g(x)
    double, neg = df.FlowNode(1, 1), df.FlowNode(1, 1)
    double.add_process_point(df.FuncProcessPoint(lambda t: t * 2))
    neg.add_process_point(df.FuncProcessPoint(lambda t: -t))
    join = df.FlowNode(2, 1)
    pp = df.FuncProcessPoint(lambda first, second: first - 10 * second)
    join.add_process_point(pp)
    join.map_input(0, pp, 1).map_input(1, pp, 0)
    dag = df.FlowGraph([join(double(y), neg(z)), z])
    xs = [np.full((2, 4), i, np.float32) - 1.5 for i in range(5)]
    for v in xs:
        assert dag.feed_data({x: v}) == 0
    for v in xs:
        (joined, zz), _, status = dag.fetch_data()
        assert status == 0, status.message
        ry, rz = tiny_reference(v)
        np.testing.assert_array_equal(zz, rz)
        np.testing.assert_array_equal(joined, -rz - 10 * (ry * 2))
    assert dag.feed_data({x: xs[0]}) == 0
    outputs, _, status = dag.fetch_data(indexes=[1])
    assert status == 0 and len(outputs) == 1
    np.testing.assert_array_equal(outputs[0], tiny_reference(xs[0])[1])


def test_failing_function_fails_its_item_only(dataflow):
    def picky(v):
        if int(v[0]) == 3:
            raise ValueError("three is not allowed")
        return v * 10

    data = df.FlowData()
    node = df.FlowNode(1, 1, name="picky")
    node.add_process_point(df.FuncProcessPoint(picky))
    after = df.FlowNode(1, 1)
    after.add_process_point(df.FuncProcessPoint(lambda v: v + 1))
    dag = df.FlowGraph([after(node(data))])
    for i in range(6):
        assert dag.feed_data({data: np.array([i])}, df.FlowInfo(start_time=i)) == 0
    for i in range(6):
        outputs, info, status = dag.fetch_data(timeout=10000)
        assert info.start_time == i
        if i == 3:
            assert status == df.FAILED and outputs == []
            assert "FlowNode 'picky'" in status.message
            assert "ValueError: three is not allowed" in status.message
        else:
            assert status == 0 and int(outputs[0][0]) == i * 10 + 1


def test_graph_node_failure_and_wrong_function_arity(dataflow):
    """A function handing the graph a wrong shape fails that item at the
    graph node; a function returning the wrong number of outputs fails its
    item; the flow goes on."""
    x = df.FlowData()
    shaper = df.FlowNode(1, 1)
    shaper.add_process_point(df.FuncProcessPoint(
        lambda v: np.zeros((3, 4), np.float32) if v[0] < 0 else np.full((2, 4), v[0], np.float32)))
    g = df.FlowNode(1, 2, name="tiny")
    g.add_process_point(df.GraphProcessPoint(None, tiny_graph()))
    y, _ = g(shaper(x))
    dag = df.FlowGraph([y])
    for v in (1.0, -1.0, 2.0):
        assert dag.feed_data({x: np.array([v], np.float32)}) == 0
    results = [dag.fetch_data(timeout=10000) for _ in range(3)]
    assert results[0][2] == 0 and results[2][2] == 0
    np.testing.assert_array_equal(results[2][0][0], tiny_reference(np.full((2, 4), 2.0,
                                                                           np.float32))[0])
    assert results[1][2] == df.FAILED
    assert "'tiny'" in results[1][2].message and "[3,4]" in results[1][2].message

    two = df.FlowNode(1, 2, name="two")
    two.add_process_point(df.FuncProcessPoint(lambda v: v))
    d2 = df.FlowData()
    dag2 = df.FlowGraph(list(two(d2)))
    assert dag2.feed_data({d2: [1]}) == 0
    _, _, status = dag2.fetch_data(timeout=10000)
    assert status == df.FAILED and "must return a tuple of 2" in status.message


def test_wrong_input_count_dtype_shape(dataflow):
    a, b = df.FlowData(name="a"), df.FlowData(name="b", shape=[2], dtype=np.int32)
    add = df.FlowNode(2, 1)
    add.add_process_point(df.FuncProcessPoint(np.add))
    dag = df.FlowGraph([add(a, b)])
    status = dag.feed_data({a: np.ones(2, np.int32)})
    assert status == df.PARAM_INVALID and "missing ['b']" in status.message
    status = dag.feed_data({a: 1, b: np.ones(2, np.float32)})
    assert status == df.DATATYPE_INVALID and "dtype float32, expected int32" in status.message
    status = dag.feed_data({a: 1, b: np.ones(3, np.int32)})
    assert status == df.SHAPE_INVALID and "shape [3], expected [2]" in status.message
    status = dag.feed_data({a: 1, df.FlowData(): 2})
    assert status == df.PARAM_INVALID and "is not a FlowData of" in status.message
    assert dag.feed_data([1, 2]) == df.PARAM_INVALID
    assert dag.feed_data({a: 1, b: [1, 2]}, flow_info=5) == df.PARAM_INVALID
    assert dag.feed_data({a: 1, b: [1, 2]}) == 0      # a list becomes the declared dtype
    outputs, _, status = dag.fetch_data(indexes=[0, 0])
    assert status == df.PARAM_INVALID
    outputs, _, status = dag.fetch_data()
    assert status == 0 and outputs[0].tolist() == [2, 3]
    with pytest.raises(df.DfException, match="input_num=2 but was called with 1") as e:
        df.FlowNode(2, 1)(a)
    assert e.value.error_code == df.PARAM_INVALID


def test_fetch_timeout(dataflow):
    data = df.FlowData()
    node = df.FlowNode(1, 1)
    node.add_process_point(df.FuncProcessPoint(lambda v: (time.sleep(0.3), v)[1]))
    dag = df.FlowGraph([node(data)])
    start = time.monotonic()
    _, _, status = dag.fetch_data(timeout=50)
    assert status == df.MODEL_EXECUTE_TIMEOUT and "timed out after 50 ms" in status.message
    assert dag.feed_data({data: 7}) == 0
    _, _, status = dag.fetch_data(timeout=50)      # still running
    assert status == df.MODEL_EXECUTE_TIMEOUT and "1 item(s) in flight" in status.message
    outputs, _, status = dag.fetch_data(timeout=5000)
    assert status == 0 and int(outputs[0]) == 7
    assert time.monotonic() - start < 3
    assert dag.fetch_data(timeout=-2)[2] == df.PARAM_INVALID


def test_feed_after_finalize():
    df.init({})
    data = df.FlowData()
    node = df.FlowNode(1, 1)
    node.add_process_point(df.FuncProcessPoint(lambda v: v))
    dag = df.FlowGraph([node(data)])
    assert dag.feed_data({data: 1}) == 0
    df.finalize()
    status = dag.feed_data({data: 1})
    assert status == df.NOT_INIT and "df.finalize() was called" in status.message
    assert dag.fetch_data()[2] == df.NOT_INIT
    again = df.FlowNode(1, 1)
    again.add_process_point(df.FuncProcessPoint(lambda v: v))
    with pytest.raises(df.DfException, match="not initialized") as e:
        df.FlowGraph([again(data)])
    assert e.value.error_code == df.NOT_INIT


def test_init_options_validated():
    for options, message in [
            ({"ge.exec.deviceId": "3"}, "ge.exec.deviceId 3 does not exist"),
            ({"ge.socVersion": "AscendXXX"}, "allowed values are"),
            ({"ge.exec.logicalDeviceClusterDeployMode": "MULTI"}, "MULTI .* not supported"),
            ({"ge.exec.logicalDeviceId": "[1:0]"}, "server 0"),
            ({"ge.exec.logicalDeviceId": "[0:2]"}, "names device 2, but the runtime has 1"),
            ({"ge.runFlag": "2"}, "ge.runFlag"),
            ({"ge.graph_key": "../up"}, "cache key names files")]:
        with pytest.raises(df.DfException, match=message) as e:
            df.init(options)
        assert e.value.error_code == df.PARAM_INVALID
        assert not df.is_initialized()
    df.init({"ge.exec.deviceId": "0", "ge.exec.logicalDeviceClusterDeployMode": "SINGLE",
             "ge.exec.logicalDeviceId": "[0:0]", "ge.socVersion": "host"})
    with pytest.raises(df.DfException, match="already initialized"):
        df.init({})
    df.finalize()


def test_building_errors(dataflow, tmp_path):
    with pytest.raises(df.DfException, match="no process point"):
        df.FlowGraph([df.FlowNode(1, 1)(df.FlowData())])
    with pytest.raises(df.DfException, match="UDF projects"):
        df.FuncProcessPoint("config/add_func.json")
    with pytest.raises(df.DfException, match="TENSORFLOW is not supported"):
        df.GraphProcessPoint(df.Framework.TENSORFLOW, str(tmp_path / "add.pb"))
    node = df.FlowNode(1, 1)
    node.add_process_point(df.FuncProcessPoint(abs))
    with pytest.raises(df.DfException, match="already has a process point"):
        node.add_process_point(df.FuncProcessPoint(abs))
    # A graph process point whose inputs do not match the graph's.
    two_in = df.FlowNode(2, 1)
    two_in.add_process_point(df.GraphProcessPoint(None, tiny_graph()))
    d1, d2 = df.FlowData(), df.FlowData()
    dag = df.FlowGraph([two_in(d1, d2)])
    status = dag.feed_data({d1: 1, d2: 2})
    assert status == df.PARAM_INVALID and "the graph has 1 input(s)" in status.message


def write_numa_config(path, chip_count=1, ids=(0,), ipaddr="10.0.0.1"):
    config = {"host": {"resourceType": "X86"},
              "devList": [{"ipaddr": ipaddr, "port": 2509, "deviceIdList": list(ids),
                           "resourceType": "Ascend", "token": "OKIJBNHYGFVT7RGH",
                           "chip_count": chip_count}]}
    with open(path, "w") as f:
        json.dump(config, f)
    return str(path)


def test_offline_compile_then_deploy_elsewhere(cnn_onnx, tmp_path, monkeypatch, rng):
    """Reference 000: compile on the development machine with ge.runFlag=0
    into ge.graph_compiler_cache_dir, copy the files to the runtime machine
    (another directory here), run there without compiling; a corrupted cache
    file is a clear error."""
    path, _ = cnn_onnx
    if os.uname().machine not in ("x86_64", "AMD64"):
        pytest.skip("the numa config below describes an X86 host")
    monkeypatch.setenv("RESOURCE_CONFIG_PATH", write_numa_config(tmp_path / "numa_config.json"))
    dev_dir = tmp_path / "build_cache_dir"
    df.init({"ge.exec.deviceId": "0", "ge.exec.logicalDeviceClusterDeployMode": "SINGLE",
             "ge.exec.logicalDeviceId": "[0:0]", "ge.socVersion": "host",
             "ge.graph_compiler_cache_dir": str(dev_dir), "ge.runFlag": "0"})
    image, dag = cnn_flow(path, {"ge.graph_key": "test_graph_00"})
    img = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
    assert dag.feed_data({image: img}) == 0       # compiles only
    assert not dag.built_from_cache
    status = dag.fetch_data(timeout=100)[2]
    assert status == df.PARAM_INVALID and "ge.runFlag=0" in status.message
    df.finalize()
    assert sorted(os.listdir(dev_dir)) == [
        "test_graph_00.idx", "test_graph_00.resource.json", "test_graph_00_cnn.gfm",
        "test_graph_00_cnn.idx", "test_graph_00_cnn.lock"]
    index = json.load(open(dev_dir / "test_graph_00.idx"))
    assert [p["name"] for p in index["process_points"]] == ["preprocess", "cnn", "postprocess"]
    resource = json.load(open(dev_dir / "test_graph_00.resource.json"))
    assert resource["numa_config"]["devList"][0]["chip_count"] == 1

    # Deploy: the cache files copied to the runtime machine's directory.
    run_dir = tmp_path / "deploy" / "build_cache_dir"
    shutil.copytree(dev_dir, run_dir, ignore=shutil.ignore_patterns("*.lock"))
    # The runtime environment's numa config may differ in ipaddr only.
    monkeypatch.setenv("RESOURCE_CONFIG_PATH",
                       write_numa_config(tmp_path / "numa_run.json", ipaddr="192.168.1.7"))
    df.init({"ge.exec.deviceId": "0"})
    image, dag = cnn_flow(path, {"ge.graph_compiler_cache_dir": str(run_dir),
                                 "ge.graph_key": "test_graph_00"})
    assert dag.feed_data({image: img}) == 0
    assert dag.built_from_cache                   # loaded, nothing compiled
    assert [p["from_cache"] for p in dag.process_points if p["kind"] == "graph"] == [True]
    outputs, _, status = dag.fetch_data(timeout=30000)
    assert status == 0, status.message
    expected = postprocess(geflow.compile(path).run(preprocess(img))[0])
    np.testing.assert_array_equal(outputs[0], expected[0])
    df.finalize()

    # A numa config other than the compile-time one (beyond ipaddr).
    monkeypatch.setenv("RESOURCE_CONFIG_PATH",
                       write_numa_config(tmp_path / "numa_other.json", chip_count=2,
                                         ids=(0, 1)))
    df.init({})
    image, dag = cnn_flow(path, {"ge.graph_compiler_cache_dir": str(run_dir),
                                 "ge.graph_key": "test_graph_00"})
    status = dag.feed_data({image: img})
    assert status == df.PARAM_INVALID and "only ipaddr may differ" in status.message
    df.finalize()

    # A corrupted model file of the cache.
    monkeypatch.delenv("RESOURCE_CONFIG_PATH")
    model_file = run_dir / "test_graph_00_cnn.gfm"
    data = bytearray(model_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model_file.write_bytes(bytes(data))
    df.init({})
    image, dag = cnn_flow(path, {"ge.graph_compiler_cache_dir": str(run_dir),
                                 "ge.graph_key": "test_graph_00"})
    status = dag.feed_data({image: img})
    assert status == df.PARAM_INVALID
    assert "test_graph_00_cnn.gfm" in status.message and "crc32c" in status.message
    # A corrupted flow index.
    (run_dir / "test_graph_00.idx").write_text("{not json")
    status = dag.feed_data({image: img})
    assert status == df.PARAM_INVALID and "test_graph_00.idx" in status.message
    assert "is not valid JSON" in status.message
    df.finalize()


def test_resource_config_errors(tmp_path, monkeypatch, cnn_onnx):
    path, _ = cnn_onnx
    cases = [
        (write_numa_config(tmp_path / "two.json", chip_count=2, ids=(0, 1)),
         "chip_count 2 is more than the 1 device"),
        (write_numa_config(tmp_path / "ids.json", chip_count=2, ids=(0,)),
         "lists 1 device.* but chip_count is 2"),
    ]
    bad = tmp_path / "nochip.json"
    bad.write_text(json.dumps({"devList": [{"deviceIdList": [0]}]}))
    cases.append((str(bad), "has no chip_count: it is required"))
    cases.append((str(tmp_path), "is not a regular file"))
    # Compiling for a bigger runtime environment is fine (ge.runFlag=0: no
    # deployment here); deploying it here is the error.
    monkeypatch.setenv("RESOURCE_CONFIG_PATH", cases[0][0])
    df.init({"ge.graph_compiler_cache_dir": str(tmp_path / "cache"), "ge.runFlag": "0"})
    image, dag = cnn_flow(path, {"ge.graph_key": "big"})
    assert dag.feed_data({image: np.zeros((32, 32, 3), np.uint8)}) == 0
    df.finalize()
    monkeypatch.delenv("RESOURCE_CONFIG_PATH")
    df.init({"ge.graph_compiler_cache_dir": str(tmp_path / "cache")})
    image, dag = cnn_flow(path, {"ge.graph_key": "big"})
    status = dag.feed_data({image: np.zeros((32, 32, 3), np.uint8)})
    df.finalize()
    assert status == df.PARAM_INVALID and "chip_count 2 is more than" in status.message

    for config, message in cases:
        monkeypatch.setenv("RESOURCE_CONFIG_PATH", config)
        df.init({})
        image, dag = cnn_flow(path)
        status = dag.feed_data({image: np.zeros((32, 32, 3), np.uint8)})
        df.finalize()
        assert status == df.PARAM_INVALID, status
        assert __import__("re").search(message, status.message), status.message


def test_fetch_from_another_thread(dataflow):
    data = df.FlowData()
    node = df.FlowNode(1, 1)
    node.add_process_point(df.FuncProcessPoint(lambda v: v * 2))
    dag = df.FlowGraph([node(data)])
    got = []
    fetcher = threading.Thread(
        target=lambda: got.extend(int(dag.fetch_data(timeout=10000)[0][0]) for _ in range(20)))
    fetcher.start()
    for i in range(20):
        assert dag.feed_data({data: i}) == 0
    fetcher.join(timeout=20)
    assert got == [i * 2 for i in range(20)]


def test_docs_examples_run(tmp_path, monkeypatch):
    """Every ```python block of docs/dataflow.md, in order, in one namespace,
    in an empty directory."""
    import re
    from conftest import REPO
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RESOURCE_CONFIG_PATH", raising=False)
    doc = os.path.join(REPO, "docs", "dataflow.md")
    with open(doc) as f:
        blocks = re.findall(r"^```python\n(.*?)^```", f.read(), flags=re.S | re.M)
    assert len(blocks) >= 4
    namespace = {"__name__": "docs_dataflow_md"}
    try:
        for i, block in enumerate(blocks):
            exec(compile(block, f"{doc} block {i}", "exec"), namespace)  # noqa: S102
    finally:
        if df.is_initialized():
            df.finalize()


def test_queue_depth_and_flow_flags(dataflow, monkeypatch):
    """A feed beyond the queue depth waits for a fetch, up to its timeout;
    FlowInfo flags travel with their item."""
    import geflow.dataflow.flow_graph as flow_graph
    monkeypatch.setattr(flow_graph, "QUEUE_DEPTH", 2)
    data = df.FlowData()
    node = df.FlowNode(1, 1)
    node.add_process_point(df.FuncProcessPoint(lambda v: v))
    dag = df.FlowGraph([node(data)])
    assert dag.feed_data({data: 0}) == 0
    assert dag.feed_data({data: 1}, df.FlowInfo(flow_flags=df.FlowFlag.DATA_FLOW_FLAG_EOS)) == 0
    status = dag.feed_data({data: 2}, timeout=50)
    assert status == df.QUEUE_FULL and "2 items are in flight" in status.message
    outputs, info, status = dag.fetch_data(timeout=5000)
    assert status == 0 and int(outputs[0]) == 0 and info.flow_flags == 0
    assert dag.feed_data({data: 2}, timeout=50) == 0
    outputs, info, status = dag.fetch_data(timeout=5000)
    assert int(outputs[0]) == 1 and info.flow_flags == df.FlowFlag.DATA_FLOW_FLAG_EOS
    assert int(dag.fetch_data(timeout=5000)[0][0]) == 2


def test_mlir_file_and_compile_config(dataflow, tmp_path):
    """A .mlir graph with GE's compile config JSON: build_options reach the
    compile, inputs_tensor_desc is checked against the compiled inputs."""
    mlir = tmp_path / "tiny.mlir"
    mlir.write_text(str(tiny_graph()))
    config = tmp_path / "graph_config.json"
    config.write_text(json.dumps({
        "build_options": {"precision_mode": "force_fp32"},
        "inputs_tensor_desc": [{"data_type": "DT_FLOAT", "shape": [2, 4]}]}))
    x = df.FlowData()
    node = df.FlowNode(1, 2)
    node.add_process_point(df.GraphProcessPoint(df.Framework.MLIR, str(mlir),
                                                compile_config_path=str(config)))
    dag = df.FlowGraph(list(node(x)))
    v = np.arange(8, dtype=np.float32).reshape(2, 4) - 3
    assert dag.feed_data({x: v}) == 0
    outputs, _, status = dag.fetch_data(timeout=10000)
    assert status == 0, status.message
    for got, want in zip(outputs, tiny_reference(v)):
        np.testing.assert_array_equal(got, want)

    config.write_text(json.dumps({"inputs_tensor_desc": [{"data_type": "DT_INT32",
                                                           "shape": [2, 4]}]}))
    node = df.FlowNode(1, 2)
    node.add_process_point(df.GraphProcessPoint(df.Framework.MLIR, str(mlir),
                                                compile_config_path=str(config)))
    x = df.FlowData()
    status = df.FlowGraph(list(node(x))).feed_data({x: v})
    assert status == df.DATATYPE_INVALID and "DT_INT32 does not match input 'x'" in status.message
    config.write_text(json.dumps({"build_options": {"precision_mod": "force_fp32"}}))
    node = df.FlowNode(1, 2)
    node.add_process_point(df.GraphProcessPoint(df.Framework.MLIR, str(mlir),
                                                compile_config_path=str(config)))
    x = df.FlowData()
    status = df.FlowGraph(list(node(x))).feed_data({x: v})
    assert status == df.PARAM_INVALID and "did you mean 'precision_mode'" in status.message
    config.write_text("{")
    with pytest.raises(df.DfException, match="is not valid JSON"):
        df.GraphProcessPoint(df.Framework.MLIR, str(mlir), compile_config_path=str(config))
    with pytest.raises(df.DfException, match="does not match framework"):
        df.GraphProcessPoint(df.Framework.ONNX, str(mlir))
