//===- Library.cpp - Executable.export_library for Python -----------------===//
//
// Writes an executable as a generated C library (geflow-compile
// --emit=lib); geflow.load_library (library.py) loads one back.
//
//===----------------------------------------------------------------------===//
#include "Errors.h"
#include "Executable.h"

#include "geflow/Target/ModelLibrary.h"

#include "proto/gfm.pb.h"

#include <fstream>
#include <iterator>

namespace geflow::python {

namespace {

std::vector<uint8_t> executableBytes(const Executable &e) {
  if (!e.bytes.empty())
    return e.bytes;
  std::ifstream in(e.path, std::ios::binary);
  std::vector<uint8_t> bytes(std::istreambuf_iterator<char>(in), {});
  if (!in.good() && !in.eof())
    throw StatusError(
        rt::Status(rt::ErrorCode::kIoError, "cannot read '" + e.path + "'"));
  return bytes;
}

py::list exportLibrary(const Executable &e, const std::string &path,
                       const std::string &runtime, const std::string &program) {
  if (e.model->file().model().external_weights_size() > 0)
    throwInvalid("export_library: the executable keeps weights in external "
                 "files; compile it with geflow-compile --emit=lib");
  ModelLibraryOptions options;
  if (runtime == "shared")
    options.runtime = LibraryRuntime::Shared;
  else if (runtime != "static")
    throwInvalid("export_library: runtime='" + runtime +
                 "' is not one of 'static', 'shared'");
  if (program == "interpreter")
    options.program = LibraryProgram::Interpreter;
  else if (program != "code")
    throwInvalid("export_library: program='" + program +
                 "' is not one of 'code', 'interpreter'");
  bool archive = path.size() > 2 && path.compare(path.size() - 2, 2, ".a") == 0;
  options.shared = !archive;
  options.staticArchive = archive;
  ModelLibraryResult result;
  std::vector<uint8_t> bytes = executableBytes(e);
  rt::Status st;
  {
    py::gil_scoped_release release;
    st = emitModelLibrary(bytes, path, options, &result);
  }
  check(st);
  py::list files;
  for (const std::string &f : result.files)
    files.append(f);
  return files;
}

} // namespace

void bindLibrary(py::module_ &m) {
  py::class_<Executable> cls =
      py::reinterpret_borrow<py::class_<Executable>>(m.attr("Executable"));
  cls.def("export_library", &exportLibrary, py::arg("path"),
          py::arg("runtime") = "static", py::arg("program") = "code", R"doc(
Writes the executable as a C library: `path` lib<name>.so (or lib<name>.a
when it ends in .a) and <name>.h beside it, compiled with the machine's C
compiler ($CC, else cc/gcc/clang). runtime='static' links geflow's runtime
into the library, 'shared' makes it need libgeflow_runtime.so.
program='code' emits the task programs as C code (falling back to
'interpreter', the embedded .gfm run by the executor, for shape-ranged
programs, host ops and gear_padding). Returns the paths written. See docs/aot.md; geflow.load_library loads it back.
)doc");
}

} // namespace geflow::python
