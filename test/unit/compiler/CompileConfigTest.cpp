//===- CompileConfigTest.cpp - GE options to typed settings, and back -----===//
#include "geflow/Compiler/CompileConfig.h"
#include "geflow/Compiler/Pipeline.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace geflow;

namespace {

CompileConfig parse(const std::map<std::string, std::string> &raw) {
  std::string error;
  auto options = OptionsRegistry::get().parse(raw, &error);
  EXPECT_TRUE(options.has_value()) << error;
  std::optional<CompileConfig> config = parseCompileConfig(*options, error);
  EXPECT_TRUE(config.has_value()) << error;
  return config.value_or(CompileConfig());
}

/// What is between the braces of printCompilePipeline's text.
std::string optionsOf(const std::string &pipeline) {
  size_t open = pipeline.find('{'), close = pipeline.rfind('}');
  if (open == std::string::npos)
    return "";
  return pipeline.substr(open + 1, close - open - 1);
}

} // namespace

TEST(CompileConfig, ParsesEveryOptionOnce) {
  CompileConfig c =
      parse({{"precision_mode_v2", "mixed_bfloat16"},
             {"input_shape", "x:-1,3,8,8;m:-1,4"},
             {"dynamic_batch_size", "1,2,4"},
             {"keep_tensors_dtypes", "conv_1, relu_2,"},
             {"stream_max_parallel_num", "AIcoreEngine:3,Other:2"},
             {"print_precision_decisions", "true"}});
  ASSERT_TRUE(c.inputShapes.has_value());
  ASSERT_EQ(c.inputShapes->size(), 2u);
  EXPECT_EQ((*c.inputShapes)[1].name, "m");
  EXPECT_EQ((*c.inputShapes)[1].dims, (std::vector<int64_t>{-1, 4}));
  const PipelineConfig &p = c.pipeline;
  EXPECT_EQ(p.soc, "host");
  EXPECT_EQ(p.maxStreams, 3);
  EXPECT_TRUE(p.printPrecisionDecisions);
  EXPECT_EQ(p.precision.modeV2, "mixed_bfloat16");
  EXPECT_EQ(p.precision.mode,
            std::optional<std::string>("allow_mix_precision_bf16"));
  EXPECT_EQ(p.precision.keepTensorsDtypes,
            std::optional<std::vector<std::string>>({"conv_1", "relu_2"}));
  EXPECT_TRUE(p.precision.replaceGraphConfig);
  EXPECT_EQ(p.gears.kind, "dynamic_batch_size");
  EXPECT_EQ(p.gears.values, (std::vector<std::vector<int64_t>>{{1}, {2}, {4}}));
  // The gears see the same input shapes the import applies.
  ASSERT_TRUE(p.gears.inputShapes.has_value());
  EXPECT_EQ(p.gears.inputShapes->size(), 2u);
}

TEST(CompileConfig, FormatOptions) {
  // Defaults: the cost model decides, no small-channel path.
  EXPECT_EQ(parse({}).pipeline.formatSelection, "auto");
  EXPECT_FALSE(parse({}).pipeline.smallChannel);
  CompileConfig c =
      parse({{"format_selection", "nc1hwc0"}, {"ge.enableSmallChannel", "1"}});
  EXPECT_EQ(c.pipeline.formatSelection, "nc1hwc0");
  EXPECT_TRUE(c.pipeline.smallChannel);
  EXPECT_EQ(parse({{"format_selection", "nchw"}}).pipeline.formatSelection,
            "nchw");
  // Bad values are errors naming the option.
  for (auto [name, value] :
       {std::pair<const char *, const char *>{"format_selection", "5hd"},
        {"enable_small_channel", "2"},
        {"enable_small_channel", "yes"}}) {
    std::string error;
    EXPECT_FALSE(
        OptionsRegistry::get().parse({{name, value}}, &error).has_value())
        << name << "=" << value;
    EXPECT_NE(error.find(name), std::string::npos) << error;
  }
}

TEST(CompileConfig, NoPrecisionOptionKeepsTheGraphs) {
  CompileConfig c = parse({});
  EXPECT_FALSE(c.pipeline.precision.mode.has_value());
  EXPECT_FALSE(c.pipeline.precision.replaceGraphConfig);
  EXPECT_TRUE(c.pipeline.gears.kind.empty());
  EXPECT_FALSE(c.inputShapes.has_value());
  // soc_version alone replaces a graph's config (its soc changes).
  EXPECT_TRUE(
      parse({{"soc_version", "host"}}).pipeline.precision.replaceGraphConfig);
}

