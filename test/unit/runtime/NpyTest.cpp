// .npy reading and writing: round trips of every dtype, files as NumPy
// writes them, and malformed files (every truncation, random corruption of
// the header) that must be clear errors, never crashes (also under ASan).
#include "geflow/runtime/Npy.h"
#include "geflow/runtime/Strings.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <unistd.h>

using namespace geflow::rt;

namespace {

std::vector<uint8_t> bytesOf(const std::string &s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

// A file exactly as numpy.save writes float32 [[0, 1, 2], [3, 4, 5]].
std::vector<uint8_t> numpyFile() {
  std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  dict.append(118 - dict.size() - 1, ' ');
  dict += '\n';
  std::string file =
      std::string("\x93NUMPY\x01\x00", 8) + char(118) + char(0) + dict;
  for (int i = 0; i < 6; ++i) {
    float v = float(i);
    file.append(reinterpret_cast<const char *>(&v), 4);
  }
  return bytesOf(file);
}

std::vector<uint8_t> withHeader(const std::string &dict, size_t dataBytes,
                                uint8_t major = 1) {
  std::string file = std::string("\x93NUMPY", 6) + char(major) + char(0);
  uint32_t len = static_cast<uint32_t>(dict.size());
  file += char(len & 0xff);
  file += char(len >> 8);
  if (major >= 2) {
    file += char(len >> 16);
    file += char(len >> 24);
  }
  file += dict;
  file.append(dataBytes, '\0');
  return bytesOf(file);
}

void expectError(const std::vector<uint8_t> &bytes, const std::string &fragment,
                 ErrorCode code = ErrorCode::kCorruptFile) {
  auto parsed = parseNpy(bytes.data(), bytes.size(), "in.npy");
  ASSERT_FALSE(parsed.ok()) << "expected: " << fragment;
  EXPECT_EQ(parsed.status().code(), code) << parsed.status().toString();
  EXPECT_NE(parsed.status().message().find(fragment), std::string::npos)
      << parsed.status().message();
  EXPECT_EQ(parsed.status().message().rfind("in.npy", 0), 0u)
      << "errors name the file: " << parsed.status().message();
}

} // namespace

TEST(Npy, ReadsWhatNumpyWrites) {
  std::vector<uint8_t> file = numpyFile();
  auto a = parseNpy(file.data(), file.size(), "a.npy");
  ASSERT_TRUE(a.ok()) << a.status().toString();
  EXPECT_EQ(a->descr, "<f4");
  EXPECT_EQ(a->dtype, DType::F32);
  EXPECT_EQ(a->shape, (std::vector<int64_t>{2, 3}));
  ASSERT_EQ(a->data.size(), 24u);
  EXPECT_EQ(reinterpret_cast<const float *>(a->data.data())[5], 5.f);
}

TEST(Npy, RoundTripsEveryDtype) {
  for (DType t : {DType::F32, DType::F16, DType::BF16, DType::I8, DType::U8,
                  DType::I32, DType::I64, DType::Bool}) {
    for (std::vector<int64_t> shape :
         {std::vector<int64_t>{}, {7}, {2, 0, 3}, {2, 3, 5}}) {
      size_t bytes = dtypeSize(t) * numElements(shape);
      std::vector<uint8_t> data(bytes);
      for (size_t i = 0; i < bytes; ++i)
        data[i] = t == DType::Bool ? i % 2 : uint8_t(i * 37 + 1);
      std::vector<uint8_t> file = encodeNpy(t, shape, data.data());
      EXPECT_EQ((file.size() - bytes) % 64, 0u)
          << "data starts 64-byte aligned";
      auto back = parseNpy(file.data(), file.size(), "rt.npy");
      ASSERT_TRUE(back.ok()) << back.status().toString();
      EXPECT_EQ(back->dtype, t);
      EXPECT_EQ(back->descr, npyDescr(t));
      EXPECT_EQ(back->shape, shape);
      EXPECT_EQ(back->data, data);
    }
  }
  EXPECT_EQ(npyDescr(DType::BF16), "<u2");
  EXPECT_EQ(npyDescr(DType::Bool), "|b1");
}

TEST(Npy, WritesAndReadsFiles) {
  char path[] = "/tmp/geflow-npy-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::vector<int32_t> v = {1, -2, 3};
  ASSERT_TRUE(writeNpy(path, DType::I32, {3}, v.data()).ok());
  auto back = readNpy(path);
  unlink(path);
  ASSERT_TRUE(back.ok()) << back.status().toString();
  EXPECT_EQ(back->shape, (std::vector<int64_t>{3}));
  EXPECT_EQ(reinterpret_cast<const int32_t *>(back->data.data())[1], -2);

  auto missing = readNpy("/nonexistent/x.npy");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kIoError);
  EXPECT_NE(missing.status().message().find("/nonexistent/x.npy"),
            std::string::npos);
}

