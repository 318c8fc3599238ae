/*===- gfaot_program.h - What a task program emitted as code calls --------===*
 *
 * geflow-compile --emit=lib (with the default --lib-program=code) emits
 * every gear's task program as one C function: straight-line calls of the
 * kernels in task order, with the tiling data, block counts and buffer
 * addresses (arena and weight offsets, input and output slots) as
 * constants. This header is the runtime side of that code: the program's
 * description (signature, gears, the kernels it calls) handed to
 * gfaot_program_create, and the entry that runs one kernel's blocks on the
 * device's AI cores. Nothing here parses a .gfm.
 *
 * The model handle's other calls (<name>_run, <name>_input_info, ...) go
 * through gfaot_impl.h like those of an interpreting library.
 *
 *===----------------------------------------------------------------------===*/
#ifndef GEFLOW_RUNTIME_GFAOT_PROGRAM_H
#define GEFLOW_RUNTIME_GFAOT_PROGRAM_H

#include "geflow/runtime/gfaot_impl.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a struct below changes: a library and a runtime that
 * disagree fail to link (gfaot_program_abi_<N>) rather than misread. */
#define GFAOT_PROGRAM_ABI 1
extern const int gfaot_program_abi_1;

/* The arguments of one kernel launch: the layout of the kernel library's
 * geflow::kernels::KernelArgs (the runtime checks that they agree). */
typedef struct gfaot_kernel_args {
  const uint8_t *tiling;
  size_t tiling_size;
  const void *const *inputs;
  uint32_t num_inputs;
  void *const *outputs;
  uint32_t num_outputs;
  void *workspace;
} gfaot_kernel_args;

/* One run of a gear, as its function sees it. */
typedef struct gfaot_exec {
  uint8_t *arena;         /* the run's arena, gear.arena_size bytes */
  const uint8_t *weights; /* the weight blob (read-only) */
  void *const *inputs;    /* the caller's buffers, by input slot */
  void *const *outputs;   /* by output slot */
  void *impl;             /* the runtime's state of the run */
} gfaot_exec;

typedef gfaot_status (*gfaot_gear_fn)(gfaot_exec *exec);

/* An input or output of a signature; shape -1: geared dim. */
typedef struct gfaot_program_tensor {
  const char *name;
  int32_t dtype;  /* GFAOT_FLOAT32, ... */
  int32_t format; /* GFAOT_FORMAT_ND, ... */
  uint32_t rank;
  const int64_t *shape;
} gfaot_program_tensor;

typedef struct gfaot_program_gear {
  const gfaot_program_tensor *inputs; /* the program's num_inputs */
  const gfaot_program_tensor *outputs;
  uint64_t arena_size;
  gfaot_gear_fn run;
  /* "conv1 (Conv2D, kernel conv2d)" per task, for errors. */
  const char *const *task_names;
  uint32_t num_tasks;
} gfaot_program_gear;

/* A kernel the program calls, resolved for the device's CPU at create. */
typedef struct gfaot_program_kernel {
  const char *name; /* the kernel library's name, "conv2d" */
  int32_t dtype;    /* the implementation's element type */
} gfaot_program_kernel;

typedef struct gfaot_program {
  const gfaot_library *library;
  const char *model_name;
  const uint8_t *weights;
  uint64_t weights_size;
  /* The ISA the tiling constants were computed for ("avx512", ...). */
  const char *isa;
  uint32_t num_inputs, num_outputs, num_gears, num_kernels;
  const gfaot_program_tensor *inputs; /* the model's signature */
  const gfaot_program_tensor *outputs;
  const gfaot_program_gear *gears;
  const gfaot_program_kernel *kernels;
} gfaot_program;

/* <name>_create of a code library: checks the description, resolves the
 * kernels for the device's CPU and makes the handle. */
gfaot_status gfaot_program_create(const gfaot_program *program,
                                  const gfaot_options *options, void **model);

/* Runs kernel `kernel` (an index into program->kernels) with `block_dim`
 * blocks on the device's AI cores (the calling thread takes part) and
 * returns once all have finished: GFAOT_OK, or the failure of task `task`
 * (its message is kept for the run's caller). */
gfaot_status gfaot_program_launch(gfaot_exec *exec, uint32_t task,
                                  uint32_t kernel,
                                  const gfaot_kernel_args *args,
                                  uint32_t block_dim);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* GEFLOW_RUNTIME_GFAOT_PROGRAM_H */
