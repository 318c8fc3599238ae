//===- Arrays.cpp - NumPy arrays as runtime tensors -----------------------===//
#include "Arrays.h"
#include "Errors.h"

#include <cstdlib>
#include <cstring>

namespace geflow::python {

namespace {

// NumPy has no bfloat16: its tensors are uint16 bit patterns. Every other
// dtype has the runtime's name in NumPy too.
std::string numpyName(rt::DType t) {
  if (t == rt::DType::String)
    return "object";
  return t == rt::DType::BF16 ? "uint16" : std::string(rt::dtypeName(t));
}

/// A string tensor's elements and the bytes they point at.
struct StringBuffer {
  std::vector<rt::StringRef> refs;
  rt::StringStore store;
};

py::capsule ownStringBuffer(StringBuffer *buffer) {
  return py::capsule(buffer,
                     [](void *p) { delete static_cast<StringBuffer *>(p); });
}

/// Binds an array-like of str / bytes as string input `info`.
rt::TensorRef bindStringInput(py::handle obj, const rt::TensorInfo &info,
                              std::vector<py::object> &keepAlive) {
  py::array arr = py::module_::import("numpy").attr("asarray")(obj);
  char kind = arr.dtype().kind();
  if (kind != 'U' && kind != 'S' && kind != 'O')
    throwInvalid("input '" + info.name + "' is a string tensor, got dtype " +
                 py::str(arr.dtype()).cast<std::string>() +
                 " (pass str or bytes: a 'U', 'S' or object array or a list)");
  py::list items = arr.attr("ravel")().attr("tolist")();
  auto *buffer = new StringBuffer;
  py::capsule owner = ownStringBuffer(buffer);
  buffer->refs.resize(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    py::handle item = items[i];
    std::string_view bytes;
    py::bytes encoded;
    if (py::isinstance<py::str>(item)) {
      encoded =
          py::reinterpret_steal<py::bytes>(PyUnicode_AsUTF8String(item.ptr()));
      if (!encoded)
        throw py::error_already_set();
      bytes = std::string_view(PyBytes_AS_STRING(encoded.ptr()),
                               size_t(PyBytes_GET_SIZE(encoded.ptr())));
    } else if (py::isinstance<py::bytes>(item)) {
      bytes = std::string_view(PyBytes_AS_STRING(item.ptr()),
                               size_t(PyBytes_GET_SIZE(item.ptr())));
    } else {
      throwInvalid("input '" + info.name + "': element " + std::to_string(i) +
                   " is " + Py_TYPE(item.ptr())->tp_name +
                   ", expected str or bytes");
    }
    rt::StatusOr<rt::StringRef> r = buffer->store.add(bytes);
    if (!r.ok())
      throwInvalid("input '" + info.name + "': element " + std::to_string(i) +
                   ": " + r.status().message());
    buffer->refs[i] = *r;
  }
  rt::TensorRef ref;
  ref.data = buffer->refs.data();
  ref.size = buffer->refs.size() * sizeof(rt::StringRef);
  ref.dtype = rt::DType::String;
  ref.shape.assign(arr.shape(), arr.shape() + arr.ndim());
  keepAlive.push_back(std::move(owner));
  return ref;
}

std::string supportedDTypes() {
  std::string out;
  for (int i = 0; i < rt::kNumDTypes; ++i)
    out +=
        (i ? ", " : "") + std::string(rt::dtypeName(static_cast<rt::DType>(i)));
  return out;
}

std::string pyStr(py::handle h) { return py::str(h).cast<std::string>(); }

bool sameDType(const py::dtype &a, const py::dtype &b) {
  return a.kind() == b.kind() && a.itemsize() == b.itemsize() &&
         a.attr("isnative").cast<bool>();
}

// The array an input binds to: zero-copy when possible, else one conversion.
py::array asInputArray(py::handle obj, const rt::TensorInfo &info) {
  py::dtype want = toNumpy(info.dtype);
  if (py::isinstance<py::array>(obj)) {
    auto arr = py::reinterpret_borrow<py::array>(obj);
    if (!sameDType(arr.dtype(), want))
      throwInvalid("input '" + info.name + "' has dtype " + pyStr(arr.dtype()) +
                   ", expected " + std::string(rt::dtypeName(info.dtype)) +
                   " (convert it with .astype(numpy." + numpyName(info.dtype) +
                   "))");
    if (arr.flags() & py::array::c_style)
      return arr;
    return py::array::ensure(arr, py::array::c_style);
  }
  // Lists and scalars take the model's dtype, as NumPy would write them.
  py::object converted;
  try {
    converted = py::module_::import("numpy").attr("asarray")(obj, want);
  } catch (py::error_already_set &e) {
    throwInvalid("input '" + info.name + "' cannot be read as " +
                 std::string(rt::dtypeName(info.dtype)) + ": " + e.what());
  }
  return py::array::ensure(converted, py::array::c_style);
}

void freeAligned(void *p) { std::free(p); }

} // namespace

py::dtype toNumpy(rt::DType t) {
  // Looked up once per dtype; deliberately never freed (no Python calls at
  // process exit).
  static py::dtype *cache[rt::kNumDTypes] = {};
  auto i = static_cast<unsigned>(t);
  if (i >= rt::kNumDTypes)
    throwInvalid("invalid dtype " + std::to_string(i));
  if (!cache[i])
    cache[i] = new py::dtype(numpyName(t));
  return *cache[i];
}

void bindDTypes(py::module_ &m) {
  py::list table;
  for (int i = 0; i < rt::kNumDTypes; ++i) {
    auto t = static_cast<rt::DType>(i);
    table.append(py::make_tuple(std::string(rt::dtypeName(t)), toNumpy(t),
                                rt::isFloat(t)));
  }
  m.attr("DTYPES") = py::tuple(table);
}

rt::DType parseDType(py::handle h) {
  if (py::isinstance<py::str>(h)) {
    if (auto t = rt::parseDType(h.cast<std::string>()))
      return *t;
  }
  py::dtype d;
  try {
    d = py::dtype::from_args(py::reinterpret_borrow<py::object>(h));
  } catch (py::error_already_set &) {
    throwInvalid("unknown dtype " + pyStr(py::repr(h)) +
                 "; supported: " + supportedDTypes());
  }
  for (int i = 0; i < rt::kNumDTypes; ++i) {
    auto t = static_cast<rt::DType>(i);
    if (t != rt::DType::BF16 && sameDType(d, toNumpy(t)))
      return t;
  }
  throwInvalid("dtype " + pyStr(d) +
               " is not supported by geflow; supported: " + supportedDTypes());
}

std::vector<std::vector<int64_t>> BoundTensors::shapes() const {
  std::vector<std::vector<int64_t>> out;
  out.reserve(refs.size());
  for (const rt::TensorRef &r : refs)
    out.push_back(r.shape);
  return out;
}

namespace {

// The objects of `args` (dict by name, list/tuple, or one object for a
// single-tensor signature) in signature order. `what` is "input"/"output".
std::vector<py::handle> orderArgs(const std::vector<rt::TensorInfo> &signature,
                                  py::handle args, const std::string &what) {
  std::string names;
  for (const rt::TensorInfo &info : signature)
    names += (names.empty() ? "'" : ", '") + info.name + "'";
  std::vector<py::handle> ordered(signature.size());
  if (py::isinstance<py::dict>(args)) {
    auto dict = py::reinterpret_borrow<py::dict>(args);
    for (auto [key, value] : dict) {
      std::string name = pyStr(key);
      auto it =
          std::find_if(signature.begin(), signature.end(),
                       [&](const rt::TensorInfo &i) { return i.name == name; });
      if (it == signature.end())
        throwInvalid("unknown " + what + " '" + name + "'; the model's " +
                     what + "s are " + names);
      ordered[it - signature.begin()] = value;
    }
    for (size_t i = 0; i < signature.size(); ++i)
      if (!ordered[i])
        throwInvalid(what + " '" + signature[i].name +
                     "' is missing; the model's " + what + "s are " + names);
  } else if (py::isinstance<py::list>(args) ||
             py::isinstance<py::tuple>(args)) {
    auto seq = py::reinterpret_borrow<py::sequence>(args);
    if (seq.size() != signature.size())
      throwInvalid("the model has " + std::to_string(signature.size()) + " " +
                   what + "(s) (" + names + "), got " +
                   std::to_string(seq.size()));
    for (size_t i = 0; i < signature.size(); ++i)
      ordered[i] = seq[i];
  } else if (signature.size() == 1) {
    ordered[0] = args;
  } else {
    throwInvalid(what + "s must be a dict by name or a list; the model's " +
                 what + "s are " + names);
  }
  return ordered;
}

} // namespace

BoundTensors bindInputs(const std::vector<rt::TensorInfo> &signature,
                        py::handle inputs) {
  std::vector<py::handle> ordered = orderArgs(signature, inputs, "input");
  BoundTensors bound;
  bound.refs.reserve(signature.size());
  bound.keepAlive.reserve(signature.size());
  for (size_t i = 0; i < signature.size(); ++i) {
    if (signature[i].dtype == rt::DType::String) {
      bound.refs.push_back(
          bindStringInput(ordered[i], signature[i], bound.keepAlive));
      continue;
    }
    py::array arr = asInputArray(ordered[i], signature[i]);
    rt::TensorRef ref;
    // Inputs are only read; read-only arrays (np.broadcast_to, ...) bind too.
    ref.data = const_cast<void *>(arr.data());
    ref.size = static_cast<uint64_t>(arr.nbytes());
    ref.dtype = signature[i].dtype;
    ref.shape.assign(arr.shape(), arr.shape() + arr.ndim());
    bound.refs.push_back(std::move(ref));
    bound.keepAlive.push_back(std::move(arr));
  }
  return bound;
}

std::vector<int64_t> arrayShape(const rt::TensorInfo &info) {
  if (info.format == rt::Format::ND || info.format == rt::Format::NCHW ||
      info.format == rt::Format::NHWC)
    return info.shape;
  auto physical = rt::physicalShape(info.format, info.shape);
  if (!physical)
    throw StatusError(
        rt::internalError("output '" + info.name + "' has format " +
                          std::string(rt::formatName(info.format)) +
                          " that does not fit its shape"));
  return *physical;
}

py::object allocateStringOutput(const rt::TensorInfo &info,
                                rt::TensorRef *ref) {
  int64_t n = rt::numElements(info.shape);
  if (n < 0)
    throw StatusError(
        rt::internalError("output '" + info.name + "' has an unknown dim"));
  auto *buffer = new StringBuffer;
  py::capsule owner = ownStringBuffer(buffer);
  buffer->refs.resize(size_t(n));
  ref->data = buffer->refs.data();
  ref->size = buffer->refs.size() * sizeof(rt::StringRef);
  ref->dtype = rt::DType::String;
  ref->shape = info.shape;
  ref->strings = &buffer->store;
  return std::move(owner);
}

py::object stringOutputArray(py::handle holder,
                             const std::vector<int64_t> &shape) {
  auto *buffer =
      py::reinterpret_borrow<py::capsule>(holder).get_pointer<StringBuffer>();
  py::list items;
  for (const rt::StringRef &r : buffer->refs) {
    std::string_view s = r.view();
    PyObject *text =
        PyUnicode_DecodeUTF8(s.data(), py::ssize_t(s.size()), "strict");
    if (text) {
      items.append(py::reinterpret_steal<py::str>(text));
    } else {
      PyErr_Clear(); // not UTF-8: the raw bytes
      items.append(py::bytes(s.data(), s.size()));
    }
  }
  py::array flat =
      py::module_::import("numpy").attr("empty")(items.size(), py::dtype("O"));
  for (size_t i = 0; i < items.size(); ++i)
    flat[py::int_(i)] = items[i];
  py::tuple dims(shape.size());
  for (size_t i = 0; i < shape.size(); ++i)
    dims[i] = py::int_(shape[i]);
  return flat.attr("reshape")(dims);
}

py::array allocateArray(const rt::TensorInfo &info) {
  if (info.dtype == rt::DType::String)
    throwInvalid("'" + info.name +
                 "' is a string tensor: only "
                 "Executable.run returns string outputs");
  std::vector<int64_t> shape = arrayShape(info);
  size_t bytes = rt::dtypeSize(info.dtype);
  for (int64_t d : shape) {
    if (d < 0)
      throw StatusError(
          rt::internalError("output '" + info.name + "' has an unknown dim"));
    bytes *= static_cast<size_t>(d);
  }
  size_t rounded = (bytes + 63) / 64 * 64;
  void *data = std::aligned_alloc(64, rounded ? rounded : 64);
  if (!data)
    throw StatusError(rt::Status(rt::ErrorCode::kOutOfMemory,
                                 "cannot allocate " + std::to_string(bytes) +
                                     " bytes for '" + info.name + "'"));
  std::memset(data, 0, rounded ? rounded : 64);
  py::capsule owner(data, freeAligned);
  std::vector<py::ssize_t> dims(shape.begin(), shape.end());
  return py::array(toNumpy(info.dtype), dims, {}, data, owner);
}

py::object selectedResult(const std::vector<rt::TensorInfo> &infos,
                          const std::vector<size_t> &selected, bool asDict,
                          const std::vector<py::object> &arrays) {
  if (asDict) {
    py::dict result;
    for (size_t i : selected)
      result[py::str(infos[i].name)] = arrays[i];
    return std::move(result);
  }
  py::list result;
  for (size_t i : selected)
    result.append(arrays[i]);
  return std::move(result);
}

BoundTensors allocateOutputs(const std::vector<rt::TensorInfo> &infos) {
  BoundTensors bound;
  bound.refs.reserve(infos.size());
  bound.keepAlive.reserve(infos.size());
  for (const rt::TensorInfo &info : infos) {
    py::array arr = allocateArray(info); // refuses string outputs
    rt::TensorRef ref;
    ref.data = arr.mutable_data();
    ref.size = static_cast<uint64_t>(arr.nbytes());
    ref.dtype = info.dtype;
    ref.shape = info.shape;
    bound.refs.push_back(std::move(ref));
    bound.keepAlive.push_back(std::move(arr));
  }
  return bound;
}

rt::TensorRef bindOutputArray(const rt::TensorInfo &info, py::handle obj,
                              std::vector<py::object> &keepAlive) {
  if (!py::isinstance<py::array>(obj))
    throw StatusError(rt::invalidArgument("output '" + info.name +
                                          "' must be a NumPy array, got " +
                                          Py_TYPE(obj.ptr())->tp_name),
                      "ArgumentTypeError");
  auto arr = py::reinterpret_borrow<py::array>(obj);
  std::string what = "output '" + info.name + "'";
  if (info.dtype == rt::DType::String)
    throwInvalid(what + " is a string tensor: string outputs are returned "
                        "as new object arrays, not written into `outputs`");
  if (!sameDType(arr.dtype(), toNumpy(info.dtype)))
    throwInvalid(what + " has dtype " + pyStr(arr.dtype()) + ", expected " +
                 std::string(rt::dtypeName(info.dtype)));
  std::vector<int64_t> want = arrayShape(info);
  std::vector<int64_t> got(arr.shape(), arr.shape() + arr.ndim());
  if (got != want)
    throwInvalid(what + " has shape " + rt::shapeToString(got) + ", expected " +
                 rt::shapeToString(want) + " for these inputs");
  if (!arr.writeable())
    throwInvalid(what + " is a read-only array; outputs are written in place");
  if (!(arr.flags() & py::array::c_style))
    throwInvalid(what + " is not C-contiguous; outputs are written in place, "
                        "so pass a contiguous array (np.empty(...))");
  rt::TensorRef ref;
  ref.data = arr.mutable_data();
  ref.size = static_cast<uint64_t>(arr.nbytes());
  ref.dtype = info.dtype;
  ref.shape = info.shape;
  keepAlive.push_back(std::move(arr));
  return ref;
}

BoundTensors bindOutputs(const std::vector<rt::TensorInfo> &signature,
                         py::handle outputs) {
  std::vector<py::handle> ordered = orderArgs(signature, outputs, "output");
  BoundTensors bound;
  for (size_t i = 0; i < signature.size(); ++i) {
    const rt::TensorInfo &info = signature[i];
    if (info.dtype == rt::DType::String)
      throwInvalid("output '" + info.name +
                   "' is a string tensor: only Executable.run returns string "
                   "outputs");
    if (!py::isinstance<py::array>(ordered[i]))
      throwInvalid("output '" + info.name + "' must be a NumPy array");
    auto arr = py::reinterpret_borrow<py::array>(ordered[i]);
    if (!arr.writeable() || !(arr.flags() & py::array::c_style) ||
        !sameDType(arr.dtype(), toNumpy(info.dtype)))
      throwInvalid("output '" + info.name +
                   "' must be a writeable C-contiguous " +
                   std::string(rt::dtypeName(info.dtype)) + " array");
    rt::TensorRef ref;
    ref.data = arr.mutable_data();
    ref.size = static_cast<uint64_t>(arr.nbytes());
    ref.dtype = info.dtype;
    ref.shape.assign(arr.shape(), arr.shape() + arr.ndim());
    bound.refs.push_back(std::move(ref));
    bound.keepAlive.push_back(std::move(arr));
  }
  return bound;
}

} // namespace geflow::python
