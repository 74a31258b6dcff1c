/*
 * What both decoder backends share (docs/decoder.md): the one list of operators the decoder runs,
 * the structural check that every model passes before either backend uses it, and the step from the
 * 64x128 logits to the SSD1306 page-packed frame. Compiled on every platform (lin: with the reference
 * backend, esp32: with the TFLM backend). Plain C99, no heap.
 *
 * The check treats the model bytes as hostile: every FlatBuffer offset is bounds- and
 * alignment-checked, sizes are computed without overflow, shapes must chain from operator to
 * operator exactly as the kernels read them, every operator writes a fresh activation tensor (never a
 * constant, never the input), the input is an int8 latent of 1..MD_MAX_LATENT values and the output
 * exactly MF_HEIGHT x MF_WIDTH int8 logits, and the requantization shifts are in TFLM's range.
 * Its verdict is one line naming the tensor, operator or byte at fault.
 */
#ifndef MOODFACE_DECODER_MODEL_H
#define MOODFACE_DECODER_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "../common/geometry.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MD_MAX_TENSORS 32
#define MD_MAX_OPS 16
#define MD_MAX_CHANNELS 4096
/* The animator keeps latents in 16-value buffers and packs allow 1..16 dimensions (modules/face/pack.ts
 * MAX_LATENT; a test keeps the two equal). */
#define MD_MAX_LATENT 16
/* One tensor holds at most this many elements; one decode does at most this many multiply-adds. */
#define MD_MAX_ELEMENTS (1L << 20)
#define MD_MAX_MACS 4000000L
/* The arena every backend gets (the TFLM interpreter's on the ESP32, the reference's elsewhere): the
 * decoder's budget, 40 KB with ESP-NN's scratch (tools/s3/decoder.ts DECODER_BUDGET, docs/device.md;
 * measured on the emulated S3: 32,444 bytes for the board-layout model). Static on the board, so
 * every KB above what the model needs is RAM the XS heap and NimBLE do not get (docs/memory.md). */
#define MD_ARENA_BYTES (40 * 1024)
/* Room for a verdict. */
#define MD_ERR_BYTES 200

/* The decoder's operators: one list for both backends. X(name, TFLite builtin code, TFLM Add method). */
#define MD_OPERATORS(X) \
	X(CONV_2D, 3, AddConv2D) \
	X(DEPTHWISE_CONV_2D, 4, AddDepthwiseConv2D) \
	X(DEPTH_TO_SPACE, 5, AddDepthToSpace) \
	X(FULLY_CONNECTED, 9, AddFullyConnected) \
	X(RESHAPE, 22, AddReshape) \
	X(RESIZE_NEAREST_NEIGHBOR, 97, AddResizeNearestNeighbor)
#define MD_OP_ENUM(name, code, add) MD_OP_##name = code,
enum { MD_OPERATORS(MD_OP_ENUM) MD_OP_LAST_ };
#define MD_OP_COUNT_ONE(name, code, add) +1
enum { MD_OP_COUNT = 0 MD_OPERATORS(MD_OP_COUNT_ONE) };

enum { MD_TYPE_INT32 = 2, MD_TYPE_INT8 = 9 };

typedef struct {
	int32_t dims[4];
	int rank;
	int type;              /* TensorType: 9 int8, 2 int32 */
	const uint8_t *data;   /* constant data, or NULL for activations */
	int32_t size;          /* elements (at most MD_MAX_ELEMENTS) */
	float scale;           /* first scale */
	int32_t zero_point;
	const uint8_t *scales; /* float32 little-endian per channel, count in scale_count */
	int scale_count;
	int32_t offset;        /* activation: byte offset in the reference arena; -1 for constants */
} md_tensor;

typedef struct {
	int code;
	int inputs[3];
	int input_count;
	int output;
	int activation;   /* fused activation: 0 none, 1 relu, 3 relu6 */
	int padding;      /* 0 same, 1 valid */
	int stride_w, stride_h, dilation_w, dilation_h;
	int pad_w, pad_h; /* CONV_2D, DEPTHWISE_CONV_2D: TFLM's padding for these shapes */
	int block_size;   /* DEPTH_TO_SPACE */
	int depth_multiplier;
	int half_pixel_centers, align_corners; /* RESIZE_NEAREST_NEIGHBOR */
	int32_t act_min, act_max;
	int32_t *multiplier; /* reference backend: per output channel (or one), in its arena */
	int8_t *shift;
} md_op;

typedef struct {
	md_tensor tensors[MD_MAX_TENSORS];
	int tensor_count;
	md_op ops[MD_MAX_OPS];
	int op_count;
	int input, output;
	uint64_t macs;          /* multiply-accumulates per decode */
	int output_tiles;       /* output layout: 0 pixel rows (MF_HEIGHT x MF_WIDTH), or MD_TILE: tiles (md_logits_to_frame) */
	size_t activation_bytes; /* activations laid out one after another, 4-byte aligned */
} md_graph;

/*
 * Reads and checks a model kept in place. `latent` is the latent size the caller's pack holds, or 0
 * for any. Returns 0, or -1 with the verdict in err.
 */
int md_graph_check(md_graph *g, const uint8_t *bytes, size_t length, int latent, char *err, size_t err_size);

/* The TFLite name of a builtin operator code ("CONV_2D"), or "UNSUPPORTED". */
const char *md_op_name(int code);
/* 1 when the decoder runs this builtin operator (both backends: MD_OPERATORS). */
int md_op_supported(int code);
/* Scale of channel i of a tensor (its only scale when it has one). */
float md_tensor_scale(const md_tensor *t, int i);
/* TFLM's QuantizeMultiplier: a real multiplier as a Q31 significand and a power-of-two shift. */
void md_quantize_multiplier(double m, int32_t *q, int *shift);
/* Bytes of constant tensors (weights and biases). */
int md_graph_weight_bytes(const md_graph *g);

/*
 * The two output layouts a model may have (docs/decoder.md "Board layout"): pixel rows, 1xMF_HEIGHTx
 * MF_WIDTHx1 (any 1s around them), or MD_TILE x MD_TILE tiles, 1 x MF_HEIGHT/MD_TILE x MF_WIDTH/MD_TILE
 * x MD_TILE^2, where channel dy*MD_TILE+dx of cell (row, col) is pixel (row*MD_TILE+dy, col*MD_TILE+dx):
 * the CONV_2D output a trailing DEPTH_TO_SPACE would have rearranged. A tile is one SSD1306 page high,
 * so it packs straight into MD_TILE frame bytes.
 */
#define MD_TILE 8 /* md_logits_to_frame spells out its 8 rows */

/* Threshold (dither 0) or Bayer-ordered dither of MF_PIXELS logits in either layout (`tiles`: 0 or
 * MD_TILE, md_graph.output_tiles) into an MF_FRAME_BYTES page-packed frame. */
void md_logits_to_frame(const int8_t *logits, int tiles, int32_t zero, float scale, int dither, uint8_t *frame);

#ifdef __cplusplus
}
#endif

#endif
