//===- AotLibrary.cpp - The common entries of generated model libraries ---===//
//
// A generated library's <name>_* functions land here with the library's
// descriptor; only <name>_create differs between a library that interprets
// its embedded .gfm (AotGfm.cpp) and one whose program is code
// (AotProgram.cpp). Handles are checked against the live set, so a
// destroyed, foreign or made-up handle is an error, never dereferenced.
//
//===----------------------------------------------------------------------===//
#include "AotModel.h"
#include "Handles.h"

#include <map>
#include <mutex>
#include <string>
#include <unordered_set>

using namespace geflow::rt;
using geflow::rt::aot::AotModel;
using geflow::rt::aot::call;
using geflow::rt::aot::guarded;

namespace {

thread_local std::string tlsLastError;

std::mutex liveMu;
std::unordered_set<const void *> &liveModels() {
  static auto *set = new std::unordered_set<const void *>();
  return *set;
}

/// The live model behind `handle`, or the error naming the call.
StatusOr<AotModel *> lookup(const gfaot_library *lib, void *handle,
                            const char *what) {
  if (!handle)
    return Status(ErrorCode::kInvalidHandle,
                  call(lib, what) + ": the model handle is NULL");
  std::lock_guard<std::mutex> lock(liveMu);
  if (!liveModels().count(handle) ||
      static_cast<AotModel *>(handle)->lib != lib)
    return Status(ErrorCode::kInvalidHandle,
                  call(lib, what) + ": not a live model handle of library '" +
                      lib->name + "' (destroyed, or another library's)");
  return static_cast<AotModel *>(handle);
}

Status fillInfo(const TensorInfo &t, gfaot_tensor_info *info) {
  if (t.shape.size() > GFAOT_MAX_RANK)
    return unsupported("'" + t.name + "' has rank " +
                       std::to_string(t.shape.size()) + " (more than " +
                       std::to_string(GFAOT_MAX_RANK) + ")");
  info->name = t.name.c_str();
  info->dtype = static_cast<int32_t>(t.dtype);
  info->format = static_cast<int32_t>(t.format);
  info->rank = static_cast<uint32_t>(t.shape.size());
  for (size_t i = 0; i < GFAOT_MAX_RANK; ++i)
    info->shape[i] = i < t.shape.size() ? t.shape[i] : 0;
  info->bytes = t.bytes;
  return Status::OK();
}

/// Checks the caller's tensor array against the signature and converts it.
Status toRefs(const std::string &where, const char *kind,
              const std::vector<TensorInfo> &signature,
              const gfaot_tensor *tensors, uint32_t count, bool needData,
              std::vector<TensorRef> *refs) {
  if (count != signature.size())
    return invalidArgument(where + ": " + std::to_string(count) + " " + kind +
                           "s given, the model has " +
                           std::to_string(signature.size()));
  if (count && !tensors)
    return invalidArgument(where + ": the " + kind + " array is NULL");
  for (uint32_t i = 0; i < count; ++i) {
    const gfaot_tensor &t = tensors[i];
    std::string name = where + ": " + kind + " " + std::to_string(i) + " '" +
                       signature[i].name + "'";
    if (needData && !t.data)
      return invalidArgument(name + ": data is NULL");
    if (t.rank && !t.shape)
      return invalidArgument(name + ": shape is NULL (rank " +
                             std::to_string(t.rank) + ")");
    if (t.rank > GFAOT_MAX_RANK)
      return invalidArgument(name + ": rank " + std::to_string(t.rank) +
                             " exceeds " + std::to_string(GFAOT_MAX_RANK));
    if (t.dtype < GFAOT_FLOAT32 || t.dtype > GFAOT_BOOL)
      return invalidArgument(name + ": dtype " + std::to_string(t.dtype) +
                             " is not one of the GFAOT_* element types");
    TensorRef ref;
    ref.data = t.data;
    ref.size = t.size;
    ref.dtype = static_cast<DType>(t.dtype);
    ref.shape.assign(t.shape, t.shape + t.rank);
    refs->push_back(std::move(ref));
  }
  return Status::OK();
}

StatusOr<std::shared_ptr<Stream>>
streamOf(const gfaot_library *lib, gfrtStream stream, const char *what) {
  if (!stream)
    return Status(ErrorCode::kInvalidHandle,
                  call(lib, what) + ": the stream is NULL (make one with " +
                      call(lib, "stream_create") + ")");
  StatusOr<std::shared_ptr<Stream>> s =
      detail::Handles::global().stream(stream);
  if (!s.ok())
    return Status(s.status().code(),
                  call(lib, what) + ": " + s.status().message());
  return s;
}

} // namespace

