/*
 * Portable int8 reference backend of the latent decoder (see decoder.h and docs/decoder.md).
 * The arithmetic follows TFLM's reference kernels (tensorflow/lite/kernels/internal/reference/
 * integer_ops and common.h): QuantizeMultiplier from double scales, MultiplyByQuantizedMultiplier
 * with SaturatingRoundingDoublingHighMul and RoundingDivideByPOT, so the outputs are bit-identical
 * to the TFLM interpreter's, which the oracle suite checks.
 */
#include "decoder.h"
#include "backend.h"

#include <math.h>
#include <string.h>
#include <stdio.h>

enum { OP_CONV_2D = 3, OP_DEPTHWISE_CONV_2D = 4, OP_DEPTH_TO_SPACE = 5, OP_FULLY_CONNECTED = 9, OP_RESHAPE = 22, OP_RESIZE_NEAREST_NEIGHBOR = 97 };
enum { TYPE_INT32 = 2, TYPE_INT8 = 9 };

/* ---- FlatBuffer reading (little-endian, in place) ---- */

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24); }
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

typedef struct {
	const uint8_t *base;
	size_t length;
	int bad;
} fb;

static int fb_ok(fb *f, size_t pos, size_t n) {
	if (pos > f->length || n > f->length - pos) { f->bad = 1; return 0; }
	return 1;
}

/* Position of the table's field `field` (0-based), or 0 if absent. */
static size_t fb_field(fb *f, size_t table, int field) {
	if (!table || !fb_ok(f, table, 4)) return 0;
	int32_t soff = (int32_t)rd32(f->base + table);
	size_t vt = (size_t)((int64_t)table - soff);
	if (!fb_ok(f, vt, 4)) return 0;
	uint16_t vsize = rd16(f->base + vt);
	if ((size_t)(4 + 2 * field + 2) > vsize || !fb_ok(f, vt, vsize)) return 0;
	uint16_t off = rd16(f->base + vt + 4 + 2 * field);
	if (!off) return 0;
	if (!fb_ok(f, table, (size_t)off + 1)) return 0;
	return table + off;
}

static size_t fb_deref(fb *f, size_t pos) {
	if (!pos || !fb_ok(f, pos, 4)) return 0;
	size_t t = pos + rd32(f->base + pos);
	if (!fb_ok(f, t, 4)) return 0;
	return t;
}

static size_t fb_table(fb *f, size_t table, int field) { return fb_deref(f, fb_field(f, table, field)); }

/* A vector field: returns the position of its first element and its length in *n. */
static size_t fb_vector(fb *f, size_t table, int field, uint32_t *n, size_t elem) {
	size_t v = fb_table(f, table, field);
	*n = 0;
	if (!v) return 0;
	uint32_t count = rd32(f->base + v);
	if (!fb_ok(f, v + 4, (size_t)count * elem)) { *n = 0; return 0; }
	*n = count;
	return v + 4;
}

static int32_t fb_int(fb *f, size_t table, int field, int size, int32_t dflt) {
	size_t p = fb_field(f, table, field);
	if (!p || !fb_ok(f, p, (size_t)size)) return dflt;
	if (size == 1) return (int32_t)(int8_t)f->base[p];
	if (size == 2) return (int32_t)(int16_t)rd16(f->base + p);
	return (int32_t)rd32(f->base + p);
}

static size_t fb_vector_table(fb *f, size_t vec, uint32_t i) { return fb_deref(f, vec + 4 * (size_t)i); }

/* ---- TFLM quantization arithmetic ---- */

static void quantize_multiplier(double m, int32_t *q, int *shift) {
	if (m == 0.0) { *q = 0; *shift = 0; return; }
	double s = frexp(m, shift);
	int64_t fixed = (int64_t)round(s * (double)(1LL << 31));
	if (fixed == (1LL << 31)) { fixed /= 2; ++*shift; }
	if (*shift < -31) { *shift = 0; fixed = 0; }
	*q = (int32_t)fixed;
}

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

