//===- Passes.td - Conversion passes -------------------------*- tablegen -*-===//
#ifndef GEFLOW_CONVERSION_PASSES
#define GEFLOW_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def ConvertGEToNPU : Pass<"convert-ge-to-npu", "::mlir::ModuleOp"> {
  let summary = "Lower ge graphs to npu task programs: kernel selection and tiling";
  let description = [{
    Turns each `func.func` of ge ops into an `npu.program` of the same name.
    Every ge op picks a kernel of the kernel library (an op without one is
    an error naming it), and the kernel's own tiling function computes its
    block_dim, tiling data and workspace for the static shapes at hand.
    Constants become `npu.weight`s; a constant input the tiling asks to be
    pre-packed gets a packed copy made by the kernel's pack function.
    Reshape-like ops (Reshape, Squeeze, ExpandDims, Identity) become
    `npu.alias` views at no cost. Collectives (`Hcom*`) become
    `npu.collective` tasks.

    Every shape must be static by now; a dynamic input is an error naming the
    input and the dim (fix it with `--input_shape`).

    Operator tuning (docs/tuning.md): a kernel whose shape has an entry in
    the op bank (`op-bank-path`) is tiled with the entry's hint (kept as the
    kernel's `aoe_tiling` attribute), after the kernel's tiling check
    accepts the result. With `aoe-mode=2` a tunable kernel without an
    entry is timed on this machine under its candidate tilings first and
    the fastest is added to the bank.
  }];
  let options = [
    Option<"soc", "soc", "std::string", /*default=*/"\"host\"",
           "Soc profile to tile for">,
    Option<"cores", "cores", "unsigned", /*default=*/"0",
           "AI cores to tile for (0: the soc's count)">,
    Option<"prepack", "prepack", "bool", /*default=*/"true",
           "Let tiling functions ask for constant inputs to be pre-packed">,
    Option<"implMode", "impl-mode", "std::string", /*default=*/"\"\"",
           "op_select_implmode: high_precision, high_performance or their "
           "_for_all forms (\"\": each kernel's default)">,
    ListOption<"implModeOpTypes", "impl-mode-op-types", "std::string",
               "optypelist_for_implmode: the op types the mode applies to "
               "(none: every op type)">,
    Option<"aoeMode", "aoe-mode", "unsigned", /*default=*/"0",
           "aoe_mode: 2 times candidate tilings of each tunable kernel and "
           "stores the fastest in the op bank (0: no tuning)">,
    Option<"opBankPath", "op-bank-path", "std::string", /*default=*/"\"\"",
           "op_bank_path: directory of the tuned op bank, read by every "
           "compile (\"\": none)">,
    ListOption<"tuneOpsName", "tune-ops-name", "std::string",
               "aoe_config_file's tune_ops_name: node names to tune">,
    ListOption<"tuneOpsType", "tune-ops-type", "std::string",
               "aoe_config_file's tune_ops_type: op types to tune (neither "
               "list: every tunable op)">,
    Option<"aoeTimeLimit", "aoe-time-limit", "unsigned", /*default=*/"600",
           "aoe_time_limit: most seconds spent timing kernels">
  ];
  let dependentDialects = ["::geflow::npu::NPUDialect"];
}

#endif
