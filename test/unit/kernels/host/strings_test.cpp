// The host kernels on string tensors: Cast to and from strings (texts
// NumPy's astype(str) writes, which ONNX's test data uses, written out
// here), StringNormalizer, TfIdfVectorizer (against the ONNX backend tests'
// expected outputs and a brute-force count) and RegexFullMatch, plus the
// run's StringStore limits. Integers and strings exact; floats parsed back
// bit-exactly.
#include "geflow/runtime/Strings.h"
#include "host_kernel_test_util.h"
#include "kernels/host/string_number.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <vector>

namespace {

using geflow::test::Buffer;
using geflow::test::buffer;
using geflow::test::empty;
using geflow::test::runHost;
using geflow::test::values;

using geflow::kernels::AttrMap;
using geflow::kernels::TensorDesc;
using geflow::rt::DType;
using geflow::rt::StringRef;
using geflow::rt::StringStore;
namespace host = geflow::kernels::host;

/// A string tensor whose elements point at `keep`'s bytes.
Buffer strings(std::vector<int64_t> shape,
               const std::vector<std::string> &keep) {
  std::vector<StringRef> refs;
  for (const std::string &s : keep)
    refs.push_back({s.data(), s.size()});
  return buffer(DType::String, std::move(shape), refs);
}

std::vector<std::string> texts(const Buffer &b) {
  std::vector<std::string> out;
  for (size_t i = 0; i < b.bytes.size() / sizeof(StringRef); ++i)
    out.emplace_back(geflow::rt::stringAt(b.bytes.data(), i));
  return out;
}

TEST(StringNumber, FormatsFloatsAsNumPyDoes) {
  // np.array([v], np.float32).astype(str)
  const std::pair<float, const char *> f32[] = {
      {0.9767611f, "0.9767611"},
      {0.039187793f, "0.039187793"},
      {1e-5f, "1e-05"},
      {1.5e-5f, "1.5e-05"},
      {1e-4f, "1e-04"},
      {123456.0f, "123456.0"},
      {1e16f, "1e+16"},
      {1e15f, "1000000000000000.0"},
      {3.4028235e38f, "3.4028235e+38"},
      {1.4e-45f, "1e-45"},
      {0.1f, "0.1"},
      {-2.5f, "-2.5"},
      {16777216.0f, "16777216.0"},
      {7.0f, "7.0"},
      {0.0f, "0.0"},
      {-0.0f, "-0.0"}};
  for (auto [v, want] : f32)
    EXPECT_EQ(host::formatFloat32(v), want) << v;
  EXPECT_EQ(host::formatFloat64(0.1), "0.1");
  EXPECT_EQ(host::formatFloat64(1e-300), "1e-300");
  EXPECT_EQ(host::formatFloat64(1152921504606846976.0),
            "1.152921504606847e+18");
  EXPECT_EQ(host::formatFloat64(1.0 / 3), "0.3333333333333333");
  // np.float16: the shortest text of the half value.
  EXPECT_EQ(host::formatFloat16(0.0999755859375f, false), "0.1");
  EXPECT_EQ(host::formatFloat16(65504.0f, false), "65500.0");
  EXPECT_EQ(host::formatFloat16(3.140625f, false), "3.14");
  // ONNX's reserved literals.
  EXPECT_EQ(host::formatFloat32(NAN), "NaN");
  EXPECT_EQ(host::formatFloat32(INFINITY), "INF");
  EXPECT_EQ(host::formatFloat64(-INFINITY), "-INF");
}

TEST(StringNumber, ShortestTextReadsBackExactly) {
  std::mt19937 gen(7);
  for (int i = 0; i < 20000; ++i) {
    uint32_t bits = gen();
    float v;
    std::memcpy(&v, &bits, 4);
    if (std::isnan(v))
      continue;
    std::optional<float> back = host::parseFloat32(host::formatFloat32(v));
    ASSERT_TRUE(back) << host::formatFloat32(v);
    EXPECT_EQ(std::memcmp(&*back, &v, 4), 0) << host::formatFloat32(v);
  }
}

TEST(StringNumber, ParsesOnnxLiterals) {
  EXPECT_TRUE(std::isnan(*host::parseFloat32("NaN")));
  EXPECT_TRUE(std::isnan(*host::parseFloat32("nan")));
  EXPECT_EQ(*host::parseFloat32("INF"), INFINITY);
  EXPECT_EQ(*host::parseFloat32("+INF"), INFINITY);
  EXPECT_EQ(*host::parseFloat32("-Inf"), -INFINITY);
  EXPECT_EQ(*host::parseFloat32("infinity"), INFINITY);
  EXPECT_EQ(*host::parseFloat32("1E8"), 1e8f);
  EXPECT_EQ(*host::parseFloat32(" 1e-5 "), 1e-5f);
  EXPECT_EQ(*host::parseFloat32("-.5"), -0.5f);
  EXPECT_EQ(*host::parseFloat32("1e999"), INFINITY);
  for (const char *bad : {"", "abc", "1.5x", "0x10", "--1", "1 2", "INFx"})
    EXPECT_FALSE(host::parseFloat32(bad)) << bad;
  std::optional<host::ParsedNumber> big =
      host::parseNumber("18446744073709551615");
  ASSERT_TRUE(big);
  EXPECT_TRUE(big->isInt);
  EXPECT_EQ(big->magnitude, UINT64_MAX);
  std::optional<host::ParsedNumber> frac = host::parseNumber("100.5");
  ASSERT_TRUE(frac);
  EXPECT_FALSE(frac->isInt);
  EXPECT_EQ(frac->value, 100.5);
}

TEST(StringCast, FloatToStringAndBack) {
  std::vector<float> in = {0.9767611f, 0.039187793f, NAN, -INFINITY};
  Buffer x = buffer(DType::F32, {2, 2}, in);
  Buffer y = empty(DType::String, {2, 2});
  StringStore store;
  ASSERT_TRUE(runHost("Cast", {&x}, {&y}, {}, &store).ok());
  EXPECT_EQ(texts(y), (std::vector<std::string>{"0.9767611", "0.039187793",
                                                "NaN", "-INF"}));
  Buffer back = empty(DType::F32, {2, 2});
  ASSERT_TRUE(runHost("Cast", {&y}, {&back}, {}, &store).ok());
  std::vector<float> got = values<float>(back);
  EXPECT_EQ(got[0], in[0]);
  EXPECT_EQ(got[1], in[1]);
  EXPECT_TRUE(std::isnan(got[2]));
  EXPECT_EQ(got[3], -INFINITY);
}

TEST(StringCast, IntegersBoolsAndErrors) {
  std::vector<std::string> keep = {"-7", "100.5", " 42 ",
                                   "9223372036854775807"};
  Buffer x = strings({4}, keep);
  Buffer y = empty(DType::I64, {4});
  StringStore store;
  ASSERT_TRUE(runHost("Cast", {&x}, {&y}, {}, &store).ok());
  EXPECT_EQ(values<int64_t>(y), (std::vector<int64_t>{-7, 100, 42, INT64_MAX}));

  Buffer ints = buffer<int32_t>(DType::I32, {3}, {-5, 0, 2147483647});
  Buffer s = empty(DType::String, {3});
  ASSERT_TRUE(runHost("Cast", {&ints}, {&s}, {}, &store).ok());
  EXPECT_EQ(texts(s), (std::vector<std::string>{"-5", "0", "2147483647"}));

  Buffer flags = buffer<uint8_t>(DType::Bool, {2}, {1, 0});
  Buffer fs = empty(DType::String, {2});
  ASSERT_TRUE(runHost("Cast", {&flags}, {&fs}, {}, &store).ok());
  EXPECT_EQ(texts(fs), (std::vector<std::string>{"True", "False"}));
  Buffer backFlags = empty(DType::Bool, {2});
  ASSERT_TRUE(runHost("Cast", {&fs}, {&backFlags}, {}, &store).ok());
  EXPECT_EQ(values<uint8_t>(backFlags), (std::vector<uint8_t>{1, 0}));

  std::vector<std::string> bad = {"1.5", "Hello World!"};
  Buffer b = strings({2}, bad);
  Buffer f = empty(DType::F32, {2});
  geflow::rt::Status st = runHost("Cast", {&b}, {&f}, {}, &store);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("element 1 'Hello World!' is not a number"),
            std::string::npos)
      << st.message();
  // Without a store a kernel cannot create strings: an error, not a crash.
  EXPECT_FALSE(runHost("Cast", {&ints}, {&s}, {}, nullptr).ok());
}

