#include "geflow/Support/InputLimits.h"
#include "geflow/Compiler/Options.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

using namespace geflow;

TEST(InputLimits, NestingCountsBracketsOutsideStrings) {
  std::string deep = std::string(257, '[') + std::string(257, ']');
  EXPECT_NE(checkNesting(deep, NestingSyntax::Json)
                .find("more than 256 levels deep (at byte 256)"),
            std::string::npos);
  std::string ok = std::string(256, '{') + std::string(256, '}');
  EXPECT_EQ(checkNesting(ok, NestingSyntax::Json), "");
  // Brackets in strings (with escaped quotes) do not count.
  EXPECT_EQ(checkNesting("[\"\\\"" + std::string(300, '[') + "\"]",
                         NestingSyntax::Json),
            "");
  EXPECT_EQ(checkNesting("[1]", NestingSyntax::Json, 1), "");
  EXPECT_NE(checkNesting("[[1]]", NestingSyntax::Json, 1), "");
}

TEST(InputLimits, MlirNestingSkipsArrowsComparisonsAndComments) {
  // "->" closes nothing and "<=" / ">=" open or close nothing: otherwise a
  // long function signature would drift the depth.
  std::string arrows;
  for (int i = 0; i < 400; ++i)
    arrows += "(tensor<4xf32>) -> tensor<4xf32> #set<(d0) : (d0 - 1 >= 0, d0 "
              "<= 9)>\n";
  EXPECT_EQ(checkNesting(arrows, NestingSyntax::Mlir), "");
  EXPECT_EQ(
      checkNesting("// " + std::string(300, '(') + "\n", NestingSyntax::Mlir),
      "");
  EXPECT_NE(checkNesting(std::string(300, '<'), NestingSyntax::Mlir), "");
  EXPECT_NE(checkNesting(std::string(300, '('), NestingSyntax::Mlir), "");
  // JSON does not count parentheses.
  EXPECT_EQ(checkNesting(std::string(300, '('), NestingSyntax::Json), "");
}

TEST(InputLimits, ReadsRegularFilesOnlyWithinTheirBound) {
  std::string error;
  EXPECT_EQ(readInputFile("/dev/zero", 1 << 20, error), nullptr);
  EXPECT_EQ(error, "not a regular file");
  std::string dir = ::testing::TempDir();
  std::string fifo = dir + "/input-limits-fifo";
  ::unlink(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(readInputFile(fifo, 1 << 20, error),
            nullptr); // returns, never blocks
  EXPECT_EQ(error, "not a regular file");
  ::unlink(fifo.c_str());

  std::string path = dir + "/input-limits-file";
  FILE *f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fputs("0123456789", f);
  std::fclose(f);
  auto buffer = readInputFile(path, 10, error);
  ASSERT_NE(buffer, nullptr);
  EXPECT_EQ(buffer->getBuffer(), "0123456789");
  EXPECT_EQ(readInputFile(path, 9, error), nullptr);
  EXPECT_NE(error.find("the file has 10 bytes, more than the 9"),
            std::string::npos);
  ::unlink(path.c_str());
}

TEST(InputLimits, MemoryOptionsHaveDefaultsAndRejectZero) {
  std::string error;
  auto opts = OptionsRegistry::get().parse({}, &error);
  ASSERT_TRUE(opts);
  EXPECT_EQ(opts->getInt("graph_memory_max_size", 0), 26843545600);
  EXPECT_EQ(opts->getInt("constant_max_size", 0), int64_t(1) << 31);
  EXPECT_FALSE(
      OptionsRegistry::get().parse({{"graph_memory_max_size", "0"}}, &error));
  EXPECT_NE(error.find("graph_memory_max_size"), std::string::npos);
  EXPECT_FALSE(
      OptionsRegistry::get().parse({{"constant_max_size", "1.5"}}, &error));
}
