//===- StringOps.cpp - ONNX ops on string tensors -------------------------===//
//
// StringNormalizer, TfIdfVectorizer and RegexFullMatch become the ge ops of
// GEStringOps.td, which only the host CPU engine runs. Cast to and from
// STRING is ElementwiseOps.cpp's Cast with `!ge.string` as the type.
//
//===----------------------------------------------------------------------===//
#include "OpTranslators.h"
#include "TranslatorUtils.h"

#include "dialects/ge/IR/GEOps.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace geflow::ge;

namespace geflow::frontend::onnximp {

namespace {

bool isString(Value v) { return isa<StringType>(getElementTypeOrSelf(v)); }

ArrayAttr strArray(Builder &b, ArrayRef<std::string> values) {
  SmallVector<Attribute> out;
  for (const std::string &s : values)
    out.push_back(b.getStringAttr(s));
  return b.getArrayAttr(out);
}

LogicalResult translateStringNormalizer(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  if (!isString(x))
    return n.fail("StringNormalizer needs a STRING input");
  Builder &b = n.getBuilder();
  SmallVector<std::string> stopwords = n.getStrings("stopwords");
  std::string action = n.getString("case_change_action", "NONE");
  bool caseSensitive = n.getInt("is_case_sensitive", 0) != 0;
  std::string locale = n.getString("locale", "");
  if (n.hasFailed())
    return failure();
  // Without stopwords nothing is dropped: y has x's shape. With them the
  // count left depends on the values, so ONNX must know it.
  std::optional<SmallVector<int64_t>> shape = n.getKnownOutputShape(0);
  if (!shape && stopwords.empty())
    if (auto xt = dyn_cast<RankedTensorType>(x.getType());
        xt && xt.hasStaticShape())
      shape = SmallVector<int64_t>(xt.getShape());
  if (!shape)
    return n.unsupported("StringNormalizer's stopwords make its output "
                         "length depend on values, so its output shape must "
                         "be known (ONNX shape inference or the model's "
                         "declaration)");
  auto y = n.createWithTypes<StringNormalizerOp>(
      RankedTensorType::get(*shape, StringType::get(b.getContext())), x,
      b.getStringAttr(action), b.getBoolAttr(caseSensitive),
      b.getStringAttr(locale), strArray(b, stopwords));
  return finish(n, y.empty() ? Value() : y.front());
}

LogicalResult translateTfIdfVectorizer(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  Type et = getElementTypeOrSelf(x);
  if (!isString(x) && !et.isInteger(32) && !et.isInteger(64))
    return n.unsupported("TfIdfVectorizer takes INT32, INT64 or STRING "
                         "input");
  auto rank = n.requireRank(x, "TfIdfVectorizer");
  if (!rank)
    return failure();
  Builder &b = n.getBuilder();
  SmallVector<int64_t> indexes = n.getInts("ngram_indexes");
  int64_t columns = 0;
  for (int64_t k : indexes)
    columns = std::max(columns, k + 1);
  DenseI64ArrayAttr poolInts;
  ArrayAttr poolStrings;
  if (n.hasAttr("pool_int64s"))
    poolInts = b.getDenseI64ArrayAttr(n.getInts("pool_int64s"));
  if (n.hasAttr("pool_strings"))
    poolStrings = strArray(b, n.getStrings("pool_strings"));
  DenseF64ArrayAttr weights;
  if (n.hasAttr("weights")) {
    SmallVector<double> w;
    for (float f : n.getFloats("weights"))
      w.push_back(f);
    weights = b.getDenseF64ArrayAttr(w);
  }
  SmallVector<int64_t> shape{columns};
  if (*rank == 2)
    shape.insert(shape.begin(),
                 cast<RankedTensorType>(x.getType()).getDimSize(0));
  SmallVector<int64_t> counts = n.getInts("ngram_counts");
  std::string mode = n.getString("mode", "");
  int64_t minGram = n.getInt("min_gram_length", 0);
  int64_t maxGram = n.getInt("max_gram_length", 0);
  int64_t maxSkip = n.getInt("max_skip_count", 0);
  if (n.hasFailed())
    return failure();
  auto y = n.createWithTypes<TfIdfVectorizerOp>(
      RankedTensorType::get(shape, b.getF32Type()), x, b.getStringAttr(mode),
      b.getI64IntegerAttr(minGram), b.getI64IntegerAttr(maxGram),
      b.getI64IntegerAttr(maxSkip), b.getDenseI64ArrayAttr(counts),
      b.getDenseI64ArrayAttr(indexes), poolInts, poolStrings, weights);
  return finish(n, y.empty() ? Value() : y.front());
}

LogicalResult translateRegexFullMatch(NodeContext &n) {
  Value x = n.getRequiredInput(0);
  if (!x)
    return failure();
  if (!isString(x))
    return n.fail("RegexFullMatch needs a STRING input");
  auto xt = dyn_cast<RankedTensorType>(x.getType());
  if (!xt)
    return n.unsupported("RegexFullMatch needs an input of known rank");
  Builder &b = n.getBuilder();
  std::string pattern = n.getString("pattern", "");
  if (n.hasFailed())
    return failure();
  auto y = n.createWithTypes<RegexFullMatchOp>(
      RankedTensorType::get(xt.getShape(), b.getI1Type()), x,
      b.getStringAttr(pattern));
  return finish(n, y.empty() ? Value() : y.front());
}

} // namespace

ArrayRef<OpTranslator> getStringTranslators() {
  static const OpTranslator table[] = {
      {"StringNormalizer", translateStringNormalizer},
      {"TfIdfVectorizer", translateTfIdfVectorizer},
      {"RegexFullMatch", translateRegexFullMatch},
  };
  return table;
}

} // namespace geflow::frontend::onnximp
