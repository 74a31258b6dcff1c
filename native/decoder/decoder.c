/*
 * Portable int8 reference backend of the latent decoder (see decoder.h and docs/decoder.md).
 * The model is read and checked by model.c (shared with the TFLM backend); this file lays out the
 * activations in the caller's arena and runs them. The arithmetic follows TFLM's reference kernels
 * (tensorflow/lite/kernels/internal/reference/integer_ops and common.h): QuantizeMultiplier from
 * double scales, MultiplyByQuantizedMultiplier with SaturatingRoundingDoublingHighMul and
 * RoundingDivideByPOT, so the outputs are bit-identical to the TFLM interpreter's, which the oracle
 * suite checks. Accumulators wrap as two's complement (uint32 arithmetic) where TFLM's int32 would
 * overflow, so a hostile model cannot reach undefined behaviour.
 */
#include "decoder.h"

#include <math.h>
#include <string.h>
#include <stdio.h>

/*
 * Device-measurement hooks (tools/s3, docs/device.md), all off in the firmware and host builds:
 * MD_ACTIVATION_ALIGN lays activations out at that alignment (ESP-NN's esp32s3 kernels take their
 * fast paths only on 16-byte aligned data); MD_EXTERNAL_KERNELS lets md_external_kernel() run an
 * operator instead (ESP-NN's kernels for FULLY_CONNECTED and CONV_2D: 1 when it ran it);
 * MD_PROFILE calls md_profile_op(i) before operator i and md_profile_op(op_count) after the last.
 */
#ifndef MD_ACTIVATION_ALIGN
#define MD_ACTIVATION_ALIGN 4
#endif
#ifdef MD_EXTERNAL_KERNELS
int md_external_kernel(md_model *m, const md_op *op);
#endif
#ifdef MD_PROFILE
void md_profile_op(int i);
#define MD_PROFILE_OP(i) md_profile_op(i)
#else
#define MD_PROFILE_OP(i) ((void)0)
#endif

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24); }

/* ---- TFLM quantization arithmetic ---- */

static int32_t srdhm(int32_t a, int32_t b) {
	int overflow = a == b && a == INT32_MIN;
	int64_t ab = (int64_t)a * (int64_t)b;
	int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
	int32_t high = (int32_t)((ab + nudge) / (1LL << 31));
	return overflow ? INT32_MAX : high;
}