static int32_t mbqm(int32_t x, int32_t q, int shift) {
	int left = shift > 0 ? shift : 0;
	int right = shift > 0 ? 0 : -shift;
	return rdbpot(srdhm(x * (1 << left), q), right);
}

static float scale_at(const md_tensor *t, int i) {
	if (t->scale_count <= 1) return t->scale;
	float v;
	uint32_t bits = rd32(t->scales + 4 * i);
	memcpy(&v, &bits, 4);
	return v;
}

/* ---- Model loading ---- */

static int fail(char *err, size_t n, const char *msg, int a) {
	if (err && n) snprintf(err, n, msg, a);
	return -1;
}

static int load_tensor(fb *f, size_t buffers, uint32_t buffer_count, size_t t, md_tensor *out) {
	memset(out, 0, sizeof(*out));
	uint32_t rank;
	size_t shape = fb_vector(f, t, 0, &rank, 4);
	if (rank > 4) return -1;
	out->rank = (int)rank;
	out->size = 1;
	for (uint32_t i = 0; i < rank; i++) {
		out->dims[i] = (int32_t)rd32(f->base + shape + 4 * i);
		if (out->dims[i] <= 0) return -1;
		out->size *= out->dims[i];
	}
	out->type = fb_int(f, t, 1, 1, 0);
	uint32_t buffer = (uint32_t)fb_int(f, t, 2, 4, 0);
	out->offset = -1;
	if (buffer && buffer < buffer_count) {
		size_t b = fb_vector_table(f, buffers, buffer);
		uint32_t n;
		size_t data = fb_vector(f, b, 0, &n, 1);
		if (n) out->data = f->base + data;
		if (n && n != (uint32_t)(out->size * (out->type == TYPE_INT32 ? 4 : 1))) return -1;
	}
	size_t q = fb_table(f, t, 4);
	if (q) {
		uint32_t ns, nz;
		size_t scales = fb_vector(f, q, 2, &ns, 4);
		size_t zeros = fb_vector(f, q, 3, &nz, 8);
		if (ns) {
			uint32_t bits = rd32(f->base + scales);
			out->scales = f->base + scales;
			out->scale_count = (int)ns;
			memcpy(&out->scale, &bits, 4);
		}
		if (nz) out->zero_point = (int32_t)rd32(f->base + zeros);
	}
	return 0;
}

static void activation_range(md_op *op, const md_tensor *out) {
	int32_t lo = -128, hi = 127;
	if (op->activation == 1 || op->activation == 3) {
		int32_t z = out->zero_point;
		if (z > lo) lo = z;
		if (op->activation == 3) {
			int32_t six = z + (int32_t)round(6.0f / out->scale);
			if (six < hi) hi = six;
		}
	}
	op->act_min = lo;
	op->act_max = hi;
}

