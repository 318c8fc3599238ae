//===- InferenceGuards.h - Checks run before ONNX's own inference -*- C++
//-*-===//
//
// Some of the ONNX library's inference functions trust the model: RNN
// (versions 1 to 6) reads dims 0 and 1 of an input of any rank, Conv,
// ConvTranspose and the pools take the kernel from a weight of the wrong
// rank and read past it, a zero stride or block size divides by zero, a
// pool over a dim of 2^40 with a stride loops once per stride, and
// ConstantOfShape and Expand build a shape of one dim per value their shape
// input is declared to hold (billions: out of memory). Their input
// shapes are often known only during inference (inferred from the nodes
// before them), so the checks run there: each guarded op's inference
// function is wrapped (once per process) by one that checks the inputs and
// attributes it is given, and refuses the model naming the node before the
// library's function runs.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_FRONTEND_ONNX_INFERENCEGUARDS_H
#define GEFLOW_LIB_FRONTEND_ONNX_INFERENCEGUARDS_H

#include <stdexcept>
#include <string>

namespace onnx {
class GraphProto;
} // namespace onnx

namespace geflow::frontend::onnximp {

/// What a guard throws: the whole message (naming the node) for the user.
/// Not an onnx::InferenceError, which the library would swallow (geflow
/// runs it leniently) before running the node's consumers.
class InferenceGuardError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Wraps the inference functions of the guarded ops in the library's schema
/// registry. Thread-safe; the first call does the work.
void installInferenceGuards();

/// Marks the nodes of `graph` a guard may refuse with how messages name
/// them (an attribute the library ignores); untagNodes removes the marks.
void tagGuardedNodes(onnx::GraphProto &graph);
void untagGuardedNodes(onnx::GraphProto &graph);

} // namespace geflow::frontend::onnximp

#endif
