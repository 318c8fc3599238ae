/*===- gfaot_impl.h - What a generated model library calls ----------------===*
 *
 * The code geflow-compile --emit=lib generates for library <name> is a
 * gfaot_library descriptor (the embedded .gfm) and one <name>_* function
 * per entry below, each forwarding to it with the descriptor. The entries
 * live in the runtime (linked into the library statically or as the shared
 * libgeflow_runtime.so); they are not part of the library's own API, which
 * <name>.h documents.
 *
 *===----------------------------------------------------------------------===*/
#ifndef GEFLOW_RUNTIME_GFAOT_IMPL_H
#define GEFLOW_RUNTIME_GFAOT_IMPL_H

#include "geflow/runtime/gfaot.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gfaot_library {
  const char *name; /* the <name> prefix, for messages */
  const unsigned char *executable;
  uint64_t executable_size;
} gfaot_library;

/* What gfaot_impl_count and gfaot_impl_info describe. */
#define GFAOT_IMPL_INPUTS 0
#define GFAOT_IMPL_OUTPUTS 1
#define GFAOT_IMPL_GEARS 2

const char *gfaot_impl_last_error(void);
gfaot_status gfaot_impl_create(const gfaot_library *lib,
                               const gfaot_options *options, void **model);
void gfaot_impl_destroy(const gfaot_library *lib, void *model);
uint32_t gfaot_impl_count(const gfaot_library *lib, void *model, int kind);
/* gear < 0: the model's signature (-1 for geared dims). */
gfaot_status gfaot_impl_info(const gfaot_library *lib, void *model, int kind,
                             int32_t gear, uint32_t index,
                             gfaot_tensor_info *info);
gfaot_status gfaot_impl_select_gear(const gfaot_library *lib, void *model,
                                    const gfaot_tensor *inputs,
                                    uint32_t num_inputs, uint32_t *gear,
                                    gfaot_tensor_info *outputs);
/* stream NULL: synchronous, on a stream of the model's own. */
gfaot_status gfaot_impl_run(const gfaot_library *lib, void *model,
                            gfrtStream stream, const gfaot_tensor *inputs,
                            uint32_t num_inputs, const gfaot_tensor *outputs,
                            uint32_t num_outputs);
gfaot_status gfaot_impl_stream_create(const gfaot_library *lib, void *model,
                                      gfrtStream *stream);
gfaot_status gfaot_impl_stream_destroy(const gfaot_library *lib,
                                       gfrtStream stream);
gfaot_status gfaot_impl_stream_synchronize(const gfaot_library *lib,
                                           gfrtStream stream);
gfaot_status gfaot_impl_stream_add_callback(const gfaot_library *lib,
                                            gfrtStream stream,
                                            gfaot_callback fn, void *user_data);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* GEFLOW_RUNTIME_GFAOT_IMPL_H */