int md_model_init(md_model *m, const uint8_t *bytes, size_t length, uint8_t *arena, size_t arena_size, char *err, size_t n) {
	memset(m, 0, sizeof(*m));
	fb f = { bytes, length, 0 };
	if (length < 8 || memcmp(bytes + 4, "TFL3", 4) != 0) return fail(err, n, "not a TFLite model (no TFL3 identifier)%.0d", 0);
	size_t model = rd32(bytes); /* the root table offset sits at position 0 */
	if (!fb_ok(&f, model, 4)) return fail(err, n, "truncated model%.0d", 0);
	uint32_t code_count, subgraph_count, buffer_count;
	size_t codes = fb_vector(&f, model, 1, &code_count, 4);
	size_t subgraphs = fb_vector(&f, model, 2, &subgraph_count, 4);
	size_t buffers = fb_vector(&f, model, 4, &buffer_count, 4);
	if (f.bad || subgraph_count != 1) return fail(err, n, "expected one subgraph, found %d", (int)subgraph_count);
	size_t sg = fb_vector_table(&f, subgraphs, 0);
	uint32_t tensor_count, op_count, nin, nout;
	size_t tensors = fb_vector(&f, sg, 0, &tensor_count, 4);
	size_t inputs = fb_vector(&f, sg, 1, &nin, 4);
	size_t outputs = fb_vector(&f, sg, 2, &nout, 4);
	size_t ops = fb_vector(&f, sg, 3, &op_count, 4);
	if (f.bad || tensor_count > MD_MAX_TENSORS) return fail(err, n, "%d tensors (at most 32 supported)", (int)tensor_count);
	if (op_count == 0 || op_count > MD_MAX_OPS) return fail(err, n, "%d operators (1 to 16 supported)", (int)op_count);
	if (nin != 1 || nout != 1) return fail(err, n, "expected one input and one output, found %d inputs", (int)nin);
	m->tensor_count = (int)tensor_count;
	for (uint32_t i = 0; i < tensor_count; i++) {
		if (load_tensor(&f, buffers, buffer_count, fb_vector_table(&f, tensors, i), &m->tensors[i]) || f.bad) return fail(err, n, "tensor %d is malformed", (int)i);
	}
	m->input = (int)rd32(bytes + inputs);
	m->output = (int)rd32(bytes + outputs);
	if (m->input < 0 || m->input >= m->tensor_count || m->output < 0 || m->output >= m->tensor_count) return fail(err, n, "input or output tensor index out of range%.0d", 0);
	if (m->tensors[m->input].type != TYPE_INT8 || m->tensors[m->output].type != TYPE_INT8) return fail(err, n, "input and output must be int8 (full-integer model)%.0d", 0);
	if (m->tensors[m->output].size != MD_WIDTH * MD_HEIGHT) return fail(err, n, "output has %d elements, expected 8192 (64x128)", (int)m->tensors[m->output].size);

	/* Activations get arena space in operator order; constants stay in the model bytes. */
	m->arena = arena;
	m->arena_size = arena_size;
	size_t used = 0;
	for (int i = 0; i < m->tensor_count; i++) {
		md_tensor *t = &m->tensors[i];
		if (t->data) continue;
		if (t->type != TYPE_INT8) return fail(err, n, "activation tensor %d is not int8", i);
		t->offset = (int32_t)used;
		used += ((size_t)t->size + 3) & ~(size_t)3;
	}
	if (used > arena_size) return fail(err, n, "arena too small: the model needs %d bytes", (int)used);

	m->op_count = (int)op_count;
	for (uint32_t i = 0; i < op_count; i++) {
		size_t o = fb_vector_table(&f, ops, i);
		md_op *op = &m->ops[i];
		memset(op, 0, sizeof(*op));
		uint32_t opcode = (uint32_t)fb_int(&f, o, 0, 4, 0);
		if (opcode >= code_count) return fail(err, n, "operator %d has no operator code", (int)i);
		size_t oc = fb_vector_table(&f, codes, opcode);
		int32_t deprecated = fb_int(&f, oc, 0, 1, 0);
		int32_t builtin = fb_int(&f, oc, 3, 4, 0);
		op->code = builtin > deprecated ? builtin : deprecated;
		uint32_t ni, no;
		size_t ins = fb_vector(&f, o, 1, &ni, 4);
		size_t outs = fb_vector(&f, o, 2, &no, 4);
		if (ni < 1 || ni > 3 || no != 1) return fail(err, n, "operator %d has an unexpected number of inputs or outputs", (int)i);
		op->input_count = (int)ni;
		for (uint32_t k = 0; k < ni; k++) {
			op->inputs[k] = (int32_t)rd32(bytes + ins + 4 * k);
			if (op->inputs[k] >= m->tensor_count || (op->inputs[k] < 0 && k < 2)) return fail(err, n, "operator %d input out of range", (int)i);
		}
		op->output = (int32_t)rd32(bytes + outs);
		if (op->output < 0 || op->output >= m->tensor_count) return fail(err, n, "operator %d output out of range", (int)i);
		size_t opt = fb_table(&f, o, 4);
		const md_tensor *in = &m->tensors[op->inputs[0]];
		const md_tensor *out = &m->tensors[op->output];
		if (in->type != TYPE_INT8 || out->type != TYPE_INT8) return fail(err, n, "operator %d is not int8", (int)i);
		switch (op->code) {
		case OP_FULLY_CONNECTED:
		case OP_CONV_2D:
		case OP_DEPTHWISE_CONV_2D: {
			if (ni < 2) return fail(err, n, "operator %d has no weights", (int)i);
			const md_tensor *w = &m->tensors[op->inputs[1]];
			if (!w->data || w->type != TYPE_INT8) return fail(err, n, "operator %d weights are not constant int8", (int)i);
			if (ni == 3 && op->inputs[2] >= 0 && (!m->tensors[op->inputs[2]].data || m->tensors[op->inputs[2]].type != TYPE_INT32)) return fail(err, n, "operator %d bias is not constant int32", (int)i);
			/* One multiplier per output channel when the weights are quantized per channel, else one. */
			int channels = w->scale_count > 1 ? w->scale_count : 1;
			if (channels > MD_MAX_CHANNELS) return fail(err, n, "operator %d has more than 4096 per-channel scales", (int)i);
			size_t need = (size_t)channels * 5;
			if (used + need > arena_size) return fail(err, n, "arena too small for the requantization tables (needs %d bytes)", (int)(used + need));
			op->multiplier = (int32_t *)(arena + used);
			op->shift = (int8_t *)(arena + used + (size_t)channels * 4);
			used += (need + 3) & ~(size_t)3;
			if (op->code == OP_FULLY_CONNECTED) {
				op->activation = fb_int(&f, opt, 0, 1, 0);
			} else {
				op->padding = fb_int(&f, opt, 0, 1, 0);
				op->stride_w = fb_int(&f, opt, 1, 4, 1);
				op->stride_h = fb_int(&f, opt, 2, 4, 1);
				if (op->code == OP_CONV_2D) {
					op->activation = fb_int(&f, opt, 3, 1, 0);
					op->dilation_w = fb_int(&f, opt, 4, 4, 1);
					op->dilation_h = fb_int(&f, opt, 5, 4, 1);
				} else {
					op->depth_multiplier = fb_int(&f, opt, 3, 4, 1);
					op->activation = fb_int(&f, opt, 4, 1, 0);
					op->dilation_w = fb_int(&f, opt, 5, 4, 1);
					op->dilation_h = fb_int(&f, opt, 6, 4, 1);
				}
			}
			if (op->activation != 0 && op->activation != 1 && op->activation != 3) return fail(err, n, "operator %d uses an unsupported fused activation", (int)i);
			for (int c = 0; c < channels; c++) {
				double real = (double)in->scale * (double)scale_at(w, w->scale_count > 1 ? c : 0) / (double)out->scale;
				int shift;
				quantize_multiplier(real, &op->multiplier[c], &shift);
				op->shift[c] = (int8_t)shift;
			}
			activation_range(op, out);
			break;
		}
		case OP_RESHAPE:
			if (in->size != out->size) return fail(err, n, "operator %d reshapes to a different size", (int)i);
			break;
		case OP_DEPTH_TO_SPACE:
			op->block_size = fb_int(&f, opt, 0, 4, 0);
			if (op->block_size < 2 || in->rank != 4 || out->rank != 4) return fail(err, n, "operator %d: bad DEPTH_TO_SPACE", (int)i);
			break;
		case OP_RESIZE_NEAREST_NEIGHBOR:
			op->align_corners = fb_int(&f, opt, 0, 1, 0);
			op->half_pixel_centers = fb_int(&f, opt, 1, 1, 0);
			break;
		default:
			return fail(err, n, "unsupported operator (builtin code %d)", op->code);
		}
		if (f.bad) return fail(err, n, "operator %d is malformed", (int)i);
	}
	m->arena_used = used;
	return 0;
}

