//===- OpTuner.h - Operator tuning (aoe_mode=2) and the op bank -*- C++ -*-===//
//
// Gives each kernel the tiling hint the op bank holds for its shape on this
// machine, after the kernel's tiling function and tiling check accept the
// hinted tiling (a bank entry is never used unchecked). Under aoe_mode=2 a
// tunable kernel without an entry is first timed under its candidate hints
// (KernelTimer), within the compile's time limit, and the fastest joins the
// bank, which finish() writes back.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_CONVERSION_GETONPU_OPTUNER_H
#define GEFLOW_LIB_CONVERSION_GETONPU_OPTUNER_H

#include "KernelTimer.h"
#include "OpBank.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace geflow::conversion {

struct OpTunerConfig {
  std::string soc;     // the soc profile (part of every key)
  unsigned mode = 0;   // aoe_mode: 0 or 2
  std::string bankDir; // op_bank_path ("": no bank)
  std::vector<std::string> opNames, opTypes; // aoe_config_file (empty: all)
  unsigned timeLimitSeconds = 600;
};

class OpTuner {
public:
  OpTuner(OpTunerConfig config, const kernels::SocInfo &info);
  ~OpTuner();

  /// Loads the bank; "" or an error naming the file and entry.
  std::string open();
  bool active() const { return !config_.bankDir.empty(); }

  /// The hint for kernel `def` about to be tiled with `ctx` for op
  /// `opName` of type `opType` (empty: the kernel's own tiling), tuning it
  /// first when aoe_mode asks. "" or an error.
  std::string hintFor(const kernels::KernelDef &def,
                      const kernels::TilingContext &ctx,
                      const std::string &opName, const std::string &opType,
                      kernels::TilingHint *hint);

  /// Writes the bank when tuning added entries; "" or an error.
  std::string finish();

  /// Kernel shapes tuned in this compile, and those left untuned when the
  /// time limit ran out.
  unsigned tuned() const { return tuned_; }
  unsigned skipped() const { return skipped_; }

private:
  bool selected(const std::string &opName, const std::string &opType) const;
  /// The tiling of `ctx` under `hint`, checked by the kernel's tiling check.
  rt::Status tileChecked(const kernels::KernelDef &def,
                         const kernels::TilingContext &ctx,
                         const kernels::TilingHint &hint,
                         kernels::TilingResult *tiling) const;
  /// Times the candidates of one kernel shape; nullopt when the time limit
  /// ran out first.
  std::optional<OpBankEntry> tune(const kernels::KernelDef &def,
                                  const kernels::TilingContext &ctx,
                                  std::string *error);
  bool outOfTime() const;

  OpTunerConfig config_;
  const kernels::SocInfo &info_;
  std::string file_;
  OpBank bank_;
  std::unique_ptr<KernelTimer> timer_;
  std::chrono::steady_clock::time_point deadline_;
  unsigned tuned_ = 0, skipped_ = 0;
};

} // namespace geflow::conversion

#endif
