/*
 * Drives one platform's native set (manifest.json) through the XS host module's own entry points,
 * over the stub XS machine (stubs/xsmc.h): for each model, new NativeDecoder(model, latent) and, with
 * --decode, decode(latent, frame) for every latent in a file. Prints one line per model:
 *   "ok latent=N" or "<ErrorKind>: <message>"
 *   host-main [--latent N] [--decode LATENTS FRAMES_OUT] [--stub-verifier-fails] [--stub-add-fails CODE]
 *             [--stub-arena BYTES] [--stub-prepare-fails] MODEL...
 * The --stub-* flags set the TFLM test double (stubs/tflm_stub_config.h) where it is linked.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xsmc.h"
#include "tflm_stub_config.h"
#include "../../native/common/geometry.h"

void xs_decoder(xsMachine *the);
void xs_decoder_get_latent_size(xsMachine *the);
void xs_decoder_decode(xsMachine *the);
void xs_decoder_destructor(void *data);

extern struct stub_tflm_config stub_tflm __attribute__((weak));

void stub_xs_throw(xsMachine *the, const char *kind, const char *format, ...) {
	int n = snprintf(the->error, sizeof(the->error), "%s: ", kind);
	va_list ap;
	va_start(ap, format);
	vsnprintf(the->error + n, sizeof(the->error) - (size_t)n, format, ap);
	va_end(ap);
	longjmp(the->thrown, 1);
}

static unsigned char *slurp(const char *path, long *n) {
	FILE *f = fopen(path, "rb");
	if (!f) return NULL;
	fseek(f, 0, SEEK_END);
	*n = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *b = malloc(*n ? (size_t)*n : 1);
	if (b && fread(b, 1, (size_t)*n, f) != (size_t)*n) { free(b); b = NULL; }
	fclose(f);
	return b;
}

int main(int argc, char **argv) {
	/* static: setjmp/longjmp below must not clobber them */
	static int latent = 0, i = 1;
	static const char *latents_file = NULL, *frames_file = NULL;
	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--latent") && i + 1 < argc) latent = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--decode") && i + 2 < argc) { latents_file = argv[++i]; frames_file = argv[++i]; }
		else if (!&stub_tflm) { fprintf(stderr, "%s: this set has no TFLM to stub\n", argv[i]); return 2; }
		else if (!strcmp(argv[i], "--stub-verifier-fails")) stub_tflm.verifier_fails = 1;
		else if (!strcmp(argv[i], "--stub-add-fails") && i + 1 < argc) stub_tflm.add_fails = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--stub-arena") && i + 1 < argc) stub_tflm.arena_needed = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--stub-prepare-fails")) stub_tflm.prepare_fails = 1;
		else { fprintf(stderr, "%s: unknown option\n", argv[i]); return 2; }
	}
	for (; i < argc; i++) {
		long n;
		unsigned char *model = slurp(argv[i], &n);
		if (!model) { printf("cannot read %s\n", argv[i]); continue; }
		static xsMachine machine;
		xsMachine *the = &machine;
		memset(the, 0, sizeof(*the));
		the->args[0].data = model;
		the->args[0].length = (xsUnsignedValue)n;
		the->args[1].integer = latent;
		the->argc = 2;
		if (setjmp(the->thrown)) {
			printf("%s\n", the->error);
			free(model);
			continue;
		}
		xs_decoder(the);
		xs_decoder_get_latent_size(the);
		int size = the->result.integer;
		printf("ok latent=%d\n", size);
		if (latents_file) {
			long nl;
			unsigned char *latents = slurp(latents_file, &nl);
			FILE *out = fopen(frames_file, "wb");
			static unsigned char frame[MF_FRAME_BYTES];
			for (long k = 0; latents && out && size > 0 && (k + 1) * size <= nl; k++) {
				the->args[0].data = latents + k * size;
				the->args[0].length = (xsUnsignedValue)size;
				the->args[1].data = frame;
				the->args[1].length = sizeof(frame);
				xs_decoder_decode(the);
				if (!the->result.boolean) { printf("decode %ld failed\n", k); break; }
				fwrite(frame, 1, sizeof(frame), out);
			}
			if (out) fclose(out);
			free(latents);
		}
		xs_decoder_destructor(the->host);
		free(model);
	}
	return 0;
}
