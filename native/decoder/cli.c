/*
 * decoder-cli: the reference backend on the command line, for the oracle tests, the benchmarks
 * (valgrind callgrind) and the host simulator. Reads int8 latents from stdin, writes to stdout.
 *   decoder-cli MODEL.tflite [--frames] [--dither] [--info] [--arena BYTES] [--latent N]
 * Default output: the raw int8 logits (MF_PIXELS per latent); --frames: MF_FRAME_BYTES page-packed
 * frames; --info: model figures on stderr (latent size, arena bytes, MACs per decode); --latent N:
 * refuse a model whose input is not N values (the pack's latent size). A refused model: its verdict
 * on stderr as "MODEL: verdict", exit 1.
 */
#include "decoder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t arena[MD_ARENA_BYTES];

int main(int argc, char **argv) {
	const char *path = NULL;
	int frames = 0, dither = 0, info = 0, latent_expected = 0;
	size_t arena_size = sizeof(arena);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--arena") && i + 1 < argc) {
			long a = atol(argv[++i]);
			if (a > 0 && (size_t)a < arena_size) arena_size = (size_t)a;
		} else if (!strcmp(argv[i], "--latent") && i + 1 < argc) {
			latent_expected = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--frames")) frames = 1;
		else if (!strcmp(argv[i], "--dither")) dither = 1;
		else if (!strcmp(argv[i], "--info")) info = 1;
		else path = argv[i];
	}
	if (!path) {
		fprintf(stderr, "usage: decoder-cli MODEL.tflite [--frames] [--dither] [--info] < latents > output\n");
		return 2;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: cannot open\n", path);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (n < 0) {
		fprintf(stderr, "%s: cannot read\n", path);
		return 1;
	}
	uint8_t *bytes = malloc(n ? (size_t)n : 1);
	if (!bytes || fread(bytes, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "%s: cannot read\n", path);
		return 1;
	}
	fclose(f);
	static md_model m;
	char err[MD_ERR_BYTES];
	if (md_model_init(&m, bytes, (size_t)n, latent_expected, arena, arena_size, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", path, err);
		return 1;
	}
	int size = md_latent_size(&m);
	int8_t latent[MD_MAX_LATENT]; /* md_graph_check bounds the input to MD_MAX_LATENT values */
	static int8_t logits[MF_PIXELS];
	uint8_t frame[MF_FRAME_BYTES];
	int count = 0;
	while (fread(latent, 1, (size_t)size, stdin) == (size_t)size) {
		md_decode_logits(&m, latent, logits);
		if (frames) {
			md_to_frame(&m, logits, dither, frame);
			fwrite(frame, 1, sizeof(frame), stdout);
		} else {
			fwrite(logits, 1, sizeof(logits), stdout);
		}
		count++;
	}
	if (info) {
		fprintf(stderr, "latent=%d arena=%d macs=%llu decodes=%d ops=", size, (int)m.arena_used, (unsigned long long)m.g.macs, count);
		for (int i = 0; i < m.g.op_count; i++) fprintf(stderr, "%s%s", i ? "," : "", md_op_name(m.g.ops[i].code));
		fprintf(stderr, " weights=%d\n", md_weight_bytes(&m));
	}
	free(bytes);
	return 0;
}
