/*===- aot_c_test.c - A plain C program using a generated model library ---===*
 *
 * Built by aot_test.py as `cc -std=c99 -DLIB=<name> aot_c_test.c -I<dir>
 * -L<dir> -l<name>` for a library with one float32 input and one output:
 *
 *   aot_c_test IN.bin OUT.bin D0 D1 ...   run on IN (shape D0 D1 ...)
 *
 * It checks the signature queries, runs (the gear chosen from the shape),
 * writes the output for the driver to compare with the .gfm's, then checks
 * that bad calls (NULL data, wrong shape, wrong dtype, wrong count, NULL or
 * destroyed handle) return an error code and a message. Prints one line
 * per check; exits 1 if any failed.
 *
 *===----------------------------------------------------------------------===*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define STR2(a) #a
#define STR(a) STR2(a)
#define HEADER STR(LIB.h)
#include HEADER
#define API(f) CAT(LIB, CAT(_, f))

static int failures = 0;

static void check(int ok, const char *what) {
  printf("%s %s\n", ok ? "ok  " : "FAIL", what);
  if (!ok)
    ++failures;
}

/* A bad call must fail with `code` and leave a message containing `text`. */
static void checkError(gfaot_status st, gfaot_status code, const char *text,
                       const char *what) {
  const char *msg = API(last_error)();
  int ok = st == code && msg && strstr(msg, text) != NULL;
  if (!ok)
    printf("     status %d, message: %s\n", (int)st, msg ? msg : "(null)");
  check(ok, what);
}

static void *readFile(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  *size = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  void *data = malloc(*size ? *size : 1);
  if (fread(data, 1, *size, f) != *size) {
    free(data);
    data = NULL;
  }
  fclose(f);
  return data;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s IN.bin OUT.bin D0 [D1 ...]\n", argv[0]);
    return 2;
  }
  int64_t shape[GFAOT_MAX_RANK];
  uint32_t rank = (uint32_t)(argc - 3);
  for (uint32_t i = 0; i < rank; ++i)
    shape[i] = atoll(argv[3 + i]);
  size_t inSize = 0;
  float *in = (float *)readFile(argv[1], &inSize);
  check(in != NULL, "read the input");
  if (!in)
    return 1;

  API(model) model = NULL;
  gfaot_options options = {0, 2};
  gfaot_status st = API(create)(&options, &model);
  if (st != GFAOT_OK)
    printf("     %s\n", API(last_error)());
  check(st == GFAOT_OK && model != NULL, "create");
  if (st != GFAOT_OK)
    return 1;
  check(API(num_inputs)(model) == 1 && API(num_outputs)(model) == 1,
        "one input and one output");
  gfaot_tensor_info info;
  st = API(input_info)(model, 0, &info);
  check(st == GFAOT_OK && info.dtype == GFAOT_FLOAT32 && info.rank == rank &&
            info.name && info.name[0],
        "input_info: float32 of the given rank, named");
  printf("     input '%s', %u gear(s)\n", info.name, API(num_gears)(model));
  check(API(num_gears)(model) >= 1, "num_gears");

  gfaot_tensor input = {in, inSize, GFAOT_FLOAT32, rank, shape};
  uint32_t gear = 99;
  gfaot_tensor_info outInfo;
  st = API(select_gear)(model, &input, 1, &gear, &outInfo);
  check(st == GFAOT_OK && gear < API(num_gears)(model) && outInfo.bytes > 0,
        "select_gear for the input's shape");
  void *out = calloc(1, outInfo.bytes);
  gfaot_tensor output = {out, outInfo.bytes, outInfo.dtype, outInfo.rank,
                         outInfo.shape};
  st = API(run)(model, &input, 1, &output, 1);
  if (st != GFAOT_OK)
    printf("     %s\n", API(last_error)());
  check(st == GFAOT_OK, "run");
  FILE *f = fopen(argv[2], "wb");
  check(f && fwrite(out, 1, outInfo.bytes, f) == outInfo.bytes,
        "write the output");
  if (f)
    fclose(f);

  /* Bad calls: an error code and a message naming what is wrong. */
  gfaot_tensor bad = input;
  bad.data = NULL;
  checkError(API(run)(model, &bad, 1, &output, 1), GFAOT_ERROR_INVALID_ARGUMENT,
             "data is NULL", "NULL input data is an error");
  int64_t wrongShape[GFAOT_MAX_RANK];
  memcpy(wrongShape, shape, sizeof(shape));
  wrongShape[rank - 1] += 1;
  bad = input;
  bad.shape = wrongShape;
  checkError(API(run)(model, &bad, 1, &output, 1), GFAOT_ERROR_INVALID_ARGUMENT,
             info.name, "a wrong shape is an error naming the input");
  bad = input;
  bad.dtype = GFAOT_INT32;
  checkError(API(run)(model, &bad, 1, &output, 1), GFAOT_ERROR_INVALID_ARGUMENT,
             info.name, "a wrong dtype is an error naming the input");
  bad = input;
  bad.dtype = 42;
  checkError(API(run)(model, &bad, 1, &output, 1), GFAOT_ERROR_INVALID_ARGUMENT,
             "dtype 42", "an unknown dtype is an error");
  bad = input;
  bad.size = 4;
  checkError(API(run)(model, &bad, 1, &output, 1), GFAOT_ERROR_INVALID_ARGUMENT,
             info.name, "a too small buffer is an error");
  checkError(API(run)(model, &input, 2, &output, 1),
             GFAOT_ERROR_INVALID_ARGUMENT, "2 inputs given",
             "a wrong input count is an error");
  checkError(API(run)(model, NULL, 1, &output, 1), GFAOT_ERROR_INVALID_ARGUMENT,
             "array is NULL", "a NULL input array is an error");
  checkError(API(run)(NULL, &input, 1, &output, 1), GFAOT_ERROR_INVALID_HANDLE,
             "NULL", "a NULL model is an error");
  checkError(API(input_info)(model, 5, &info), GFAOT_ERROR_INVALID_ARGUMENT,
             "index 5", "an input index out of range is an error");
  st = API(run)(model, &input, 1, &output, 1);
  check(st == GFAOT_OK && API(last_error)()[0] == '\0',
        "a good run after the bad ones clears the message");

  API(destroy)(model);
  checkError(API(run)(model, &input, 1, &output, 1), GFAOT_ERROR_INVALID_HANDLE,
             "not a live model handle", "a destroyed model is an error");
  free(out);
  free(in);
  printf("%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
