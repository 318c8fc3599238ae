//===- MixList.h - modify_mixlist: edits of the mixed-precision lists -*- C++
//-*-//
//
// GE's modify_mixlist file edits the black/white/gray lists the op-info
// library defines:
//
//   {"black-list": {"to-add": ["A"], "to-remove": ["B"]},
//    "white-list": {"to-add": [...], "to-remove": [...]},
//    "gray-list":  {"to-add": [...], "to-remove": [...]}}
//
// Adding an op to a list moves it there from wherever it was. Removing it
// from a list without adding it elsewhere makes it gray (GE 5.1, example c).
// Contradictions are errors that name the op: an op added to two lists, or
// added to and removed from one list, or removed from a list it is not on.
// So are unknown keys and unknown op types (with the nearest known name).
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_DIALECTS_GE_TRANSFORMS_PRECISION_MIXLIST_H
#define GEFLOW_DIALECTS_GE_TRANSFORMS_PRECISION_MIXLIST_H

#include "geflow/SocInfo/OpInfo.h"

namespace geflow::ge::precision {

/// The lists after a modify_mixlist file: op type -> list, for the op
/// types the file moves.
using MixListEdits = llvm::StringMap<ReduceFlag>;

/// Parses `file` and checks it against `profile`'s lists. Errors are
/// "path:line:col: message".
std::optional<MixListEdits> parseMixList(const ConfigText &file,
                                         const SocProfile &profile,
                                         std::string &error);

} // namespace geflow::ge::precision

#endif
