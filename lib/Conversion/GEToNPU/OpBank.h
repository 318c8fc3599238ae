//===- OpBank.h - The tuned op bank (aoe_mode's knowledge file) -*- C++ -*-===//
//
// One JSON file, <op_bank_path>/geflow_op_bank.json, maps a kernel shape on
// a machine (soc profile, ISA, cores, kernel, tensor descriptors,
// attributes) to the tiling hint tuning found fastest there:
//
//   {"format": "geflow-op-bank", "version": 1, "entries": [
//     {"soc": "Ascend910B", "isa": "avx512", "cores": 2,
//      "kernel": "conv2d", "dtype": "float32",
//      "tensors": "f32[1,64,56,56]NCHW f32[64,64,3,3]NCHW:const -> ...",
//      "attrs": "dilations=[1,1];groups=1;...",
//      "tiling": [kc, mc, nc, blocks, variant, rows],
//      "tuned_us": 410.2, "default_us": 431.7}]}
//
// `tiling` is the kernels' TilingHint (geflow/kernels/Tuning.h); the
// timings are informative. The loader reads the file with the input
// limits and rejects anything malformed with the file and entry named.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_CONVERSION_GETONPU_OPBANK_H
#define GEFLOW_LIB_CONVERSION_GETONPU_OPBANK_H

#include "geflow/kernels/Kernel.h"
#include "geflow/kernels/Tuning.h"

#include <map>
#include <string>

namespace geflow::conversion {

/// What identifies a kernel shape on a machine.
struct OpBankKey {
  std::string soc, isa;
  int64_t cores = 0;
  std::string kernel, dtype, tensors, attrs;

  /// The key for a kernel tiled with `ctx` (its hint attribute left out).
  static OpBankKey of(const std::string &soc, const kernels::SocInfo &info,
                      const std::string &kernel,
                      const kernels::TilingContext &ctx);
  bool operator<(const OpBankKey &o) const;
};

struct OpBankEntry {
  kernels::TilingHint hint;
  double tunedUs = 0, defaultUs = 0;
  /// Position in the file (0-based), for error messages; -1 when new.
  int64_t index = -1;
};

class OpBank {
public:
  /// The bank file inside the directory `dir`.
  static std::string fileIn(const std::string &dir);

  /// Loads `file` (absent: an empty bank). "" or an error naming the file
  /// and the entry at fault.
  std::string load(const std::string &file);
  /// Writes the bank to `file` (through a temporary file and a rename, so a
  /// reader never sees half a file), creating its directory. "" or why not.
  std::string save(const std::string &file) const;

  const OpBankEntry *find(const OpBankKey &key) const;
  void set(const OpBankKey &key, OpBankEntry entry);
  size_t size() const { return entries_.size(); }

private:
  std::map<OpBankKey, OpBankEntry> entries_;
};

} // namespace geflow::conversion

#endif
