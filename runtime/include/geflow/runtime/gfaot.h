/*===- gfaot.h - Types shared by every generated model library ------------===*
 *
 * geflow-compile --emit=lib writes lib<name>.so and <name>.h; <name>.h
 * starts with this text (guarded, so the headers of several libraries can
 * be included together) and declares the library's <name>_* functions.
 *
 * Status codes are those of the runtime's C API (gfrt.h). After a failing
 * call, <name>_last_error() returns the calling thread's message, naming
 * the input or check that failed.
 *
 *===----------------------------------------------------------------------===*/
#ifndef GEFLOW_AOT_TYPES_H
#define GEFLOW_AOT_TYPES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t gfaot_status;

#define GFAOT_OK 0
#define GFAOT_ERROR_INVALID_ARGUMENT 100000
#define GFAOT_ERROR_INVALID_HANDLE 100001
#define GFAOT_ERROR_NOT_FOUND 100002
#define GFAOT_ERROR_UNSUPPORTED 100003
#define GFAOT_ERROR_OUT_OF_MEMORY 200000
#define GFAOT_ERROR_CORRUPT_FILE 300000
#define GFAOT_ERROR_IO 300001
#define GFAOT_ERROR_TASK_FAILED 400000
#define GFAOT_ERROR_NOT_READY 400001
#define GFAOT_ERROR_INTERNAL 500000

/* Element types (the values of geflow::rt::DType). */
#define GFAOT_FLOAT32 0
#define GFAOT_FLOAT16 1
#define GFAOT_BFLOAT16 2
#define GFAOT_INT8 3
#define GFAOT_UINT8 4
#define GFAOT_INT32 5
#define GFAOT_INT64 6
#define GFAOT_BOOL 7 /* one byte per element, 0 or 1 */

/* Storage formats (the values of geflow::rt::Format). */
#define GFAOT_FORMAT_ND 0
#define GFAOT_FORMAT_NCHW 1
#define GFAOT_FORMAT_NHWC 2
#define GFAOT_FORMAT_NC1HWC0 3

#define GFAOT_MAX_RANK 8

/* A caller-owned buffer bound to an input or output of a run. */
typedef struct gfaot_tensor {
  void *data;           /* inputs are only read */
  uint64_t size;        /* bytes available at data */
  int32_t dtype;        /* GFAOT_FLOAT32, ... */
  uint32_t rank;        /* entries of shape */
  const int64_t *shape; /* the tensor's logical shape */
} gfaot_tensor;

/* One input or output of the signature. */
typedef struct gfaot_tensor_info {
  const char *name; /* valid while the model handle lives */
  int32_t dtype;
  int32_t format;
  uint32_t rank;
  /* -1: a dim that differs between gears or lies in a shape range. */
  int64_t shape[GFAOT_MAX_RANK];
  uint64_t bytes; /* storage bytes; 0 when a dim is -1 */
} gfaot_tensor_info;

/* Options of <name>_create; NULL means all defaults (zeros). */
typedef struct gfaot_options {
  int32_t device_id; /* virtual NPU id */
  uint32_t ai_cores; /* AI cores (threads) of the device; 0: host cores */
} gfaot_options;

/* A stream of the runtime's C API (gfrt.h): <name>_stream_create makes
 * one; with a library linked against the shared runtime, gfrtCreateStream's
 * streams work as well. */
typedef struct gfrtStreamHandle *gfrtStream;

/* Host callback run in stream order once the work enqueued before it has
 * finished. After a failed task it is skipped like any later task of the
 * stream; the failure is returned by the next stream synchronize. */
typedef void (*gfaot_callback)(void *user_data);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* GEFLOW_AOT_TYPES_H */
