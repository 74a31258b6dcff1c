/*
 * One interface, two backends (docs/decoder.md): backend_reference.c (the portable int8 reference,
 * decoder.c) for lin, the host simulator and tests; backend_tflm.cc (TFLM's MicroInterpreter with
 * only the decoder's ops) for the ESP32. Both first run model.c's structural check, so a model gets
 * the same verdict from either. The XS host module (xs_decoder.c) sees only this and model.h.
 */
#ifndef MOODFACE_DECODER_BACKEND_H
#define MOODFACE_DECODER_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct md_backend md_backend;

/* Opens a model kept in place (flash); `latent` is the pack's latent size (0: any). NULL with the
 * verdict in err when the bytes are unusable (md_graph_check, then the backend's own reasons). One
 * decoder at a time per backend: the arena is static. */
md_backend *md_backend_open(const uint8_t *model, size_t length, int latent, char *err, size_t err_size);
void md_backend_close(md_backend *b);
int md_backend_latent_size(const md_backend *b);
/* Runs the decoder: MF_PIXELS int8 outputs (the logits, in the model's layout: md_backend_output_tiles). 0 on success. */
int md_backend_decode(md_backend *b, const int8_t *latent, int8_t *logits);
/* The output's quantization, for thresholding (ink where the logit is above the zero point). */
int32_t md_backend_output_zero(const md_backend *b);
float md_backend_output_scale(const md_backend *b);
/* Bytes of the arena the open model uses (activations, and the backend's own tables and scratch). */
size_t md_backend_arena_used(const md_backend *b);
/* The output's layout for md_logits_to_frame: 0 pixel rows, MD_TILE tiles (model.h). */
int md_backend_output_tiles(const md_backend *b);

#ifdef __cplusplus
}
#endif

#endif
