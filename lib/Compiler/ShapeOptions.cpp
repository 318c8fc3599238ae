//===- ShapeOptions.cpp - input_shape, dynamic_dims and friends -----------===//
#include "geflow/Compiler/ShapeOptions.h"

#include <cctype>

namespace geflow {

static std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

static std::vector<std::string> split(const std::string &s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t end = s.find(sep, start);
    out.push_back(trim(s.substr(
        start, end == std::string::npos ? std::string::npos : end - start)));
    if (end == std::string::npos)
      return out;
    start = end + 1;
  }
}

static std::optional<int64_t> parseInt(const std::string &s) {
  if (s.empty() || s.size() > 18)
    return std::nullopt;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size())
    return std::nullopt;
  for (size_t k = i; k < s.size(); ++k)
    if (!std::isdigit(static_cast<unsigned char>(s[k])))
      return std::nullopt;
  return std::stoll(s);
}

// "1,3,-1" -> dims; each >= 0 or -1 when allowed.
static std::optional<std::vector<int64_t>>
parseDims(const std::string &text, bool allowDynamic, std::string *error) {
  std::vector<int64_t> dims;
  if (trim(text).empty())
    return dims;
  for (const std::string &part : split(text, ',')) {
    auto v = parseInt(part);
    if (!v || *v < (allowDynamic ? -1 : 0)) {
      *error = "'" + part + "' is not a valid dim in \"" + text + "\"";
      return std::nullopt;
    }
    dims.push_back(*v);
  }
  return dims;
}

std::optional<std::vector<NamedShape>> parseInputShape(const std::string &text,
                                                       std::string *error) {
  std::vector<NamedShape> out;
  for (const std::string &entry : split(text, ';')) {
    size_t colon = entry.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      *error = "entry \"" + entry + "\" must be name:dims (e.g. x:1,3,224,224)";
      return std::nullopt;
    }
    NamedShape ns;
    ns.name = trim(entry.substr(0, colon));
    auto dims = parseDims(entry.substr(colon + 1), true, error);
    if (!dims)
      return std::nullopt;
    ns.dims = *dims;
    // A 0 would compile an empty input and fail later in the lowering.
    for (size_t d = 0; d < ns.dims.size(); ++d)
      if (ns.dims[d] == 0) {
        *error = "input '" + ns.name + "' has size 0 in dim " +
                 std::to_string(d) + ": sizes are positive (-1: unknown)";
        return std::nullopt;
      }
    for (const NamedShape &prev : out)
      if (prev.name == ns.name) {
        *error = "input '" + ns.name + "' is listed twice";
        return std::nullopt;
      }
    out.push_back(std::move(ns));
  }
  return out;
}

std::optional<std::vector<NamedSequenceShape>>
parseSequenceShape(const std::string &text, std::string *error) {
  std::vector<NamedSequenceShape> out;
  for (const std::string &entry : split(text, ';')) {
    size_t colon = entry.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      *error = "entry \"" + entry +
               "\" must be name:[dims],[dims],... or name:none (e.g. "
               "x:[2,3],[4])";
      return std::nullopt;
    }
    NamedSequenceShape ns;
    ns.name = trim(entry.substr(0, colon));
    std::string spec = trim(entry.substr(colon + 1));
    for (const NamedSequenceShape &prev : out)
      if (prev.name == ns.name) {
        *error = "input '" + ns.name + "' is listed twice";
        return std::nullopt;
      }
    if (spec == "none") {
      ns.none = true;
      out.push_back(std::move(ns));
      continue;
    }
    size_t pos = 0;
    while (pos < spec.size()) {
      if (spec[pos] != '[') {
        *error = "input '" + ns.name + "': expected '[' at column " +
                 std::to_string(pos + 1) + " of \"" + spec +
                 "\" (element shapes are [d0,d1,...], comma-separated)";
        return std::nullopt;
      }
      size_t close = spec.find(']', pos);
      if (close == std::string::npos) {
        *error = "input '" + ns.name + "': '[' at column " +
                 std::to_string(pos + 1) + " of \"" + spec + "\" is not closed";
        return std::nullopt;
      }
      auto dims =
          parseDims(spec.substr(pos + 1, close - pos - 1), false, error);
      if (!dims) {
        *error = "input '" + ns.name + "': " + *error;
        return std::nullopt;
      }
      ns.elements.push_back(*dims);
      pos = close + 1;
      while (pos < spec.size() && spec[pos] == ' ')
        ++pos;
      if (pos < spec.size()) {
        if (spec[pos] != ',' || pos + 1 == spec.size()) {
          *error = "input '" + ns.name +
                   "': expected ',' and another shape "
                   "at column " +
                   std::to_string(pos + 1) + " of \"" + spec + "\"";
          return std::nullopt;
        }
        ++pos;
        while (pos < spec.size() && spec[pos] == ' ')
          ++pos;
      }
    }
    out.push_back(std::move(ns));
  }
  return out;
}

