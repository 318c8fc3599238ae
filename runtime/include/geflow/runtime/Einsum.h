//===- Einsum.h - Einsum equations: parsing and shapes ----------*- C++ -*-===//
//
// ONNX Einsum's equation ("ij,jk->ik", "...ii->...i", "ij,ij"): the ge
// dialect's verifier (result shape) and the host kernel (the loops) read it
// the same way, so the parser lives here, header-only. Labels are letters;
// `...` stands for the dims a term does not name, right-aligned and
// broadcast across inputs as NumPy does. Without `->` the output is the
// ellipsis dims, then the labels seen exactly once, in ASCII order.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_EINSUM_H
#define GEFLOW_RUNTIME_EINSUM_H

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

namespace geflow::rt {

/// An equation resolved for inputs of known ranks. Label ids: 0..51 are the
/// letters (A-Z, a-z), 52 + k the k-th of the `ellipsisRank` broadcast dims.
struct EinsumSpec {
  std::vector<std::vector<int>> inputLabels; ///< one id per input dim
  std::vector<int> outputLabels;             ///< one id per output dim
  int ellipsisRank = 0;
  int numLabels() const { return 52 + ellipsisRank; }
};

namespace einsum_detail {
inline int letterId(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return 26 + (c - 'a');
  return -1;
}

/// Splits one term into letter ids with -2 for `...`; error when malformed.
inline std::string parseTerm(const std::string &term, std::vector<int> &ids) {
  for (size_t i = 0; i < term.size();) {
    if (term[i] == '.') {
      if (term.compare(i, 3, "...") != 0)
        return "a '.' that is not part of '...' in term '" + term + "'";
      for (int id : ids)
        if (id == -2)
          return "term '" + term + "' has more than one '...'";
      ids.push_back(-2);
      i += 3;
      continue;
    }
    int id = letterId(term[i]);
    if (id < 0)
      return "character '" + std::string(1, term[i]) + "' in term '" + term +
             "' is neither a letter nor '...'";
    ids.push_back(id);
    ++i;
  }
  return "";
}
} // namespace einsum_detail

/// Resolves `equation` for inputs of ranks `ranks`; returns an error message
/// ("" on success).
inline std::string parseEinsum(const std::string &equation,
                               const std::vector<int64_t> &ranks,
                               EinsumSpec &spec) {
  using namespace einsum_detail;
  std::string eq;
  for (char c : equation)
    if (!std::isspace(static_cast<unsigned char>(c)))
      eq += c;
  if (eq.empty())
    return "the equation is empty";
  size_t arrow = eq.find("->");
  bool explicitOutput = arrow != std::string::npos;
  std::string lhs = explicitOutput ? eq.substr(0, arrow) : eq;
  std::string rhs = explicitOutput ? eq.substr(arrow + 2) : "";
  if (explicitOutput && rhs.find("->") != std::string::npos)
    return "the equation has more than one '->'";
  std::vector<std::string> terms(1);
  for (char c : lhs) {
    if (c == ',')
      terms.emplace_back();
    else
      terms.back() += c;
  }
  if (terms.size() != ranks.size())
    return "the equation has " + std::to_string(terms.size()) +
           " input terms for " + std::to_string(ranks.size()) + " inputs";
  spec = EinsumSpec();
  std::vector<std::vector<int>> raw(terms.size());
  std::vector<int> ellipsisDims(terms.size(), 0);
  for (size_t t = 0; t < terms.size(); ++t) {
    std::string err = parseTerm(terms[t], raw[t]);
    if (!err.empty())
      return err;
    bool hasEllipsis = false;
    int64_t letters = 0;
    for (int id : raw[t]) {
      if (id == -2)
        hasEllipsis = true;
      else
        ++letters;
    }
    if (hasEllipsis ? letters > ranks[t] : letters != ranks[t])
      return "term '" + terms[t] + "' names " + std::to_string(letters) +
             " dims but input " + std::to_string(t) + " has rank " +
             std::to_string(ranks[t]);
    if (hasEllipsis) {
      ellipsisDims[t] = static_cast<int>(ranks[t] - letters);
      spec.ellipsisRank = std::max(spec.ellipsisRank, ellipsisDims[t]);
    }
  }
  std::vector<int> count(52, 0);
  spec.inputLabels.resize(terms.size());
  for (size_t t = 0; t < terms.size(); ++t)
    for (int id : raw[t]) {
      if (id != -2) {
        ++count[id];
        spec.inputLabels[t].push_back(id);
        continue;
      }
      for (int k = 0; k < ellipsisDims[t]; ++k)
        spec.inputLabels[t].push_back(52 + spec.ellipsisRank - ellipsisDims[t] +
                                      k);
    }
  if (!explicitOutput) {
    for (int k = 0; k < spec.ellipsisRank; ++k)
      spec.outputLabels.push_back(52 + k);
    for (int id = 0; id < 52; ++id)
      if (count[id] == 1)
        spec.outputLabels.push_back(id);
    return "";
  }
  std::vector<int> out;
  std::string err = parseTerm(rhs, out);
  if (!err.empty())
    return "output: " + err;
  std::vector<bool> seen(52, false);
  for (int id : out) {
    if (id == -2) {
      for (int k = 0; k < spec.ellipsisRank; ++k)
        spec.outputLabels.push_back(52 + k);
      continue;
    }
    char c = static_cast<char>(id < 26 ? 'A' + id : 'a' + (id - 26));
    if (count[id] == 0)
      return "output label '" + std::string(1, c) +
             "' appears in no input term";
    if (seen[id])
      return "output label '" + std::string(1, c) + "' appears twice";
    seen[id] = true;
    spec.outputLabels.push_back(id);
  }
  return "";
}

/// The size of every label (-1 when unknown: a dynamic dim) for inputs of
/// `shapes` (-1 = dynamic), and the output shape; returns an error message
/// when dims of one label disagree ("" on success). Ellipsis dims of size 1
/// broadcast; letter labels must match exactly.
inline std::string einsumShapes(const EinsumSpec &spec,
                                const std::vector<std::vector<int64_t>> &shapes,
                                std::vector<int64_t> &labelSizes,
                                std::vector<int64_t> &outputShape) {
  labelSizes.assign(spec.numLabels(), -2); // -2: not seen yet
  for (size_t t = 0; t < shapes.size(); ++t)
    for (size_t d = 0; d < shapes[t].size(); ++d) {
      int id = spec.inputLabels[t][d];
      int64_t dim = shapes[t][d], &size = labelSizes[id];
      bool broadcast = id >= 52;
      if (size == -2 || dim == size || (broadcast && dim == 1))
        size = size == -2 ? dim : size;
      else if (broadcast && size == 1)
        size = dim;
      else if (size < 0)
        size = dim;
      else if (dim >= 0) {
        std::string what =
            id >= 52
                ? "'...' dim " + std::to_string(id - 52)
                : "label '" +
                      std::string(1, static_cast<char>(id < 26
                                                           ? 'A' + id
                                                           : 'a' + (id - 26))) +
                      "'";
        return what + " has size " + std::to_string(size) + " and " +
               std::to_string(dim) + " (input " + std::to_string(t) + ")";
      }
    }
  for (int64_t &size : labelSizes)
    if (size == -2)
      size = 1; // unused letters; ellipsis dims absent from every input
  outputShape.clear();
  for (int id : spec.outputLabels)
    outputShape.push_back(labelSizes[id]);
  return "";
}

} // namespace geflow::rt

#endif // GEFLOW_RUNTIME_EINSUM_H