AttrMap normalizer(const std::string &action, bool caseSensitive,
                   std::vector<std::string> stopwords,
                   const std::string &locale = "") {
  AttrMap a;
  a.set("case_change_action", action);
  a.set("is_case_sensitive", int64_t(caseSensitive));
  a.set("stopwords", std::move(stopwords));
  if (!locale.empty())
    a.set("locale", locale);
  return a;
}

TEST(StringNormalizer, StopwordsAndCase) {
  std::vector<std::string> keep = {"monday", "tuesday", "wednesday",
                                   "thursday"};
  Buffer x = strings({4}, keep);
  StringStore store;
  // test_strnormalizer_export_monday_casesensintive_upper
  Buffer y = empty(DType::String, {3});
  ASSERT_TRUE(runHost("StringNormalizer", {&x}, {&y},
                      normalizer("UPPER", true, {"monday"}), &store)
                  .ok());
  EXPECT_EQ(texts(y),
            (std::vector<std::string>{"TUESDAY", "WEDNESDAY", "THURSDAY"}));
  // Case-insensitive stopwords, [1, C] input, LOWER.
  std::vector<std::string> mixed = {"Monday", "MONDAY", "Tuesday"};
  Buffer x2 = strings({1, 3}, mixed);
  Buffer y2 = empty(DType::String, {1, 1});
  ASSERT_TRUE(runHost("StringNormalizer", {&x2}, {&y2},
                      normalizer("LOWER", false, {"monday"}), &store)
                  .ok());
  EXPECT_EQ(texts(y2), (std::vector<std::string>{"tuesday"}));
  // Everything dropped: one empty string.
  std::vector<std::string> mondays = {"monday", "monday"};
  Buffer x3 = strings({2}, mondays);
  Buffer y3 = empty(DType::String, {1});
  ASSERT_TRUE(runHost("StringNormalizer", {&x3}, {&y3},
                      normalizer("UPPER", true, {"monday"}), &store)
                  .ok());
  EXPECT_EQ(texts(y3), (std::vector<std::string>{""}));
  // Unicode letters change case too (C.UTF-8 / en_US mapping).
  std::vector<std::string> accents = {"caf\xc3\xa9"};
  Buffer x4 = strings({1}, accents);
  Buffer y4 = empty(DType::String, {1});
  ASSERT_TRUE(runHost("StringNormalizer", {&x4}, {&y4},
                      normalizer("UPPER", true, {}, "en_US"), &store)
                  .ok());
  EXPECT_EQ(texts(y4)[0], "CAF\xc3\x89");
}

