#include "geflow/Compiler/Options.h"
#include "geflow/Compiler/ShapeOptions.h"

#include <gtest/gtest.h>

using namespace geflow;

namespace {
std::string parseError(std::map<std::string, std::string> raw) {
  std::string error;
  auto opts = OptionsRegistry::get().parse(raw, &error);
  EXPECT_FALSE(opts.has_value());
  return error;
}
} // namespace

TEST(Options, ValidValuesAndDefaults) {
  std::string error;
  auto opts = OptionsRegistry::get().parse(
      {{"precision_mode", "allow_mix_precision"},
       {"ge.graphRunMode", "0"},
       {"external_weight", "True"},
       {"stream_max_parallel_num", "AIcoreEngine:2"}},
      &error);
  ASSERT_TRUE(opts.has_value()) << error;
  EXPECT_EQ(*opts->get("precision_mode"), "allow_mix_precision");
  // Aliases land on the canonical name.
  EXPECT_EQ(*opts->get("graph_run_mode"), "0");
  EXPECT_TRUE(opts->getBool("external_weight"));
  EXPECT_EQ(*opts->get("soc_version"), "host"); // default
  EXPECT_FALSE(opts->get("modify_mixlist").has_value());
}

TEST(Options, UnknownNameSuggestsNearest) {
  EXPECT_EQ(parseError({{"precison_mode", "force_fp16"}}),
            "unknown option 'precison_mode' (did you mean 'precision_mode'?)");
  EXPECT_EQ(parseError({{"zzzzzzzzzzzz", "1"}}),
            "unknown option 'zzzzzzzzzzzz'");
}

TEST(Options, BadValuesListAllowedValues) {
  std::string e = parseError({{"precision_mode", "fp64"}});
  EXPECT_NE(e.find("option 'precision_mode' has value 'fp64': allowed values "
                   "are force_fp16, "
                   "force_fp32, cube_fp16in_fp32out"),
            std::string::npos)
      << e;
  EXPECT_NE(parseError({{"ge.exec.deviceId", "-1"}})
                .find("expected an integer in [0, 1023]"),
            std::string::npos);
  EXPECT_NE(
      parseError({{"external_weight", "maybe"}}).find("expected true or false"),
      std::string::npos);
  EXPECT_NE(
      parseError({{"graph_run_mode", "1"}}).find("training) is not supported"),
      std::string::npos);
  EXPECT_NE(parseError({{"stream_max_parallel_num", "AIcoreEngine:x"}})
                .find("Engine:count"),
            std::string::npos);
}

TEST(Options, EveryProblemIsReported) {
  std::string e = parseError({{"precision_mode", "x"}, {"unknown_thing", "1"}});
  EXPECT_NE(e.find("precision_mode"), std::string::npos);
  EXPECT_NE(e.find("unknown_thing"), std::string::npos);
  EXPECT_NE(e.find('\n'), std::string::npos);
}

TEST(Options, ExclusiveCombinations) {
  EXPECT_NE(parseError({{"precision_mode", "force_fp16"},
                        {"precision_mode_v2", "fp16"}})
                .find("cannot be used together"),
            std::string::npos);
  EXPECT_NE(parseError({{"dynamic_dims", "1;2"}, {"dynamic_batch_size", "1,2"}})
                .find("only one of"),
            std::string::npos);
}

TEST(ShapeOptions, InputShape) {
  std::string error;
  auto shapes = parseInputShape("x:1,3,224,224;in:0:1,-1;scalar:", &error);
  ASSERT_TRUE(shapes.has_value()) << error;
  ASSERT_EQ(shapes->size(), 3u);
  EXPECT_EQ((*shapes)[0].name, "x");
  EXPECT_EQ((*shapes)[0].dims, (std::vector<int64_t>{1, 3, 224, 224}));
  EXPECT_EQ((*shapes)[1].name, "in:0");
  EXPECT_EQ((*shapes)[1].dims, (std::vector<int64_t>{1, -1}));
  EXPECT_TRUE((*shapes)[2].dims.empty());
  EXPECT_FALSE(parseInputShape("x1,3", &error));
  EXPECT_NE(error.find("must be name:dims"), std::string::npos);
  EXPECT_FALSE(parseInputShape("x:1,-2", &error));
  EXPECT_FALSE(parseInputShape("x:1;x:2", &error));
  EXPECT_NE(error.find("listed twice"), std::string::npos);
}

TEST(ShapeOptions, GearsAndRanges) {
  std::string error;
  auto gears = parseDynamicDims("20,20,1,1;40,40,2,2", &error);
  ASSERT_TRUE(gears);
  EXPECT_EQ(gears->size(), 2u);
  EXPECT_EQ((*gears)[1], (std::vector<int64_t>{40, 40, 2, 2}));
  EXPECT_FALSE(parseDynamicDims("1,2;;3", &error));
  auto batch = parseDynamicBatch("1,2,4,8", &error);
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->size(), 4u);
  EXPECT_FALSE(parseDynamicBatch("1,0", &error));
  auto ranges = parseShapeRange("data:[1~8,3,224,-1];mask:[]", &error);
  ASSERT_TRUE(ranges) << error;
  EXPECT_EQ((*ranges)[0].dims[0], (std::pair<int64_t, int64_t>{1, 8}));
  EXPECT_EQ((*ranges)[0].dims[1], (std::pair<int64_t, int64_t>{3, 3}));
  EXPECT_EQ((*ranges)[0].dims[3], (std::pair<int64_t, int64_t>{1, -1}));
  EXPECT_TRUE((*ranges)[1].dims.empty());
  EXPECT_FALSE(parseShapeRange("data:[8~1]", &error));
  EXPECT_FALSE(parseShapeRange("data:1,2", &error));
}

TEST(Options, TimeoutsAndMemoryBounds) {
  std::string error;
  auto opts = OptionsRegistry::get().parse(
      {{"op_execute_timeout", "90"},
       {"stream_sync_timeout", "-1"},
       {"event_sync_timeout", "60000"},
       {"variable_memory_max_size", "10737418240"}},
      &error);
  ASSERT_TRUE(opts.has_value()) << error;
  EXPECT_EQ(opts->getInt("op_execute_timeout", 0), 90);
  EXPECT_EQ(opts->getInt("stream_sync_timeout", 0), -1);
  // Unset timeouts default to -1 (wait forever), as in GE.
  auto none = OptionsRegistry::get().parse({}, &error);
  ASSERT_TRUE(none.has_value()) << error;
  EXPECT_EQ(none->getInt("event_sync_timeout", 0), -1);
  EXPECT_NE(parseError({{"op_execute_timeout", "1.5"}})
                .find("option 'op_execute_timeout' has value '1.5': "
                      "expected an integer"),
            std::string::npos);
  EXPECT_NE(parseError({{"event_sync_timeout", "-5"}})
                .find("expected an integer in [-1, 1000000000]"),
            std::string::npos);
  EXPECT_NE(parseError({{"variable_memory_max_size", "0"}})
                .find("option 'variable_memory_max_size' has value '0'"),
            std::string::npos);
}
