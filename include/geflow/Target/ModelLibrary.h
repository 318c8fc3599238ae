//===- ModelLibrary.h - A .gfm as a C library (--emit=lib) ------*- C++ -*-===//
//
// Ahead-of-time library generation: lib<name>.so (or lib<name>.a) holding
// the executable (task programs, tiling data and weights of every gear, in
// a 4096-byte aligned read-only section) and <name>.h declaring its C API
// (<name>_create, <name>_run, ...; see docs/aot.md). The library depends on
// nothing of LLVM/MLIR or the compiler: it links geflow's runtime
// statically (default; its symbols hidden) or the shared libgeflow_runtime.
// The machine's C compiler and C++ linker driver are found as CMake finds
// them ($CC / $CXX, else cc, gcc, clang / c++, g++, clang++ on PATH).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TARGET_MODELLIBRARY_H
#define GEFLOW_TARGET_MODELLIBRARY_H

#include "geflow/runtime/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace geflow {

enum class LibraryRuntime { Static, Shared };

/// How the library runs its task programs: as emitted code (straight-line
/// kernel calls, no .gfm parsed at run time) or by interpreting the
/// embedded .gfm with the executor.
enum class LibraryProgram { Code, Interpreter };

struct ModelLibraryOptions {
  /// How the runtime is linked into lib<name>.so.
  LibraryRuntime runtime = LibraryRuntime::Static;
  /// Write lib<name>.so (shared) and/or lib<name>.a (static, the runtime
  /// objects included).
  bool shared = true;
  bool staticArchive = false;
  /// Code falls back to Interpreter (saying why in the result's `note`)
  /// for programs code cannot express: shape ranges, host ops,
  /// gear_padding, external weights.
  LibraryProgram program = LibraryProgram::Code;
};

struct ModelLibraryResult {
  std::string name;                              // the C prefix
  std::vector<std::string> files;                // what was written
  std::vector<std::string> commands;             // what was run, shell-quoted
  LibraryProgram program = LibraryProgram::Code; // what was built
  std::string note; // why the program is interpreted after asking for code
};

/// "out/my-model" -> "my_model": a C identifier from the output's stem.
std::string libraryName(const std::string &output);

/// Writes lib<name>.so / lib<name>.a and <name>.h beside `output` (a path
/// whose stem names the library, with or without an extension) for the .gfm
/// bytes `gfm`, creating the directory when missing (as ATC does). Nothing
/// is left behind on failure. Errors name the step and
/// include the compiler's message.
rt::Status emitModelLibrary(const std::vector<uint8_t> &gfm,
                            const std::string &output,
                            const ModelLibraryOptions &options,
                            ModelLibraryResult *result);

} // namespace geflow

#endif // GEFLOW_TARGET_MODELLIBRARY_H
