/* The reference backend behind backend.h: decoder.c's int8 kernels with a heap-allocated arena. */
#include "backend.h"
#include "decoder.h"

#include <stdlib.h>

#define ARENA_BYTES (40 * 1024)

struct md_backend {
	md_model model;
	uint8_t arena[ARENA_BYTES];
};

md_backend *md_backend_open(const uint8_t *model, size_t length, char *err, size_t err_size) {
	md_backend *b = calloc(1, sizeof(md_backend));
	if (!b) {
		if (err_size) err[0] = 0;
		return NULL;
	}
	if (md_model_init(&b->model, model, length, b->arena, ARENA_BYTES, err, err_size)) {
		free(b);
		return NULL;
	}
	return b;
}

void md_backend_close(md_backend *b) { free(b); }
int md_backend_latent_size(const md_backend *b) { return md_latent_size(&b->model); }
int md_backend_decode(md_backend *b, const int8_t *latent, int8_t *logits) { return md_decode_logits(&b->model, latent, logits); }
int32_t md_backend_output_zero(const md_backend *b) { return b->model.tensors[b->model.output].zero_point; }
float md_backend_output_scale(const md_backend *b) { return b->model.tensors[b->model.output].scale; }