int md_latent_size(const md_model *m) { return m->tensors[m->input].size; }

const char *md_op_name(int code) {
	switch (code) {
	case OP_CONV_2D: return "CONV_2D";
	case OP_DEPTHWISE_CONV_2D: return "DEPTHWISE_CONV_2D";
	case OP_DEPTH_TO_SPACE: return "DEPTH_TO_SPACE";
	case OP_FULLY_CONNECTED: return "FULLY_CONNECTED";
	case OP_RESHAPE: return "RESHAPE";
	case OP_RESIZE_NEAREST_NEIGHBOR: return "RESIZE_NEAREST_NEIGHBOR";
	default: return "UNSUPPORTED";
	}
}

int md_weight_bytes(const md_model *m) {
	int n = 0;
	for (int i = 0; i < m->tensor_count; i++) {
		const md_tensor *t = &m->tensors[i];
		if (t->data && i != m->input) n += t->size * (t->type == TYPE_INT32 ? 4 : 1);
	}
	return n;
}

/* ---- Kernels ---- */

static int8_t *act(md_model *m, int i) { return (int8_t *)(m->arena + m->tensors[i].offset); }
static const int8_t *src(md_model *m, int i) { return m->tensors[i].data ? (const int8_t *)m->tensors[i].data : act(m, i); }
static int32_t bias_at(const md_model *m, const md_op *op, int c) {
	if (op->input_count < 3 || op->inputs[2] < 0) return 0;
	return (int32_t)rd32(m->tensors[op->inputs[2]].data + 4 * c);
}
static int8_t clamp8(int32_t v, int32_t lo, int32_t hi) { return (int8_t)(v < lo ? lo : v > hi ? hi : v); }

