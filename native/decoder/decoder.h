/*
 * The latent decoder's portable int8 reference backend: runs a .tflite FlatBuffer in place, checked
 * first by model.c (the structural check both backends share), with integer kernels written to match
 * TFLM's reference kernels bit for bit (FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D, RESHAPE,
 * DEPTH_TO_SPACE, RESIZE_NEAREST_NEIGHBOR: model.h's MD_OPERATORS), then turns the MF_HEIGHT x
 * MF_WIDTH output into an MF_FRAME_BYTES page-packed frame. No heap: the caller gives the arena.
 * Plain C99; used by the Moddable lin build, the host simulator and the tests. docs/decoder.md.
 */
#ifndef MOODFACE_DECODER_H
#define MOODFACE_DECODER_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

typedef struct {
	md_graph g;
	uint8_t *arena;
	size_t arena_size;
	size_t arena_used;
} md_model;

/* Checks the model (md_graph_check: `latent` is the pack's latent size, 0 for any) and lays it out in
 * the arena. Returns 0, or -1 with the verdict in err naming what is wrong with the model. */
int md_model_init(md_model *m, const uint8_t *bytes, size_t length, int latent, uint8_t *arena, size_t arena_size, char *err, size_t err_size);

/* Latent (int8, the model's input size) to the raw int8 output (MF_PIXELS logits). */
int md_decode_logits(md_model *m, const int8_t *latent, int8_t *logits);

/* Ink where the logit is above the output zero point (threshold), or Bayer-ordered where the
 * output probability beats the 4x4 matrix (dither). Writes the MF_FRAME_BYTES page-packed frame. */
void md_to_frame(const md_model *m, const int8_t *logits, int dither, uint8_t *frame);

/* Both steps. */
int md_decode(md_model *m, const int8_t *latent, int dither, uint8_t *frame);

/* The latent length the model takes. */
int md_latent_size(const md_model *m);

/* Bytes of constant tensors (weights and biases). */
int md_weight_bytes(const md_model *m);

/* Where a tensor's bytes are: an activation in the arena, or a constant in the model (for kernels
 * outside this file, e.g. tools/s3's ESP-NN glue). */
int8_t *md_activation(md_model *m, int tensor);
const int8_t *md_tensor_bytes(md_model *m, int tensor);

#endif
