//===- AirOpForms.h - GE op types on the wire <-> ge dialect ops -*- C++
//-*-===//
//
// The ge dialect names most ops as GE does and keeps GE's attribute names,
// but holds some GE inputs as attributes: `ge.Transpose` is GE `TransposeD`
// (perm an attribute) and also GE `Transpose` (perm a constant input). A
// form describes one GE op type: the dialect op it imports as, which wire
// inputs are constants the dialect keeps as attributes, renamed attributes
// and GE outputs the dialect does not model. Op types without a form import
// as the ge op of the same name with the same operands and attributes.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_LIB_FRONTEND_AIR_AIROPFORMS_H
#define GEFLOW_LIB_FRONTEND_AIR_AIROPFORMS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace geflow::frontend::air {

/// How a constant wire input becomes an attribute.
enum class ConstKind {
  Ints,  // DenseI64ArrayAttr from a 0-D or 1-D integer tensor
  Int,   // I64Attr from a one-element integer tensor
  Float, // F32Attr from a one-element float tensor
  Flat,  // DenseI64ArrayAttr of every element of an integer tensor (Pad)
};

struct InputAttr {
  /// Position among the wire data inputs; -1 is the last one (ConcatV2).
  int wireIndex;
  /// The dialect attribute; empty: the input is checked to be a constant
  /// and otherwise ignored (Conv2DTranspose's input_size).
  llvm::StringRef attr;
  ConstKind kind;
};

struct AttrRename {
  llvm::StringRef wire, dialect;
};

/// Import and export details the table cannot say.
enum class Special {
  None,
  PoolPadding,   // MaxPool/AvgPool(V2/V3): padding / padding_mode strings
  SliceMasks,    // StridedSlice(D): begin/end masks resolved to indices
  ConcatDimLast, // ConcatV2D: attr N on export
  SplitCount,    // SplitV(D): num_split on export
};

struct OpForm {
  llvm::StringRef wireType;
  /// The ge op without the dialect prefix.
  llvm::StringRef dialectOp;
  llvm::SmallVector<InputAttr, 2> inputAttrs;
  llvm::SmallVector<AttrRename, 1> renames;
  /// GE outputs after the dialect's results (LayerNorm mean and variance):
  /// allowed on the wire, an error when something uses them.
  unsigned extraOutputs = 0;
  Special special = Special::None;
};

/// The form of wire op type `type`: a table entry, or the same-named ge op
/// registered in `ctx` (nullopt when neither exists).
std::optional<OpForm> lookupWireForm(mlir::MLIRContext *ctx,
                                     llvm::StringRef type);

/// The form export writes for ge op `dialectOp` (without prefix).
OpForm lookupExportForm(llvm::StringRef dialectOp);

/// Every GE op type the importer reads (table and same-named ge ops), sorted.
llvm::SmallVector<std::string> getSupportedAirOpTypes(mlir::MLIRContext *ctx);

/// ge ops that are compiler internals, never on the wire.
bool isInternalOp(llvm::StringRef dialectOp);

} // namespace geflow::frontend::air

#endif
