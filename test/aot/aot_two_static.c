/*===- aot_two_static.c - Two static model libraries in one program -------===*
 *
 * Built by aot_test.py as `cc aot_two_static.c -I<dir> -L<dir> -lcnn -lbert
 * -lstdc++ -lm -pthread` against libcnn.a and libbert.a (each carrying the
 * runtime's objects):
 *
 *   aot_two_static CNN_IN CNN_OUT BERT_IN BERT_OUT
 *
 * CNN_IN is float32[2,3,32,32] (the cnn's batch-2 gear), BERT_IN
 * float32[1,16,64]; both models are created and run, alternately and at
 * once on two streams, and the outputs written for the driver to compare
 * with the .gfm's. Exits 1 on any failure, saying which.
 *
 *===----------------------------------------------------------------------===*/
#include "bert.h"
#include "cnn.h"

#include <stdio.h>
#include <stdlib.h>

static int fail(const char *what, const char *message) {
  fprintf(stderr, "FAIL %s: %s\n", what, message);
  return 1;
}

static int readFloats(const char *path, float *data, size_t count) {
  FILE *f = fopen(path, "rb");
  size_t got = f ? fread(data, sizeof(float), count, f) : 0;
  if (f)
    fclose(f);
  return got == count;
}

static int writeFloats(const char *path, const float *data, size_t count) {
  FILE *f = fopen(path, "wb");
  size_t put = f ? fwrite(data, sizeof(float), count, f) : 0;
  if (f)
    fclose(f);
  return put == count;
}

int main(int argc, char **argv) {
  static float cnnIn[2 * 3 * 32 * 32], cnnOut[2 * 10];
  static float bertIn[16 * 64], bertOut[16 * 64];
  int64_t cnnInShape[] = {2, 3, 32, 32}, cnnOutShape[] = {2, 10};
  int64_t bertShape[] = {1, 16, 64};
  gfaot_tensor ci = {cnnIn, sizeof cnnIn, GFAOT_FLOAT32, 4, cnnInShape};
  gfaot_tensor co = {cnnOut, sizeof cnnOut, GFAOT_FLOAT32, 2, cnnOutShape};
  gfaot_tensor bi = {bertIn, sizeof bertIn, GFAOT_FLOAT32, 3, bertShape};
  gfaot_tensor bo = {bertOut, sizeof bertOut, GFAOT_FLOAT32, 3, bertShape};
  cnn_model cnn;
  bert_model bert;
  gfrtStream s1, s2;
  if (argc != 5 || !readFloats(argv[1], cnnIn, 2 * 3 * 32 * 32) ||
      !readFloats(argv[3], bertIn, 16 * 64))
    return fail("inputs", "usage: CNN_IN CNN_OUT BERT_IN BERT_OUT");
  if (cnn_create(NULL, &cnn) != GFAOT_OK)
    return fail("cnn_create", cnn_last_error());
  if (bert_create(NULL, &bert) != GFAOT_OK)
    return fail("bert_create", bert_last_error());
  /* A handle of one library is not the other's. */
  if (bert_num_inputs((bert_model)cnn) != 0 || bert_last_error()[0] == '\0')
    return fail("bert_num_inputs(cnn handle)", "accepted a foreign handle");
  for (int i = 0; i < 3; ++i) {
    if (cnn_run(cnn, &ci, 1, &co, 1) != GFAOT_OK)
      return fail("cnn_run", cnn_last_error());
    if (bert_run(bert, &bi, 1, &bo, 1) != GFAOT_OK)
      return fail("bert_run", bert_last_error());
  }
  /* Both at once, on two streams. */
  if (cnn_stream_create(cnn, &s1) != GFAOT_OK ||
      bert_stream_create(bert, &s2) != GFAOT_OK)
    return fail("stream_create", cnn_last_error());
  if (cnn_run_async(cnn, s1, &ci, 1, &co, 1) != GFAOT_OK ||
      bert_run_async(bert, s2, &bi, 1, &bo, 1) != GFAOT_OK)
    return fail("run_async", bert_last_error());
  if (cnn_stream_synchronize(s1) != GFAOT_OK ||
      bert_stream_synchronize(s2) != GFAOT_OK)
    return fail("stream_synchronize", cnn_last_error());
  cnn_stream_destroy(s1);
  bert_stream_destroy(s2);
  if (!writeFloats(argv[2], cnnOut, 2 * 10) ||
      !writeFloats(argv[4], bertOut, 16 * 64))
    return fail("outputs", "cannot write");
  cnn_destroy(cnn);
  bert_destroy(bert);
  printf("ok   libcnn.a and libbert.a in one program\n");
  return 0;
}
