//===- Interop.h - From C API handles to the C++ runtime objects -*- C++
//-*-===//
//
// Libraries on top of the runtime (the Session API, Python) accept the C
// API's handles from users; these resolve them to the objects behind them.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_RUNTIME_INTEROP_H
#define GEFLOW_RUNTIME_INTEROP_H

#include "geflow/runtime/Status.h"
#include "geflow/runtime/gfrt.h"

#include <memory>

namespace geflow::rt {

class Stream;

/// The stream of a gfrtStream handle (NULL: the current device's default
/// stream); an unknown or destroyed handle is an error.
StatusOr<std::shared_ptr<Stream>> streamFromHandle(gfrtStream handle);

} // namespace geflow::rt

#endif
