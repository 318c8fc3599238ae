//===- tfidf_vectorizer.cpp - ONNX TfIdfVectorizer on the host ------------===//
//
// Counts, per row of x, the n-grams of the pool: for every skip s in
// [0, max_skip_count] and every start, the items start, start + (s + 1),
// ... form n-grams of n in [min_gram_length, max_gram_length]; each one in
// the pool adds 1 to column ngram_indexes[k] of its row. Unigrams do not
// depend on the skip and are counted for s = 0 only (as ONNX's reference
// and ONNX Runtime do). Then TF keeps the counts, IDF gives weights[col]
// where the count is non-zero (1 without weights), TFIDF the count times
// weights[col] (the reference indexes weights by output column).
//
//===----------------------------------------------------------------------===//
#include "kernels/host/value_shaped.h"

#include "geflow/runtime/Strings.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace geflow::kernels::host {

namespace {

constexpr const char *kOp = "TfIdfVectorizer";

struct Pool {
  /// Each pool n-gram (as item ids) -> its index k in ngram_indexes.
  std::map<std::vector<int64_t>, int64_t> ngrams;
  /// String pools: each pool string's id (ints are their own ids).
  std::unordered_map<std::string, int64_t> stringIds;
};

int64_t columnsOf(const std::vector<int64_t> &indexes) {
  int64_t columns = 0;
  for (int64_t k : indexes)
    columns = std::max(columns, k + 1);
  return columns;
}

/// The pool n-grams: group i (the (i+1)-grams) spans
/// [ngram_counts[i], ngram_counts[i + 1] or the pool size).
rt::Status buildPool(const AttrMap &attrs, bool strings, Pool &pool) {
  std::vector<int64_t> counts = attrs.getInts("ngram_counts");
  std::vector<int64_t> indexes = attrs.getInts("ngram_indexes");
  std::vector<int64_t> items;
  if (strings) {
    std::vector<std::string> words = attrs.getStrings("pool_strings");
    for (const std::string &w : words)
      items.push_back(pool.stringIds.emplace(w, int64_t(pool.stringIds.size()))
                          .first->second);
  } else {
    items = attrs.getInts("pool_int64s");
  }
  const int64_t size = static_cast<int64_t>(items.size());
  size_t k = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    int64_t start = counts[i];
    int64_t end = i + 1 < counts.size() ? counts[i + 1] : size;
    int64_t n = static_cast<int64_t>(i) + 1;
    if (start < 0 || end < start || end > size || (end - start) % n != 0)
      return invalid("TfIdfVectorizer: ngram_counts does not split the pool "
                     "of " +
                     std::to_string(size) + " items into n-gram groups");
    for (int64_t p = start; p < end; p += n, ++k) {
      if (k >= indexes.size())
        return invalid("TfIdfVectorizer: ngram_indexes has fewer entries "
                       "than the pool has n-grams");
      pool.ngrams.emplace(
          std::vector<int64_t>(items.begin() + p, items.begin() + p + n),
          indexes[k]);
    }
  }
  if (k != indexes.size())
    return invalid("TfIdfVectorizer: ngram_indexes has " +
                   std::to_string(indexes.size()) + " entries, the pool " +
                   std::to_string(k) + " n-grams");
  return rt::Status::OK();
}

} // namespace