TEST(CompileConfig, BadFusionSwitchFileNamesTheFile) {
  std::string path = ::testing::TempDir() + "/bad-fusion.cfg";
  std::ofstream(path) << "{\"Switch\": {\"NoSuchSection\": {}}}";
  std::string error;
  auto options =
      OptionsRegistry::get().parse({{"fusion_switch_file", path}}, &error);
  ASSERT_TRUE(options.has_value()) << error;
  EXPECT_FALSE(parseCompileConfig(*options, error).has_value());
  EXPECT_NE(error.find(path), std::string::npos) << error;
}

// Every setting printed as a pipeline option parses back to itself.
TEST(CompilePipeline, PrintedOptionsParseBack) {
  PipelineConfig c;
  c.soc = "Ascend310P3";
  c.cores = 2;
  c.maxStreams = 3;
  c.inPlace = false;
  c.memoryStrategy = "size";
  c.prepackWeights = false;
  c.elideConcat = false;
  c.stopAfterGraph = true;
  c.printPrecisionDecisions = true;
  c.precision.mode = "force_fp16";
  c.precision.modifyMixlist = "dir with space/mix.json";
  c.precision.keepDtype = "keep.cfg";
  c.precision.customizeDtypes = "custom.cfg";
  c.precision.keepTensorsDtypes = std::vector<std::string>{"a", "b"};
  c.precision.replaceGraphConfig = true;
  c.gears.kind = "dynamic_dims";
  c.gears.values = {{4, 8}, {6, 16}};
  c.gears.inputShapes =
      std::vector<NamedShape>{{"x", {1, 3, -1, 8}}, {"m", {2, -1}}};
  c.gears.gearPadding = true;
  c.fusion = {false, false, false, false, false, false, false};
  c.formatSelection = "nc1hwc0";
  c.smallChannel = true;
  std::string text = printCompilePipeline(c);
  for (const char *name : {"soc=",
                           "cores=",
                           "max-streams=",
                           "in-place=",
                           "memory-strategy=",
                           "prepack-weights=",
                           "elide-concat=",
                           "stop-after-graph=",
                           "print-precision-decisions=",
                           "precision-mode=",
                           "modify-mixlist=",
                           "keep-dtype=",
                           "customize-dtypes=",
                           "keep-tensors-dtypes=",
                           "replace-precision-config=",
                           "input-shape=",
                           "dynamic-dims=",
                           "gear-padding=",
                           "conv-batchnorm-fusion=",
                           "conv-bias-add-fusion=",
                           "matmul-bias-add-fusion=",
                           "conv-elemwise-fusion=",
                           "matmul-elemwise-fusion=",
                           "eltwise-fusion=",
                           "gelu-fusion=",
                           "format-selection=",
                           "small-channel="})
    EXPECT_NE(text.find(name), std::string::npos)
        << name << " missing from " << text;

  std::string error;
  std::optional<PipelineConfig> back =
      parseCompilePipeline(optionsOf(text), error);
  ASSERT_TRUE(back.has_value()) << error << "\n" << text;
  EXPECT_EQ(printCompilePipeline(*back), text);
  EXPECT_EQ(back->precision.modifyMixlist, "dir with space/mix.json");
  EXPECT_EQ(back->gears.values, c.gears.values);
  EXPECT_EQ(back->precision.keepTensorsDtypes, c.precision.keepTensorsDtypes);
  EXPECT_FALSE(back->fusion.eltwise);
  EXPECT_EQ(back->formatSelection, "nc1hwc0");
  EXPECT_TRUE(back->smallChannel);

  // Defaults print no options at all.
  EXPECT_EQ(printCompilePipeline(PipelineConfig()),
            "builtin.module(geflow-compile-pipeline)");
}

TEST(CompilePipeline, BadOptionsAreErrors) {
  std::string error;
  EXPECT_FALSE(parseCompilePipeline("no-such-option=1", error).has_value());
  EXPECT_NE(error.find("no-such-option"), std::string::npos) << error;
  EXPECT_FALSE(
      parseCompilePipeline(
          "precision-mode=force_fp16 precision-mode-v2=mixed_float16", error)
          .has_value());
  EXPECT_NE(error.find("cannot be used together"), std::string::npos) << error;
  EXPECT_FALSE(
      parseCompilePipeline("dynamic-dims=1,2 dynamic-batch-size=1", error));
  EXPECT_NE(error.find("only one of"), std::string::npos) << error;
  EXPECT_FALSE(parseCompilePipeline("format-selection=5hd", error));
  EXPECT_NE(error.find("format-selection: '5hd'"), std::string::npos) << error;
}