TEST(StringNormalizer, Errors) {
  std::vector<std::string> keep = {"a", "b"};
  Buffer x = strings({2}, keep);
  StringStore store;
  Buffer y = empty(DType::String, {2});
  geflow::rt::Status st =
      runHost("StringNormalizer", {&x}, {&y},
              normalizer("UPPER", true, {}, "tr_TR"), &store);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("locale 'tr_TR' is not supported"),
            std::string::npos);
  EXPECT_FALSE(runHost("StringNormalizer", {&x}, {&y},
                       normalizer("TITLE", true, {}), &store)
                   .ok());
  // The values leave one string, the program planned two.
  Buffer y1 = empty(DType::String, {2});
  st = runHost("StringNormalizer", {&x}, {&y1}, normalizer("NONE", true, {"a"}),
               &store);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("[1]"), std::string::npos) << st.message();
  // Case changes need UTF-8.
  std::vector<std::string> broken = {"\xff\xfe"};
  Buffer xb = strings({1}, broken);
  Buffer yb = empty(DType::String, {1});
  EXPECT_FALSE(runHost("StringNormalizer", {&xb}, {&yb},
                       normalizer("UPPER", true, {}), &store)
                   .ok());
}

AttrMap tfidf(const std::string &mode, int64_t minGram, int64_t maxGram,
              int64_t maxSkip, std::vector<int64_t> counts,
              std::vector<int64_t> indexes, std::vector<int64_t> pool) {
  AttrMap a;
  a.set("mode", mode);
  a.set("min_gram_length", minGram);
  a.set("max_gram_length", maxGram);
  a.set("max_skip_count", maxSkip);
  a.set("ngram_counts", std::move(counts));
  a.set("ngram_indexes", std::move(indexes));
  a.set("pool_int64s", std::move(pool));
  return a;
}

