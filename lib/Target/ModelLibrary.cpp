//===- ModelLibrary.cpp - Writing a .gfm as a C library -------------------===//
//
// The library is one generated C file: the .gfm bytes pulled into a
// read-only section by the assembler (.incbin: no giant array for the C
// compiler to parse), the task programs as code (ProgramCode.cpp) unless
// they are interpreted, and one small <name>_* wrapper per API function
// passing the library's descriptor to the runtime (gfaot_impl.h). The
// shared library links the runtime archive (whole when the .gfm is
// interpreted; only what the code calls otherwise), every archive symbol
// made local (--exclude-libs) and a version script exporting exactly the
// documented <name>_* functions, so two libraries load side by side.
//
//===----------------------------------------------------------------------===//
#include "geflow/Target/ModelLibrary.h"

#include "ProgramCode.h"

#include "geflow/runtime/Gfm.h"
#include "geflow/runtime/Model.h"
#include "geflow/runtime/Types.h"

#include "proto/gfm.pb.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <cctype>
#include <cstdlib>
#include <cstring>

using namespace llvm;

namespace geflow {

using rt::ErrorCode;
using rt::Status;

// Where this build's runtime is (set by lib/Target/CMakeLists.txt).
static const std::string kIncludeDir = GEFLOW_AOT_INCLUDE_DIR;
static const std::string kStaticRuntime = GEFLOW_AOT_STATIC_RUNTIME;
static const std::string kSharedRuntime = GEFLOW_AOT_SHARED_RUNTIME;

// The public functions of a library, '@' standing for its name: the
// header declares them, the C file defines them, the version script
// exports exactly them.
struct ApiFunction {
  const char *doc;
  const char *declaration;
  const char *body;
};

static const ApiFunction kApi[] = {
    {"The calling thread's message of its last failed call (\"\" after a "
     "success).",
     "const char *@_last_error(void)", "return gfaot_impl_last_error();"},
    {"Loads the model on a virtual NPU (options NULL: device 0, one AI core "
     "per host core).",
     "gfaot_status @_create(const gfaot_options *options, @_model *model)",
     "return gfaot_impl_create(&library, options, (void **)model);"},
    {"Waits for the model's runs in flight, then frees it (NULL: no-op).",
     "void @_destroy(@_model model)", "gfaot_impl_destroy(&library, model);"},
    {"Inputs, outputs and gears of the model (0 for a bad handle).",
     "uint32_t @_num_inputs(@_model model)",
     "return gfaot_impl_count(&library, model, GFAOT_IMPL_INPUTS);"},
    {nullptr, "uint32_t @_num_outputs(@_model model)",
     "return gfaot_impl_count(&library, model, GFAOT_IMPL_OUTPUTS);"},
    {nullptr, "uint32_t @_num_gears(@_model model)",
     "return gfaot_impl_count(&library, model, GFAOT_IMPL_GEARS);"},
    {"Signature entry `index`: name, dtype, format, shape (-1: geared or "
     "ranged dim).",
     "gfaot_status @_input_info(@_model model, uint32_t index, "
     "gfaot_tensor_info *info)",
     "return gfaot_impl_info(&library, model, GFAOT_IMPL_INPUTS, -1, index, "
     "info);"},
    {nullptr,
     "gfaot_status @_output_info(@_model model, uint32_t index, "
     "gfaot_tensor_info *info)",
     "return gfaot_impl_info(&library, model, GFAOT_IMPL_OUTPUTS, -1, index, "
     "info);"},
    {"The same for one gear: its static shapes (a ranged gear: upper bounds).",
     "gfaot_status @_gear_input_info(@_model model, uint32_t gear, uint32_t "
     "index, gfaot_tensor_info *info)",
     "return gfaot_impl_info(&library, model, GFAOT_IMPL_INPUTS, "
     "(int32_t)gear, index, info);"},
    {nullptr,
     "gfaot_status @_gear_output_info(@_model model, uint32_t gear, uint32_t "
     "index, gfaot_tensor_info *info)",
     "return gfaot_impl_info(&library, model, GFAOT_IMPL_OUTPUTS, "
     "(int32_t)gear, index, info);"},
    {"The gear a run with these inputs' shapes selects (data may be NULL), "
     "and\n * the outputs it produces (`outputs`: NULL or @_num_outputs "
     "entries).",
     "gfaot_status @_select_gear(@_model model, const gfaot_tensor *inputs, "
     "uint32_t num_inputs, uint32_t *gear, gfaot_tensor_info *outputs)",
     "return gfaot_impl_select_gear(&library, model, inputs, num_inputs, gear, "
     "outputs);"},
    {"Runs the model on caller-owned buffers and waits for it. The gear is "
     "chosen\n * from the inputs' shapes; dtypes, shapes and buffer sizes are "
     "checked first.",
     "gfaot_status @_run(@_model model, const gfaot_tensor *inputs, uint32_t "
     "num_inputs, const gfaot_tensor *outputs, uint32_t num_outputs)",
     "return gfaot_impl_run(&library, model, 0, inputs, num_inputs, outputs, "
     "num_outputs);"},
    {"Enqueues a run on `stream` and returns; the buffers must stay valid "
     "until\n * @_stream_synchronize returns, which also reports a failed "
     "run.",
     "gfaot_status @_run_async(@_model model, gfrtStream stream, const "
     "gfaot_tensor *inputs, uint32_t num_inputs, const gfaot_tensor *outputs, "
     "uint32_t num_outputs)",
     "return gfaot_impl_run(&library, model, stream, inputs, num_inputs, "
     "outputs, num_outputs);"},
    {"Streams of the runtime's C API on the model's device.",
     "gfaot_status @_stream_create(@_model model, gfrtStream *stream)",
     "return gfaot_impl_stream_create(&library, model, stream);"},
    {nullptr, "gfaot_status @_stream_synchronize(gfrtStream stream)",
     "return gfaot_impl_stream_synchronize(&library, stream);"},
    {nullptr, "gfaot_status @_stream_destroy(gfrtStream stream)",
     "return gfaot_impl_stream_destroy(&library, stream);"},
    {"Calls fn(user_data) on a runtime thread once the work enqueued before "
     "it is done.",
     "gfaot_status @_stream_add_callback(gfrtStream stream, gfaot_callback "
     "fn, void *user_data)",
     "return gfaot_impl_stream_add_callback(&library, stream, fn, "
     "user_data);"},
    {"The embedded .gfm executable (what geflow.load_library loads).",
     "const void *@_executable(size_t *size)",
     "if (size)\n    *size = (size_t)library.executable_size;\n  return "
     "library.executable;"},
};

std::string libraryName(const std::string &output) {
  std::string stem = sys::path::stem(output).str();
  if (StringRef(stem).starts_with("lib") && stem.size() > 3)
    stem = stem.substr(3);
  std::string name;
  for (char c : stem)
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])))
    name = "m_" + name;
  return name;
}