static void fully_connected(md_model *m, const md_op *op) {
	const md_tensor *in = &m->tensors[op->inputs[0]], *w = &m->tensors[op->inputs[1]], *out = &m->tensors[op->output];
	const int8_t *x = src(m, op->inputs[0]);
	const int8_t *wt = (const int8_t *)w->data;
	int8_t *y = act(m, op->output);
	int depth = w->dims[1], units = w->dims[0];
	int32_t in_off = -in->zero_point, out_off = out->zero_point;
	for (int u = 0; u < units; u++) {
		int32_t acc = 0;
		for (int d = 0; d < depth; d++) acc += (x[d] + in_off) * wt[u * depth + d];
		acc += bias_at(m, op, u);
		int c = w->scale_count > 1 ? u : 0;
		y[u] = clamp8(mbqm(acc, op->multiplier[c], op->shift[c]) + out_off, op->act_min, op->act_max);
	}
	m->macs += (uint64_t)units * depth;
}

static int same_pad(int stride, int dilation, int in, int filter, int out) {
	int eff = (filter - 1) * dilation + 1;
	int total = (out - 1) * stride + eff - in;
	return total > 0 ? total / 2 : 0;
}

static void conv(md_model *m, const md_op *op, int depthwise) {
	const md_tensor *in = &m->tensors[op->inputs[0]], *w = &m->tensors[op->inputs[1]], *out = &m->tensors[op->output];
	const int8_t *x = src(m, op->inputs[0]);
	const int8_t *wt = (const int8_t *)w->data;
	int8_t *y = act(m, op->output);
	int ih = in->dims[1], iw = in->dims[2], ic = in->dims[3];
	int oh = out->dims[1], ow = out->dims[2], oc = out->dims[3];
	int fh = w->dims[1], fw = w->dims[2];
	int pad_h = op->padding == 0 ? same_pad(op->stride_h, op->dilation_h, ih, fh, oh) : 0;
	int pad_w = op->padding == 0 ? same_pad(op->stride_w, op->dilation_w, iw, fw, ow) : 0;
	int32_t in_off = -in->zero_point, out_off = out->zero_point;
	for (int oy = 0; oy < oh; oy++) {
		for (int ox = 0; ox < ow; ox++) {
			for (int c = 0; c < oc; c++) {
				int32_t acc = 0;
				int y0 = oy * op->stride_h - pad_h, x0 = ox * op->stride_w - pad_w;
				for (int ky = 0; ky < fh; ky++) {
					int yy = y0 + op->dilation_h * ky;
					if (yy < 0 || yy >= ih) continue;
					for (int kx = 0; kx < fw; kx++) {
						int xx = x0 + op->dilation_w * kx;
						if (xx < 0 || xx >= iw) continue;
						if (depthwise) {
							int ci = c / op->depth_multiplier;
							acc += wt[(ky * fw + kx) * oc + c] * (x[(yy * iw + xx) * ic + ci] + in_off);
						} else {
							const int8_t *xp = &x[(yy * iw + xx) * ic];
							const int8_t *wp = &wt[((c * fh + ky) * fw + kx) * ic];
							for (int k = 0; k < ic; k++) acc += wp[k] * (xp[k] + in_off);
						}
					}
				}
				acc += bias_at(m, op, c);
				int q = w->scale_count > 1 ? c : 0;
				y[(oy * ow + ox) * oc + c] = clamp8(mbqm(acc, op->multiplier[q], op->shift[q]) + out_off, op->act_min, op->act_max);
			}
		}
	}
	m->macs += (uint64_t)oh * ow * oc * fh * fw * (depthwise ? 1 : ic);
}