namespace geflow::rt::aot {

std::string call(const gfaot_library *lib, const char *what) {
  return std::string(lib && lib->name ? lib->name : "?") + "_" + what;
}

gfaot_status report(const Status &status) {
  tlsLastError = status.ok() ? std::string() : status.message();
  return static_cast<gfaot_status>(status.code());
}

void publish(std::unique_ptr<AotModel> model, void **handle) {
  std::lock_guard<std::mutex> lock(liveMu);
  liveModels().insert(model.get());
  *handle = model.release();
}

/// Devices by (id, AI cores), shared by the handles created with the same
/// options; the table's open device when the caller has set one (a library
/// on the shared runtime joins the caller's device).
StatusOr<std::shared_ptr<Device>> deviceFor(const gfaot_options &options) {
  static std::mutex mu;
  static auto *devices =
      new std::map<std::pair<int32_t, uint32_t>, std::weak_ptr<Device>>();
  if (options.device_id < 0)
    return invalidArgument("device_id " + std::to_string(options.device_id) +
                           " is negative");
  StatusOr<std::shared_ptr<Device>> open = getOpenDevice(options.device_id);
  if (open.ok() && (options.ai_cores == 0 ||
                    open.value()->properties().aiCoreCount == options.ai_cores))
    return open;
  std::lock_guard<std::mutex> lock(mu);
  auto key = std::make_pair(options.device_id, options.ai_cores);
  if (std::shared_ptr<Device> device = (*devices)[key].lock())
    return device;
  DeviceOptions deviceOptions;
  deviceOptions.aiCoreCount = options.ai_cores;
  StatusOr<std::shared_ptr<Device>> device =
      Device::create(options.device_id, deviceOptions);
  if (device.ok())
    (*devices)[key] = device.value();
  return device;
}

} // namespace geflow::rt::aot

