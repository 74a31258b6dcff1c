/*
 * <stdio.h> for the TFLM guest (tools/s3/tflm): the C library's declarations (picolibc's with the
 * kit's compiler, newlib's with ESP-IDF's), with one difference that matters to backend_tflm.cc:
 * `stderr` is a plain variable it can point at a memory stream while TFLM prepares a model, as it
 * is on the board (ESP-IDF's newlib: stderr is the task's `_REENT->_stderr`). picolibc declares
 * `FILE *const stderr`, which cannot be assigned. The streams behind it are tools/s3/tflm/runtime.cc's.
 */
#ifndef MOODFACE_S3_TFLM_STDIO_H
#define MOODFACE_S3_TFLM_STDIO_H
#include_next <stdio.h>
#undef stderr
#ifdef __cplusplus
extern "C" FILE *md_s3_stderr;
#else
extern FILE *md_s3_stderr;
#endif
#define stderr md_s3_stderr
#endif