rt::Status hostCheckTfIdfVectorizer(const std::vector<TensorDesc> &inputs,
                                    const std::vector<TensorDesc> &outputs,
                                    const AttrMap &attrs) {
  if (inputs.size() != 1 || outputs.size() != 1)
    return invalid("TfIdfVectorizer takes one input and gives one output");
  const TensorDesc &x = inputs[0], &y = outputs[0];
  bool strings = x.dtype == rt::DType::String;
  if (!strings && x.dtype != rt::DType::I32 && x.dtype != rt::DType::I64)
    return invalid("TfIdfVectorizer takes int32, int64 or string input");
  if (y.dtype != rt::DType::F32)
    return invalid("TfIdfVectorizer gives float32");
  std::string mode = attrs.getString("mode", "");
  if (mode != "TF" && mode != "IDF" && mode != "TFIDF")
    return invalid("TfIdfVectorizer: mode must be TF, IDF or TFIDF, not '" +
                   mode + "'");
  int64_t minGram = attrs.getInt("min_gram_length", 0);
  int64_t maxGram = attrs.getInt("max_gram_length", 0);
  int64_t maxSkip = attrs.getInt("max_skip_count", 0);
  if (minGram < 1 || maxGram < minGram || maxSkip < 0)
    return invalid("TfIdfVectorizer needs 1 <= min_gram_length <= "
                   "max_gram_length and max_skip_count >= 0");
  Pool pool;
  if (rt::Status st = buildPool(attrs, strings, pool); !st.ok())
    return st;
  int64_t columns = columnsOf(attrs.getInts("ngram_indexes"));
  std::vector<double> weights = attrs.getFloats("weights");
  if (!weights.empty() && static_cast<int64_t>(weights.size()) < columns)
    return invalid("TfIdfVectorizer: weights has " +
                   std::to_string(weights.size()) + " entries for " +
                   std::to_string(columns) + " output columns");
  std::vector<int64_t> want = x.shape;
  if (want.size() != 1 && want.size() != 2)
    return invalid("TfIdfVectorizer takes [C] or [N, C], not " +
                   shapeText(x.shape));
  want.back() = columns;
  if (y.shape != want)
    return invalid("TfIdfVectorizer's output must be " + shapeText(want) +
                   ", not " + shapeText(y.shape));
  return requirePlain(kOp, {x, y});
}

rt::Status hostRunTfIdfVectorizer(const rt::HostCallArgs &args) {
  const TensorDesc &x = (*args.inputDescs)[0], &y = (*args.outputDescs)[0];
  const AttrMap &attrs = *args.attrs;
  bool strings = x.dtype == rt::DType::String;
  Pool pool;
  if (rt::Status st = buildPool(attrs, strings, pool); !st.ok())
    return st;
  const int64_t minGram = attrs.getInt("min_gram_length", 1);
  const int64_t maxGram = attrs.getInt("max_gram_length", 1);
  const int64_t maxSkip = attrs.getInt("max_skip_count", 0);
  const std::string mode = attrs.getString("mode", "TF");
  const std::vector<double> weights = attrs.getFloats("weights");
  const int64_t rows = x.shape.size() == 2 ? x.shape[0] : 1;
  const int64_t width = x.shape.back();
  const int64_t columns = y.shape.back();

  // Items as ids; a string outside the pool can be in no pool n-gram.
  std::vector<int64_t> ids(size_t(rows * width));
  std::vector<char> known(ids.size(), 1);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (strings) {
      auto it =
          pool.stringIds.find(std::string(rt::stringAt(args.inputs[0], i)));
      known[i] = it != pool.stringIds.end();
      ids[i] = known[i] ? it->second : -1;
    } else if (x.dtype == rt::DType::I32) {
      ids[i] = static_cast<const int32_t *>(args.inputs[0])[i];
    } else {
      ids[i] = static_cast<const int64_t *>(args.inputs[0])[i];
    }
  }

  std::vector<double> counts(size_t(rows * columns), 0.0);
  std::vector<int64_t> gram;
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t *row = ids.data() + r * width;
    const char *rowKnown = known.data() + r * width;
    for (int64_t skip = 0; skip <= maxSkip; ++skip) {
      // Unigrams only once: they do not depend on the skip.
      int64_t lo = skip == 0 ? minGram : std::max<int64_t>(minGram, 2);
      if (lo > maxGram)
        break;
      int64_t step = skip + 1;
      for (int64_t start = 0; start < width; ++start) {
        gram.clear();
        for (int64_t n = 1; n <= maxGram; ++n) {
          int64_t at = start + (n - 1) * step;
          if (at >= width || !rowKnown[at])
            break;
          gram.push_back(row[at]);
          if (n < lo)
            continue;
          auto it = pool.ngrams.find(gram);
          if (it != pool.ngrams.end())
            counts[size_t(r * columns + it->second)] += 1;
        }
      }
    }
  }

  auto *out = static_cast<float *>(args.outputs[0]);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < columns; ++c) {
      double f = counts[size_t(r * columns + c)];
      double w = weights.empty() ? 1.0 : weights[size_t(c)];
      double v = mode == "TF" ? f : mode == "IDF" ? (f > 0 ? w : 0.0) : f * w;
      out[r * columns + c] = static_cast<float>(v);
    }
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
