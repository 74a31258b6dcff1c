/*
 * One interface, two backends (docs/decoder.md): backend_reference.c (the portable int8 reference,
 * decoder.c) for lin, the host simulator and tests; backend_tflm.cc (TFLM's MicroInterpreter with
 * only the ops the decoder uses) for the ESP32. The XS host module (xs_decoder.c) sees only this.
 */
#ifndef MOODFACE_DECODER_BACKEND_H
#define MOODFACE_DECODER_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct md_backend md_backend;

/* Opens a model kept in place (flash); NULL with a message in err when the bytes are unusable
 * (wrong magic, an unsupported op, the arena too small, wrong tensor shapes). */
md_backend *md_backend_open(const uint8_t *model, size_t length, char *err, size_t err_size);
void md_backend_close(md_backend *b);
int md_backend_latent_size(const md_backend *b);
/* Runs the decoder: 8192 int8 outputs (64x128 logits). 0 on success. */
int md_backend_decode(md_backend *b, const int8_t *latent, int8_t *logits);
/* The output's quantization, for thresholding (ink where the logit is above the zero point). */
int32_t md_backend_output_zero(const md_backend *b);
float md_backend_output_scale(const md_backend *b);

/* Threshold (dither 0) or Bayer-ordered dither of logits into a 1024-byte page-packed frame. */
void md_logits_to_frame(const int8_t *logits, int32_t zero, float scale, int dither, uint8_t *frame);

#ifdef __cplusplus
}
#endif

#endif
