//===- string_normalizer.cpp - ONNX StringNormalizer on the host ----------===//
//
// Removes the elements equal to a stopword (exactly, or ignoring case),
// then lowercases, uppercases or keeps the rest. Case maps Unicode code
// points one to one as the C.UTF-8 / en_US.UTF-8 locale does (glibc's
// simple case mapping: 'é' <-> 'É', no 'ß' -> "SS"); without such a locale
// installed only ASCII letters change. Strings must be valid UTF-8 when
// case matters. Locales: empty, C, POSIX, C.UTF-8 or English ("en",
// "en_US", "en_GB.UTF-8", ...), which all map case the same way; another
// locale (Turkish dotted i, ...) is refused rather than mapped wrongly.
//
//===----------------------------------------------------------------------===//
#include "geflow/runtime/Utf8.h"
#include "kernels/host/value_shaped.h"

#include "geflow/runtime/Strings.h"

#include <algorithm>
#include <locale>
#include <set>

namespace geflow::kernels::host {

namespace {

constexpr const char *kOp = "StringNormalizer";

/// The ctype facet of a UTF-8 locale, or null (ASCII mapping only).
const std::ctype<wchar_t> *unicodeCase() {
  static const std::ctype<wchar_t> *facet = [] {
    static std::locale loc;
    for (const char *name : {"C.UTF-8", "C.utf8", "en_US.UTF-8"}) {
      try {
        loc = std::locale(name);
        return &std::use_facet<std::ctype<wchar_t>>(loc);
      } catch (const std::exception &) {
      }
    }
    return static_cast<const std::ctype<wchar_t> *>(nullptr);
  }();
  return facet;
}

char32_t mapCase(char32_t c, bool upper) {
  static_assert(sizeof(wchar_t) == 4, "wchar_t holds a code point");
  if (const std::ctype<wchar_t> *f = unicodeCase())
    return static_cast<char32_t>(upper ? f->toupper(static_cast<wchar_t>(c))
                                       : f->tolower(static_cast<wchar_t>(c)));
  if (upper && c >= 'a' && c <= 'z')
    return c - 'a' + 'A';
  if (!upper && c >= 'A' && c <= 'Z')
    return c - 'A' + 'a';
  return c;
}

/// `s` with its case changed; nullopt when it is not valid UTF-8.
std::optional<std::string> changeCase(std::string_view s, bool upper) {
  std::optional<std::u32string> points = rt::decodeUtf8(s);
  if (!points)
    return std::nullopt;
  for (char32_t &c : *points)
    c = mapCase(c, upper);
  return rt::encodeUtf8(*points);
}

bool supportedLocale(const std::string &locale) {
  if (locale.empty() || locale == "C" || locale == "POSIX" ||
      locale == "C.UTF-8" || locale == "C.utf8" || locale == "en")
    return true;
  return locale.rfind("en_", 0) == 0;
}

} // namespace

rt::Status hostCheckStringNormalizer(const std::vector<TensorDesc> &inputs,
                                     const std::vector<TensorDesc> &outputs,
                                     const AttrMap &attrs) {
  if (inputs.size() != 1 || outputs.size() != 1)
    return invalid("StringNormalizer takes one input and gives one output");
  const TensorDesc &x = inputs[0], &y = outputs[0];
  if (x.dtype != rt::DType::String || y.dtype != rt::DType::String)
    return invalid("StringNormalizer takes and gives strings");
  if ((x.shape.size() != 1 && x.shape.size() != 2) ||
      (x.shape.size() == 2 && x.shape[0] != 1) ||
      y.shape.size() != x.shape.size())
    return invalid("StringNormalizer takes [C] or [1, C] and gives the same "
                   "rank, not " +
                   shapeText(x.shape) + " -> " + shapeText(y.shape));
  std::string action = attrs.getString("case_change_action", "NONE");
  if (action != "LOWER" && action != "UPPER" && action != "NONE")
    return invalid("StringNormalizer: case_change_action must be LOWER, "
                   "UPPER or NONE, not '" +
                   action + "'");
  std::string locale = attrs.getString("locale", "");
  if (!supportedLocale(locale))
    return unsupported("StringNormalizer: locale '" + locale +
                       "' is not supported; geflow maps case as en_US / "
                       "C.UTF-8 do (give an empty, C or en_* locale)");
  for (const std::string &w : attrs.getStrings("stopwords"))
    if (w.size() > rt::kMaxStringElementBytes)
      return invalid("StringNormalizer: a stopword exceeds the string "
                     "size limit");
  return requirePlain(kOp, {x, y});
}

rt::Status hostRunStringNormalizer(const rt::HostCallArgs &args) {
  const TensorDesc &x = (*args.inputDescs)[0], &y = (*args.outputDescs)[0];
  const AttrMap &attrs = *args.attrs;
  std::string action = attrs.getString("case_change_action", "NONE");
  bool caseSensitive = attrs.getInt("is_case_sensitive", 0) != 0;
  std::set<std::string, std::less<>> stopwords;
  for (const std::string &w : attrs.getStrings("stopwords")) {
    if (caseSensitive) {
      stopwords.insert(w);
    } else if (std::optional<std::string> lower = changeCase(w, false)) {
      stopwords.insert(*lower);
    } else {
      return invalid("StringNormalizer: stopword '" + w +
                     "' is not valid UTF-8");
    }
  }
  int64_t n = numElements(x.shape);
  std::vector<std::string_view> kept;
  for (int64_t i = 0; i < n; ++i) {
    std::string_view s = rt::stringAt(args.inputs[0], size_t(i));
    bool stop = false;
    if (!stopwords.empty()) {
      if (caseSensitive) {
        stop = stopwords.count(s) != 0;
      } else {
        std::optional<std::string> lower = changeCase(s, false);
        if (!lower)
          return invalid("StringNormalizer: element " + std::to_string(i) +
                         " is not valid UTF-8");
        stop = stopwords.count(*lower) != 0;
      }
    }
    if (!stop)
      kept.push_back(s);
  }
  // Everything removed: one empty string.
  int64_t count = std::max<int64_t>(1, static_cast<int64_t>(kept.size()));
  std::vector<int64_t> shape = x.shape;
  shape.back() = count;
  if (rt::Status st = checkOutputShape(kOp, 0, y, shape); !st.ok())
    return st;
  if (kept.empty()) {
    rt::setStringAt(args.outputs[0], 0, rt::StringRef{});
    return rt::Status::OK();
  }
  for (size_t i = 0; i < kept.size(); ++i) {
    if (action == "NONE") {
      // The input's bytes outlive the run's use of them.
      rt::setStringAt(args.outputs[0], i,
                      rt::StringRef{kept[i].data(), kept[i].size()});
      continue;
    }
    std::optional<std::string> changed = changeCase(kept[i], action == "UPPER");
    if (!changed)
      return invalid("StringNormalizer: a kept element is not valid UTF-8 "
                     "(case changes need UTF-8)");
    if (!args.strings)
      return invalid("StringNormalizer needs the run's string store");
    rt::StatusOr<rt::StringRef> r = args.strings->add(*changed);
    if (!r.ok())
      return r.status();
    rt::setStringAt(args.outputs[0], i, *r);
  }
  return rt::Status::OK();
}

} // namespace geflow::kernels::host
