/* The reference backend behind backend.h: decoder.c's int8 kernels in a static arena (no heap). */
#include "backend.h"
#include "decoder.h"

#include <stdio.h>

struct md_backend {
	md_model model;
	uint8_t arena[MD_ARENA_BYTES];
};

static md_backend the_backend; /* one decoder at a time, like the TFLM backend */
static int in_use = 0;

md_backend *md_backend_open(const uint8_t *model, size_t length, int latent, char *err, size_t err_size) {
	if (in_use) {
		if (err_size) snprintf(err, err_size, "the decoder is already open");
		return NULL;
	}
	if (md_model_init(&the_backend.model, model, length, latent, the_backend.arena, sizeof(the_backend.arena), err, err_size)) return NULL;
	in_use = 1;
	return &the_backend;
}

void md_backend_close(md_backend *b) {
	if (b == &the_backend) in_use = 0;
}

int md_backend_latent_size(const md_backend *b) { return md_latent_size(&b->model); }
int md_backend_decode(md_backend *b, const int8_t *latent, int8_t *logits) { return md_decode_logits(&b->model, latent, logits); }
int32_t md_backend_output_zero(const md_backend *b) { return b->model.g.tensors[b->model.g.output].zero_point; }
float md_backend_output_scale(const md_backend *b) { return b->model.g.tensors[b->model.g.output].scale; }
int md_backend_output_tiles(const md_backend *b) { return b->model.g.output_tiles; }
size_t md_backend_arena_used(const md_backend *b) { return b->model.arena_used; }