extern "C" {

const char *gfaot_impl_last_error(void) { return tlsLastError.c_str(); }

void gfaot_impl_destroy(const gfaot_library *lib, void *model) {
  guarded([&]() -> Status {
    if (!model)
      return Status::OK();
    {
      std::lock_guard<std::mutex> lock(liveMu);
      if (!liveModels().count(model) ||
          static_cast<AotModel *>(model)->lib != lib)
        return Status(ErrorCode::kInvalidHandle,
                      call(lib, "destroy") + ": not a live model handle");
      liveModels().erase(model);
    }
    delete static_cast<AotModel *>(model);
    return Status::OK();
  });
}

uint32_t gfaot_impl_count(const gfaot_library *lib, void *model, int kind) {
  uint32_t n = 0;
  guarded([&]() -> Status {
    StatusOr<AotModel *> m = lookup(lib, model, "count");
    if (!m.ok())
      return m.status();
    const AotModel &mm = **m;
    n = static_cast<uint32_t>(kind == GFAOT_IMPL_INPUTS    ? mm.inputs().size()
                              : kind == GFAOT_IMPL_OUTPUTS ? mm.outputs().size()
                                                           : mm.gears().size());
    return Status::OK();
  });
  return n;
}

gfaot_status gfaot_impl_info(const gfaot_library *lib, void *model, int kind,
                             int32_t gear, uint32_t index,
                             gfaot_tensor_info *info) {
  return guarded([&]() -> Status {
    const char *what = kind == GFAOT_IMPL_INPUTS ? "input_info" : "output_info";
    StatusOr<AotModel *> m = lookup(lib, model, what);
    if (!m.ok())
      return m.status();
    if (!info)
      return invalidArgument(call(lib, what) + ": info is NULL");
    const AotModel &mm = **m;
    if (gear >= static_cast<int32_t>(mm.gears().size()))
      return invalidArgument(call(lib, what) + ": gear " +
                             std::to_string(gear) + " (the model has " +
                             std::to_string(mm.gears().size()) + ")");
    const std::vector<TensorInfo> &list =
        gear < 0 ? (kind == GFAOT_IMPL_INPUTS ? mm.inputs() : mm.outputs())
                 : (kind == GFAOT_IMPL_INPUTS ? mm.gears()[gear].inputs
                                              : mm.gears()[gear].outputs);
    if (index >= list.size())
      return invalidArgument(call(lib, what) + ": index " +
                             std::to_string(index) + " (the model has " +
                             std::to_string(list.size()) + ")");
    return fillInfo(list[index], info);
  });
}

gfaot_status gfaot_impl_select_gear(const gfaot_library *lib, void *model,
                                    const gfaot_tensor *inputs,
                                    uint32_t num_inputs, uint32_t *gear,
                                    gfaot_tensor_info *outputs) {
  return guarded([&]() -> Status {
    std::string where = call(lib, "select_gear");
    StatusOr<AotModel *> m = lookup(lib, model, "select_gear");
    if (!m.ok())
      return m.status();
    const AotModel &mm = **m;
    std::vector<TensorRef> refs;
    GEFLOW_RETURN_IF_ERROR(toRefs(where, "input", mm.inputs(), inputs,
                                  num_inputs, /*needData=*/false, &refs));
    std::vector<std::vector<int64_t>> shapes;
    for (const TensorRef &r : refs)
      shapes.push_back(r.shape);
    StatusOr<Model::Selection> selected = mm.select(shapes);
    if (!selected.ok())
      return Status(selected.status().code(),
                    where + ": " + selected.status().message());
    if (gear)
      *gear = static_cast<uint32_t>(selected->gear);
    for (size_t i = 0; outputs && i < selected->outputs.size(); ++i)
      GEFLOW_RETURN_IF_ERROR(fillInfo(selected->outputs[i], &outputs[i]));
    return Status::OK();
  });
}

gfaot_status gfaot_impl_run(const gfaot_library *lib, void *model,
                            gfrtStream stream, const gfaot_tensor *inputs,
                            uint32_t num_inputs, const gfaot_tensor *outputs,
                            uint32_t num_outputs) {
  return guarded([&]() -> Status {
    const char *what = stream ? "run_async" : "run";
    std::string where = call(lib, what);
    StatusOr<AotModel *> m = lookup(lib, model, what);
    if (!m.ok())
      return m.status();
    AotModel &mm = **m;
    std::vector<TensorRef> in, out;
    GEFLOW_RETURN_IF_ERROR(toRefs(where, "input", mm.inputs(), inputs,
                                  num_inputs, /*needData=*/true, &in));
    GEFLOW_RETURN_IF_ERROR(toRefs(where, "output", mm.outputs(), outputs,
                                  num_outputs, /*needData=*/true, &out));
    std::shared_ptr<Stream> on;
    if (stream) {
      StatusOr<std::shared_ptr<Stream>> s = streamOf(lib, stream, what);
      if (!s.ok())
        return s.status();
      on = std::move(s.value());
    }
    Status st = mm.run(on.get(), in, out);
    if (!st.ok())
      return Status(st.code(), where + ": " + st.message());
    return Status::OK();
  });
}

gfaot_status gfaot_impl_stream_create(const gfaot_library *lib, void *model,
                                      gfrtStream *stream) {
  return guarded([&]() -> Status {
    StatusOr<AotModel *> m = lookup(lib, model, "stream_create");
    if (!m.ok())
      return m.status();
    if (!stream)
      return invalidArgument(call(lib, "stream_create") + ": stream is NULL");
    StatusOr<std::unique_ptr<Stream>> s = (*m)->device->createStream();
    if (!s.ok())
      return s.status();
    *stream = detail::Handles::global().addStream(std::move(s.value()));
    return Status::OK();
  });
}

gfaot_status gfaot_impl_stream_destroy(const gfaot_library *lib,
                                       gfrtStream stream) {
  return guarded([&]() -> Status {
    StatusOr<std::shared_ptr<Stream>> s =
        streamOf(lib, stream, "stream_destroy");
    if (!s.ok())
      return s.status();
    StatusOr<std::shared_ptr<Stream>> removed =
        detail::Handles::global().removeStream(stream);
    if (!removed.ok())
      return removed.status();
    // Waits for the queued work; its failure no longer has a reader.
    (void)removed.value()->synchronize();
    return Status::OK();
  });
}

gfaot_status gfaot_impl_stream_synchronize(const gfaot_library *lib,
                                           gfrtStream stream) {
  return guarded([&]() -> Status {
    StatusOr<std::shared_ptr<Stream>> s =
        streamOf(lib, stream, "stream_synchronize");
    if (!s.ok())
      return s.status();
    return s.value()->synchronize();
  });
}

gfaot_status gfaot_impl_stream_add_callback(const gfaot_library *lib,
                                            gfrtStream stream,
                                            gfaot_callback fn,
                                            void *user_data) {
  return guarded([&]() -> Status {
    StatusOr<std::shared_ptr<Stream>> s =
        streamOf(lib, stream, "stream_add_callback");
    if (!s.ok())
      return s.status();
    if (!fn)
      return invalidArgument(call(lib, "stream_add_callback") +
                             ": the callback is NULL");
    return s.value()->launchCallback("callback", [fn, user_data] {
      fn(user_data);
      return Status::OK();
    });
  });
}

} // extern "C"
