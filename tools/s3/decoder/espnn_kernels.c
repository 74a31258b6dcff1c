/*
 * ESP-NN's esp32s3 kernels inside the C reference backend (issue 18, path "reference+esp-nn"): the
 * reference decoder's md_external_kernel hook (native/decoder/decoder.c, MD_EXTERNAL_KERNELS) runs
 * FULLY_CONNECTED and CONV_2D through esp_nn_fully_connected[_per_ch]_s8 and esp_nn_conv_s8 with the
 * arguments esp-tflite-micro's esp_nn kernels pass (kernels/esp_nn/fully_connected.cc, conv.cc),
 * so that these kernels' output can be checked against the host bit for bit. The other operators
 * stay the reference's. Activations are 16-byte aligned (MD_ACTIVATION_ALIGN=16) as TFLM's arena
 * aligns them.
 */
#include "decoder.h"
#include "runtime.h"

#include <esp_nn.h>

/* ESP-NN wants int32 shifts and multipliers; the reference keeps int8 shifts. One table per
 * operator, filled on its first run. */
#define QUANT_WORDS 8192
static int32_t quant_pool[QUANT_WORDS];
static int quant_used;
static int32_t *quant_mult[MD_MAX_OPS], *quant_shift[MD_MAX_OPS];

/* The conv kernels' scratch (esp_nn_get_conv_scratch_size), 16-byte aligned like TFLM's arena. */
#define SCRATCH_BYTES (16 * 1024)
static uint8_t scratch[SCRATCH_BYTES] __attribute__((aligned(16)));
static int scratch_peak;
int md_s3_scratch_bytes(void) { return scratch_peak; }

static void tables(md_model *m, const md_op *op, int channels) {
	int k = (int)(op - m->g.ops);
	if (quant_mult[k]) return;
	if (quant_used + 2 * channels > QUANT_WORDS) {
		s3_printf("S3 error espnn_kernels.c: QUANT_WORDS too small for %d channels\n", channels);
		s3_exit(4);
	}
	quant_mult[k] = quant_pool + quant_used;
	quant_shift[k] = quant_pool + quant_used + channels;
	quant_used += 2 * channels;
	for (int c = 0; c < channels; c++) {
		quant_mult[k][c] = op->multiplier[c];
		quant_shift[k][c] = op->shift[c];
	}
}

int md_external_kernel(md_model *m, const md_op *op) {
	const md_tensor *in = &m->g.tensors[op->inputs[0]], *w = &m->g.tensors[op->inputs[1]], *out = &m->g.tensors[op->output];
	const int32_t *bias = op->input_count >= 3 && op->inputs[2] >= 0 ? (const int32_t *)(const void *)m->g.tensors[op->inputs[2]].data : 0;
	int k = (int)(op - m->g.ops);
	if (op->code == MD_OP_FULLY_CONNECTED) {
		int units = w->dims[0], depth = w->dims[1];
		int per_channel = w->scale_count > 1;
		tables(m, op, per_channel ? units : 1);
		const int8_t *x = md_tensor_bytes(m, op->inputs[0]);
		int8_t *y = md_activation(m, op->output);
		/* Symmetric weights: filter offset 0, as TFLM passes -filter_zero_point. */
		if (per_channel)
			esp_nn_fully_connected_per_ch_s8(x, -in->zero_point, (uint16_t)depth, (const int8_t *)w->data, 0, bias, y, (uint16_t)units, out->zero_point, quant_shift[k], quant_mult[k], op->act_min, op->act_max);
		else
			esp_nn_fully_connected_s8(x, -in->zero_point, (uint16_t)depth, (const int8_t *)w->data, 0, bias, y, (uint16_t)units, out->zero_point, quant_shift[k][0], quant_mult[k][0], op->act_min, op->act_max);
		return 1;
	}
	if (op->code == MD_OP_CONV_2D && op->dilation_w == 1 && op->dilation_h == 1 && w->scale_count == out->dims[3]) {
		tables(m, op, out->dims[3]);
		data_dims_t input_dims = { .width = in->dims[2], .height = in->dims[1], .channels = in->dims[3], .extra = 1 };
		data_dims_t output_dims = { .width = out->dims[2], .height = out->dims[1], .channels = out->dims[3], .extra = 1 };
		data_dims_t filter_dims = { .width = w->dims[2], .height = w->dims[1], .channels = w->dims[3], .extra = 0 };
		conv_params_t params = {
			.in_offset = -in->zero_point, .out_offset = out->zero_point,
			.stride = { op->stride_w, op->stride_h }, .padding = { op->pad_w, op->pad_h },
			.dilation = { 0, 0 }, .activation = { op->act_min, op->act_max },
		};
		int need = esp_nn_get_conv_scratch_size(&input_dims, &filter_dims, &output_dims, &params);
		if (need > SCRATCH_BYTES) {
			s3_printf("S3 error espnn_kernels.c: the conv needs %d bytes of scratch, SCRATCH_BYTES is %d\n", need, SCRATCH_BYTES);
			s3_exit(4);
		}
		if (need > scratch_peak) scratch_peak = need;
		esp_nn_set_conv_scratch_buf(need > 0 ? scratch : 0);
		quant_data_t quant = { .shift = quant_shift[k], .mult = quant_mult[k] };
		esp_nn_conv_s8(&input_dims, md_tensor_bytes(m, op->inputs[0]), &filter_dims, (const int8_t *)w->data, bias, &output_dims, md_activation(m, op->output), &params, &quant);
		return 1;
	}
	return 0;
}