static std::string substitute(StringRef text, StringRef name) {
  std::string out;
  for (char c : text)
    out += c == '@' ? name.str() : std::string(1, c);
  return out;
}

static std::string shapeText(const gfm::TensorSig &s) {
  std::vector<int64_t> shape(s.shape().begin(), s.shape().end());
  return rt::shapeToString(shape);
}

static std::string sigLine(const gfm::TensorSig &s) {
  return std::string(s.name()) + ": " +
         std::string(rt::dtypeName(static_cast<rt::DType>(s.dtype()))) + " " +
         shapeText(s);
}

/// The signature as a comment: what a caller needs without running.
static std::string signatureComment(const gfm::Model &m) {
  std::string text = " * inputs:\n";
  for (const gfm::TensorSig &s : m.inputs())
    text += " *   " + sigLine(s) + "\n";
  text += " * outputs:\n";
  for (const gfm::TensorSig &s : m.outputs())
    text += " *   " + sigLine(s) + "\n";
  text += " * gears: " + std::to_string(m.gears_size()) + "\n";
  for (int g = 0; g < m.gears_size(); ++g) {
    text += " *   gear " + std::to_string(g) + ":";
    for (const gfm::TensorSig &s : m.gears(g).inputs())
      text += " " + s.name() + shapeText(s);
    text += "\n";
  }
  return text;
}

/// The link line of an application, as the header and docs/aot.md give it.
static std::string buildLine(StringRef name, const ModelLibraryOptions &o,
                             LibraryProgram program) {
  if (!o.shared)
    return ("cc app.c -I. -L. -l" + name + " -lstdc++" +
            (program == LibraryProgram::Interpreter ? " -lprotobuf-lite" : "") +
            " -lm -pthread")
        .str();
  return ("cc app.c -I. -L. -l" + name + " -Wl,-rpath,'$ORIGIN'").str();
}

