/*
 * What the TFLM guest needs of a C library beyond tools/s3/runtime.c (the base every S3 image
 * links): the streams backend_tflm.cc and TFLM's DebugLog use. backend_tflm.cc points `stderr` at
 * an fmemopen() stream while TFLM prepares a model, so that TFLM's messages become its verdict;
 * otherwise stderr is the console (UART0), as on the board. Also strstr (backend_tflm.cc reads the
 * captured text) and esp_timer_get_time (esp-tflite-micro's micro_time and ESP-NN glue kernels).
 * FILE is opaque here: a FILE * is one of these md_stream objects, whatever the C library's headers
 * say FILE is.
 */
#include <esp_timer.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runtime.h"

typedef struct {
	char *buf;       /* NULL: the console */
	size_t size, len;
	int open;
} md_stream;

static md_stream console = { NULL, 0, 0, 1 };
static md_stream memory_streams[2];

FILE *md_s3_stderr = (FILE *)&console;

FILE *fmemopen(void *buf, size_t size, const char *mode) {
	/* Only what backend_tflm.cc asks for: a write stream over the caller's buffer. */
	if (!buf || !size || mode[0] != 'w') return NULL;
	for (size_t i = 0; i < sizeof(memory_streams) / sizeof(memory_streams[0]); i++) {
		md_stream *s = &memory_streams[i];
		if (!s->open) {
			s->buf = buf;
			s->size = size;
			s->len = 0;
			s->open = 1;
			s->buf[0] = 0;
			return (FILE *)s;
		}
	}
	return NULL;
}

int setvbuf(FILE *f, char *buf, int mode, size_t size) {
	(void)f, (void)buf, (void)mode, (void)size;
	return 0; /* unbuffered already */
}

int fflush(FILE *f) {
	(void)f;
	return 0;
}

int fclose(FILE *f) {
	md_stream *s = (md_stream *)f;
	if (s == &console) return 0;
	s->open = 0;
	return 0;
}

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap) {
	md_stream *s = (md_stream *)f;
	if (!s->buf) {
		char line[256];
		int n = vsnprintf(line, sizeof(line), fmt, ap);
		s3_puts(line);
		return n;
	}
	/* A memory stream keeps what fits, always NUL-terminated (fmemopen's "w"). */
	size_t room = s->size - s->len;
	int n = vsnprintf(s->buf + s->len, room, fmt, ap);
	if (n > 0) s->len += (size_t)n < room ? (size_t)n : room - 1;
	return n;
}

int fprintf(FILE *restrict f, const char *restrict fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int fputs(const char *restrict str, FILE *restrict f) {
	return fprintf(f, "%s", str);
}

char *strstr(const char *haystack, const char *needle) {
	size_t n = strlen(needle);
	for (; *haystack; haystack++)
		if (!strncmp(haystack, needle, n)) return (char *)haystack;
	return n ? NULL : (char *)haystack;
}

/* QEMU's CCOUNT runs at 40 MHz (kit README). */
int64_t esp_timer_get_time(void) {
	return (int64_t)(s3_ccount() / 40u);
}

/* assert() (TFLM's and flatbuffers' FLATBUFFERS_ASSERT; the board's IDF keeps assertions on by
 * default, CONFIG_COMPILER_OPTIMIZATION_ASSERTIONS_ENABLE): a failed one ends the run with its place. */
void __assert_func(const char *file, int line, const char *func, const char *expr) {
	s3_printf("\nS3 error assertion \"%s\" failed: %s:%d (%s)\n", expr, file, line, func ? func : "?");
	s3_exit(5);
}
