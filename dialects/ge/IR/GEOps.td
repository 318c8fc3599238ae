//===- GEOps.td - All ge dialect ops -------------------------*- tablegen -*-===//
#ifndef GEFLOW_GE_OPS
#define GEFLOW_GE_OPS

include "dialects/ge/IR/GEDataOps.td"
include "dialects/ge/IR/GEElementwiseOps.td"
include "dialects/ge/IR/GENNOps.td"
include "dialects/ge/IR/GEShapeOps.td"
include "dialects/ge/IR/GEReduceOps.td"
include "dialects/ge/IR/GEFusedOps.td"
include "dialects/ge/IR/GEIndexOps.td"
include "dialects/ge/IR/GECollectiveOps.td"
include "dialects/ge/IR/GEValueShapedOps.td"
include "dialects/ge/IR/GESequenceOps.td"
include "dialects/ge/IR/GEHostNNOps.td"
include "dialects/ge/IR/GEStringOps.td"
include "dialects/ge/IR/GEControlFlowOps.td"
include "dialects/ge/IR/GESignalOps.td"

#endif // GEFLOW_GE_OPS
