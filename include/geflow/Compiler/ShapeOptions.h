//===- ShapeOptions.h - input_shape, dynamic_dims and friends ---*- C++ -*-===//
//
// Parsers for GE's shape options, shared by the options registry (syntax
// checks) and the compiler (which checks them against the graph's inputs).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_COMPILER_SHAPEOPTIONS_H
#define GEFLOW_COMPILER_SHAPEOPTIONS_H

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace geflow {

/// "x:1,3,224,224;mask:1,-1" -> [(x, [1,3,224,224]), (mask, [1,-1])]. The
/// name is everything before the last ':' (TF names such as "in:0" work).
/// An empty dim list ("scalar:") is a rank-0 input.
struct NamedShape {
  std::string name;
  std::vector<int64_t> dims;
};
std::optional<std::vector<NamedShape>> parseInputShape(const std::string &text,
                                                       std::string *error);

/// "20,20,1,1;40,40,2,2" -> one vector per gear.
std::optional<std::vector<std::vector<int64_t>>>
parseDynamicDims(const std::string &text, std::string *error);

/// "1,2,4,8" -> one single-value gear per batch size.
std::optional<std::vector<std::vector<int64_t>>>
parseDynamicBatch(const std::string &text, std::string *error);

/// "data:[1~8,3,224,224];mask:[1,-1]" -> per input, per dim [min, max]
/// (-1 max: unbounded).
struct NamedShapeRange {
  std::string name;
  std::vector<std::pair<int64_t, int64_t>> dims;
};
std::optional<std::vector<NamedShapeRange>>
parseShapeRange(const std::string &text, std::string *error);

/// input_sequence_shape (geflow extension): the static contents of ONNX
/// sequence and optional graph inputs, "x:[2,3],[4];e:;o:none". A sequence
/// lists one bracketed shape per element (nothing: empty); an optional is
/// `none` or its value's spec (one shape for a tensor, the list for a
/// sequence). Shapes are static: every dim >= 0.
struct NamedSequenceShape {
  std::string name;
  bool none = false;
  std::vector<std::vector<int64_t>> elements;
};
std::optional<std::vector<NamedSequenceShape>>
parseSequenceShape(const std::string &text, std::string *error);

// Syntax checks for the options registry: "" or the error.
std::string checkInputShapeSyntax(const std::string &text);
std::string checkDynamicDimsSyntax(const std::string &text);
std::string checkDynamicBatchSyntax(const std::string &text);
std::string checkShapeRangeSyntax(const std::string &text);
std::string checkSequenceShapeSyntax(const std::string &text);

} // namespace geflow

#endif
