/*===- gfrt.h - C API of the geflow runtime (ACL runtime style) -----------===*
 *
 * The calls mirror ACL's aclrt* runtime calls with a gfrt prefix. Every call
 * returns a gfrtError: 0 on success, otherwise one of the GFRT_ERROR_*
 * codes (the numeric values of geflow::rt::ErrorCode). After a failing call,
 * gfrtGetLastErrorMessage() describes what went wrong.
 *
 * Devices: gfrtSetDevice opens a device (reference counted) and makes it the
 * calling thread's current device; streams, events and device memory are
 * created on the current device. A NULL stream means the current device's
 * default stream.
 *
 * Handles are opaque and checked: a destroyed, foreign or garbage handle is
 * reported as GFRT_ERROR_INVALID_HANDLE, never dereferenced.
 *
 *===----------------------------------------------------------------------===*/
#ifndef GEFLOW_RUNTIME_GFRT_H
#define GEFLOW_RUNTIME_GFRT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t gfrtError;

#define GFRT_SUCCESS 0
#define GFRT_ERROR_INVALID_ARGUMENT 100000
#define GFRT_ERROR_INVALID_HANDLE 100001
#define GFRT_ERROR_NOT_FOUND 100002
#define GFRT_ERROR_UNSUPPORTED 100003
#define GFRT_ERROR_OUT_OF_MEMORY 200000
#define GFRT_ERROR_TASK_FAILED 400000
#define GFRT_ERROR_NOT_READY 400001
#define GFRT_ERROR_TIMEOUT 400002
#define GFRT_ERROR_INTERNAL 500000

typedef struct gfrtStreamHandle *gfrtStream;
typedef struct gfrtEventHandle *gfrtEvent;

typedef enum gfrtMemcpyKind {
  GFRT_MEMCPY_HOST_TO_HOST = 0,
  GFRT_MEMCPY_HOST_TO_DEVICE = 1,
  GFRT_MEMCPY_DEVICE_TO_HOST = 2,
  GFRT_MEMCPY_DEVICE_TO_DEVICE = 3,
  /* Inferred from where the pointers live. */
  GFRT_MEMCPY_DEFAULT = 4,
} gfrtMemcpyKind;

typedef enum gfrtEventStatus {
  GFRT_EVENT_STATUS_COMPLETE = 0,
  GFRT_EVENT_STATUS_NOT_READY = 1,
} gfrtEventStatus;

typedef struct gfrtDeviceProperties {
  char socName[32];
  uint32_t aiCoreCount;
  uint64_t totalMemory;
} gfrtDeviceProperties;

/* Same layout as geflow::kernels::KernelArgs. The arrays it points to must
 * stay valid until the kernel task has finished. */
typedef struct gfrtKernelArgs {
  const uint8_t *tiling;
  size_t tilingSize;
  const void *const *inputs;
  uint32_t numInputs;
  void *const *outputs;
  uint32_t numOutputs;
  void *workspace;
} gfrtKernelArgs;

/* Runs block `blockIdx` of `blockDim`; non-zero fails the task. */
typedef int32_t (*gfrtKernelFn)(const gfrtKernelArgs *args, uint32_t blockIdx,
                                uint32_t blockDim);
/* Host callback run in stream order; non-zero fails the task. */
typedef int32_t (*gfrtCallback)(void *userData);

/* ---- Devices ---- */
gfrtError gfrtGetDeviceCount(uint32_t *count);
/* Core count (0 = host cores) and memory limit (0 = host RAM) the device
 * opens with; only while it is closed. */
gfrtError gfrtConfigureDevice(int32_t deviceId, uint32_t aiCoreCount,
                              uint64_t memoryLimit);
gfrtError gfrtSetDevice(int32_t deviceId);
gfrtError gfrtResetDevice(int32_t deviceId);
gfrtError gfrtGetDevice(int32_t *deviceId);
gfrtError gfrtGetDeviceProperties(int32_t deviceId,
                                  gfrtDeviceProperties *props);
/* Free and total bytes of the current device. */
gfrtError gfrtGetMemInfo(size_t *freeBytes, size_t *totalBytes);

/* ---- Memory ---- */
gfrtError gfrtMalloc(void **devPtr, size_t size);
gfrtError gfrtFree(void *devPtr);
gfrtError gfrtMallocHost(void **hostPtr, size_t size);
gfrtError gfrtFreeHost(void *hostPtr);
/* Synchronous copy; count must not exceed destMax. */
gfrtError gfrtMemcpy(void *dst, size_t destMax, const void *src, size_t count,
                     gfrtMemcpyKind kind);
gfrtError gfrtMemcpyAsync(void *dst, size_t destMax, const void *src,
                          size_t count, gfrtMemcpyKind kind, gfrtStream stream);
gfrtError gfrtMemset(void *devPtr, size_t maxCount, int32_t value,
                     size_t count);
gfrtError gfrtMemsetAsync(void *devPtr, size_t maxCount, int32_t value,
                          size_t count, gfrtStream stream);

/* ---- Streams ---- */
gfrtError gfrtCreateStream(gfrtStream *stream);
/* Waits for the stream's queued work, then destroys it. */
gfrtError gfrtDestroyStream(gfrtStream stream);
/* Waits for the stream; returns (and clears) the first failed task's error. */
gfrtError gfrtSynchronizeStream(gfrtStream stream);
/* GFRT_SUCCESS when idle, GFRT_ERROR_NOT_READY otherwise. */
gfrtError gfrtQueryStream(gfrtStream stream);
/* `name` names the task in error messages (NULL: "kernel"). */
gfrtError gfrtLaunchKernel(gfrtKernelFn fn, uint32_t blockDim,
                           const gfrtKernelArgs *args, const char *name,
                           gfrtStream stream);
gfrtError gfrtLaunchCallback(gfrtCallback fn, void *userData, const char *name,
                             gfrtStream stream);

/* ---- Events ---- */
gfrtError gfrtCreateEvent(gfrtEvent *event);
gfrtError gfrtDestroyEvent(gfrtEvent event);
gfrtError gfrtRecordEvent(gfrtEvent event, gfrtStream stream);
gfrtError gfrtStreamWaitEvent(gfrtStream stream, gfrtEvent event);
gfrtError gfrtSynchronizeEvent(gfrtEvent event);
gfrtError gfrtQueryEvent(gfrtEvent event, gfrtEventStatus *status);
gfrtError gfrtEventElapsedTime(float *ms, gfrtEvent start, gfrtEvent end);

/* Message of the calling thread's most recent gfrt call ("" when it
 * succeeded). Valid until the thread's next gfrt call. */
const char *gfrtGetLastErrorMessage(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* GEFLOW_RUNTIME_GFRT_H */