static std::string headerText(StringRef name, const gfm::Model &m,
                              StringRef typesText, StringRef build) {
  std::string guard = "GEFLOW_MODEL_LIBRARY_" + StringRef(name).upper() + "_H";
  std::string text;
  raw_string_ostream os(text);
  os << "/* " << name << ".h - the model library lib" << name
     << " (generated by geflow-compile --emit=lib from model '" << m.name()
     << "').\n *\n"
     << signatureComment(m)
     << " *\n * Every call returns GFAOT_OK or a GFAOT_ERROR_* code, and "
        "then "
     << name
     << "_last_error()\n * names what failed. A model handle may run on "
        "several threads at once.\n * Build: "
     << build << "\n * See docs/aot.md.\n */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << typesText << "\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "typedef struct " << name << "_model_s *" << name << "_model;\n\n";
  for (const ApiFunction &f : kApi) {
    if (f.doc)
      os << "\n/* " << substitute(f.doc, name) << " */\n";
    os << substitute(f.declaration, name) << ";\n";
  }
  os << "\n#ifdef __cplusplus\n} /* extern \"C\" */\n#endif\n\n#endif /* "
     << guard << " */\n";
  return text;
}

/// An assembler string literal holding `path`.
static std::string asmQuoted(StringRef path) {
  std::string out;
  for (char c : path) {
    if (c == '"' || c == '\\')
      out += "\\\\\\";
    out += c;
  }
  return out;
}

/// The C file of the library; `file` is the .gfm at `gfmPath`, its
/// programs emitted as code unless `program` is Interpreter.
static std::string sourceText(StringRef name, StringRef gfmPath, uint64_t size,
                              const rt::GfmFile &file, uint64_t weightsOffset,
                              LibraryProgram program) {
  std::string text;
  raw_string_ostream os(text);
  std::string blob = "geflow_" + name.str() + "_executable";
  bool code = program == LibraryProgram::Code;
  os << "/* lib" << name << ": generated by geflow-compile --emit=lib"
     << (code ? " (task programs as code)" : " (the .gfm interpreted)")
     << ". */\n#include \"" << name << ".h\"\n"
     << (code ? "#include \"geflow/runtime/gfaot_program.h\"\n#include "
                "<string.h>\n"
              : "#include \"geflow/runtime/gfaot_impl.h\"\n")
     << "\n"
     << "/* The .gfm, 4096-byte aligned (its weights start at a 4096 multiple "
        "of it)\n * in a read-only section. */\n"
     << "__asm__(\".section .rodata." << blob
     << ",\\\"a\\\",@progbits\\n\"\n        \".balign 4096\\n\"\n        \""
     << blob << ":\\n\"\n        \".incbin \\\"" << asmQuoted(gfmPath)
     << "\\\"\\n\"\n"
     << "        \".previous\\n\");\n"
     << "extern const unsigned char " << blob << "[]\n"
     << "    __attribute__((visibility(\"hidden\")));\n\n"
     << "static const gfaot_library library = {\"" << name << "\", " << blob
     << ", " << size << "ull};\n";
  if (code)
    os << "\n"
       << programCode(file.model(),
                      blob + " + " + std::to_string(weightsOffset),
                      file.weightsSize());
  for (const ApiFunction &f : kApi) {
    StringRef body = f.body;
    // A code library's handle is made from its program.
    if (code && StringRef(f.declaration).contains("@_create("))
      body = "(void)gfaot_program_abi_1; /* links only with its runtime */\n"
             "  return gfaot_program_create(&program, options, (void "
             "**)model);";
    os << "\n"
       << substitute(f.declaration, name) << " {\n  " << substitute(body, name)
       << "\n}\n";
  }
  return text;
}

static std::string versionScript(StringRef name) {
  std::string text = "{\n  global:\n";
  for (const ApiFunction &f : kApi) {
    StringRef decl(f.declaration);
    size_t at = decl.find('@');
    size_t paren = decl.find('(');
    text += "    " + substitute(decl.slice(at, paren), name) + ";\n";
  }
  return text + "  local: *;\n};\n";
}

static std::string shellQuote(StringRef arg) {
  if (!arg.empty() &&
      arg.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                            "0123456789_-+=/.,:@%") == StringRef::npos)
    return arg.str();
  std::string out = "'";
  for (char c : arg)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// The first of $`env`, then `names` on PATH, as CMake looks for a compiler.
static std::optional<std::string> findTool(const char *env,
                                           ArrayRef<StringRef> names) {
  if (const char *value = std::getenv(env); value && *value) {
    // $CC may be a name or a path; a command with flags is not supported.
    if (StringRef(value).contains('/'))
      return sys::fs::can_execute(value) ? std::optional<std::string>(value)
                                         : std::nullopt;
    if (ErrorOr<std::string> found = sys::findProgramByName(value))
      return *found;
    return std::nullopt;
  }
  for (StringRef n : names)
    if (ErrorOr<std::string> found = sys::findProgramByName(n))
      return *found;
  return std::nullopt;
}

