//===- OptionsFuzzer.cpp - Fuzz target: the GE options registry -----------===//
//
// The input is an options bag, one "name=value" per line. It goes through
// what every entry point does (OptionsRegistry::parse, then
// parseCompileConfig), and each value also through every option-value
// parser directly (input_shape, dynamic_dims, dynamic_batch_size,
// input_shape_range, stream_max_parallel_num). Errors must carry a message;
// what parses must print back (formatInputShape, formatGearValues) to text
// that parses to the same value. The value of a path option (fusion switch
// file, mixlists, ...) is written to a scratch file whose path is passed
// instead, so the file's content is fuzzed too.
//
//===----------------------------------------------------------------------===//
#include "geflow/Compiler/CompileConfig.h"
#include "geflow/Compiler/Options.h"
#include "geflow/Compiler/ShapeOptions.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

using namespace geflow;

[[noreturn]] static void fail(const std::string &what,
                              const std::string &text) {
  std::fprintf(stderr, "%s: '%s'\n", what.c_str(), text.c_str());
  std::abort();
}

static std::string scratchFile(const std::string &option) {
  static const std::string dir = [] {
    char templ[] = "/tmp/geflow-fuzz-options-XXXXXX";
    if (!::mkdtemp(templ))
      std::abort();
    return std::string(templ);
  }();
  return dir + "/" + option;
}

static bool sameShapes(const std::vector<NamedShape> &a,
                       const std::vector<NamedShape> &b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || a[i].dims != b[i].dims)
      return false;
  return true;
}

static void checkValueParsers(const std::string &text) {
  std::string error;
  if (auto shapes = parseInputShape(text, &error)) {
    std::string printed = formatInputShape(*shapes);
    std::string again;
    auto reparsed = parseInputShape(printed, &again);
    if (!reparsed || !sameShapes(*shapes, *reparsed))
      fail("input_shape does not round-trip via '" + printed + "'", text);
  } else if (error.empty()) {
    fail("input_shape failed without a message", text);
  }
  for (const char *kind : {"dynamic_dims", "dynamic_batch_size"}) {
    error.clear();
    auto gears = parseGearConfig(kind, text, std::nullopt, false, error);
    if (!gears) {
      if (error.empty())
        fail(std::string(kind) + " failed without a message", text);
      continue;
    }
    std::string printed = formatGearValues(*gears);
    std::string again;
    auto reparsed = parseGearConfig(kind, printed, std::nullopt, false, again);
    if (!reparsed || reparsed->values != gears->values)
      fail(std::string(kind) + " does not round-trip via '" + printed + "'",
           text);
  }
  error.clear();
  if (!parseShapeRange(text, &error) && error.empty())
    fail("input_shape_range failed without a message", text);
  (void)parseStreamParallel(text);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  std::map<std::string, std::string> raw;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    std::string line = text.substr(start, end - start);
    size_t eq = line.find('=');
    std::string name = line.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : line.substr(eq + 1);
    checkValueParsers(value);
    const OptionSpec *spec = OptionsRegistry::get().find(name);
    if (spec && spec->kind == OptionSpec::Kind::Path && !value.empty()) {
      std::string path = scratchFile(spec->name);
      std::ofstream(path, std::ios::binary) << value;
      value = path;
    }
    raw[name] = value;
    start = end + 1;
  }
  std::string error;
  std::optional<Options> options = OptionsRegistry::get().parse(raw, &error);
  if (!options) {
    if (error.empty())
      fail("the registry refused the options without a message", text);
    return 0;
  }
  error.clear();
  if (!parseCompileConfig(*options, error) && error.empty())
    fail("parseCompileConfig failed without a message", text);
  return 0;
}