TEST(TfIdfVectorizer, OnnxBackendCases) {
  StringStore store;
  const std::vector<int64_t> pool = {2, 3, 5, 4, 5, 6, 7, 8, 6, 7};
  // test_tfidfvectorizer_tf_batch_uniandbigrams_skip5
  Buffer x =
      buffer<int32_t>(DType::I32, {2, 6}, {1, 1, 3, 3, 3, 7, 8, 6, 7, 5, 6, 8});
  Buffer y = empty(DType::F32, {2, 7});
  ASSERT_TRUE(runHost("TfIdfVectorizer", {&x}, {&y},
                      tfidf("TF", 1, 2, 5, {0, 4}, {0, 1, 2, 3, 4, 5, 6}, pool),
                      &store)
                  .ok());
  EXPECT_EQ(values<float>(y),
            (std::vector<float>{0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1}));
  // test_tfidfvectorizer_tf_only_bigrams_skip0
  Buffer x1 =
      buffer<int64_t>(DType::I64, {12}, {1, 1, 3, 3, 3, 7, 8, 6, 7, 5, 6, 8});
  Buffer y1 = empty(DType::F32, {7});
  ASSERT_TRUE(runHost("TfIdfVectorizer", {&x1}, {&y1},
                      tfidf("TF", 2, 2, 0, {0, 4}, {0, 1, 2, 3, 4, 5, 6}, pool),
                      &store)
                  .ok());
  EXPECT_EQ(values<float>(y1), (std::vector<float>{0, 0, 0, 0, 1, 1, 1}));
  // IDF and TFIDF with weights (by output column).
  AttrMap w = tfidf("TFIDF", 1, 1, 0, {0}, {1, 0}, {3, 7});
  w.set("weights", std::vector<double>{0.5, 2.0});
  Buffer y2 = empty(DType::F32, {2, 2});
  Buffer x2 = buffer<int32_t>(DType::I32, {2, 3}, {3, 3, 7, 1, 1, 1});
  ASSERT_TRUE(runHost("TfIdfVectorizer", {&x2}, {&y2}, w, &store).ok());
  // row 0: 3 twice -> column 1 (x2.0), 7 once -> column 0 (x0.5)
  EXPECT_EQ(values<float>(y2), (std::vector<float>{0.5f, 4.0f, 0, 0}));
  w.set("mode", std::string("IDF"));
  ASSERT_TRUE(runHost("TfIdfVectorizer", {&x2}, {&y2}, w, &store).ok());
  EXPECT_EQ(values<float>(y2), (std::vector<float>{0.5f, 2.0f, 0, 0}));
}

/// Counts every pool n-gram the slow way: all (start, skip, n).
std::vector<float> bruteForce(const std::vector<int64_t> &row,
                              const std::vector<std::vector<int64_t>> &grams,
                              int64_t minGram, int64_t maxGram,
                              int64_t maxSkip) {
  std::vector<float> out(grams.size(), 0);
  for (size_t k = 0; k < grams.size(); ++k) {
    int64_t n = int64_t(grams[k].size());
    if (n < minGram || n > maxGram)
      continue;
    for (int64_t skip = 0; skip <= (n == 1 ? 0 : maxSkip); ++skip)
      for (int64_t start = 0;
           start + (n - 1) * (skip + 1) < int64_t(row.size()); ++start) {
        bool match = true;
        for (int64_t j = 0; j < n && match; ++j)
          match = row[size_t(start + j * (skip + 1))] == grams[k][size_t(j)];
        out[k] += match;
      }
  }
  return out;
}

