//===- AotGfm.cpp - Generated libraries that interpret their .gfm ---------===//
//
// <name>_create of a library built with --lib-program=interpreter (or one
// whose program cannot be code: shape ranges, host ops, ...): the embedded
// .gfm is loaded in place (no copy: it lies in the library's read-only
// section) and every run goes through the executor, as a .gfm's does.
//
//===----------------------------------------------------------------------===//
#include "AotModel.h"

#include <dlfcn.h>

using namespace geflow::rt;
using namespace geflow::rt::aot;

namespace {

class GfmModel : public AotModel {
public:
  std::unique_ptr<Model> model;

  const std::vector<TensorInfo> &inputs() const override {
    return model->inputs();
  }
  const std::vector<TensorInfo> &outputs() const override {
    return model->outputs();
  }
  const std::vector<GearInfo> &gears() const override { return model->gears(); }
  StatusOr<Model::Selection>
  select(const std::vector<std::vector<int64_t>> &shapes) const override {
    return model->select(shapes);
  }
  Status run(Stream *stream, const std::vector<TensorRef> &in,
             const std::vector<TensorRef> &out) override {
    return stream ? model->execute(*stream, in, out) : model->run(in, out);
  }
};

/// Where the library holding `lib` was loaded from: external weight files
/// resolve beside it.
std::string libraryPath(const gfaot_library *lib) {
  Dl_info info;
  if (dladdr(lib, &info) && info.dli_fname && *info.dli_fname)
    return info.dli_fname;
  return std::string("lib") + lib->name + ".so";
}

} // namespace

extern "C" gfaot_status gfaot_impl_create(const gfaot_library *lib,
                                          const gfaot_options *options,
                                          void **model) {
  return guarded([&]() -> Status {
    if (!model)
      return invalidArgument(call(lib, "create") + ": model is NULL");
    *model = nullptr;
    gfaot_options opts = options ? *options : gfaot_options{0, 0};
    StatusOr<std::shared_ptr<Device>> device = deviceFor(opts);
    if (!device.ok())
      return Status(device.status().code(),
                    call(lib, "create") + ": " + device.status().message());
    StatusOr<std::unique_ptr<GfmFile>> file = GfmFile::fromStaticBytes(
        lib->executable, lib->executable_size, libraryPath(lib));
    if (!file.ok())
      return file.status();
    StatusOr<std::unique_ptr<Model>> loaded =
        Model::fromFile(std::move(file.value()), device.value());
    if (!loaded.ok())
      return loaded.status();
    auto handle = std::make_unique<GfmModel>();
    handle->lib = lib;
    handle->device = std::move(device.value());
    handle->model = std::move(loaded.value());
    publish(std::move(handle), model);
    return Status::OK();
  });
}
