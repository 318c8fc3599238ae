//===- Builder.cpp - geflow.Graph's C++ side ------------------------------===//
//
// Thin bindings of GraphBuilder: geflow/graph.py and geflow/ops.py give them
// their Python shape (keyword arguments, NumPy constants, operators).
//
//===----------------------------------------------------------------------===//
#include "Builder.h"
#include "Arrays.h"
#include "Errors.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

namespace geflow::python {

namespace {

using Ints = std::vector<int64_t>;
using OptRef = std::optional<ValueRef>;

Value val(GraphHolder &g, const ValueRef &r) {
  if (r.graph.get() != &g)
    throwInvalid("a value of graph '" + r.graph->builder.graph().name() +
                 "' cannot be used in graph '" + g.builder.graph().name() +
                 "'");
  return r.value;
}

Value opt(GraphHolder &g, const OptRef &r) { return r ? val(g, *r) : Value(); }

ValueRef wrap(GraphHolder &g, rt::StatusOr<Value> v) {
  return ValueRef{g.shared_from_this(), unwrap(std::move(v))};
}

// Every builder call holds the graph's lock (see GraphHolder::mu).
#define LOCKED(g) std::lock_guard<std::mutex> lock((g).mu)

py::object constant(GraphHolder &g, const py::array &array, py::handle dtype,
                    const OpLoc &loc) {
  DType t = parseDType(dtype);
  if (!(array.flags() & py::array::c_style))
    throwInvalid("constant data must be C-contiguous");
  Ints shape(array.shape(), array.shape() + array.ndim());
  size_t count = 1;
  for (int64_t d : shape)
    count *= static_cast<size_t>(d);
  if (static_cast<size_t>(array.nbytes()) != count * rt::dtypeSize(t) ||
      static_cast<size_t>(array.itemsize()) != rt::dtypeSize(t))
    throwInvalid(
        "constant data of dtype " + py::str(array.dtype()).cast<std::string>() +
        " does not hold " + std::string(rt::dtypeName(t)) + " elements");
  LOCKED(g);
  return py::cast(wrap(g, g.builder.constant(t, shape, array.data(), loc)));
}

} // namespace

void bindBuilder(py::module_ &m) {
  py::class_<OpLoc>(m, "OpLoc")
      .def(py::init<>())
      .def(py::init([](std::string name, std::string file, unsigned line) {
             return OpLoc{std::move(name), std::move(file), line};
           }),
           py::arg("name"), py::arg("file") = "", py::arg("line") = 0)
      .def_readonly("name", &OpLoc::name)
      .def_readonly("file", &OpLoc::file)
      .def_readonly("line", &OpLoc::line);

  py::enum_<UnaryKind>(m, "UnaryKind")
      .value("Relu", UnaryKind::Relu)
      .value("Relu6", UnaryKind::Relu6)
      .value("Sigmoid", UnaryKind::Sigmoid)
      .value("Tanh", UnaryKind::Tanh)
      .value("Exp", UnaryKind::Exp)
      .value("Log", UnaryKind::Log)
      .value("Sqrt", UnaryKind::Sqrt)
      .value("Rsqrt", UnaryKind::Rsqrt)
      .value("Reciprocal", UnaryKind::Reciprocal)
      .value("Neg", UnaryKind::Neg)
      .value("Abs", UnaryKind::Abs)
      .value("Erf", UnaryKind::Erf)
      .value("HardSwish", UnaryKind::HardSwish)
      .value("Identity", UnaryKind::Identity);
  py::enum_<BinaryKind>(m, "BinaryKind")
      .value("Add", BinaryKind::Add)
      .value("Sub", BinaryKind::Sub)
      .value("Mul", BinaryKind::Mul)
      .value("Div", BinaryKind::Div)
      .value("Maximum", BinaryKind::Maximum)
      .value("Minimum", BinaryKind::Minimum)
      .value("Pow", BinaryKind::Pow)
      .value("Equal", BinaryKind::Equal)
      .value("Less", BinaryKind::Less)
      .value("Greater", BinaryKind::Greater);
  py::enum_<ReduceKind>(m, "ReduceKind")
      .value("Sum", ReduceKind::Sum)
      .value("Mean", ReduceKind::Mean)
      .value("Max", ReduceKind::Max);

  py::class_<ValueRef>(m, "ValueRef")
      .def_property_readonly("shape",
                             [](const ValueRef &v) {
                               return py::tuple(
                                   py::cast(GraphBuilder::shapeOf(v.value)));
                             })
      .def_property_readonly(
          "dtype",
          [](const ValueRef &v) {
            return std::string(rt::dtypeName(GraphBuilder::dtypeOf(v.value)));
          })
      .def_property_readonly("name",
                             [](const ValueRef &v) -> std::string {
                               auto named = llvm::dyn_cast<mlir::NameLoc>(
                                   v.value.getLoc());
                               return named ? named.getName().str() : "";
                             })
      .def("same", [](const ValueRef &a, const ValueRef &b) {
        return a.value == b.value;
      });

  using G = GraphHolder;
  py::class_<G, std::shared_ptr<G>>(m, "GraphBuilder")
      .def(py::init<std::string>(), py::arg("name"))
      .def_property_readonly("name",
                             [](G &g) { return g.builder.graph().name(); })
      .def_property_readonly("input_names",
                             [](G &g) { return g.builder.inputNames(); })
      .def_property_readonly("output_names",
                             [](G &g) { return g.builder.outputNames(); })
      .def("__str__",
           [](G &g) {
             LOCKED(g);
             return g.builder.str();
           })
      .def(
          "data",
          [](G &g, const std::string &name, const Ints &shape, py::handle dtype,
             const OpLoc &loc) {
            DType t = parseDType(dtype);
            LOCKED(g);
            return wrap(g, g.builder.data(name, shape, t, loc));
          },
          py::arg("name"), py::arg("shape"), py::arg("dtype"), py::arg("loc"))
      .def("constant", &constant, py::arg("array"), py::arg("dtype"),
           py::arg("loc"))
      .def(
          "output",
          [](G &g, const ValueRef &v, const std::string &name) {
            Value value = val(g, v);
            LOCKED(g);
            check(g.builder.output(value, name));
          },
          py::arg("value"), py::arg("name"))
      .def("unary",
           [](G &g, UnaryKind k, const ValueRef &x, const OpLoc &loc) {
             Value vx = val(g, x);
             LOCKED(g);
             return wrap(g, g.builder.unary(k, vx, loc));
           })
      .def("binary",
           [](G &g, BinaryKind k, const ValueRef &a, const ValueRef &b,
              const OpLoc &loc) {
             Value va = val(g, a), vb = val(g, b);
             LOCKED(g);
             return wrap(g, g.builder.binary(k, va, vb, loc));
           })
      .def("gelu",
           [](G &g, const ValueRef &x, const std::string &approximate,
              const OpLoc &loc) {
             Value vx = val(g, x);
             LOCKED(g);
             return wrap(g, g.builder.gelu(vx, approximate, loc));
           })
      .def("leaky_relu",
           [](G &g, const ValueRef &x, float slope, const OpLoc &loc) {
             Value vx = val(g, x);
             LOCKED(g);
             return wrap(g, g.builder.leakyRelu(vx, slope, loc));
           })
      .def("clip",
           [](G &g, const ValueRef &x, std::optional<float> lo,
              std::optional<float> hi, const OpLoc &loc) {
             Value vx = val(g, x);
             LOCKED(g);
             return wrap(g, g.builder.clip(vx, lo, hi, loc));
           })
      .def("cast",
           [](G &g, const ValueRef &x, py::handle dtype, const OpLoc &loc) {
             Value vx = val(g, x);
             DType t = parseDType(dtype);
             LOCKED(g);
             return wrap(g, g.builder.cast(vx, t, loc));
           })
      .def("select",
           [](G &g, const ValueRef &c, const ValueRef &a, const ValueRef &b,
              const OpLoc &loc) {
             Value vc = val(g, c), va = val(g, a), vb = val(g, b);
             LOCKED(g);
             return wrap(g, g.builder.select(vc, va, vb, loc));
           })
      .def("conv2d",
           [](G &g, const ValueRef &x, const ValueRef &w, const OptRef &bias,
              const Ints &strides, const Ints &pads, const Ints &dilations,
              int64_t groups, const std::string &dataFormat, const OpLoc &loc) {
             Value vx = val(g, x), vw = val(g, w), vb = opt(g, bias);
             Conv2DAttrs a{strides, pads, dilations, groups, dataFormat};
             LOCKED(g);
             return wrap(g, g.builder.conv2d(vx, vw, vb, a, loc));
           })
      .def("matmul",
           [](G &g, const ValueRef &a, const ValueRef &b, const OptRef &bias,
              bool ta, bool tb, bool batch, const OpLoc &loc) {
             Value va = val(g, a), vb = val(g, b), vbias = opt(g, bias);
             LOCKED(g);
             return wrap(
                 g, batch ? g.builder.batchMatmul(va, vb, vbias, ta, tb, loc)
                          : g.builder.matmul(va, vb, vbias, ta, tb, loc));
           })
      .def("softmax",
           [](G &g, const ValueRef &x, const Ints &axes, bool log,
              const OpLoc &loc) {
             Value vx = val(g, x);
             LOCKED(g);
             return wrap(g, g.builder.softmax(vx, axes, log, loc));
           })
      .def("layer_norm",
           [](G &g, const ValueRef &x, const ValueRef &gamma,
              const ValueRef &beta, int64_t normAxis, int64_t paramsAxis,
              float eps, const OpLoc &loc) {
             Value vx = val(g, x), vg = val(g, gamma), vb = val(g, beta);
             LOCKED(g);
             return wrap(g, g.builder.layerNorm(vx, vg, vb, normAxis,
                                                paramsAxis, eps, loc));
           })
      .def("batch_norm",
           [](G &g, const ValueRef &x, const ValueRef &scale,
              const ValueRef &offset, const ValueRef &mean, const ValueRef &var,
              float eps, const std::string &df, const OpLoc &loc) {
             Value vx = val(g, x), vs = val(g, scale), vo = val(g, offset),
                   vm = val(g, mean), vv = val(g, var);
             LOCKED(g);
             return wrap(g,
                         g.builder.batchNorm(vx, vs, vo, vm, vv, eps, df, loc));
           })
      .def("pool",
           [](G &g, const std::string &kind, const ValueRef &x,
              const Ints &ksize, const Ints &strides, const Ints &pads,
              const Ints &dilations, bool ceil, bool exclusive,
              const std::string &df, const OpLoc &loc) {
             Value vx = val(g, x);
             PoolAttrs a{ksize, strides, pads, dilations, ceil, exclusive, df};
             LOCKED(g);
             if (kind == "global_avg")
               return wrap(g, g.builder.globalAvgPool(vx, df, loc));
             return wrap(g, kind == "max" ? g.builder.maxPool(vx, a, loc)
                                          : g.builder.avgPool(vx, a, loc));
           })
      .def("reshape",
           [](G &g, const ValueRef &x, const Ints &shape, const OpLoc &loc) {
             Value vx = val(g, x);
             LOCKED(g);
             return wrap(g, g.builder.reshape(vx, shape, loc));
           })
      .def("transpose",
           [](G &g, const ValueRef &x, const Ints &perm, const OpLoc &loc) {
             Value vx = val(g, x);
             LOCKED(g);
             return wrap(g, g.builder.transpose(vx, perm, loc));
           })
      .def("concat",
           [](G &g, const std::vector<ValueRef> &xs, int64_t axis,
              const OpLoc &loc) {
             std::vector<Value> vs;
             for (const ValueRef &x : xs)
               vs.push_back(val(g, x));
             LOCKED(g);
             return wrap(g, g.builder.concat(vs, axis, loc));
           })
      .def("split",
           [](G &g, const ValueRef &x, int64_t axis, const Ints &sizes,
              const OpLoc &loc) {
             Value vx = val(g, x);
             LOCKED(g);
             std::vector<ValueRef> out;
             for (Value v : unwrap(g.builder.split(vx, axis, sizes, loc)))
               out.push_back(ValueRef{g.shared_from_this(), v});
             return out;
           })
      .def("slice",
           [](G &g, const ValueRef &x, const Ints &offsets, const Ints &size,
              const OpLoc &loc) {
             Value vx = val(g, x);
             LOCKED(g);
             return wrap(g, g.builder.slice(vx, offsets, size, loc));
           })
      .def("strided_slice",
           [](G &g, const ValueRef &x, const Ints &begin, const Ints &end,
              const Ints &strides, const OpLoc &loc) {
             Value vx = val(g, x);
             LOCKED(g);
             return wrap(g,
                         g.builder.stridedSlice(vx, begin, end, strides, loc));
           })
      .def("gather",
           [](G &g, const ValueRef &x, const ValueRef &idx, int64_t axis,
              const OpLoc &loc) {
             Value vx = val(g, x), vi = val(g, idx);
             LOCKED(g);
             return wrap(g, g.builder.gather(vx, vi, axis, loc));
           })
      .def("pad",
           [](G &g, const ValueRef &x, const Ints &paddings,
              const std::string &mode, float value, const OpLoc &loc) {
             Value vx = val(g, x);
             LOCKED(g);
             return wrap(g, g.builder.pad(vx, paddings, mode, value, loc));
           })
      .def("reduce",
           [](G &g, ReduceKind k, const ValueRef &x, const Ints &axes,
              bool keep, const OpLoc &loc) {
             Value vx = val(g, x);
             LOCKED(g);
             return wrap(g, g.builder.reduce(k, vx, axes, keep, loc));
           })
      .def("expand_dims",
           [](G &g, const ValueRef &x, const Ints &axes, const OpLoc &loc) {
             Value vx = val(g, x);
             LOCKED(g);
             return wrap(g, g.builder.expandDims(vx, axes, loc));
           })
      .def("squeeze",
           [](G &g, const ValueRef &x, const Ints &axes, const OpLoc &loc) {
             Value vx = val(g, x);
             LOCKED(g);
             return wrap(g, g.builder.squeeze(vx, axes, loc));
           })
      .def(
          "tile",
          [](G &g, const ValueRef &x, const Ints &multiples, const OpLoc &loc) {
            Value vx = val(g, x);
            LOCKED(g);
            return wrap(g, g.builder.tile(vx, multiples, loc));
          })
      .def("broadcast_to",
           [](G &g, const ValueRef &x, const Ints &shape, const OpLoc &loc) {
             Value vx = val(g, x);
             LOCKED(g);
             return wrap(g, g.builder.broadcastTo(vx, shape, loc));
           });
}

} // namespace geflow::python