static Status toolMissing(const char *what, const char *env,
                          StringRef searched) {
  if (const char *value = std::getenv(env); value && *value)
    return Status(ErrorCode::kNotFound,
                  std::string("$") + env + "='" + value + "' (the " + what +
                      ") is not an executable file or a program on PATH");
  return Status(ErrorCode::kNotFound, std::string("no ") + what +
                                          " found (searched PATH for " +
                                          searched.str() + "; set $" + env +
                                          " or install gcc or clang)");
}

namespace {
/// Runs commands, records them, and turns a failure into an error that
/// includes the tool's own message.
class Runner {
public:
  Runner(StringRef dir, ModelLibraryResult *result)
      : dir_(dir), result_(result) {}

  Status run(const std::vector<std::string> &argv) {
    std::string line;
    for (const std::string &a : argv)
      line += (line.empty() ? "" : " ") + shellQuote(a);
    result_->commands.push_back(line);
    SmallString<256> log(dir_);
    sys::path::append(log, "tool.log");
    std::vector<StringRef> args(argv.begin(), argv.end());
    std::optional<StringRef> redirects[] = {StringRef(""), log.str(),
                                            log.str()};
    std::string message;
    int rc =
        sys::ExecuteAndWait(argv[0], args, std::nullopt, redirects,
                            /*SecondsToWait=*/0, /*MemoryLimit=*/0, &message);
    if (rc == 0)
      return Status::OK();
    std::string output;
    if (auto buffer = MemoryBuffer::getFile(log))
      output = (*buffer)->getBuffer().take_front(4000).str();
    return Status(ErrorCode::kInternal,
                  "'" + line + "' failed" +
                      (message.empty() ? "" : " (" + message + ")") +
                      (output.empty() ? "" : ":\n" + output));
  }

private:
  std::string dir_;
  ModelLibraryResult *result_;
};
} // namespace

static Status writeText(StringRef path, StringRef text) {
  return rt::writeFileAtomically(path.str(), text.data(), text.size());
}

static Status
emitInto(StringRef tmp, const std::vector<uint8_t> &gfm, StringRef name,
         const rt::GfmFile &file, const ModelLibraryOptions &options,
         ModelLibraryResult *result,
         std::vector<std::pair<std::string, std::string>> *moves) {
  auto inTmp = [&](StringRef file) {
    SmallString<256> p(tmp);
    sys::path::append(p, file);
    return p.str().str();
  };
  std::string typesPath = kIncludeDir + "/geflow/runtime/gfaot.h";
  auto types = MemoryBuffer::getFile(typesPath);
  if (!types)
    return Status(ErrorCode::kIoError, "cannot read the library API types " +
                                           typesPath + ": " +
                                           types.getError().message());
  std::string header = inTmp(name.str() + ".h");
  std::string gfmPath = inTmp(name.str() + ".gfm");
  std::string source = inTmp(name.str() + "_lib.c");
  std::string object = inTmp(name.str() + "_lib.o");
  std::string script = inTmp(name.str() + ".map");
  const LibraryProgram program = result->program;
  GEFLOW_RETURN_IF_ERROR(
      writeText(header, headerText(name, file.model(), (*types)->getBuffer(),
                                   buildLine(name, options, program))));
  GEFLOW_RETURN_IF_ERROR(
      rt::writeFileAtomically(gfmPath, gfm.data(), gfm.size()));
  // The header's offset: `file` may hold a copy of the bytes.
  rt::GfmHeader head;
  std::memcpy(&head, gfm.data(), sizeof head);
  uint64_t weightsOffset = head.weightsOffset;
  GEFLOW_RETURN_IF_ERROR(
      writeText(source, sourceText(name, gfmPath, gfm.size(), file,
                                   weightsOffset, program)));
  GEFLOW_RETURN_IF_ERROR(writeText(script, versionScript(name)));
  moves->push_back({header, name.str() + ".h"});

  std::optional<std::string> cc = findTool("CC", {"cc", "gcc", "clang"});
  if (!cc)
    return toolMissing("C compiler", "CC", "cc, gcc, clang");
  Runner runner(tmp, result);
  GEFLOW_RETURN_IF_ERROR(runner.run({*cc, "-c", "-O2", "-fPIC", "-I", tmp.str(),
                                     "-I", kIncludeDir, source, "-o", object}));
  if (options.shared) {
    std::optional<std::string> cxx = findTool("CXX", {"c++", "g++", "clang++"});
    if (!cxx)
      return toolMissing("C++ compiler (the linker driver)", "CXX",
                         "c++, g++, clang++");
    std::string so = inTmp("lib" + name.str() + ".so");
    std::vector<std::string> link = {*cxx,
                                     "-shared",
                                     "-o",
                                     so,
                                     object,
                                     "-Wl,-soname,lib" + name.str() + ".so",
                                     "-Wl,--version-script=" + script,
                                     "-Wl,-z,noexecstack",
                                     "-Wl,--as-needed"};
    if (options.runtime == LibraryRuntime::Static &&
        program == LibraryProgram::Code) {
      // Only the runtime objects the code reaches: no .gfm reader, so no
      // protobuf (Debian's static protobuf-lite is not PIC).
      link.insert(link.end(), {kStaticRuntime, "-Wl,--exclude-libs,ALL"});
    } else if (options.runtime == LibraryRuntime::Static) {
      link.insert(link.end(), {"-Wl,--whole-archive", kStaticRuntime,
                               "-Wl,--no-whole-archive",
                               "-Wl,--exclude-libs,ALL", "-lprotobuf-lite"});
    } else {
      std::string dir = sys::path::parent_path(kSharedRuntime).str();
      link.insert(link.end(), {kSharedRuntime, "-Wl,-rpath," + dir});
    }
    link.push_back("-pthread");
    GEFLOW_RETURN_IF_ERROR(runner.run(link));
    moves->push_back({so, "lib" + name.str() + ".so"});
  }
  if (options.staticArchive) {
    std::optional<std::string> ar = findTool("AR", {"ar", "llvm-ar"});
    if (!ar)
      return toolMissing("archiver", "AR", "ar, llvm-ar");
    std::string archive = inTmp("lib" + name.str() + ".a");
    if (std::error_code ec = sys::fs::copy_file(kStaticRuntime, archive))
      return Status(ErrorCode::kIoError,
                    "cannot copy " + kStaticRuntime + ": " + ec.message());
    GEFLOW_RETURN_IF_ERROR(runner.run({*ar, "rs", archive, object}));
    moves->push_back({archive, "lib" + name.str() + ".a"});
  }
  return Status::OK();
}

