//===- PrecisionTest.cpp - Op-info libraries and precision rules ----------===//
//
// The shipped soc profiles against the ge dialect (every op with float data
// has op-info, host supports f32/f16/bf16 everywhere), the op-info loader's
// errors, slot binding, and the rule errors no shipped profile can reach.
//
//===----------------------------------------------------------------------===//
#include "dialects/ge/IR/GEDialect.h"
#include "dialects/ge/IR/GEOps.h"
#include "dialects/ge/Transforms/Precision/MixList.h"
#include "dialects/ge/Transforms/Precision/PrecisionRules.h"
#include "geflow/Compiler/Options.h"
#include "geflow/SocInfo/OpInfo.h"

#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace geflow::ge::precision;
using geflow::rt::DType;

namespace {

const SocProfile &profile(const std::string &soc) {
  std::string error;
  const SocProfile *p = getSocProfile(soc, error);
  EXPECT_NE(p, nullptr) << error;
  return *p;
}

bool isFloat(DType t) {
  return t == DType::F32 || t == DType::F16 || t == DType::BF16;
}

/// Whether some column runs every float slot of `info` in `t`.
bool supportsUniform(const OpInfo &info, DType t) {
  for (size_t c = 0; c < info.numColumns(); ++c) {
    bool ok = true, any = false;
    for (const auto *slots : {&info.inputs, &info.outputs})
      for (const OpSlot &s : *slots) {
        bool floatSlot = std::any_of(s.dtypes.begin(), s.dtypes.end(), isFloat);
        if (floatSlot) {
          ok &= s.dtypes[c] == t;
          any = true;
        }
      }
    if (ok && any)
      return true;
  }
  return false;
}

TEST(OpInfo, BuiltinSocsAndDefaults) {
  std::vector<std::string> socs = getBuiltinSocNames();
  EXPECT_EQ(socs, (std::vector<std::string>{"Ascend310P3", "host"}));
  EXPECT_EQ(profile("host").defaultMode, "must_keep_origin_dtype");
  EXPECT_EQ(profile("Ascend310P3").defaultMode, "force_fp16");
  // soc_version accepts exactly the shipped profiles.
  const geflow::OptionSpec *spec =
      geflow::OptionsRegistry::get().find("soc_version");
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->allowed, socs);
  std::string error;
  EXPECT_EQ(getSocProfile("Ascend910", error), nullptr);
  EXPECT_EQ(error, "unknown soc 'Ascend910' (profiles: Ascend310P3, host)");
}

// A new ge op needs op-info in every soc, or precision modes leave it in
// its original dtype ("not in the op-info").
TEST(OpInfo, EveryGeOpWithDataHasOpInfo) {
  mlir::MLIRContext ctx;
  ctx.loadDialect<geflow::ge::GEDialect>();
  const std::set<std::string> noData = {
      "Const", "FileConstant", "Variable", "Assign", "AssignAdd", "AssignSub",
      "HcomAllReduce", "HcomAllGather", "HcomReduceScatter", "HcomBroadcast",
      "HcomSend", "HcomReceive", "FusedElementwise", "Yield",
      // Control flow: its subgraphs hold
      // the kernels.
      "If", "While", "ControlCall"};
  // Import-time only (ONNX sequences and optionals): never lowered.
  const std::set<std::string> importOnly = {"SequenceConstruct",
                                            "OptionalConstruct"};
  int checked = 0;
  for (mlir::RegisteredOperationName op : ctx.getRegisteredOperations()) {
    if (op.getDialectNamespace() != "ge")
      continue;
    std::string type = op.getStringRef().drop_front(3).str();
    if (importOnly.count(type))
      continue;
    // Host-only ops run on the host CPU engine, outside the AI core's
    // op-info (GE keeps AICPU ops in a library of their own).
    if (noData.count(type) || op.hasTrait<geflow::ge::traits::HostOnlyKernel>())
      continue;
    ++checked;
    for (const std::string &soc : getBuiltinSocNames())
      EXPECT_NE(profile(soc).lookup(type), nullptr)
          << "socs/" << soc << "/aic-" << soc
          << "-ops-info.json has no entry for " << type;
  }
  EXPECT_GT(checked, 50);
}