static void depth_to_space(md_model *m, const md_op *op) {
	const md_tensor *in = &m->tensors[op->inputs[0]], *out = &m->tensors[op->output];
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
	const md_tensor *in = &m->tensors[op->inputs[0]], *out = &m->tensors[op->output];
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
	memcpy(act(m, m->input), latent, (size_t)m->tensors[m->input].size);
	m->macs = 0;
	for (int i = 0; i < m->op_count; i++) {
		const md_op *op = &m->ops[i];
		switch (op->code) {
		case OP_FULLY_CONNECTED: fully_connected(m, op); break;
		case OP_CONV_2D: conv(m, op, 0); break;
		case OP_DEPTHWISE_CONV_2D: conv(m, op, 1); break;
		case OP_RESHAPE: memcpy(act(m, op->output), src(m, op->inputs[0]), (size_t)m->tensors[op->output].size); break;
		case OP_DEPTH_TO_SPACE: depth_to_space(m, op); break;
		case OP_RESIZE_NEAREST_NEIGHBOR: resize_nearest(m, op); break;
		default: return -1;
		}
	}
	if (logits) memcpy(logits, act(m, m->output), MD_WIDTH * MD_HEIGHT);
	return 0;
}

static const uint8_t BAYER4[16] = { 0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5 };

void md_logits_to_frame(const int8_t *logits, int32_t zero, float scale, int dither, uint8_t *frame) {
	memset(frame, 0, MD_FRAME_BYTES);
	for (int y = 0; y < MD_HEIGHT; y++) {
		for (int x = 0; x < MD_WIDTH; x++) {
			int32_t q = logits[y * MD_WIDTH + x] - zero;
			int ink;
			if (!dither) ink = q > 0;
			else {
				/* Probability of ink from the logit, against the Bayer threshold (floats only in the
				 * dithered mode; the animator uses the threshold). */
				float p = 1.0f / (1.0f + expf(-(float)q * scale));
				ink = p * 16.0f > (float)BAYER4[(y & 3) * 4 + (x & 3)] + 0.5f;
			}
			if (ink) frame[(y >> 3) * MD_WIDTH + x] |= (uint8_t)(1 << (y & 7));
		}
	}
}

void md_to_frame(const md_model *m, const int8_t *logits, int dither, uint8_t *frame) {
	const md_tensor *out = &m->tensors[m->output];
	md_logits_to_frame(logits, out->zero_point, out->scale, dither, frame);
}

int md_decode(md_model *m, const int8_t *latent, int dither, uint8_t *frame) {
	if (md_decode_logits(m, latent, NULL)) return -1;
	md_to_frame(m, act(m, m->output), dither, frame);
	return 0;
}
