/*
 * The latent decoder's portable int8 reference backend: reads a .tflite FlatBuffer in place and runs
 * it with integer kernels written to match TFLM's reference kernels bit for bit (FULLY_CONNECTED,
 * CONV_2D, DEPTHWISE_CONV_2D, RESHAPE, DEPTH_TO_SPACE, RESIZE_NEAREST_NEIGHBOR), then turns the
 * 64x128 output into a 1024-byte SSD1306 page-packed frame. No heap: the caller gives the arena.
 * Plain C99; used by the Moddable lin build, the host simulator and the tests. docs/decoder.md.
 */
#ifndef MOODFACE_DECODER_H
#define MOODFACE_DECODER_H

#include <stddef.h>
#include <stdint.h>

#define MD_MAX_TENSORS 32
#define MD_MAX_OPS 16
#define MD_MAX_CHANNELS 4096
#define MD_FRAME_BYTES 1024
#define MD_WIDTH 128
#define MD_HEIGHT 64

typedef struct {
	int32_t dims[4];
	int rank;
	int type;            /* TensorType: 9 int8, 2 int32 */
	const uint8_t *data; /* constant data, or NULL for activations */
	int32_t size;        /* elements */
	float scale;         /* first scale */
	int32_t zero_point;
	const uint8_t *scales; /* float32 little-endian per channel, count in scale_count */
	int scale_count;
	int32_t offset;      /* activation: byte offset in the arena; -1 for constants */
} md_tensor;

typedef struct {
	int code;
	int inputs[3];
	int input_count;
	int output;
	int activation;   /* fused activation: 0 none, 1 relu, 3 relu6 */
	int padding;      /* 0 same, 1 valid */
	int stride_w, stride_h, dilation_w, dilation_h;
	int block_size;   /* DEPTH_TO_SPACE */
	int depth_multiplier;
	int half_pixel_centers, align_corners; /* RESIZE_NEAREST_NEIGHBOR */
	int32_t *multiplier; /* per output channel (or one), in the arena after the activations */
	int8_t *shift;
	int32_t act_min, act_max;
} md_op;

typedef struct {
	md_tensor tensors[MD_MAX_TENSORS];
	int tensor_count;
	md_op ops[MD_MAX_OPS];
	int op_count;
	int input, output;
	uint8_t *arena;
	size_t arena_size;
	size_t arena_used;
	uint64_t macs; /* multiply-accumulates per decode */
} md_model;

/* Returns 0, or -1 with a message in err naming what is wrong with the model. */
int md_model_init(md_model *m, const uint8_t *bytes, size_t length, uint8_t *arena, size_t arena_size, char *err, size_t err_size);

/* Latent (int8, the model's input size) to the raw int8 output (64x128 logits). */
int md_decode_logits(md_model *m, const int8_t *latent, int8_t *logits);

/* Ink where the logit is above the output zero point (threshold), or Bayer-ordered where the
 * output probability beats the 4x4 matrix (dither). Writes the 1024-byte page-packed frame. */
void md_to_frame(const md_model *m, const int8_t *logits, int dither, uint8_t *frame);

/* Both steps. */
int md_decode(md_model *m, const int8_t *latent, int dither, uint8_t *frame);

/* The latent length the model takes. */
int md_latent_size(const md_model *m);

/* The TFLite name of a builtin operator code ("CONV_2D"), or "UNSUPPORTED". */
const char *md_op_name(int code);

/* Bytes of constant tensors (weights and biases). */
int md_weight_bytes(const md_model *m);

#endif