TEST(OpInfo, HostRunsEveryOpInEveryFloatDtype) {
  for (const std::string &type : profile("host").opTypes()) {
    const OpInfo &info = *profile("host").lookup(type);
    bool hasFloat = false;
    for (const auto *slots : {&info.inputs, &info.outputs})
      for (const OpSlot &s : *slots)
        hasFloat |= std::any_of(s.dtypes.begin(), s.dtypes.end(), isFloat);
    if (!hasFloat || type == "Cast")
      continue;
    for (DType t : {DType::F32, DType::F16, DType::BF16})
      EXPECT_TRUE(supportsUniform(info, t))
          << type << " lacks " << geDTypeName(t).str();
  }
}

TEST(OpInfo, AscendProfileLacksFloat32ForCubeOpsAndPools) {
  const SocProfile &ascend = profile("Ascend310P3");
  for (const char *type : {"Conv2D", "Conv2DTranspose", "MatMulV2",
                           "BatchMatMulV2", "MaxPool", "AvgPool"})
    EXPECT_FALSE(supportsUniform(*ascend.lookup(type), DType::F32)) << type;
  EXPECT_TRUE(supportsUniform(*ascend.lookup("Softmax"), DType::F32));
  for (const std::string &type : ascend.opTypes())
    for (const auto *slots :
         {&ascend.lookup(type)->inputs, &ascend.lookup(type)->outputs})
      for (const OpSlot &s : *slots)
        EXPECT_EQ(std::count(s.dtypes.begin(), s.dtypes.end(), DType::BF16), 0)
            << type;
  // The lists are GE's: Cube ops white, numerically sensitive ops black.
  EXPECT_EQ(ascend.lookup("MatMulV2")->reduce, ReduceFlag::White);
  EXPECT_EQ(ascend.lookup("LayerNorm")->reduce, ReduceFlag::Black);
  EXPECT_EQ(ascend.lookup("Relu")->reduce, ReduceFlag::Gray);
  EXPECT_TRUE(ascend.lookup("Conv2D")->isCube());
  EXPECT_FALSE(ascend.lookup("Add")->isCube());
}

std::string loadError(const std::string &ops, const std::string &platform) {
  std::string error;
  auto p = parseSocProfile("t", ConfigText{"ops.json", ops},
                           ConfigText{"platform.json", platform}, error);
  EXPECT_FALSE(p.has_value());
  return error;
}

TEST(OpInfo, LoaderErrors) {
  const std::string platform =
      R"({"soc_version": "t", "default_precision_mode": "force_fp16"})";
  EXPECT_EQ(loadError("{", platform),
            "ops.json:1:2: invalid JSON: Expected object key");
  EXPECT_EQ(loadError("[]", platform),
            "ops.json:1:1: expected a JSON object of op types");
  EXPECT_EQ(loadError(R"({"Relu": 1})", platform),
            "ops.json:1:2: op 'Relu': expected an object");
  EXPECT_EQ(
      loadError(R"({"Relu": {"input0": {"name": "x", "dtype": "float"}}})",
                platform),
      "ops.json:1:2: op 'Relu': has no output0");
  EXPECT_EQ(
      loadError(R"({"Relu": {"input0": {"name": "x", "dtype": "float,float16"},
                                     "output0": {"name": "y", "dtype": "float"}}})",
                platform),
      "ops.json:1:2: op 'Relu': output0 lists 1 dtypes but input0 lists 2 "
      "(each list "
      "has one entry per supported combination)");
  EXPECT_EQ(loadError(R"({"Relu": {"input0": {"name": "x", "dtype": "double"},
                                     "output0": {"name": "y", "dtype": "float"}}})",
                      platform),
            "ops.json:1:2: op 'Relu': input0 lists unknown dtype 'double' "
            "(known: float, "
            "float16, bfloat16, int8, uint8, int32, int64, bool)");
  EXPECT_EQ(
      loadError(
          R"({"Relu": {"input0": {"name": "x", "dtype": "float", "paramType": "many"},
                                     "output0": {"name": "y", "dtype": "float"}}})",
          platform),
      "ops.json:1:2: op 'Relu': input0 has paramType 'many', expected "
      "required, "
      "optional or dynamic");
  EXPECT_EQ(loadError(R"({"Relu": {"input0": {"dtype": "float"},
                                     "output0": {"name": "y", "dtype": "float"}}})",
                      platform),
            "ops.json:1:2: op 'Relu': input0 needs string fields \"name\" and "
            "\"dtype\"");
  EXPECT_EQ(loadError(R"({"Relu": {"input1": {"name": "x", "dtype": "float"},
                                     "output0": {"name": "y", "dtype": "float"}}})",
                      platform),
            "ops.json:1:2: op 'Relu': 'input1' does not follow the slots "
            "before it (input "
            "slots are numbered from 0 without gaps)");
  EXPECT_EQ(loadError(R"({"Relu": {"output0": {"name": "y", "dtype": "float"},
                                     "precision_reduce": {"flag": "yes"}}})",
                      platform),
            "ops.json:1:2: op 'Relu': precision_reduce must be {\"flag\": "
            "\"true\"} or "
            "{\"flag\": \"false\"}");
  EXPECT_EQ(
      loadError(
          "{}",
          R"({"soc_version": "u", "default_precision_mode": "force_fp16"})"),
      "platform.json:1:2: soc_version is 'u' in the profile of soc 't'");
  EXPECT_EQ(
      loadError("{}",
                R"({"soc_version": "t", "default_precision_mode": "fast"})"),
      "platform.json:1:22: default_precision_mode 'fast' is not a "
      "precision_mode value");
  EXPECT_EQ(loadError("{}", R"({"soc_version": "t"})"),
            "platform.json: expected an object with \"soc_version\" and "
            "\"default_precision_mode\"");
}