TEST(Npy, AcceptsOtherDtypesAndHeaderSpellings) {
  // Complex is no plain little-endian kind: refused.
  auto c8 = withHeader(
      "{\"shape\": (2,), \"fortran_order\": False, \"descr\": \"<c8\"}\n", 16);
  auto a = parseNpy(c8.data(), c8.size(), "c8.npy");
  ASSERT_FALSE(a.ok()); // complex is no plain kind
  // The host-engine dtypes read as themselves; '<u2' is bfloat16's carrier
  // and serves a uint16 tensor too.
  struct Case {
    const char *descr;
    DType dtype;
    size_t itemSize;
  };
  for (Case c : {Case{"<f8", DType::F64, 8}, Case{"<i2", DType::I16, 2},
                 Case{"<u4", DType::U32, 4}, Case{"<u8", DType::U64, 8},
                 Case{"<u2", DType::BF16, 2}}) {
    auto bytes = withHeader(std::string("{'descr': '") + c.descr +
                                "', 'fortran_order': False, 'shape': (2,), }\n",
                            2 * c.itemSize);
    auto arr = parseNpy(bytes.data(), bytes.size(), "t.npy");
    ASSERT_TRUE(arr.ok()) << c.descr << ": " << arr.status().toString();
    EXPECT_EQ(arr->dtype, c.dtype) << c.descr;
    EXPECT_EQ(arr->itemSize, c.itemSize) << c.descr;
    EXPECT_TRUE(npyHolds(*arr, c.dtype));
    EXPECT_EQ(npyHolds(*arr, DType::U16), c.dtype == DType::BF16);
    EXPECT_EQ(npyDescr(c.dtype == DType::BF16 ? DType::U16 : c.dtype), c.descr);
  }
  // Version 2.0 and 3.0 headers.
  for (uint8_t major : {2, 3}) {
    auto v = withHeader(
        "{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }\n", 4,
        major);
    auto b = parseNpy(v.data(), v.size(), "v.npy");
    ASSERT_TRUE(b.ok()) << b.status().toString();
    EXPECT_EQ(b->dtype, DType::U8);
  }
}

TEST(Npy, MalformedFilesAreClearErrors) {
  expectError(bytesOf("PK\x03\x04 not numpy at all"),
              "does not start with the .npy magic");
  expectError(withHeader("{}", 0, 9), "unsupported format version 9.0");
  std::vector<uint8_t> past = numpyFile();
  past[8] = 0xff;
  past[9] = 0x7f;
  expectError(past, "the header runs past the end of the file");
  expectError(
      withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                 20),
      "the data has 20 bytes, but shape [2,3] of '<f4' needs 24");
  expectError(
      withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                 28),
      "the data has 28 bytes");
  expectError(
      withHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", 8),
      "Fortran-order arrays are not supported", ErrorCode::kUnsupported);
  expectError(
      withHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }",
                 8),
      "dtype '>f4' is not supported", ErrorCode::kUnsupported);
  expectError(
      withHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }",
                 16),
      "dtype '<c8' is not supported", ErrorCode::kUnsupported);
  expectError(
      withHeader(
          "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }",
          8),
      "structured dtypes");
  expectError(withHeader("{'descr': '<f4', 'shape': (2,), }", 8),
              "lacks 'fortran_order'");
  expectError(
      withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }",
                 8),
      "tuple of non-negative integers");
  expectError(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': "
                         "(4294967296, 4294967296, 4294967296), }",
                         8),
              "element count overflows");
  expectError(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': "
                         "(99999999999999999999,), }",
                         8),
              "too large");
  expectError(
      withHeader(
          "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", 8),
      "unexpected header key 'x'");
  expectError(
      withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} junk",
                 8),
      "unexpected text after the header dict");
  expectError(withHeader("{'descr: '<f4'", 8), "expected ':'");
}

TEST(Npy, EveryTruncationIsAnError) {
  std::vector<uint8_t> file = numpyFile();
  for (size_t n = 0; n < file.size(); ++n) {
    auto parsed = parseNpy(file.data(), n, "cut.npy");
    EXPECT_FALSE(parsed.ok()) << "prefix of " << n << " bytes parsed";
  }
}

TEST(Npy, CorruptedHeadersNeverCrash) {
  std::vector<uint8_t> file = numpyFile();
  std::mt19937 gen(42);
  const char alphabet[] = "{}()[],:'\" 0123456789TrueFalse<>|fiub-\n\x00\xff";
  int ok = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    std::vector<uint8_t> mutated = file;
    int edits = 1 + gen() % 4;
    for (int e = 0; e < edits; ++e) {
      size_t at = gen() % 128; // magic, lengths and header
      mutated[at] = gen() % 2
                        ? uint8_t(gen())
                        : uint8_t(alphabet[gen() % (sizeof(alphabet) - 1)]);
    }
    auto parsed = parseNpy(mutated.data(), mutated.size(), "fuzz.npy");
    if (parsed.ok()) {
      ++ok;
      // Whatever parsed is self-consistent.
      EXPECT_EQ(parsed->data.size(),
                parsed->itemSize *
                    static_cast<size_t>(numElements(parsed->shape)));
    }
  }
  EXPECT_GT(ok, 0); // padding edits keep the file valid
}

