//===- GEStringOps.cpp - Verifiers of the ops on string tensors -----------===//
#include "dialects/ge/IR/GEOps.h"

#include "mlir/IR/TypeUtilities.h"

#include <algorithm>

using namespace mlir;
using namespace geflow::ge;

namespace {

RankedTensorType ranked(Value v) {
  return dyn_cast<RankedTensorType>(v.getType());
}

} // namespace

LogicalResult StringNormalizerOp::verify() {
  auto yt = ranked(getY());
  if (!yt || !yt.hasStaticShape())
    return emitOpError() << "needs a static result shape (the stopwords "
                            "found decide it; the importer fixes it)";
  StringRef action = getCaseChangeAction();
  if (action != "LOWER" && action != "UPPER" && action != "NONE")
    return emitOpError() << "case_change_action must be LOWER, UPPER or "
                            "NONE, not '"
                         << action << "'";
  auto xt = ranked(getX());
  if (!xt)
    return success();
  if (xt.getRank() != 1 && xt.getRank() != 2)
    return emitOpError() << "x must be [C] or [1, C], not rank "
                         << xt.getRank();
  if (xt.getRank() == 2 && xt.getDimSize(0) != 1 &&
      !ShapedType::isDynamic(xt.getDimSize(0)))
    return emitOpError() << "x of rank 2 must be [1, C]";
  if (yt.getRank() != xt.getRank() ||
      (yt.getRank() == 2 && yt.getDimSize(0) != 1))
    return emitOpError() << "y must be [C'] or [1, C'] like x";
  if (yt.getDimSize(yt.getRank() - 1) < 1)
    return emitOpError() << "y holds at least one string (an empty one "
                            "when every string is a stopword)";
  return success();
}

LogicalResult TfIdfVectorizerOp::verify() {
  StringRef mode = getMode();
  if (mode != "TF" && mode != "IDF" && mode != "TFIDF")
    return emitOpError() << "mode must be TF, IDF or TFIDF, not '" << mode
                         << "'";
  int64_t minGram = getMinGramLength(), maxGram = getMaxGramLength();
  if (minGram < 1 || maxGram < minGram)
    return emitOpError() << "needs 1 <= min_gram_length (" << minGram
                         << ") <= max_gram_length (" << maxGram << ")";
  if (static_cast<int64_t>(getMaxSkipCount()) < 0)
    return emitOpError() << "max_skip_count must not be negative";
  bool strings = isa<StringType>(getElementTypeOrSelf(getX().getType()));
  if (getPoolInt64s().has_value() == getPoolStrings().has_value())
    return emitOpError() << "needs exactly one of pool_int64s and "
                            "pool_strings";
  if (strings != getPoolStrings().has_value())
    return emitOpError() << (strings ? "string x needs pool_strings"
                                     : "integer x needs pool_int64s");
  int64_t poolSize = strings ? int64_t(getPoolStrings()->size())
                             : int64_t(getPoolInt64s()->size());
  ArrayRef<int64_t> counts = getNgramCounts();
  if (int64_t(counts.size()) < maxGram)
    return emitOpError() << "ngram_counts has " << counts.size()
                         << " entries, max_gram_length needs " << maxGram;
  // ngram_counts[i]: where the (i+1)-grams start in the pool.
  int64_t ngrams = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    int64_t start = counts[i];
    int64_t end = i + 1 < counts.size() ? counts[i + 1] : poolSize;
    if (start < 0 || end < start || end > poolSize)
      return emitOpError() << "ngram_counts must rise from 0 to at most the "
                              "pool size "
                           << poolSize;
    if ((end - start) % int64_t(i + 1) != 0)
      return emitOpError() << "the pool's " << (i + 1) << "-grams hold "
                           << (end - start) << " items, not a multiple of "
                           << (i + 1);
    ngrams += (end - start) / int64_t(i + 1);
  }
  ArrayRef<int64_t> indexes = getNgramIndexes();
  if (int64_t(indexes.size()) != ngrams)
    return emitOpError() << "ngram_indexes has " << indexes.size()
                         << " entries, the pool holds " << ngrams << " n-grams";
  int64_t columns = 0;
  for (int64_t k : indexes) {
    if (k < 0)
      return emitOpError() << "ngram_indexes must not be negative";
    columns = std::max(columns, k + 1);
  }
  if (getWeights() && getWeights()->size() != indexes.size())
    return emitOpError() << "weights has " << getWeights()->size()
                         << " entries, ngram_indexes " << indexes.size();
  auto xt = ranked(getX()), yt = ranked(getY());
  if (!xt || !yt)
    return success();
  if (xt.getRank() != 1 && xt.getRank() != 2)
    return emitOpError() << "x must be [C] or [N, C], not rank "
                         << xt.getRank();
  if (yt.getRank() != xt.getRank() ||
      (yt.getRank() == 2 && !ShapedType::isDynamic(xt.getDimSize(0)) &&
       yt.getDimSize(0) != xt.getDimSize(0)) ||
      (!ShapedType::isDynamic(yt.getDimSize(yt.getRank() - 1)) &&
       yt.getDimSize(yt.getRank() - 1) != columns))
    return emitOpError() << "y must be [" << columns << "] or [N, " << columns
                         << "] (max(ngram_indexes) + 1 columns) for x " << xt;
  return success();
}

LogicalResult RegexFullMatchOp::verify() {
  auto xt = ranked(getX()), yt = ranked(getY());
  if (xt && yt && failed(verifyCompatibleShape(xt, yt)))
    return emitOpError() << "y must have x's shape";
  return success();
}
