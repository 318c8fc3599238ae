//===- AirText.h - The readable dump of a GE graph (dynamo.pbtxt) -*- C++ -*-//
//
// TorchAir writes `dynamo.pbtxt` beside an export: a TensorFlow-NodeDef-like
// text of the graph (`node { name op input attr }`, control inputs as
// `^name`, output 0 as the bare op name). Tensor data is summarized, not
// printed; each node's output dtypes and shapes are the `_output_dtypes` /
// `_output_shapes` attributes, as TensorFlow prints them.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_FRONTEND_AIR_AIRTEXT_H
#define GEFLOW_LIB_FRONTEND_AIR_AIRTEXT_H

#include <string>

namespace ge::proto {
class GraphDef;
} // namespace ge::proto

namespace geflow::frontend::air {

std::string printGraphText(const ::ge::proto::GraphDef &graph);

} // namespace geflow::frontend::air

#endif