TEST(OpInfo, BindSlots) {
  const SocProfile &host = profile("host");
  std::string error;
  // ConcatV2: one dynamic input slot.
  auto concat = bindSlots(*host.lookup("ConcatV2"), 3, 1, error);
  ASSERT_TRUE(concat) << error;
  EXPECT_EQ(concat->operandSlot, (llvm::SmallVector<unsigned>{0, 0, 0}));
  // Split: a dynamic output slot.
  auto split = bindSlots(*host.lookup("Split"), 1, 4, error);
  ASSERT_TRUE(split) << error;
  EXPECT_EQ(split->resultSlot, (llvm::SmallVector<unsigned>{0, 0, 0, 0}));
  // Conv2D: the bias slot is optional.
  auto noBias = bindSlots(*host.lookup("Conv2D"), 2, 1, error);
  ASSERT_TRUE(noBias) << error;
  EXPECT_EQ(noBias->operandSlot, (llvm::SmallVector<unsigned>{0, 1}));
  auto bias = bindSlots(*host.lookup("Conv2D"), 3, 1, error);
  ASSERT_TRUE(bias) << error;
  EXPECT_EQ(bias->operandSlot, (llvm::SmallVector<unsigned>{0, 1, 2}));
  EXPECT_FALSE(bindSlots(*host.lookup("Conv2D"), 4, 1, error));
  EXPECT_EQ(error, "op-info of Conv2D describes 3 input slot(s), which cannot "
                   "take 4 input(s)");
  EXPECT_FALSE(bindSlots(*host.lookup("Relu"), 0, 1, error));
  EXPECT_EQ(error, "op-info of Relu describes 1 input slot(s), which cannot "
                   "take 0 input(s)");
}

TEST(PrecisionMode, Names) {
  EXPECT_EQ(parseMode("force_fp32"), Mode::CubeFp16InFp32Out);
  EXPECT_EQ(parseMode("cube_fp16in_fp32out"), Mode::CubeFp16InFp32Out);
  EXPECT_EQ(parseMode("allow_mix_precision"), Mode::MixedFp16);
  EXPECT_EQ(parseMode("allow_mix_precision_fp16"), Mode::MixedFp16);
  EXPECT_EQ(parseMode("allow_mix_precision_bf16"), Mode::MixedBf16);
  EXPECT_EQ(parseMode("allow_fp32_to_bf16"), Mode::AllowFp32ToBf16);
  EXPECT_FALSE(parseMode("fp16").has_value());
  EXPECT_EQ(*precisionModeOfV2("fp16"), "force_fp16");
  EXPECT_EQ(*precisionModeOfV2("origin"), "must_keep_origin_dtype");
  EXPECT_EQ(*precisionModeOfV2("cube_fp16in_fp32out"), "cube_fp16in_fp32out");
  EXPECT_EQ(*precisionModeOfV2("mixed_float16"), "allow_mix_precision_fp16");
  EXPECT_EQ(*precisionModeOfV2("mixed_bfloat16"), "allow_mix_precision_bf16");
  EXPECT_EQ(reducedDType(Mode::MixedBf16), DType::BF16);
  EXPECT_EQ(reducedDType(Mode::ForceFp16), DType::F16);
}