TEST(Npy, StringsReadFromUnicodeAndBytesAndRoundTrip) {
  // np.array(['ab', 'é']) is '<U2': UTF-32, NUL-padded.
  std::string data;
  for (char32_t c : {U'a', U'b', U'\u00e9', U'\0'})
    data.append(reinterpret_cast<const char *>(&c), 4);
  std::string dict =
      "{'descr': '<U2', 'fortran_order': False, 'shape': (2,), }";
  std::vector<uint8_t> file = withHeader(dict, 0);
  file.insert(file.end(), data.begin(), data.end());
  auto u = parseNpy(file.data(), file.size(), "u.npy");
  ASSERT_TRUE(u.ok()) << u.status().toString();
  EXPECT_EQ(u->dtype, DType::String);
  auto texts = npyStrings(*u, "u.npy");
  ASSERT_TRUE(texts.ok());
  EXPECT_EQ(*texts, (std::vector<std::string>{"ab", "\xc3\xa9"}));

  // np.array([b'x', b'\xff\x00z']) is '|S3': NUL-padded bytes (trailing
  // NULs dropped, inner ones kept).
  std::string bytes = std::string("x\0\0", 3) + std::string("\xff\0z", 3);
  std::vector<uint8_t> sfile = withHeader(
      "{'descr': '|S3', 'fortran_order': False, 'shape': (2,), }", 0);
  sfile.insert(sfile.end(), bytes.begin(), bytes.end());
  auto s = parseNpy(sfile.data(), sfile.size(), "s.npy");
  ASSERT_TRUE(s.ok()) << s.status().toString();
  auto raw = npyStrings(*s, "s.npy");
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(*raw, (std::vector<std::string>{"x", std::string("\xff\0z", 3)}));

  // Written back: UTF-8 text as '<U', other bytes as '|S'.
  std::vector<std::string> keep = {"ab", "\xc3\xa9", ""};
  std::vector<StringRef> refs;
  for (const std::string &k : keep)
    refs.push_back({k.data(), k.size()});
  std::vector<uint8_t> out = encodeNpy(DType::String, {3}, refs.data());
  auto back = parseNpy(out.data(), out.size(), "back.npy");
  ASSERT_TRUE(back.ok()) << back.status().toString();
  EXPECT_EQ(back->descr, "<U2");
  EXPECT_EQ(*npyStrings(*back, "back.npy"), keep);
  std::string odd("\xff\xfe", 2);
  StringRef oddRef{odd.data(), odd.size()};
  std::vector<uint8_t> outS = encodeNpy(DType::String, {1}, &oddRef);
  auto backS = parseNpy(outS.data(), outS.size(), "backS.npy");
  ASSERT_TRUE(backS.ok());
  EXPECT_EQ(backS->descr, "|S2");
  EXPECT_EQ(*npyStrings(*backS, "backS.npy"), std::vector<std::string>{odd});
}

TEST(Npy, MalformedStringsAreClearErrors) {
  // '|U' is not a NumPy spelling; U0 holds nothing.
  expectError(
      withHeader("{'descr': '|U4', 'fortran_order': False, 'shape': (1,), }",
                 16),
      "is not supported", ErrorCode::kUnsupported);
  expectError(
      withHeader("{'descr': '<U0', 'fortran_order': False, 'shape': (1,), }",
                 0),
      "is not supported", ErrorCode::kUnsupported);
  // Elements past the string size limit.
  expectError(withHeader("{'descr': '<U999999999', 'fortran_order': False, "
                         "'shape': (1,), }",
                         0),
              "is not supported", ErrorCode::kUnsupported);
  // A UTF-32 unit that is no code point.
  uint32_t bad = 0x110000;
  std::vector<uint8_t> file = withHeader(
      "{'descr': '<U1', 'fortran_order': False, 'shape': (1,), }", 0);
  file.insert(file.end(), reinterpret_cast<uint8_t *>(&bad),
              reinterpret_cast<uint8_t *>(&bad) + 4);
  auto parsed = parseNpy(file.data(), file.size(), "bad.npy");
  ASSERT_TRUE(parsed.ok());
  auto texts = npyStrings(*parsed, "bad.npy");
  ASSERT_FALSE(texts.ok());
  EXPECT_NE(texts.status().message().find("no Unicode code point"),
            std::string::npos);
}
