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

// A builder argument from its Python argument: a value of this graph, a
// dtype (any form parseDType takes), or the argument itself (ints, lists,
// strings, kinds).
Value fromPython(GraphHolder &g, const ValueRef &r) { return val(g, r); }
DType fromPython(GraphHolder &, py::handle dtype) { return parseDType(dtype); }
template <typename T> const T &fromPython(GraphHolder &, const T &x) {
  return x;
}

/// Binds builder method `Method` as `name(g, args..., loc)`, taking one
/// Python argument of each type `PyArgs` (ValueRef, py::handle for a dtype,
/// or the builder's own argument type).
template <auto Method, typename... PyArgs>
void bindOp(py::class_<GraphHolder, std::shared_ptr<GraphHolder>> &c,
            const char *name) {
  c.def(name, [](GraphHolder &g, const PyArgs &...args, const OpLoc &loc) {
    // Braces convert left to right, as the Python arguments read.
    auto converted =
        std::tuple<decltype(fromPython(g, args))...>{fromPython(g, args)...};
    LOCKED(g);
    return wrap(
        g, std::apply(
               [&](const auto &...a) { return (g.builder.*Method)(a..., loc); },
               converted));
  });
}

// The collectives (GE Hcom*); Send has no result and Broadcast several.
void bindCollectives(py::class_<GraphHolder, std::shared_ptr<GraphHolder>> &c) {
  using G = GraphHolder;
  bindOp<&GraphBuilder::hcomAllGather, ValueRef, int64_t, std::string>(
      c, "hcom_all_gather");
  bindOp<&GraphBuilder::hcomReduceScatter, ValueRef, int64_t, std::string,
         std::string>(c, "hcom_reduce_scatter");
  c.def("hcom_broadcast",
        [](G &g, const std::vector<ValueRef> &xs, int64_t root,
           const std::string &group, const OpLoc &loc) {
          std::vector<Value> vs;
          for (const ValueRef &x : xs)
            vs.push_back(val(g, x));
          LOCKED(g);
          std::vector<ValueRef> out;
          for (Value v : unwrap(g.builder.hcomBroadcast(vs, root, group, loc)))
            out.push_back(ValueRef{g.shared_from_this(), v});
          return out;
        });
  c.def("hcom_send", [](G &g, const ValueRef &x, int64_t dest, int64_t tag,
                        const std::string &group, const OpLoc &loc) {
    Value vx = val(g, x);
    LOCKED(g);
    check(g.builder.hcomSend(vx, dest, tag, group, loc));
  });
  c.def("hcom_receive",
        [](G &g, const Ints &shape, py::handle dtype, int64_t src, int64_t tag,
           const std::string &group, const OpLoc &loc) {
          DType t = parseDType(dtype);
          LOCKED(g);
          return wrap(g, g.builder.hcomReceive(shape, t, src, tag, group, loc));
        });
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
  py::class_<G, std::shared_ptr<G>> graph(m, "GraphBuilder");
  graph.def(py::init<std::string>(), py::arg("name"))
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
          "variable",
          [](G &g, const std::string &name, const Ints &shape, py::handle dtype,
             const py::object &initial, const OpLoc &loc) {
            DType t = parseDType(dtype);
            const void *data = nullptr;
            py::array array;
            if (!initial.is_none()) {
              array = py::reinterpret_borrow<py::array>(initial);
              size_t count = 1;
              for (int64_t d : shape)
                count *= static_cast<size_t>(d);
              if (!(array.flags() & py::array::c_style) ||
                  static_cast<size_t>(array.nbytes()) !=
                      count * rt::dtypeSize(t))
                throwInvalid("the initial value of variable '" + name +
                             "' does not hold " + std::to_string(count) + " " +
                             std::string(rt::dtypeName(t)) + " elements");
              data = array.data();
            }
            LOCKED(g);
            return wrap(g, g.builder.variable(name, t, shape, data, loc));
          },
          py::arg("name"), py::arg("shape"), py::arg("dtype"),
          py::arg("initial"), py::arg("loc"))
      .def(
          "assign",
          [](G &g, const std::string &kind, const std::string &name,
             const ValueRef &v, const OpLoc &loc) {
            Value value = val(g, v);
            GraphBuilder::AssignKind k =
                kind == "Assign"      ? GraphBuilder::AssignKind::Assign
                : kind == "AssignAdd" ? GraphBuilder::AssignKind::AssignAdd
                                      : GraphBuilder::AssignKind::AssignSub;
            LOCKED(g);
            return wrap(g, g.builder.assign(k, name, value, loc));
          },
          py::arg("kind"), py::arg("name"), py::arg("value"), py::arg("loc"))
      .def(
          "output",
          [](G &g, const ValueRef &v, const std::string &name) {
            Value value = val(g, v);
            LOCKED(g);
            check(g.builder.output(value, name));
          },
          py::arg("value"), py::arg("name"))
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
      .def("concat",
           [](G &g, const std::vector<ValueRef> &xs, int64_t axis,
              const OpLoc &loc) {
             std::vector<Value> vs;
             for (const ValueRef &x : xs)
               vs.push_back(val(g, x));
             LOCKED(g);
             return wrap(g, g.builder.concat(vs, axis, loc));
           })
      .def("split", [](G &g, const ValueRef &x, int64_t axis, const Ints &sizes,
                       const OpLoc &loc) {
        Value vx = val(g, x);
        LOCKED(g);
        std::vector<ValueRef> out;
        for (Value v : unwrap(g.builder.split(vx, axis, sizes, loc)))
          out.push_back(ValueRef{g.shared_from_this(), v});
        return out;
      });

  // Ops whose Python arguments map one to one onto the builder's.
  bindOp<&GraphBuilder::unary, UnaryKind, ValueRef>(graph, "unary");
  bindOp<&GraphBuilder::binary, BinaryKind, ValueRef, ValueRef>(graph,
                                                                "binary");
  bindOp<&GraphBuilder::gelu, ValueRef, std::string>(graph, "gelu");
  bindOp<&GraphBuilder::leakyRelu, ValueRef, float>(graph, "leaky_relu");
  bindOp<&GraphBuilder::clip, ValueRef, std::optional<float>,
         std::optional<float>>(graph, "clip");
  bindOp<&GraphBuilder::cast, ValueRef, py::handle>(graph, "cast");
  bindOp<&GraphBuilder::select, ValueRef, ValueRef, ValueRef>(graph, "select");
  bindOp<&GraphBuilder::softmax, ValueRef, Ints, bool>(graph, "softmax");
  bindOp<&GraphBuilder::layerNorm, ValueRef, ValueRef, ValueRef, int64_t,
         int64_t, float>(graph, "layer_norm");
  bindOp<&GraphBuilder::batchNorm, ValueRef, ValueRef, ValueRef, ValueRef,
         ValueRef, float, std::string>(graph, "batch_norm");
  bindOp<&GraphBuilder::reshape, ValueRef, Ints>(graph, "reshape");
  bindOp<&GraphBuilder::transpose, ValueRef, Ints>(graph, "transpose");
  bindOp<&GraphBuilder::slice, ValueRef, Ints, Ints>(graph, "slice");
  bindOp<&GraphBuilder::stridedSlice, ValueRef, Ints, Ints, Ints>(
      graph, "strided_slice");
  bindOp<&GraphBuilder::gather, ValueRef, ValueRef, int64_t>(graph, "gather");
  bindOp<&GraphBuilder::pad, ValueRef, Ints, std::string, float>(graph, "pad");
  bindOp<&GraphBuilder::reduce, ReduceKind, ValueRef, Ints, bool>(graph,
                                                                  "reduce");
  bindOp<&GraphBuilder::expandDims, ValueRef, Ints>(graph, "expand_dims");
  bindOp<&GraphBuilder::squeeze, ValueRef, Ints>(graph, "squeeze");
  bindOp<&GraphBuilder::tile, ValueRef, Ints>(graph, "tile");
  bindOp<&GraphBuilder::broadcastTo, ValueRef, Ints>(graph, "broadcast_to");
  bindCollectives(graph);
  bindOp<&GraphBuilder::hcomAllReduce, ValueRef, std::string, std::string,
         int64_t, Ints>(graph, "hcom_all_reduce");
  graph.def("set_scope_attrs",
            [](GraphHolder &g,
               const std::vector<std::pair<std::string, std::string>> &attrs) {
              LOCKED(g);
              g.builder.setScopeAttrs(attrs);
            });
}

} // namespace geflow::python
