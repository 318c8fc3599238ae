//===- WeightUpdateGraph.cpp - Running a Session's weight-update graph ----===//
#include "WeightUpdateGraph.h"

#include "dialects/ge/IR/GEOps.h"
#include "dialects/ge/IR/GEUtils.h"
#include "geflow/runtime/Half.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <cstring>
#include <map>

using namespace mlir;

namespace geflow {

namespace {

/// A tensor value of the update graph: dtype, shape, bytes.
struct HostValue {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
};

std::string describe(DType dtype, const std::vector<int64_t> &shape) {
  return std::string(rt::dtypeName(dtype)) + rt::shapeToString(shape);
}

std::optional<HostValue> typeOf(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t || !t.hasStaticShape())
    return std::nullopt;
  auto dtype = ge::getRuntimeDType(t.getElementType());
  if (!dtype)
    return std::nullopt;
  HostValue v;
  v.dtype = *dtype;
  v.shape.assign(t.getShape().begin(), t.getShape().end());
  return v;
}

double load(DType t, const uint8_t *p) {
  switch (t) {
  case DType::F32: {
    float f;
    std::memcpy(&f, p, 4);
    return f;
  }
  case DType::F16:
  case DType::BF16: {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return t == DType::F16 ? rt::halfToFloat(h) : rt::bf16ToFloat(h);
  }
  case DType::I32: {
    int32_t i;
    std::memcpy(&i, p, 4);
    return i;
  }
  case DType::I64: {
    int64_t i;
    std::memcpy(&i, p, 8);
    return double(i);
  }
  default:
    return 0;
  }
}

void store(DType t, double v, uint8_t *p) {
  switch (t) {
  case DType::F32: {
    float f = float(v);
    std::memcpy(p, &f, 4);
    break;
  }
  case DType::F16:
  case DType::BF16: {
    uint16_t h =
        t == DType::F16 ? rt::floatToHalf(float(v)) : rt::floatToBf16(float(v));
    std::memcpy(p, &h, 2);
    break;
  }
  case DType::I32: {
    auto i = int32_t(v);
    std::memcpy(p, &i, 4);
    break;
  }
  case DType::I64: {
    auto i = int64_t(v);
    std::memcpy(p, &i, 8);
    break;
  }
  default:
    break;
  }
}

bool canAccumulate(DType t) {
  return t == DType::F32 || t == DType::F16 || t == DType::BF16 ||
         t == DType::I32 || t == DType::I64;
}

} // namespace

std::vector<rt::TensorInfo> weightUpdateGraphSignature(ModuleOp module,
                                                       bool inputs) {
  std::vector<rt::TensorInfo> out;
  auto funcs = module.getOps<func::FuncOp>();
  if (funcs.empty())
    return out;
  func::FuncOp func = *funcs.begin();
  ArrayRef<Type> types =
      inputs ? func.getArgumentTypes() : func.getFunctionType().getResults();
  for (auto [i, type] : llvm::enumerate(types)) {
    rt::TensorInfo info;
    auto name = inputs ? func.getArgAttrOfType<StringAttr>(i, "ge.name")
                       : func.getResultAttrOfType<StringAttr>(i, "ge.name");
    info.name =
        name ? name.str() : (inputs ? "input" : "output") + std::to_string(i);
    if (auto ranked = dyn_cast<RankedTensorType>(type)) {
      info.dtype =
          ge::getRuntimeDType(ranked.getElementType()).value_or(rt::DType::F32);
      info.shape.assign(ranked.getShape().begin(), ranked.getShape().end());
      for (int64_t &d : info.shape)
        if (ShapedType::isDynamic(d))
          d = -1;
      info.bytes = rt::storageBytes(info.dtype, info.format, info.shape);
    }
    out.push_back(std::move(info));
  }
  return out;
}

bool isWeightUpdateGraph(ModuleOp module) {
  bool found = false;
  module.walk([&](Operation *op) {
    if (isa<ge::AssignOp, ge::AssignAddOp, ge::AssignSubOp>(op))
      found = true;
  });
  return found;
}

