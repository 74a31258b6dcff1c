/*
 * The structural check of a decoder model and the logits-to-frame step, shared by both backends
 * (model.h, docs/decoder.md). The FlatBuffer is read in place with every offset bounds- and
 * alignment-checked the way flatbuffers' Verifier checks them, so a model this file accepts is one
 * the TFLM backend's Verifier accepts too.
 */
#include "model.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- FlatBuffer reading (little-endian, in place, nothing trusted) ---- */

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24); }
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

typedef struct {
	const uint8_t *base;
	size_t length;
	int bad;
	size_t bad_at; /* the first byte position that failed a check */
} fb;

static int fb_fail(fb *f, size_t pos) {
	if (!f->bad) { f->bad = 1; f->bad_at = pos; }
	return 0;
}

/* n bytes at pos are inside the buffer and pos is aligned to `align` (from the buffer's start). */
static int fb_ok(fb *f, size_t pos, size_t n, size_t align) {
	if (pos > f->length || n > f->length - pos) return fb_fail(f, pos);
	if (align > 1 && (pos & (align - 1))) return fb_fail(f, pos);
	return 1;
}

/* Position of the table's field `field` (0-based) of `size` bytes, or 0 if absent. */
static size_t fb_field(fb *f, size_t table, int field, size_t size) {
	if (!table || f->bad) return 0;
	if (!fb_ok(f, table, 4, 4)) return 0;
	int64_t vt = (int64_t)table - (int32_t)rd32(f->base + table);
	if (vt < 0 || !fb_ok(f, (size_t)vt, 4, 2)) return fb_fail(f, table);
	uint16_t vsize = rd16(f->base + vt);
	if ((vsize & 1) || vsize < 4 || !fb_ok(f, (size_t)vt, vsize, 2)) return fb_fail(f, (size_t)vt);
	if ((size_t)(4 + 2 * field + 2) > vsize) return 0;
	uint16_t off = rd16(f->base + vt + 4 + 2 * field);
	if (!off) return 0;
	if (!fb_ok(f, table + off, size, size)) return 0;
	return table + off;
}

/* Follows the uoffset at pos to a table; 0 on failure. */
static size_t fb_deref(fb *f, size_t pos) {
	if (!pos || f->bad || !fb_ok(f, pos, 4, 4)) return 0;
	size_t t = pos + rd32(f->base + pos);
	if (t < pos || !fb_ok(f, t, 4, 4)) return fb_fail(f, pos);
	return t;
}

static size_t fb_table(fb *f, size_t table, int field) { return fb_deref(f, fb_field(f, table, field, 4)); }

/* A vector field: the position of its first element and its length in *n; 0 when absent or bad. */
static size_t fb_vector(fb *f, size_t table, int field, uint32_t *n, size_t elem) {
	*n = 0;
	size_t v = fb_table(f, table, field);
	if (!v) return 0;
	uint32_t count = rd32(f->base + v);
	if (count > (f->length - v - 4) / elem) return fb_fail(f, v);
	*n = count;
	return v + 4;
}

/* A string field: present strings must be inside the buffer and NUL-terminated. */
static void fb_string(fb *f, size_t table, int field) {
	uint32_t n;
	size_t s = fb_vector(f, table, field, &n, 1);
	if (s && (s + n >= f->length || f->base[s + n] != 0)) fb_fail(f, s);
}

static int64_t fb_int(fb *f, size_t table, int field, int size, int64_t dflt) {
	size_t p = fb_field(f, table, field, (size_t)size);
	if (!p) return dflt;
	if (size == 1) return (int8_t)f->base[p];
	if (size == 2) return (int16_t)rd16(f->base + p);
	if (size == 4) return (int32_t)rd32(f->base + p);
	return (int64_t)((uint64_t)rd32(f->base + p) | ((uint64_t)rd32(f->base + p + 4) << 32));
}

static uint32_t fb_u32(fb *f, size_t table, int field, uint32_t dflt) { return (uint32_t)fb_int(f, table, field, 4, (int32_t)dflt); }

static size_t fb_vector_table(fb *f, size_t vec, uint32_t i) { return fb_deref(f, vec + 4 * (size_t)i); }

/* ---- Verdicts ---- */

typedef struct {
	fb f;
	char *err;
	size_t n;
} check;

