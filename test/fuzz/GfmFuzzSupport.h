//===- GfmFuzzSupport.h - What the .gfm fuzz targets share -------*- C++
//-*-===//
//
// A .gfm is covered by CRC32Cs (header, body, weights), so a byte mutation
// almost never gets past the checksum test. The targets therefore repair the
// checksums of every input before loading it, and their mutator edits the
// protobuf body (re-laid out with fresh offsets) most of the time: the fuzzing
// then reaches the body's parsing, validation, the executor's preparation
// and a run. (The checksum tests themselves are covered by
// test/unit/runtime/GfmMutationTest.cpp.)
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TEST_FUZZ_GFMFUZZSUPPORT_H
#define GEFLOW_TEST_FUZZ_GFMFUZZSUPPORT_H

#include "geflow/runtime/Model.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace geflow::fuzz {

/// Bounds small enough that a fuzzed file cannot make a run allocate more
/// than a few tens of MiB (the defaults allow a terabyte arena).
rt::GfmLimits fuzzGfmLimits();

/// Rewrites the header's CRC32Cs (header, and body and weights when their
/// ranges lie inside `bytes`) so the checksums match the content.
void repairGfmChecksums(std::vector<uint8_t> &bytes);

/// The device the targets run models on (one AI core, created once).
std::shared_ptr<rt::Device> fuzzDevice();

/// Runs every gear of `model` (at most a few) once on zero-filled inputs of
/// the gear's shapes, when their buffers stay within a small budget. A
/// failing run must be a Status with a message, never a crash.
void runOnZeros(rt::Model &model);

/// libFuzzer custom mutation of a .gfm: mostly the body's protobuf bytes,
/// re-encoded with encodeGfm; otherwise the whole file.
size_t mutateGfm(uint8_t *data, size_t size, size_t maxSize, unsigned seed);

} // namespace geflow::fuzz

#endif // GEFLOW_TEST_FUZZ_GFMFUZZSUPPORT_H