std::optional<std::vector<std::vector<int64_t>>>
parseDynamicDims(const std::string &text, std::string *error) {
  std::vector<std::vector<int64_t>> gears;
  for (const std::string &gear : split(text, ';')) {
    if (gear.empty()) {
      *error = "empty gear in \"" + text + "\"";
      return std::nullopt;
    }
    auto dims = parseDims(gear, false, error);
    if (!dims)
      return std::nullopt;
    for (int64_t d : *dims)
      if (d < 1) {
        *error = "gear \"" + gear + "\" has a dim < 1";
        return std::nullopt;
      }
    gears.push_back(*dims);
  }
  return gears;
}

std::optional<std::vector<std::vector<int64_t>>>
parseDynamicBatch(const std::string &text, std::string *error) {
  auto sizes = parseDims(text, false, error);
  if (!sizes)
    return std::nullopt;
  std::vector<std::vector<int64_t>> gears;
  for (int64_t b : *sizes) {
    if (b < 1) {
      *error = "batch size " + std::to_string(b) + " must be >= 1";
      return std::nullopt;
    }
    gears.push_back({b});
  }
  return gears;
}

std::optional<std::vector<NamedShapeRange>>
parseShapeRange(const std::string &text, std::string *error) {
  std::vector<NamedShapeRange> out;
  for (const std::string &entry : split(text, ';')) {
    size_t colon = entry.find(":[");
    if (colon == std::string::npos || entry.back() != ']') {
      *error = "entry \"" + entry +
               "\" must be name:[dims] (e.g. data:[1~8,3,224,224])";
      return std::nullopt;
    }
    NamedShapeRange r;
    r.name = trim(entry.substr(0, colon));
    std::string body = entry.substr(colon + 2, entry.size() - colon - 3);
    if (!trim(body).empty())
      for (const std::string &dim : split(body, ',')) {
        size_t tilde = dim.find('~');
        std::optional<int64_t> lo, hi;
        if (tilde == std::string::npos) {
          lo = hi = parseInt(dim);
          if (lo && *lo == -1)
            lo = 1; // unbounded
        } else {
          lo = parseInt(trim(dim.substr(0, tilde)));
          hi = parseInt(trim(dim.substr(tilde + 1)));
        }
        if (!lo || !hi || *lo < 0 || (*hi != -1 && *hi < *lo)) {
          *error = "'" + dim + "' is not a dim or min~max range in \"" + entry +
                   "\"";
          return std::nullopt;
        }
        r.dims.push_back({*lo, *hi});
      }
    out.push_back(std::move(r));
  }
  return out;
}

std::string checkInputShapeSyntax(const std::string &text) {
  std::string error;
  return parseInputShape(text, &error) ? "" : error;
}
std::string checkSequenceShapeSyntax(const std::string &text) {
  std::string error;
  return parseSequenceShape(text, &error) ? "" : error;
}
std::string checkDynamicDimsSyntax(const std::string &text) {
  std::string error;
  return parseDynamicDims(text, &error) ? "" : error;
}
std::string checkDynamicBatchSyntax(const std::string &text) {
  std::string error;
  return parseDynamicBatch(text, &error) ? "" : error;
}
std::string checkShapeRangeSyntax(const std::string &text) {
  std::string error;
  return parseShapeRange(text, &error) ? "" : error;
}

} // namespace geflow