static int verdict(check *c, const char *fmt, ...) {
	if (c->err && c->n) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->err, c->n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* "malformed FlatBuffer at byte X of N (where)" once the reader failed. */
static int malformed(check *c, const char *what, int index) {
	char where[48];
	if (index >= 0) snprintf(where, sizeof(where), "%s %d", what, index);
	else snprintf(where, sizeof(where), "%s", what);
	return verdict(c, "%s: malformed FlatBuffer at byte %lu of %lu (an offset, length or alignment is wrong)", where, (unsigned long)c->f.bad_at, (unsigned long)c->f.length);
}

static void shape_text(const md_tensor *t, char *out, size_t n) {
	size_t k = 0;
	out[0] = 0;
	if (t->rank == 0) { snprintf(out, n, "scalar"); return; }
	for (int i = 0; i < t->rank && k < n; i++) k += (size_t)snprintf(out + k, n - k, "%s%ld", i ? "x" : "", (long)t->dims[i]);
}

/* ---- Tables ---- */

const char *md_op_name(int code) {
	switch (code) {
#define MD_OP_NAME(name, c, add) case c: return #name;
	MD_OPERATORS(MD_OP_NAME)
	default: return "UNSUPPORTED";
	}
}

int md_op_supported(int code) { return strcmp(md_op_name(code), "UNSUPPORTED") != 0; }

float md_tensor_scale(const md_tensor *t, int i) {
	if (t->scale_count <= 1) return t->scale;
	float v;
	uint32_t bits = rd32(t->scales + 4 * i);
	memcpy(&v, &bits, 4);
	return v;
}

/* TFLM's QuantizeMultiplier: a real multiplier as a Q31 significand and a power-of-two shift. */
void md_quantize_multiplier(double m, int32_t *q, int *shift) {
	if (m == 0.0) { *q = 0; *shift = 0; return; }
	double s = frexp(m, shift);
	int64_t fixed = (int64_t)round(s * (double)(1LL << 31));
	if (fixed == (1LL << 31)) { fixed /= 2; ++*shift; }
	if (*shift < -31) { *shift = 0; fixed = 0; }
	*q = (int32_t)fixed;
}

/* ---- Tensors ---- */

static int load_tensor(check *c, size_t buffers, uint32_t buffer_count, int i, size_t t, md_tensor *out) {
	fb *f = &c->f;
	memset(out, 0, sizeof(*out));
	out->offset = -1;
	if (!t) return malformed(c, "tensor", i);
	uint32_t rank;
	size_t shape = fb_vector(f, t, 0, &rank, 4);
	if (f->bad) return malformed(c, "tensor", i);
	if (rank > 4) return verdict(c, "tensor %d: rank %u (at most 4 supported)", i, (unsigned)rank);
	out->rank = (int)rank;
	int64_t size = 1;
	for (uint32_t k = 0; k < rank; k++) {
		int32_t d = (int32_t)rd32(f->base + shape + 4 * k);
		out->dims[k] = d;
		if (d <= 0) return verdict(c, "tensor %d: dimension %u is %ld (must be positive)", i, (unsigned)k, (long)d);
		if (d > MD_MAX_ELEMENTS / size) return verdict(c, "tensor %d: more than %ld elements", i, (long)MD_MAX_ELEMENTS);
		size *= d;
	}
	out->size = (int32_t)size;
	out->type = (int)fb_int(f, t, 1, 1, 0);
	fb_string(f, t, 3);
	if (fb_int(f, t, 5, 1, 0)) return verdict(c, "tensor %d: variable tensors are not supported", i);
	if (fb_field(f, t, 6, 4)) return verdict(c, "tensor %d: sparse tensors are not supported", i);
	uint32_t unused;
	fb_vector(f, t, 7, &unused, 4); /* shape_signature */
	if (fb_field(f, t, 9, 4)) return verdict(c, "tensor %d: variant tensors are not supported", i);
	if (f->bad) return malformed(c, "tensor", i);
	if (out->type != MD_TYPE_INT8 && out->type != MD_TYPE_INT32) return verdict(c, "tensor %d: type %d (only int8 and int32 are supported)", i, out->type);
	uint32_t buffer = fb_u32(f, t, 2, 0);
	if (buffer >= buffer_count) return verdict(c, "tensor %d: buffer %u out of range (%u buffers)", i, (unsigned)buffer, (unsigned)buffer_count);
	if (buffer) {
		size_t b = fb_vector_table(f, buffers, buffer);
		uint32_t n;
		size_t data = fb_vector(f, b, 0, &n, 1);
		if (f->bad) return malformed(c, "buffer", (int)buffer);
		if (fb_int(f, b, 1, 8, 0) || fb_int(f, b, 2, 8, 0)) return verdict(c, "tensor %d: buffer %u keeps its data outside the FlatBuffer (not supported)", i, (unsigned)buffer);
		if (n) {
			size_t bytes = (size_t)out->size * (out->type == MD_TYPE_INT32 ? 4 : 1);
			if (n != bytes) return verdict(c, "tensor %d: buffer %u holds %u bytes, the shape needs %lu", i, (unsigned)buffer, (unsigned)n, (unsigned long)bytes);
			if (out->type == MD_TYPE_INT32 && (data & 3)) return verdict(c, "tensor %d: int32 data at byte %lu is not 4-byte aligned", i, (unsigned long)data);
			out->data = f->base + data;
		}
	}
	size_t q = fb_table(f, t, 4);
	if (q) {
		uint32_t nmin, nmax, ns, nz;
		fb_vector(f, q, 0, &nmin, 4);
		fb_vector(f, q, 1, &nmax, 4);
		size_t scales = fb_vector(f, q, 2, &ns, 4);
		size_t zeros = fb_vector(f, q, 3, &nz, 8);
		int64_t details = fb_int(f, q, 4, 1, 0);
		int64_t qdim = fb_int(f, q, 6, 4, 0);
		if (f->bad) return malformed(c, "tensor", i);
		if (details) return verdict(c, "tensor %d: custom quantization is not supported", i);
		if (ns > MD_MAX_CHANNELS) return verdict(c, "tensor %d: %u scales (at most %d)", i, (unsigned)ns, MD_MAX_CHANNELS);
		if (ns && nz != ns) return verdict(c, "tensor %d: %u scales but %u zero points", i, (unsigned)ns, (unsigned)nz);
		if (ns > 1 && (qdim < 0 || qdim >= out->rank || out->dims[qdim] != (int32_t)ns)) return verdict(c, "tensor %d: %u per-channel scales do not match quantized dimension %ld", i, (unsigned)ns, (long)qdim);
		for (uint32_t k = 0; k < ns; k++) {
			float s;
			uint32_t bits = rd32(f->base + scales + 4 * k);
			memcpy(&s, &bits, 4);
			if (!(s > 0.0f) || !isfinite(s)) return verdict(c, "tensor %d: scale %u is not a positive finite number", i, (unsigned)k);
			if (k == 0) out->scale = s;
		}
		for (uint32_t k = 0; k < nz; k++) {
			int64_t z = (int64_t)((uint64_t)rd32(f->base + zeros + 8 * k) | ((uint64_t)rd32(f->base + zeros + 8 * k + 4) << 32));
			if (out->type == MD_TYPE_INT8 && (z < -128 || z > 127)) return verdict(c, "tensor %d: zero point %lld outside int8", i, (long long)z);
			if (out->type == MD_TYPE_INT32 && z != 0) return verdict(c, "tensor %d: int32 zero point %lld (must be 0)", i, (long long)z);
			if (k == 0) out->zero_point = (int32_t)z;
		}
		if (ns) {
			out->scales = f->base + scales;
			out->scale_count = (int)ns;
		}
	}
	if (out->type == MD_TYPE_INT8 && out->scale_count == 0) return verdict(c, "tensor %d: int8 without quantization parameters", i);
	return 0;
}

/* ---- Operators ---- */

static const int OPTIONS_TYPE[][2] = { { MD_OP_CONV_2D, 1 }, { MD_OP_DEPTHWISE_CONV_2D, 2 }, { MD_OP_FULLY_CONNECTED, 8 }, { MD_OP_RESHAPE, 17 }, { MD_OP_RESIZE_NEAREST_NEIGHBOR, 74 }, { MD_OP_DEPTH_TO_SPACE, 94 } };

static int options_type(int code) {
	for (size_t k = 0; k < sizeof(OPTIONS_TYPE) / sizeof(OPTIONS_TYPE[0]); k++)
		if (OPTIONS_TYPE[k][0] == code) return OPTIONS_TYPE[k][1];
	return -1;
}

/* TFLM's output size and padding for a convolution window (ComputeOutSize, ComputePaddingWithOffset). */
static int conv_out(int padding, int in, int filter, int stride, int dilation, int *pad) {
	int64_t eff = (int64_t)(filter - 1) * dilation + 1;
	int64_t out = padding == 0 ? ((int64_t)in + stride - 1) / stride : ((int64_t)in + stride - eff) / stride;
	if (out < 1) return -1;
	int64_t total = (out - 1) * stride + eff - in;
	*pad = total > 0 ? (int)(total / 2) : 0;
	return (int)out;
}

#define OPNAME(i, op) (i), md_op_name((op)->code)

static int activation_range(check *c, int i, md_op *op, const md_tensor *out) {
	int32_t lo = -128, hi = 127;
	if (op->activation != 0 && op->activation != 1 && op->activation != 3) return verdict(c, "operator %d (%s): fused activation %d is not supported (none, RELU or RELU6)", OPNAME(i, op), op->activation);
	if (op->activation == 1 || op->activation == 3) {
		if (out->zero_point > lo) lo = out->zero_point;
		if (op->activation == 3) {
			double six = out->zero_point + round(6.0 / (double)out->scale);
			if (six < hi) hi = (int32_t)six;
		}
	}
	op->act_min = lo;
	op->act_max = hi;
	return 0;
}

/* The requantization multipliers must be in TFLM's range: shift -31..30. */
static int check_multipliers(check *c, int i, const md_op *op, const md_tensor *in, const md_tensor *w, const md_tensor *out) {
	int channels = w->scale_count > 1 ? w->scale_count : 1;
	for (int ch = 0; ch < channels; ch++) {
		double real = (double)in->scale * (double)md_tensor_scale(w, ch) / (double)out->scale;
		int32_t q;
		int shift;
		md_quantize_multiplier(real, &q, &shift);
		if (shift > 30 || shift < -31) return verdict(c, "operator %d (%s): channel %d's requantization shift %d is out of range (-31 to 30)", OPNAME(i, op), ch, shift);
	}
	return 0;
}

static int weights(check *c, md_graph *g, int i, const md_op *op, int rank) {
	if (op->inputs[1] < 0) return verdict(c, "operator %d (%s): has no weights tensor", OPNAME(i, op));
	const md_tensor *w = &g->tensors[op->inputs[1]];
	if (!w->data || w->type != MD_TYPE_INT8 || w->rank != rank) return verdict(c, "operator %d (%s): weights tensor %d must be constant int8 of rank %d", OPNAME(i, op), op->inputs[1], rank);
	return 0;
}

static int bias(check *c, md_graph *g, int i, const md_op *op, int32_t channels) {
	if (op->input_count < 3 || op->inputs[2] < 0) return 0;
	const md_tensor *b = &g->tensors[op->inputs[2]];
	if (!b->data || b->type != MD_TYPE_INT32 || b->size != channels) return verdict(c, "operator %d (%s): bias tensor %d must be constant int32 with %ld values", OPNAME(i, op), op->inputs[2], (long)channels);
	return 0;
}

static int expect_shape(check *c, int i, const md_op *op, int t, const md_tensor *x, int rank, const int64_t *dims) {
	int same = x->rank == rank;
	for (int k = 0; same && k < rank; k++) same = x->dims[k] == dims[k];
	if (same) return 0;
	char have[48], want[48] = "";
	shape_text(x, have, sizeof(have));
	size_t n = 0;
	for (int k = 0; k < rank && n < sizeof(want); k++) n += (size_t)snprintf(want + n, sizeof(want) - n, "%s%lld", k ? "x" : "", (long long)dims[k]);
	return verdict(c, "operator %d (%s): tensor %d is %s, expected %s", OPNAME(i, op), t, have, want);
}

static int check_op(check *c, md_graph *g, int i, md_op *op, size_t opt) {
	fb *f = &c->f;
	const md_tensor *in = &g->tensors[op->inputs[0]];
	const md_tensor *out = &g->tensors[op->output];
	int ni = op->input_count;
	switch (op->code) {
	case MD_OP_FULLY_CONNECTED: {
		if (ni < 2) return verdict(c, "operator %d (%s): %d inputs, expected 2 or 3", OPNAME(i, op), ni);
		if (weights(c, g, i, op, 2)) return -1;
		const md_tensor *w = &g->tensors[op->inputs[1]];
		op->activation = (int)fb_int(f, opt, 0, 1, 0);
		if (fb_int(f, opt, 1, 1, 0)) return verdict(c, "operator %d (%s): shuffled weights are not supported", OPNAME(i, op));
		fb_int(f, opt, 2, 1, 0);
		fb_int(f, opt, 3, 1, 0);
		fb_int(f, opt, 4, 1, 0);
		int32_t units = w->dims[0], depth = w->dims[1];
		if (in->size != depth) return verdict(c, "operator %d (%s): input tensor %d has %ld values, weights tensor %d takes %ld", OPNAME(i, op), op->inputs[0], (long)in->size, op->inputs[1], (long)depth);
		if (out->size != units) return verdict(c, "operator %d (%s): output tensor %d has %ld values, weights tensor %d gives %ld", OPNAME(i, op), op->output, (long)out->size, op->inputs[1], (long)units);
		if (w->scale_count > 1 && w->scale_count != units) return verdict(c, "operator %d (%s): weights tensor %d has %d scales for %ld units", OPNAME(i, op), op->inputs[1], w->scale_count, (long)units);
		if (bias(c, g, i, op, units) || activation_range(c, i, op, out) || check_multipliers(c, i, op, in, w, out)) return -1;
		g->macs += (uint64_t)units * (uint64_t)depth;
		break;
	}
	case MD_OP_CONV_2D:
	case MD_OP_DEPTHWISE_CONV_2D: {
		int dw = op->code == MD_OP_DEPTHWISE_CONV_2D;
		if (ni < 2) return verdict(c, "operator %d (%s): %d inputs, expected 2 or 3", OPNAME(i, op), ni);
		if (weights(c, g, i, op, 4)) return -1;
		const md_tensor *w = &g->tensors[op->inputs[1]];
		op->padding = (int)fb_int(f, opt, 0, 1, 0);
		op->stride_w = (int)fb_int(f, opt, 1, 4, 1);
		op->stride_h = (int)fb_int(f, opt, 2, 4, 1);
		if (dw) {
			op->depth_multiplier = (int)fb_int(f, opt, 3, 4, 1);
			op->activation = (int)fb_int(f, opt, 4, 1, 0);
			op->dilation_w = (int)fb_int(f, opt, 5, 4, 1);
			op->dilation_h = (int)fb_int(f, opt, 6, 4, 1);
		} else {
			op->activation = (int)fb_int(f, opt, 3, 1, 0);
			op->dilation_w = (int)fb_int(f, opt, 4, 4, 1);
			op->dilation_h = (int)fb_int(f, opt, 5, 4, 1);
			fb_int(f, opt, 6, 1, 0);
		}
		if (op->padding != 0 && op->padding != 1) return verdict(c, "operator %d (%s): padding %d (SAME or VALID)", OPNAME(i, op), op->padding);
		if (op->stride_w < 1 || op->stride_h < 1 || op->stride_w > 64 || op->stride_h > 64 || op->dilation_w < 1 || op->dilation_h < 1 || op->dilation_w > 64 || op->dilation_h > 64)
			return verdict(c, "operator %d (%s): strides and dilations must be 1 to 64", OPNAME(i, op));
		if (in->rank != 4 || in->dims[0] != 1) return verdict(c, "operator %d (%s): input tensor %d must be 1xHxWxC", OPNAME(i, op), op->inputs[0]);
		int32_t ic = in->dims[3], fh = w->dims[1], fw = w->dims[2];
		int32_t oc = dw ? w->dims[3] : w->dims[0];
		if (dw ? (w->dims[0] != 1 || oc % ic != 0 || op->depth_multiplier != oc / ic) : w->dims[3] != ic)
			return verdict(c, "operator %d (%s): weights tensor %d do not fit input tensor %d's %ld channels", OPNAME(i, op), op->inputs[1], op->inputs[0], (long)ic);
		int oh = conv_out(op->padding, in->dims[1], fh, op->stride_h, op->dilation_h, &op->pad_h);
		int ow = conv_out(op->padding, in->dims[2], fw, op->stride_w, op->dilation_w, &op->pad_w);
		if (oh < 1 || ow < 1) return verdict(c, "operator %d (%s): the filter is larger than input tensor %d", OPNAME(i, op), op->inputs[0]);
		int64_t want[4] = { 1, oh, ow, oc };
		if (expect_shape(c, i, op, op->output, out, 4, want)) return -1;
		if (w->scale_count > 1 && w->scale_count != oc) return verdict(c, "operator %d (%s): weights tensor %d has %d scales for %ld channels", OPNAME(i, op), op->inputs[1], w->scale_count, (long)oc);
		if (bias(c, g, i, op, oc) || activation_range(c, i, op, out) || check_multipliers(c, i, op, in, w, out)) return -1;
		g->macs += (uint64_t)oh * (uint64_t)ow * (uint64_t)oc * (uint64_t)fh * (uint64_t)fw * (uint64_t)(dw ? 1 : ic);
		break;
	}
	case MD_OP_RESHAPE: {
		uint32_t unused;
		fb_vector(f, opt, 0, &unused, 4); /* new_shape */
		if (ni > 2) return verdict(c, "operator %d (%s): %d inputs, expected 1 or 2", OPNAME(i, op), ni);
		if (ni == 2 && op->inputs[1] >= 0 && (!g->tensors[op->inputs[1]].data || g->tensors[op->inputs[1]].type != MD_TYPE_INT32))
			return verdict(c, "operator %d (%s): shape tensor %d must be constant int32", OPNAME(i, op), op->inputs[1]);
		if (in->size != out->size) return verdict(c, "operator %d (%s): reshapes tensor %d's %ld values into tensor %d's %ld", OPNAME(i, op), op->inputs[0], (long)in->size, op->output, (long)out->size);
		break;
	}
	case MD_OP_DEPTH_TO_SPACE: {
		if (ni != 1) return verdict(c, "operator %d (%s): %d inputs, expected 1", OPNAME(i, op), ni);
		op->block_size = (int)fb_int(f, opt, 0, 4, 0);
		int bs = op->block_size;
		if (bs < 2 || bs > 64) return verdict(c, "operator %d (%s): block size %d (2 to 64)", OPNAME(i, op), bs);
		if (in->rank != 4 || in->dims[0] != 1 || in->dims[3] % (bs * bs)) return verdict(c, "operator %d (%s): input tensor %d must be 1xHxWxC with C a multiple of %d", OPNAME(i, op), op->inputs[0], bs * bs);
		int64_t want[4] = { 1, (int64_t)in->dims[1] * bs, (int64_t)in->dims[2] * bs, in->dims[3] / (bs * bs) };
		if (expect_shape(c, i, op, op->output, out, 4, want)) return -1;
		break;
	}
	case MD_OP_RESIZE_NEAREST_NEIGHBOR: {
		if (ni != 2) return verdict(c, "operator %d (%s): %d inputs, expected 2", OPNAME(i, op), ni);
		const md_tensor *size = op->inputs[1] >= 0 ? &g->tensors[op->inputs[1]] : NULL;
		if (!size || !size->data || size->type != MD_TYPE_INT32 || size->size != 2) return verdict(c, "operator %d (%s): size tensor %d must be constant int32 with 2 values", OPNAME(i, op), op->inputs[1]);
		op->align_corners = (int)fb_int(f, opt, 0, 1, 0);
		op->half_pixel_centers = (int)fb_int(f, opt, 1, 1, 0);
		if (op->align_corners && op->half_pixel_centers) return verdict(c, "operator %d (%s): align_corners and half_pixel_centers together", OPNAME(i, op));
		if (in->rank != 4 || in->dims[0] != 1) return verdict(c, "operator %d (%s): input tensor %d must be 1xHxWxC", OPNAME(i, op), op->inputs[0]);
		int64_t want[4] = { 1, (int32_t)rd32(size->data), (int32_t)rd32(size->data + 4), in->dims[3] };
		if (expect_shape(c, i, op, op->output, out, 4, want)) return -1;
		break;
	}
	default:
		return verdict(c, "operator %d: unsupported operator (builtin code %d)", i, op->code);
	}
	if (f->bad) return malformed(c, "operator", i);
	if (g->macs > (uint64_t)MD_MAX_MACS) return verdict(c, "operator %d (%s): the model needs more than %ld multiply-adds per frame", OPNAME(i, op), (long)MD_MAX_MACS);
	return 0;
}

/* ---- The model ---- */

static int check_strings_and_signatures(check *c, size_t model, size_t sg, uint32_t buffer_count, int tensor_count) {
	fb *f = &c->f;
	fb_string(f, model, 3); /* description */
	fb_string(f, sg, 4);    /* subgraph name */
	uint32_t n;
	fb_vector(f, model, 5, &n, 4); /* metadata_buffer */
	size_t meta = fb_vector(f, model, 6, &n, 4);
	for (uint32_t k = 0; k < n && !f->bad; k++) {
		size_t m = fb_vector_table(f, meta, k);
		fb_string(f, m, 0);
		if (fb_u32(f, m, 1, 0) >= buffer_count) return verdict(c, "metadata %u: buffer out of range", (unsigned)k);
	}
	uint32_t ns;
	size_t sigs = fb_vector(f, model, 7, &ns, 4);
	for (uint32_t k = 0; k < ns && !f->bad; k++) {
		size_t s = fb_vector_table(f, sigs, k);
		for (int field = 0; field < 2 && !f->bad; field++) {
			uint32_t nm;
			size_t maps = fb_vector(f, s, field, &nm, 4);
			for (uint32_t j = 0; j < nm && !f->bad; j++) {
				size_t tm = fb_vector_table(f, maps, j);
				fb_string(f, tm, 0);
				if (fb_u32(f, tm, 1, 0) >= (uint32_t)tensor_count) return verdict(c, "signature %u: tensor index out of range", (unsigned)k);
			}
		}
		fb_string(f, s, 2);
		if (fb_u32(f, s, 4, 0) != 0) return verdict(c, "signature %u: subgraph index out of range", (unsigned)k);
	}
	if (f->bad) return malformed(c, "model metadata", -1);
	return 0;
}

int md_graph_check(md_graph *g, const uint8_t *bytes, size_t length, int latent, char *err, size_t n) {
	check c = { { bytes, length, 0, 0 }, err, n };
	fb *f = &c.f;
	memset(g, 0, sizeof(*g));
	if (err && n) err[0] = 0;
	if (!bytes || length < 8 || memcmp(bytes + 4, "TFL3", 4) != 0) return verdict(&c, "not a TFLite model (no TFL3 identifier)");
	if (length > 0x7fffffffUL) return verdict(&c, "model of %lu bytes is too large", (unsigned long)length);
	size_t model = rd32(bytes); /* the root table offset sits at position 0 */
	if (!fb_ok(f, model, 4, 4)) return malformed(&c, "model header", -1);
	int64_t version = fb_int(f, model, 0, 4, 0);
	uint32_t code_count, subgraph_count, buffer_count;
	size_t codes = fb_vector(f, model, 1, &code_count, 4);
	size_t subgraphs = fb_vector(f, model, 2, &subgraph_count, 4);
	size_t buffers = fb_vector(f, model, 4, &buffer_count, 4);
	if (f->bad) return malformed(&c, "model header", -1);
	if (version != 3) return verdict(&c, "schema version %ld, expected 3", (long)version);
	if (subgraph_count != 1) return verdict(&c, "expected one subgraph, found %u", (unsigned)subgraph_count);
	size_t sg = fb_vector_table(f, subgraphs, 0);
	uint32_t tensor_count, op_count, nin, nout;
	size_t tensors = fb_vector(f, sg, 0, &tensor_count, 4);
	size_t inputs = fb_vector(f, sg, 1, &nin, 4);
	size_t outputs = fb_vector(f, sg, 2, &nout, 4);
	size_t ops = fb_vector(f, sg, 3, &op_count, 4);
	if (f->bad) return malformed(&c, "subgraph", 0);
	if (tensor_count > MD_MAX_TENSORS) return verdict(&c, "%u tensors (at most %d supported)", (unsigned)tensor_count, MD_MAX_TENSORS);
	if (op_count == 0 || op_count > MD_MAX_OPS) return verdict(&c, "%u operators (1 to %d supported)", (unsigned)op_count, MD_MAX_OPS);
	if (nin != 1 || nout != 1) return verdict(&c, "expected one input and one output, found %u and %u", (unsigned)nin, (unsigned)nout);
	g->tensor_count = (int)tensor_count;
	for (uint32_t i = 0; i < tensor_count; i++)
		if (load_tensor(&c, buffers, buffer_count, (int)i, fb_vector_table(f, tensors, i), &g->tensors[i])) return -1;
	uint32_t k;
	for (k = 0; k < buffer_count && !f->bad; k++) {
		uint32_t unused;
		size_t b = fb_vector_table(f, buffers, k);
		fb_vector(f, b, 0, &unused, 1);
		fb_int(f, b, 1, 8, 0);
		fb_int(f, b, 2, 8, 0);
	}
	if (f->bad) return malformed(&c, "buffer", (int)k - 1);
	for (k = 0; k < code_count && !f->bad; k++) {
		size_t oc = fb_vector_table(f, codes, k);
		fb_string(f, oc, 1); /* custom_code */
		fb_int(f, oc, 2, 4, 1);
	}
	if (f->bad) return malformed(&c, "operator code", (int)k - 1);
	if (check_strings_and_signatures(&c, model, sg, buffer_count, g->tensor_count)) return -1;

	uint32_t in_index = rd32(bytes + inputs), out_index = rd32(bytes + outputs);
	if (in_index >= tensor_count) return verdict(&c, "input tensor index %u out of range (%u tensors)", (unsigned)in_index, (unsigned)tensor_count);
	if (out_index >= tensor_count) return verdict(&c, "output tensor index %u out of range (%u tensors)", (unsigned)out_index, (unsigned)tensor_count);
	g->input = (int)in_index;
	g->output = (int)out_index;
	const md_tensor *tin = &g->tensors[g->input], *tout = &g->tensors[g->output];
	if (g->input == g->output) return verdict(&c, "tensor %d is both the input and the output", g->input);
	if (tin->type != MD_TYPE_INT8 || tin->data) return verdict(&c, "input tensor %d must be an int8 activation", g->input);
	if (tout->type != MD_TYPE_INT8 || tout->data) return verdict(&c, "output tensor %d must be an int8 activation", g->output);
	if (tin->size > MD_MAX_LATENT) return verdict(&c, "input tensor %d takes %ld values (a latent has 1 to %d)", g->input, (long)tin->size, MD_MAX_LATENT);
	if (latent > 0 && tin->size != latent) return verdict(&c, "input tensor %d takes %ld values but the pack's latents have %d", g->input, (long)tin->size, latent);
	{
		/* Exactly MF_HEIGHT x MF_WIDTH, with any 1s around them (1x64x128x1), or the tiles a trailing
		 * DEPTH_TO_SPACE would have rearranged: 1 x MF_HEIGHT/MD_TILE x MF_WIDTH/MD_TILE x MD_TILE^2. */
		int32_t big[4];
		int nb = 0;
		for (int k = 0; k < tout->rank; k++)
			if (tout->dims[k] != 1) big[nb++] = tout->dims[k];
		int tiles = tout->rank == 4 && tout->dims[0] == 1 && tout->dims[1] == MF_HEIGHT / MD_TILE && tout->dims[2] == MF_WIDTH / MD_TILE && tout->dims[3] == MD_TILE * MD_TILE;
		if (tiles) g->output_tiles = MD_TILE;
		else if (nb != 2 || big[0] != MF_HEIGHT || big[1] != MF_WIDTH) {
			char have[48];
			shape_text(tout, have, sizeof(have));
			return verdict(&c, "output tensor %d is %s (%ld values), expected %dx%d int8 logits (%d) or their %dx%d tiles (1x%dx%dx%d)", g->output, have, (long)tout->size, MF_HEIGHT, MF_WIDTH, MF_PIXELS, MD_TILE, MD_TILE, MF_HEIGHT / MD_TILE, MF_WIDTH / MD_TILE, MD_TILE * MD_TILE);
		}
	}

	/* Operators in order: each reads the input, a constant or what an earlier one wrote, and writes a
	 * fresh activation. */
	uint8_t written[MD_MAX_TENSORS];
	memset(written, 0, sizeof(written));
	written[g->input] = 1;
	g->op_count = (int)op_count;
	for (uint32_t u = 0; u < op_count; u++) {
		int i = (int)u;
		size_t o = fb_vector_table(f, ops, u);
		md_op *op = &g->ops[i];
		memset(op, 0, sizeof(*op));
		if (!o) return malformed(&c, "operator", i);
		uint32_t opcode = fb_u32(f, o, 0, 0);
		if (f->bad) return malformed(&c, "operator", i);
		if (opcode >= code_count) return verdict(&c, "operator %d: operator code %u out of range (%u codes)", i, (unsigned)opcode, (unsigned)code_count);
		size_t oc = fb_vector_table(f, codes, opcode);
		int64_t deprecated = fb_int(f, oc, 0, 1, 0);
		int64_t builtin = fb_int(f, oc, 3, 4, 0);
		if (f->bad || !oc) return malformed(&c, "operator code", (int)opcode);
		op->code = (int)(builtin > deprecated ? builtin : deprecated);
		if (!md_op_supported(op->code)) return verdict(&c, "operator %d: unsupported operator (builtin code %d)", i, op->code);
		uint32_t ni, no;
		size_t ins = fb_vector(f, o, 1, &ni, 4);
		size_t outs = fb_vector(f, o, 2, &no, 4);
		int64_t otype = fb_int(f, o, 3, 1, 0);
		size_t opt = fb_table(f, o, 4);
		int has_custom = fb_field(f, o, 5, 4) != 0;
		uint32_t unused;
		fb_vector(f, o, 7, &unused, 1); /* mutating_variable_inputs */
		fb_vector(f, o, 8, &unused, 4); /* intermediates */
		if (f->bad) return malformed(&c, "operator", i);
		if (has_custom) return verdict(&c, "operator %d (%s): builtin operators take no custom options", OPNAME(i, op));
		if (opt && otype != options_type(op->code)) return verdict(&c, "operator %d (%s): options of type %ld, expected %d", OPNAME(i, op), (long)otype, options_type(op->code));
		if (ni < 1 || ni > 3 || no != 1) return verdict(&c, "operator %d (%s): %u inputs and %u outputs (1 to 3 inputs and 1 output supported)", OPNAME(i, op), (unsigned)ni, (unsigned)no);
		op->input_count = (int)ni;
		for (uint32_t k = 0; k < ni; k++) {
			int32_t t = (int32_t)rd32(bytes + ins + 4 * k);
			op->inputs[k] = t;
			if (t >= g->tensor_count || t < -1 || (t == -1 && k == 0)) return verdict(&c, "operator %d (%s): input %u is tensor %ld, out of range", OPNAME(i, op), (unsigned)k, (long)t);
		}
		int32_t t_out = (int32_t)rd32(bytes + outs);
		if (t_out < 0 || t_out >= g->tensor_count) return verdict(&c, "operator %d (%s): output is tensor %ld, out of range", OPNAME(i, op), (long)t_out);
		op->output = t_out;
		const md_tensor *x = &g->tensors[op->inputs[0]];
		if (x->type != MD_TYPE_INT8) return verdict(&c, "operator %d (%s): input tensor %d is not int8", OPNAME(i, op), op->inputs[0]);
		if (!x->data && !written[op->inputs[0]]) return verdict(&c, "operator %d (%s): reads tensor %d before any operator writes it", OPNAME(i, op), op->inputs[0]);
		if (g->tensors[t_out].data) return verdict(&c, "operator %d (%s): writes constant tensor %d", OPNAME(i, op), t_out);
		if (written[t_out]) return verdict(&c, "operator %d (%s): writes tensor %d, which %s", OPNAME(i, op), t_out, t_out == g->input ? "is the input" : "an earlier operator wrote");
		if (g->tensors[t_out].type != MD_TYPE_INT8) return verdict(&c, "operator %d (%s): output tensor %d is not int8", OPNAME(i, op), t_out);
		if (check_op(&c, g, i, op, opt)) return -1;
		written[t_out] = 1;
	}
	if (!written[g->output]) return verdict(&c, "output tensor %d is never written", g->output);

	size_t used = 0;
	for (int i = 0; i < g->tensor_count; i++) {
		if (g->tensors[i].data) continue;
		used += ((size_t)g->tensors[i].size + 3) & ~(size_t)3;
	}
	g->activation_bytes = used;
	if (used > MD_ARENA_BYTES) return verdict(&c, "activations need %lu bytes, more than the %d-byte arena", (unsigned long)used, MD_ARENA_BYTES);
	return 0;
}

int md_graph_weight_bytes(const md_graph *g) {
	int n = 0;
	for (int i = 0; i < g->tensor_count; i++) {
		const md_tensor *t = &g->tensors[i];
		if (t->data) n += t->size * (t->type == MD_TYPE_INT32 ? 4 : 1);
	}
	return n;
}

/* ---- Logits to the page-packed frame ---- */

static const uint8_t BAYER4[16] = { 0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5 };

void md_logits_to_frame(const int8_t *logits, int tiles, int32_t zero, float scale, int dither, uint8_t *frame) {
	if (tiles == MD_TILE && !dither) {
		/* Tiles, thresholded: cell (page, col)'s 64 logits are its 8 frame bytes, bit dy of byte dx
		 * set where logit dy*8+dx is above the zero point. No reorder pass, no pixel-order copy. */
		for (int page = 0; page < MF_HEIGHT / MD_TILE; page++) {
			for (int col = 0; col < MF_WIDTH / MD_TILE; col++) {
				const int8_t *t = logits + (page * (MF_WIDTH / MD_TILE) + col) * MD_TILE * MD_TILE;
				uint8_t *f = frame + page * MF_WIDTH + col * MD_TILE;
				/* The eight rows spelt out: constant shifts, no inner loop (this runs for every frame of a morph). */
				for (int dx = 0; dx < MD_TILE; dx++) {
					const int8_t *p = t + dx;
					f[dx] = (uint8_t)((unsigned)(p[0] > zero) | (unsigned)(p[8] > zero) << 1 | (unsigned)(p[16] > zero) << 2 | (unsigned)(p[24] > zero) << 3 |
					                  (unsigned)(p[32] > zero) << 4 | (unsigned)(p[40] > zero) << 5 | (unsigned)(p[48] > zero) << 6 | (unsigned)(p[56] > zero) << 7);
				}
			}
		}
		return;
	}
	memset(frame, 0, MF_FRAME_BYTES);
	for (int y = 0; y < MF_HEIGHT; y++) {
		for (int x = 0; x < MF_WIDTH; x++) {
			int at = tiles ? ((y / MD_TILE) * (MF_WIDTH / MD_TILE) + x / MD_TILE) * MD_TILE * MD_TILE + (y % MD_TILE) * MD_TILE + x % MD_TILE : y * MF_WIDTH + x;
			int32_t q = logits[at] - zero;
			int ink;
			if (!dither) ink = q > 0;
			else {
				/* Probability of ink from the logit, against the Bayer threshold (floats only in the
				 * dithered mode; the animator uses the threshold). */
				float p = 1.0f / (1.0f + expf(-(float)q * scale));
				ink = p * 16.0f > (float)BAYER4[(y & 3) * 4 + (x & 3)] + 0.5f;
			}
			if (ink) frame[(y >> 3) * MF_WIDTH + x] |= (uint8_t)(1 << (y & 7));
		}
	}
}