Status emitModelLibrary(const std::vector<uint8_t> &gfm,
                        const std::string &output,
                        const ModelLibraryOptions &options,
                        ModelLibraryResult *result) {
  rt::StatusOr<std::unique_ptr<rt::GfmFile>> file =
      rt::GfmFile::fromBytes(gfm.data(), gfm.size(), output);
  if (!file.ok())
    return file.status();
  std::string name = libraryName(output);
  result->name = name;
  result->program = options.program;
  if (options.program == LibraryProgram::Code) {
    result->note = programCodeObstacle((*file)->model());
    if (!result->note.empty())
      result->program = LibraryProgram::Interpreter;
  }
  SmallString<256> dir(sys::path::parent_path(output));
  if (dir.empty())
    dir = ".";
  // As ATC does for --output: a missing directory is made.
  if (std::error_code ec = sys::fs::create_directories(dir))
    return Status(ErrorCode::kIoError, "cannot create the output directory '" +
                                           dir.str().str() +
                                           "': " + ec.message());
  // Build in a fresh directory beside the outputs, then rename into place:
  // a failed build leaves nothing behind and never a half-written library.
  SmallString<256> tmp;
  // Absolute: a relative model would be taken as relative to $TMPDIR.
  SmallString<256> model(dir);
  sys::path::append(model, "." + name + ".lib");
  if (std::error_code ec = sys::fs::make_absolute(model))
    return Status(ErrorCode::kIoError,
                  "cannot resolve '" + dir.str().str() + "': " + ec.message());
  if (std::error_code ec = sys::fs::createUniqueDirectory(model, tmp))
    return Status(ErrorCode::kIoError, "cannot create a build directory in '" +
                                           dir.str().str() +
                                           "': " + ec.message());
  std::vector<std::pair<std::string, std::string>> moves;
  Status status = emitInto(tmp, gfm, name, **file, options, result, &moves);
  for (size_t i = 0; status.ok() && i < moves.size(); ++i) {
    SmallString<256> to(dir);
    sys::path::append(to, moves[i].second);
    if (std::error_code ec = sys::fs::rename(moves[i].first, to))
      status = Status(ErrorCode::kIoError,
                      "cannot write '" + to.str().str() + "': " + ec.message());
    else
      result->files.push_back(to.str().str());
  }
  sys::fs::remove_directories(tmp);
  return status;
}

} // namespace geflow
