/*
 * XS platform header for "s3bare": the XS engine on a bare ESP32-S3 (Xtensa LX7, windowed ABI) with
 * no operating system, no files, no timers and no threads, only picolibc (built for the S3 by
 * build.ts) and the start-up code of tools/s3. Selected with -DXSPLATFORM=\"s3bare_xs.h\".
 * What the platform provides is in s3bare_platform.c.
 */
#ifndef __S3BARE_XS__
#define __S3BARE_XS__

#undef mxLittleEndian
#define mxLittleEndian 1
#define mxExport extern
#define mxImport extern
#define XS_FUNCTION_NORETURN __attribute__((noreturn))

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/time.h>

/* No file system: module paths are keys of the in-memory module table. */
#define C_PATH_MAX 128
#define mxSeparator '/'

/* Keys are XS's own; chunks, slots, modules, parsing and aborts are ours (s3bare_platform.c). */
#define mxUseDefaultBuildKeys 1
#define mxUseDefaultParseScript 1
#define mxUseDefaultSharedChunks 1
#define mxUseDefaultQueuePromiseJobs 0

#define mxMachinePlatform \
	int promiseJobs; \
	int abortStatus; \
	void* waiterCondition; \
	void* waiterData; \
	void* waiterLink;

#endif /* __S3BARE_XS__ */