TEST(MixList, EditsFollowGE) {
  std::string error;
  ConfigText file{"m.json", R"({
    "black-list": {"to-add": ["MatMulV2"], "to-remove": ["Softmax"]},
    "white-list": {"to-add": ["Relu"], "to-remove": ["Conv2D"]},
    "gray-list": {"to-add": ["LayerNorm"]}
  })"};
  auto edits = parseMixList(file, profile("host"), error);
  ASSERT_TRUE(edits) << error;
  EXPECT_EQ(edits->lookup("MatMulV2"), ReduceFlag::Black); // white -> black
  EXPECT_EQ(edits->lookup("Softmax"), ReduceFlag::Gray);   // removed only
  EXPECT_EQ(edits->lookup("Relu"), ReduceFlag::White);     // gray -> white
  EXPECT_EQ(edits->lookup("Conv2D"), ReduceFlag::Gray);
  EXPECT_EQ(edits->lookup("LayerNorm"), ReduceFlag::Gray);
  EXPECT_EQ(edits->size(), 5u);
}

/// A synthetic op for the rules: float32 Relu-like with the given uniform
/// dtypes, or a Cube op.
struct SyntheticOp {
  OpInfo info;
  OpFacts facts;
  SyntheticOp(std::vector<DType> dtypes, bool cube, DType origin = DType::F32) {
    info.type = cube ? "MatMulV2" : "Relu";
    info.pattern = cube ? "Matmul" : "ElemWise";
    info.inputs = {OpSlot{"x", ParamType::Required, dtypes}};
    info.outputs = {OpSlot{"y", ParamType::Required, dtypes}};
    facts.info = &info;
    facts.binding.operandSlot = {0};
    facts.binding.resultSlot = {0};
    facts.operands = {origin};
    facts.results = {origin};
    facts.origin = origin;
    facts.label = info.type + " 'op'";
  }
};

std::string ruleError(const SyntheticOp &op, const std::string &mode,
                      ReduceFlag list = ReduceFlag::Gray) {
  RuleContext ctx;
  ctx.mode = *parseMode(mode);
  ctx.modeName = mode;
  ctx.soc = "test";
  ctx.list = list;
  std::string error;
  EXPECT_FALSE(decideByMode(op.facts, ctx, error).has_value()) << mode;
  return error;
}

std::string ruleReason(const SyntheticOp &op, const std::string &mode,
                       ReduceFlag list = ReduceFlag::Gray,
                       bool grayReduced = false) {
  RuleContext ctx;
  ctx.mode = *parseMode(mode);
  ctx.modeName = mode;
  ctx.soc = "test";
  ctx.list = list;
  ctx.gray.reduced = grayReduced;
  ctx.gray.producer = "input 'x'";
  std::string error;
  auto choice = decideByMode(op.facts, ctx, error);
  EXPECT_TRUE(choice.has_value()) << error;
  return choice ? choice->verdict(op.facts.origin) + ": " + choice->reason
                : error;
}