static int32_t rdbpot(int32_t x, int exponent) {
	int32_t mask = (int32_t)((1LL << exponent) - 1);
	int32_t remainder = x & mask;
	int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
	return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* The shift is -31..30 (model.c checks it); the left shift wraps like TFLM's int32 on hardware. */
static int32_t mbqm(int32_t x, int32_t q, int shift) {
	int left = shift > 0 ? shift : 0;
	int right = shift > 0 ? 0 : -shift;
	return rdbpot(srdhm((int32_t)((uint32_t)x << left), q), right);
}

/* ---- Model loading ---- */

static int fail(char *err, size_t n, const char *msg, unsigned long a) {
	if (err && n) snprintf(err, n, msg, a);
	return -1;
}

int md_model_init(md_model *m, const uint8_t *bytes, size_t length, int latent, uint8_t *arena, size_t arena_size, char *err, size_t n) {
	memset(m, 0, sizeof(*m));
	if (md_graph_check(&m->g, bytes, length, latent, err, n)) return -1;
	/* Activations get arena space one after another; constants stay in the model bytes. */
	m->arena = arena;
	m->arena_size = arena_size;
	size_t used = 0;
	for (int i = 0; i < m->g.tensor_count; i++) {
		md_tensor *t = &m->g.tensors[i];
		if (t->data) continue;
		used = (used + MD_ACTIVATION_ALIGN - 1) & ~(size_t)(MD_ACTIVATION_ALIGN - 1);
		t->offset = (int32_t)used;
		used += ((size_t)t->size + 3) & ~(size_t)3;
	}
	if (used > arena_size) return fail(err, n, "arena too small: the model needs %lu bytes", (unsigned long)used);
	/* Requantization tables: one multiplier and shift per output channel (or one). */
	for (int i = 0; i < m->g.op_count; i++) {
		md_op *op = &m->g.ops[i];
		if (op->code != MD_OP_FULLY_CONNECTED && op->code != MD_OP_CONV_2D && op->code != MD_OP_DEPTHWISE_CONV_2D) continue;
		const md_tensor *in = &m->g.tensors[op->inputs[0]], *w = &m->g.tensors[op->inputs[1]], *out = &m->g.tensors[op->output];
		int channels = w->scale_count > 1 ? w->scale_count : 1;
		size_t need = (size_t)channels * 5;
		if (need > arena_size - used) return fail(err, n, "arena too small: the model needs %lu bytes", (unsigned long)(used + need));
		op->multiplier = (int32_t *)(void *)(arena + used);
		op->shift = (int8_t *)(arena + used + (size_t)channels * 4);
		used += (need + 3) & ~(size_t)3;
		for (int c = 0; c < channels; c++) {
			double real = (double)in->scale * (double)md_tensor_scale(w, c) / (double)out->scale;
			int shift;
			md_quantize_multiplier(real, &op->multiplier[c], &shift);
			op->shift[c] = (int8_t)shift;
		}
	}
	m->arena_used = used;
	return 0;
}

int md_latent_size(const md_model *m) { return m->g.tensors[m->g.input].size; }

int md_weight_bytes(const md_model *m) { return md_graph_weight_bytes(&m->g); }

/* ---- Kernels ---- */

static int8_t *act(md_model *m, int i) { return (int8_t *)(m->arena + m->g.tensors[i].offset); }
static const int8_t *src(md_model *m, int i) { return m->g.tensors[i].data ? (const int8_t *)m->g.tensors[i].data : act(m, i); }
int8_t *md_activation(md_model *m, int tensor) { return act(m, tensor); }
const int8_t *md_tensor_bytes(md_model *m, int tensor) { return src(m, tensor); }
static int32_t bias_at(const md_model *m, const md_op *op, int c) {
	if (op->input_count < 3 || op->inputs[2] < 0) return 0;
	return (int32_t)rd32(m->g.tensors[op->inputs[2]].data + 4 * c);
}
static int8_t clamp8(int32_t v, int32_t lo, int32_t hi) { return (int8_t)(v < lo ? lo : v > hi ? hi : v); }
/* The accumulator requantized, offset (wrapping, as TFLM's int32 add) and clamped to the activation range. */
static int8_t requant(uint32_t acc, int32_t q, int shift, int32_t out_off, const md_op *op) {
	return clamp8((int32_t)((uint32_t)mbqm((int32_t)acc, q, shift) + (uint32_t)out_off), op->act_min, op->act_max);
}

static void fully_connected(md_model *m, const md_op *op) {
	const md_tensor *in = &m->g.tensors[op->inputs[0]], *w = &m->g.tensors[op->inputs[1]], *out = &m->g.tensors[op->output];
	const int8_t *x = src(m, op->inputs[0]);
	const int8_t *wt = (const int8_t *)w->data;
	int8_t *y = act(m, op->output);
	int depth = w->dims[1], units = w->dims[0];
	int32_t in_off = -in->zero_point, out_off = out->zero_point;
	for (int u = 0; u < units; u++) {
		uint32_t acc = 0; /* wraps where TFLM's int32 would overflow */
		for (int d = 0; d < depth; d++) acc += (uint32_t)((x[d] + in_off) * wt[u * depth + d]);
		acc += (uint32_t)bias_at(m, op, u);
		int c = w->scale_count > 1 ? u : 0;
		y[u] = requant(acc, op->multiplier[c], op->shift[c], out_off, op);
	}
}

static void conv(md_model *m, const md_op *op, int depthwise) {
	const md_tensor *in = &m->g.tensors[op->inputs[0]], *w = &m->g.tensors[op->inputs[1]], *out = &m->g.tensors[op->output];
	const int8_t *x = src(m, op->inputs[0]);
	const int8_t *wt = (const int8_t *)w->data;
	int8_t *y = act(m, op->output);
	int ih = in->dims[1], iw = in->dims[2], ic = in->dims[3];
	int oh = out->dims[1], ow = out->dims[2], oc = out->dims[3];
	int fh = w->dims[1], fw = w->dims[2];
	int pad_h = op->pad_h, pad_w = op->pad_w;
	int32_t in_off = -in->zero_point, out_off = out->zero_point;
	for (int oy = 0; oy < oh; oy++) {
		for (int ox = 0; ox < ow; ox++) {
			for (int c = 0; c < oc; c++) {
				uint32_t acc = 0; /* wraps where TFLM's int32 would overflow */
				int y0 = oy * op->stride_h - pad_h, x0 = ox * op->stride_w - pad_w;
				for (int ky = 0; ky < fh; ky++) {
					int yy = y0 + op->dilation_h * ky;
					if (yy < 0 || yy >= ih) continue;
					for (int kx = 0; kx < fw; kx++) {
						int xx = x0 + op->dilation_w * kx;
						if (xx < 0 || xx >= iw) continue;
						if (depthwise) {
							int ci = c / op->depth_multiplier;
							acc += (uint32_t)(wt[(ky * fw + kx) * oc + c] * (x[(yy * iw + xx) * ic + ci] + in_off));
						} else {
							const int8_t *xp = &x[(yy * iw + xx) * ic];
							const int8_t *wp = &wt[((c * fh + ky) * fw + kx) * ic];
							for (int k = 0; k < ic; k++) acc += (uint32_t)(wp[k] * (xp[k] + in_off));
						}
					}
				}
				acc += (uint32_t)bias_at(m, op, c);
				int q = w->scale_count > 1 ? c : 0;
				y[(oy * ow + ox) * oc + c] = requant(acc, op->multiplier[q], op->shift[q], out_off, op);
			}
		}
	}
}

static void depth_to_space(md_model *m, const md_op *op) {
	const md_tensor *in = &m->g.tensors[op->inputs[0]], *out = &m->g.tensors[op->output];
	const int8_t *x = src(m, op->inputs[0]);
	int8_t *y = act(m, op->output);
	int bs = op->block_size, iw = in->dims[2], ic = in->dims[3];
	int oh = out->dims[1], ow = out->dims[2], oc = out->dims[3];
	for (int oy = 0; oy < oh; oy++)
		for (int ox = 0; ox < ow; ox++)
			for (int c = 0; c < oc; c++) {
				int id = c + ((oy % bs) * bs + ox % bs) * oc;
				y[(oy * ow + ox) * oc + c] = x[((oy / bs) * iw + ox / bs) * ic + id];
			}
}

static void resize_nearest(md_model *m, const md_op *op) {
	const md_tensor *in = &m->g.tensors[op->inputs[0]], *out = &m->g.tensors[op->output];
	const int8_t *x = src(m, op->inputs[0]);
	int8_t *y = act(m, op->output);
	int ih = in->dims[1], iw = in->dims[2], c = in->dims[3], oh = out->dims[1], ow = out->dims[2];
	/* TFLM reference: scale = in / out (or (in-1)/(out-1) with align_corners), nearest by floor or round. */
	float sy = (op->align_corners && oh > 1) ? (float)(ih - 1) / (oh - 1) : (float)ih / oh;
	float sx = (op->align_corners && ow > 1) ? (float)(iw - 1) / (ow - 1) : (float)iw / ow;
	float off = op->half_pixel_centers ? 0.5f : 0.0f;
	for (int oy = 0; oy < oh; oy++) {
		int yy = op->align_corners ? (int)roundf((oy + off) * sy) : (int)floorf((oy + off) * sy);
		if (yy > ih - 1) yy = ih - 1;
		if (yy < 0) yy = 0;
		for (int ox = 0; ox < ow; ox++) {
			int xx = op->align_corners ? (int)roundf((ox + off) * sx) : (int)floorf((ox + off) * sx);
			if (xx > iw - 1) xx = iw - 1;
			if (xx < 0) xx = 0;
			memcpy(&y[(oy * ow + ox) * c], &x[(yy * iw + xx) * c], (size_t)c);
		}
	}
}

int md_decode_logits(md_model *m, const int8_t *latent, int8_t *logits) {
	memcpy(act(m, m->g.input), latent, (size_t)m->g.tensors[m->g.input].size);
	for (int i = 0; i < m->g.op_count; i++) {
		const md_op *op = &m->g.ops[i];
		MD_PROFILE_OP(i);
#ifdef MD_EXTERNAL_KERNELS
		if (md_external_kernel(m, op)) continue;
#endif
		switch (op->code) {
		case MD_OP_FULLY_CONNECTED: fully_connected(m, op); break;
		case MD_OP_CONV_2D: conv(m, op, 0); break;
		case MD_OP_DEPTHWISE_CONV_2D: conv(m, op, 1); break;
		case MD_OP_RESHAPE: memcpy(act(m, op->output), src(m, op->inputs[0]), (size_t)m->g.tensors[op->output].size); break;
		case MD_OP_DEPTH_TO_SPACE: depth_to_space(m, op); break;
		case MD_OP_RESIZE_NEAREST_NEIGHBOR: resize_nearest(m, op); break;
		default: return -1;
		}
	}
	MD_PROFILE_OP(m->g.op_count);
	if (logits) memcpy(logits, act(m, m->g.output), MF_PIXELS);
	return 0;
}

void md_to_frame(const md_model *m, const int8_t *logits, int dither, uint8_t *frame) {
	const md_tensor *out = &m->g.tensors[m->g.output];
	md_logits_to_frame(logits, m->g.output_tiles, out->zero_point, out->scale, dither, frame);
}

int md_decode(md_model *m, const int8_t *latent, int dither, uint8_t *frame) {
	if (md_decode_logits(m, latent, NULL)) return -1;
	md_to_frame(m, act(m, m->g.output), dither, frame);
	return 0;
}
