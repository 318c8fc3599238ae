"""geflow.dataflow: GE's DataFlow API on geflow.

A FlowGraph is a pipeline of FlowNodes, each carrying a process point: a
graph compiled by geflow (GraphProcessPoint) or a Python function
(FuncProcessPoint). Items are fed asynchronously with feed_data and fetched
in feed order with fetch_data; every node runs on its own thread as soon as
its inputs are ready, so consecutive items pipeline through the nodes.

    import geflow.dataflow as df
    df.init({"ge.exec.deviceId": "0"})
    data = df.FlowData()
    node = df.FlowNode(input_num=1, output_num=1)
    node.add_process_point(df.GraphProcessPoint(df.Framework.ONNX, "model.onnx"))
    dag = df.FlowGraph([node(data)])
    dag.feed_data({data: x})
    outputs, flow_info, status = dag.fetch_data()
    df.finalize()

ge.graph_compiler_cache_dir + ge.graph_key compile the flow offline (the
first feed_data writes the cache, ge.runFlag=0 only compiles) and deploy it
from the copied cache directory. See docs/dataflow.md.
"""
import numpy as _np

from .context import finalize, init, is_initialized
from .flow_graph import QUEUE_DEPTH, FlowGraph
from .nodes import (FlowData, FlowFlag, FlowInfo, FlowNode, FlowOutput, Framework,
                    FuncProcessPoint, GraphProcessPoint, TensorDesc)
from .status import (DATATYPE_INVALID, FAILED, INNER_ERROR, MODEL_EXECUTE_TIMEOUT, NOT_INIT,
                     PARAM_INVALID, QUEUE_FULL, SHAPE_INVALID, SUCCESS, DfException, Status)

# GE's data types (dataflow.DT_*) as the NumPy dtypes geflow uses.
DT_FLOAT = _np.dtype("float32")
DT_FLOAT16 = _np.dtype("float16")
DT_DOUBLE = _np.dtype("float64")
DT_INT8 = _np.dtype("int8")
DT_INT16 = _np.dtype("int16")
DT_INT32 = _np.dtype("int32")
DT_INT64 = _np.dtype("int64")
DT_UINT8 = _np.dtype("uint8")
DT_UINT16 = _np.dtype("uint16")
DT_UINT32 = _np.dtype("uint32")
DT_UINT64 = _np.dtype("uint64")
DT_BOOL = _np.dtype("bool")

__all__ = [
    "init", "finalize", "is_initialized", "FlowGraph", "FlowData", "FlowNode", "FlowOutput",
    "FlowInfo", "FlowFlag", "Framework", "TensorDesc", "GraphProcessPoint",
    "FuncProcessPoint", "DfException", "Status", "QUEUE_DEPTH", "SUCCESS", "PARAM_INVALID",
    "NOT_INIT", "SHAPE_INVALID", "DATATYPE_INVALID", "INNER_ERROR", "FAILED",
    "MODEL_EXECUTE_TIMEOUT", "QUEUE_FULL", "DT_FLOAT", "DT_FLOAT16", "DT_DOUBLE", "DT_INT8",
    "DT_INT16", "DT_INT32", "DT_INT64", "DT_UINT8", "DT_UINT16", "DT_UINT32", "DT_UINT64",
    "DT_BOOL",
]