TEST(TfIdfVectorizer, MatchesBruteForceForIntsAndStrings) {
  std::mt19937 gen(3);
  for (int trial = 0; trial < 30; ++trial) {
    // Pool: 3 unigrams, 4 bigrams, 2 trigrams over the alphabet 0..4.
    std::vector<int64_t> pool;
    std::vector<std::vector<int64_t>> grams;
    for (int n : {1, 1, 1, 2, 2, 2, 2, 3, 3}) {
      std::vector<int64_t> g;
      for (int j = 0; j < n; ++j)
        g.push_back(gen() % 5);
      pool.insert(pool.end(), g.begin(), g.end());
      grams.push_back(g);
    }
    // Duplicates in a pool keep their first index; use distinct n-grams.
    std::map<std::vector<int64_t>, int> seen;
    bool distinct = true;
    for (auto &g : grams)
      distinct &= ++seen[g] == 1;
    if (!distinct)
      continue;
    std::vector<int64_t> indexes(grams.size());
    for (size_t k = 0; k < indexes.size(); ++k)
      indexes[k] = int64_t(k);
    int64_t minGram = 1 + gen() % 2, maxGram = minGram + gen() % 2;
    int64_t maxSkip = gen() % 3;
    std::vector<int64_t> row(10);
    for (int64_t &v : row)
      v = gen() % 5;
    StringStore store;
    Buffer x = buffer<int64_t>(DType::I64, {10}, row);
    Buffer y = empty(DType::F32, {int64_t(grams.size())});
    AttrMap a =
        tfidf("TF", minGram, maxGram, maxSkip, {0, 3, 11}, indexes, pool);
    ASSERT_TRUE(runHost("TfIdfVectorizer", {&x}, {&y}, a, &store).ok());
    std::vector<float> want = bruteForce(row, grams, minGram, maxGram, maxSkip);
    EXPECT_EQ(values<float>(y), want) << "trial " << trial;
    // The same with a string pool and string input.
    std::vector<std::string> words, pooled;
    for (int64_t v : row)
      words.push_back("w" + std::to_string(v));
    for (int64_t v : pool)
      pooled.push_back("w" + std::to_string(v));
    Buffer xs = strings({10}, words);
    AttrMap as = a;
    as.set("pool_strings", pooled);
    AttrMap onlyStrings;
    for (const auto &[name, value] : as.all())
      if (name != "pool_int64s")
        onlyStrings.set(name, value);
    Buffer ys = empty(DType::F32, {int64_t(grams.size())});
    ASSERT_TRUE(
        runHost("TfIdfVectorizer", {&xs}, {&ys}, onlyStrings, &store).ok());
    EXPECT_EQ(values<float>(ys), want) << "trial " << trial << " (strings)";
  }
}

TEST(TfIdfVectorizer, RejectsBadPools) {
  StringStore store;
  Buffer x = buffer<int32_t>(DType::I32, {3}, {1, 2, 3});
  Buffer y = empty(DType::F32, {2});
  // 3 items cannot be bigrams.
  EXPECT_FALSE(runHost("TfIdfVectorizer", {&x}, {&y},
                       tfidf("TF", 2, 2, 0, {0, 0}, {0, 1}, {1, 2, 3}), &store)
                   .ok());
  // Output shape must be max(ngram_indexes) + 1 columns.
  Buffer y3 = empty(DType::F32, {3});
  EXPECT_FALSE(runHost("TfIdfVectorizer", {&x}, {&y3},
                       tfidf("TF", 1, 1, 0, {0}, {0, 1}, {1, 2}), &store)
                   .ok());
  EXPECT_FALSE(runHost("TfIdfVectorizer", {&x}, {&y},
                       tfidf("BM25", 1, 1, 0, {0}, {0, 1}, {1, 2}), &store)
                   .ok());
}

TEST(RegexFullMatch, MatchesWholeStrings) {
  std::vector<std::string> keep = {"www.google.com", "www.facebook.com",
                                   "www.bbc.co.uk", "google.com"};
  Buffer x = strings({2, 2}, keep);
  Buffer y = empty(DType::Bool, {2, 2});
  AttrMap a;
  a.set("pattern", std::string(R"(www\.[\w.-]+\.\bcom\b)"));
  StringStore store;
  ASSERT_TRUE(runHost("RegexFullMatch", {&x}, {&y}, a, &store).ok());
  EXPECT_EQ(values<uint8_t>(y), (std::vector<uint8_t>{1, 1, 0, 0}));
  AttrMap bad;
  bad.set("pattern", std::string("(unclosed"));
  geflow::rt::Status st = runHost("RegexFullMatch", {&x}, {&y}, bad, &store);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("(unclosed"), std::string::npos);
}

TEST(StringStore, KeepsBytesAndLimits) {
  StringStore store;
  std::string big(100000, 'x');
  auto a = store.add("abc");
  auto b = store.add(big);
  auto c = store.add("");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->view(), "abc");
  EXPECT_EQ(b->view(), big);
  EXPECT_EQ(c->size, 0u);
  EXPECT_EQ(store.bytes(), 3u + big.size());
  std::string huge;
  huge.resize(geflow::rt::kMaxStringElementBytes + 1);
  EXPECT_FALSE(store.add(huge).ok());
  StringRef broken{nullptr, 5};
  EXPECT_FALSE(geflow::rt::checkStringElements(&broken, 1, "x").ok());
  store.clear();
  EXPECT_EQ(store.bytes(), 0u);
}

} // namespace