rt::StatusOr<std::vector<Tensor>>
runWeightUpdateGraph(ModuleOp module, const std::string &graphName,
                     const std::vector<Tensor> &inputs,
                     const std::vector<UpdateTarget> &targets) {
  auto funcs = module.getOps<func::FuncOp>();
  if (funcs.empty())
    return rt::invalidArgument(graphName + " has no function");
  func::FuncOp func = *funcs.begin();
  std::vector<std::string> problems;
  // Where each variable lives: its type and the targets that hold it.
  struct Holder {
    rt::TensorInfo info;
    std::vector<size_t> targets;
  };
  std::map<std::string, Holder> variables;
  for (size_t t = 0; t < targets.size(); ++t)
    for (const rt::TensorInfo &v : targets[t].model->variables()) {
      Holder &h = variables[v.name];
      if (h.targets.empty())
        h.info = v;
      else if (h.info.dtype != v.dtype || h.info.shape != v.shape)
        problems.push_back("variable '" + v.name + "' is " +
                           describe(h.info.dtype, h.info.shape) + " in " +
                           targets[h.targets[0]].name + " but " +
                           describe(v.dtype, v.shape) + " in " +
                           targets[t].name);
      h.targets.push_back(t);
    }
  auto knownVariables = [&] {
    std::string names;
    for (const auto &[name, h] : variables)
      names += (names.empty() ? "" : ", ") + name;
    return names.empty() ? std::string("none (build the inference graphs "
                                       "first, with updatable_weights)")
                         : names;
  };

  if (inputs.size() != func.getNumArguments())
    return rt::invalidArgument(graphName + " takes " +
                               std::to_string(func.getNumArguments()) +
                               " inputs, got " + std::to_string(inputs.size()));
  llvm::DenseMap<Value, HostValue> values;
  for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
    std::optional<HostValue> want = typeOf(arg.getType());
    const Tensor &in = inputs[i];
    if (!want) {
      problems.push_back("input " + std::to_string(i) +
                         " needs a static shape");
      continue;
    }
    if (in.desc().dtype != want->dtype || in.desc().shape != want->shape ||
        in.size() < rt::storageBytes(want->dtype, Format::ND, want->shape) ||
        !in.data()) {
      problems.push_back("input " + std::to_string(i) + " is " +
                         describe(want->dtype, want->shape) + ", got " +
                         describe(in.desc().dtype, in.desc().shape));
      continue;
    }
    want->bytes.assign(
        in.GetData(),
        in.GetData() + rt::storageBytes(want->dtype, Format::ND, want->shape));
    values[arg] = std::move(*want);
  }
  // The new value of every assigned variable, in assignment order.
  std::map<std::string, HostValue> assigned;
  auto current = [&](const std::string &name) -> std::optional<HostValue> {
    if (auto it = assigned.find(name); it != assigned.end())
      return it->second;
    auto it = variables.find(name);
    if (it == variables.end())
      return std::nullopt;
    HostValue v;
    v.dtype = it->second.info.dtype;
    v.shape = it->second.info.shape;
    v.bytes.resize(it->second.info.bytes);
    const UpdateTarget &t = targets[it->second.targets[0]];
    if (!t.model->readWeight(name, v.bytes.data(), v.bytes.size()).ok())
      return std::nullopt;
    return v;
  };
  func::ReturnOp ret;
  for (Operation &op : func.getBody().front()) {
    std::string label = ge::opLabel(&op);
    if (auto r = dyn_cast<func::ReturnOp>(op)) {
      ret = r;
    } else if (auto cst = dyn_cast<ge::ConstOp>(op)) {
      std::optional<HostValue> v = typeOf(cst.getType());
      auto bytes = ge::getRawBytes(cst.getValue());
      if (!v || failed(bytes)) {
        problems.push_back(label + ": constant data is not available");
        continue;
      }
      v->bytes = std::move(*bytes);
      values[cst.getResult()] = std::move(*v);
    } else if (auto var = dyn_cast<ge::VariableOp>(op)) {
      std::optional<HostValue> v = current(var.getVarName().str());
      if (!v) {
        problems.push_back(label + " reads variable '" +
                           var.getVarName().str() +
                           "', which no built graph of the session has; "
                           "their variables: " +
                           knownVariables());
        continue;
      }
      values[var.getResult()] = std::move(*v);
    } else if (isa<ge::AssignOp, ge::AssignAddOp, ge::AssignSubOp>(op)) {
      std::string name =
          op.getAttrOfType<StringAttr>("var_name").getValue().str();
      auto it = values.find(op.getOperand(0));
      if (it == values.end())
        continue; // its producer was reported
      HostValue value = it->second;
      auto holder = variables.find(name);
      if (holder == variables.end()) {
        problems.push_back(label + " assigns variable '" + name +
                           "', which no built graph of the session has; "
                           "their variables: " +
                           knownVariables());
        continue;
      }
      const rt::TensorInfo &info = holder->second.info;
      if (value.dtype != info.dtype || value.shape != info.shape) {
        problems.push_back(label + " assigns " +
                           describe(value.dtype, value.shape) +
                           " to variable '" + name + "' of " +
                           describe(info.dtype, info.shape) + " (" +
                           targets[holder->second.targets[0]].name + ")");
        continue;
      }
      if (!isa<ge::AssignOp>(op)) {
        if (!canAccumulate(value.dtype)) {
          problems.push_back(label + ": " +
                             std::string(rt::dtypeName(value.dtype)) +
                             " variables cannot be added to");
          continue;
        }
        std::optional<HostValue> old = current(name);
        if (!old) {
          problems.push_back(label + ": cannot read variable '" + name + "'");
          continue;
        }
        double sign = isa<ge::AssignAddOp>(op) ? 1.0 : -1.0;
        size_t size = rt::dtypeSize(value.dtype);
        for (size_t i = 0; i < value.bytes.size(); i += size)
          store(value.dtype,
                load(value.dtype, &old->bytes[i]) +
                    sign * load(value.dtype, &value.bytes[i]),
                &value.bytes[i]);
      }
      assigned[name] = value;
      values[op.getResult(0)] = std::move(value);
    } else {
      problems.push_back(label +
                         " cannot run in a weight-update graph (only inputs, "
                         "Const and Variable feed Assign, AssignAdd and "
                         "AssignSub)");
    }
  }
  if (!problems.empty()) {
    std::string list;
    for (const std::string &p : problems)
      list += "\n  " + p;
    return rt::invalidArgument(graphName + ": weight update rejected, " +
                               std::to_string(problems.size()) +
                               " problem(s) (nothing was changed):" + list);
  }
  // Each target gets its variables in one (atomic) update.
  for (size_t t = 0; t < targets.size(); ++t) {
    std::vector<rt::WeightUpdate> updates;
    for (const auto &[name, v] : assigned) {
      const Holder &h = variables[name];
      if (std::find(h.targets.begin(), h.targets.end(), t) == h.targets.end())
        continue;
      updates.push_back(
          {name, v.bytes.data(), v.bytes.size(), v.dtype, v.shape});
    }
    if (updates.empty())
      continue;
    Status st = targets[t].model->updateWeights(updates);
    if (!st.ok())
      return Status(st.code(), graphName + " updating " + targets[t].name +
                                   ": " + st.message());
  }
  std::vector<Tensor> outputs;
  if (ret)
    for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
      auto it = values.find(v);
      if (it == values.end())
        return rt::invalidArgument(graphName + ": output " + std::to_string(i) +
                                   " has no value");
      TensorDesc desc{"output" + std::to_string(i), it->second.dtype,
                      it->second.shape, Format::ND};
      outputs.push_back(Tensor::copyOf(desc, it->second.bytes.data(),
                                       it->second.bytes.size()));
    }
  return outputs;
}

} // namespace geflow