// Errors for profiles that lack what a mode needs (the shipped profiles all
// have float16, so these only arise with edited op-info).
TEST(PrecisionRules, ErrorsOfEveryMode) {
  SyntheticOp bf16Only({DType::BF16}, /*cube=*/false);
  EXPECT_EQ(ruleError(bf16Only, "force_fp16"),
            "force_fp16: Relu 'op' has no float16 or float32 implementation on "
            "soc test (its "
            "op-info supports bfloat16)");
  EXPECT_EQ(ruleError(bf16Only, "cube_fp16in_fp32out"),
            "cube_fp16in_fp32out: Relu 'op' has no float32, float32 or float16 "
            "implementation "
            "on soc test (its op-info supports bfloat16)");
  EXPECT_EQ(ruleError(bf16Only, "allow_fp32_to_fp16"),
            "allow_fp32_to_fp16: Relu 'op' has no implementation this mode may "
            "choose on soc "
            "test (its op-info supports bfloat16)");
  EXPECT_EQ(ruleError(bf16Only, "must_keep_origin_dtype"),
            "must_keep_origin_dtype: Relu 'op' is float32 but has no float32 "
            "implementation on "
            "soc test (its op-info supports bfloat16); must_keep_origin_dtype "
            "never lowers "
            "precision, choose a mode that may (allow_fp32_to_fp16, force_fp16 "
            "or a mixed mode)");
  EXPECT_EQ(ruleError(bf16Only, "allow_mix_precision", ReduceFlag::White),
            "allow_mix_precision: Relu 'op' has no float16 or float32 "
            "implementation on soc "
            "test (its op-info supports bfloat16)");
  EXPECT_EQ(ruleError(bf16Only, "allow_mix_precision", ReduceFlag::Gray),
            "allow_mix_precision: Relu 'op' has no float16 or float32 "
            "implementation on soc "
            "test (its op-info supports bfloat16)");
  SyntheticOp cubeBf16({DType::BF16}, /*cube=*/true);
  EXPECT_EQ(
      ruleError(cubeBf16, "cube_fp16in_fp32out"),
      "cube_fp16in_fp32out: MatMulV2 'op' has no float16-in/float32-out, "
      "float32 or "
      "float16 implementation on soc test (its op-info supports bfloat16)");
  EXPECT_EQ(ruleError(cubeBf16, "allow_fp32_to_fp16"),
            "allow_fp32_to_fp16: MatMulV2 'op' has no float16 or float32 "
            "implementation on soc "
            "test (its op-info supports bfloat16)");
  // An f16 op without f16 or f32 kernels under mixed precision.
  SyntheticOp halfOnBf16({DType::BF16}, /*cube=*/false, DType::F16);
  EXPECT_EQ(ruleError(halfOnBf16, "allow_mix_precision_bf16"),
            "allow_mix_precision_bf16: Relu 'op' has no float16 or float32 "
            "implementation on "
            "soc test (its op-info supports bfloat16)");
}

// Fallbacks: GE's second and third choices.
TEST(PrecisionRules, Fallbacks) {
  SyntheticOp f32Only({DType::F32}, /*cube=*/false);
  EXPECT_EQ(ruleReason(f32Only, "force_fp16"),
            "kept f32: force_fp16, but no float16 implementation");
  EXPECT_EQ(ruleReason(f32Only, "allow_mix_precision", ReduceFlag::White),
            "kept f32: white list, but no float16 implementation");
  EXPECT_EQ(
      ruleReason(f32Only, "allow_mix_precision", ReduceFlag::Gray,
                 /*reduced=*/true),
      "kept f32: gray list, follows input 'x', but no float16 implementation");
  SyntheticOp f16Only({DType::F16}, /*cube=*/false);
  EXPECT_EQ(ruleReason(f16Only, "allow_mix_precision", ReduceFlag::Gray),
            "reduced to f16: gray list, follows input 'x', but no float32 "
            "implementation");
  EXPECT_EQ(ruleReason(f16Only, "allow_fp32_to_fp16"),
            "reduced to f16: allow_fp32_to_fp16, vector op without float32");
  EXPECT_EQ(ruleReason(f16Only, "allow_fp32_to_bf16"),
            "reduced to f16: allow_fp32_to_bf16, vector op without float32 or "
            "bfloat16");
  SyntheticOp halfOnF32({DType::F32}, /*cube=*/false, DType::F16);
  EXPECT_EQ(ruleReason(halfOnF32, "must_keep_origin_dtype"),
            "raised to f32: must_keep_origin_dtype, no float16 implementation");
  EXPECT_EQ(ruleReason(halfOnF32, "force_fp16"),
            "raised to f32: force_fp16, but no float16 implementation");
  SyntheticOp cubeF32({DType::F32, DType::F16}, /*cube=*/true);
  EXPECT_EQ(
      ruleReason(cubeF32, "cube_fp16in_fp32out"),
      "kept f32: cube_fp16in_fp32out, cube op without float16-in/float32-out");
}

TEST(Options, PrecisionOptions) {
  std::string error;
  auto ok = geflow::OptionsRegistry::get().parse(
      {{"soc_version", "Ascend310P3"},
       {"print_precision_decisions", "1"},
       {"precision_mode_v2", "mixed_bfloat16"},
       {"modify_mixlist", "m.json"}},
      &error);
  ASSERT_TRUE(ok) << error;
  EXPECT_TRUE(ok->getBool("print_precision_decisions"));
  EXPECT_FALSE(geflow::OptionsRegistry::get().parse(
      {{"precision_mode", "allow_fp32_to_fp16"}, {"modify_mixlist", "m.json"}},
      &error));
  EXPECT_NE(error.find("option 'modify_mixlist' needs a mixed precision mode"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("the mode is 'allow_fp32_to_fp16'"), std::string::npos)
      << error;
}

} // namespace
