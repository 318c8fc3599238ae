//===- JsonTensor.cpp - Tensors as nested JSON lists ----------------------===//
#include "JsonTensor.h"

#include "geflow/Support/InputLimits.h"

#include <cstring>

namespace geflow::serve {

namespace json = llvm::json;

Result<json::Value> parseJsonBody(std::string_view body) {
  if (body.empty())
    return invalidArgument("the request body is empty: expected a JSON object");
  llvm::StringRef text(body.data(), body.size());
  std::string deep = checkNesting(text, NestingSyntax::Json);
  if (!deep.empty())
    return invalidArgument("malformed JSON body: " + deep);
  llvm::Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return invalidArgument("malformed JSON body: " +
                           llvm::toString(parsed.takeError()));
  return std::move(*parsed);
}

std::vector<int64_t> nestedShape(const json::Value &value) {
  std::vector<int64_t> shape;
  const json::Value *v = &value;
  while (const json::Array *a = v->getAsArray()) {
    shape.push_back(int64_t(a->size()));
    if (a->empty())
      break;
    v = &a->front();
  }
  return shape;
}

namespace {

struct LeafWalker {
  rt::DType dtype;
  uint8_t *data;
  int64_t capacity;
  int64_t *index;
  const std::vector<int64_t> *shape; // expected; null: flat
  std::string why;

  bool walk(const json::Value &v, size_t dim, std::string *badPath) {
    if (const json::Array *a = v.getAsArray()) {
      if (shape) {
        if (dim >= shape->size() || int64_t(a->size()) != (*shape)[dim]) {
          why = dim >= shape->size()
                    ? "is a list where a number was expected (ragged nesting)"
                    : "has " + std::to_string(a->size()) +
                          " elements where its siblings have " +
                          std::to_string((*shape)[dim]);
          return false;
        }
      }
      for (size_t i = 0; i < a->size(); ++i)
        if (!walk((*a)[i], dim + 1, badPath)) {
          *badPath = "[" + std::to_string(i) + "]" + *badPath;
          return false;
        }
      return true;
    }
    if (shape && dim != shape->size()) {
      why = "is a number where a list of " + std::to_string((*shape)[dim]) +
            " elements was expected (ragged nesting)";
      return false;
    }
    if (*index >= capacity) {
      why = "is one element more than the shape holds";
      return false;
    }
    double number = 0;
    int64_t integer = 0;
    bool isInteger = false;
    if (std::optional<bool> b = v.getAsBoolean()) {
      isInteger = true;
      integer = *b;
    } else if (std::optional<int64_t> i = v.getAsInteger()) {
      isInteger = true;
      integer = *i;
    } else if (std::optional<double> d = v.getAsNumber()) {
      number = *d;
    } else {
      why = v.getAsObject() && v.getAsObject()->get("b64")
                ? "is a base64 string ({\"b64\": ...}); geflow models take "
                  "no string tensors"
                : "is not a number";
      return false;
    }
    if (!storeElement(number, isInteger, integer, dtype, data, *index, &why))
      return false;
    ++*index;
    return true;
  }
};

} // namespace

Status storeLeaves(const json::Value &value, rt::DType dtype, uint8_t *data,
                   int64_t capacity, int64_t *index, const std::string &where,
                   const std::vector<int64_t> *shape) {
  LeafWalker walker{dtype, data, capacity, index, shape, {}};
  std::string path;
  if (!walker.walk(value, 0, &path))
    return invalidArgument(where + path + " " + walker.why);
  return Status();
}

int64_t countLeaves(const json::Value &value) {
  const json::Array *a = value.getAsArray();
  if (!a)
    return 1;
  int64_t n = 0;
  for (const json::Value &v : *a)
    n += countLeaves(v);
  return n;
}

Result<Tensor> tensorFromNested(const json::Value &value, rt::DType dtype,
                                const std::string &where) {
  std::vector<int64_t> shape = nestedShape(value);
  int64_t count = elementCount(shape);
  if (count < 0)
    return invalidArgument(where + " is too large");
  // The shape comes from the first elements of each level: check it against
  // the values actually given before memory is sized by it.
  int64_t leaves = countLeaves(value);
  if (leaves != count)
    return invalidArgument(where + " has " + std::to_string(leaves) +
                           " values, not the " + std::to_string(count) +
                           " of shape " + shapeString(shape) +
                           " (its first elements' lengths)");
  Tensor t;
  t.dtype = dtype;
  t.shape = shape;
  t.data.assign(size_t(count) * rt::dtypeSize(dtype), 0);
  int64_t index = 0;
  LeafWalker walker{dtype, t.data.data(), count, &index, &t.shape, {}};
  std::string path;
  if (!walker.walk(value, 0, &path))
    return invalidArgument(where + path + " " + walker.why);
  return t;
}

void appendNestedJson(std::string &out, rt::DType dtype,
                      const std::vector<int64_t> &shape, const uint8_t *data,
                      size_t dim) {
  if (dim == shape.size()) {
    appendElementJson(out, dtype, data, 0);
    return;
  }
  int64_t inner = 1;
  for (size_t d = dim + 1; d < shape.size(); ++d)
    inner *= shape[d];
  size_t stride = size_t(inner) * rt::dtypeSize(dtype);
  out += '[';
  for (int64_t i = 0; i < shape[dim]; ++i) {
    if (i)
      out += ',';
    if (dim + 1 == shape.size())
      appendElementJson(out, dtype, data, i);
    else
      appendNestedJson(out, dtype, shape, data + size_t(i) * stride, dim + 1);
  }
  out += ']';
}

void appendFlatJson(std::string &out, rt::DType dtype, int64_t count,
                    const uint8_t *data) {
  out += '[';
  for (int64_t i = 0; i < count; ++i) {
    if (i)
      out += ',';
    appendElementJson(out, dtype, data, i);
  }
  out += ']';
}

std::string errorJson(const std::string &message) {
  return "{\"error\":" + jsonQuote(message) + "}";
}

} // namespace geflow::serve
