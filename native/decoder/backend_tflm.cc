// The TFLM backend behind backend.h, for the ESP32 (espressif/esp-tflite-micro with ESP-NN kernels):
// a MicroInterpreter with a MicroMutableOpResolver holding only the decoder's four ops (a model with
// any other op fails AllocateTensors with a clear message) and a static arena.
// mcconfig compiles C++ outside CMake, so TF_LITE_STATIC_MEMORY is defined here.
#ifndef TF_LITE_STATIC_MEMORY
#define TF_LITE_STATIC_MEMORY
#endif

#include <new>
#include <stdio.h>
#include <string.h>

#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/schema/schema_generated.h"

#include "backend.h"

namespace {
constexpr size_t kArenaBytes = 64 * 1024;
alignas(16) uint8_t arena[kArenaBytes];
}  // namespace

struct md_backend {
	tflite::MicroMutableOpResolver<4> resolver;  // exactly the decoder's ops (docs/decoder.md)
	tflite::MicroInterpreter *interpreter;
	alignas(tflite::MicroInterpreter) uint8_t storage[sizeof(tflite::MicroInterpreter)];
};

static md_backend the_backend;  // one decoder at a time: the arena is static
static bool in_use = false;

extern "C" md_backend *md_backend_open(const uint8_t *model, size_t length, char *err, size_t n) {
	(void)length;
	if (in_use) {
		snprintf(err, n, "the TFLM decoder is already open");
		return nullptr;
	}
	const tflite::Model *m = tflite::GetModel(model);
	if (!tflite::ModelBufferHasIdentifier(model)) {
		snprintf(err, n, "not a TFLite model (no TFL3 identifier)");
		return nullptr;
	}
	if (m->version() != TFLITE_SCHEMA_VERSION) {
		snprintf(err, n, "schema version %d, expected %d", (int)m->version(), TFLITE_SCHEMA_VERSION);
		return nullptr;
	}
	md_backend *b = new (&the_backend) md_backend();
	b->resolver.AddFullyConnected();
	b->resolver.AddConv2D();
	b->resolver.AddReshape();
	b->resolver.AddDepthToSpace();
	b->interpreter = new (b->storage) tflite::MicroInterpreter(m, b->resolver, arena, kArenaBytes);
	if (b->interpreter->AllocateTensors() != kTfLiteOk) {
		snprintf(err, n, "TFLM could not allocate the model: an unsupported op or an arena smaller than it needs");
		return nullptr;
	}
	TfLiteTensor *in = b->interpreter->input(0);
	TfLiteTensor *out = b->interpreter->output(0);
	if (in->type != kTfLiteInt8 || out->type != kTfLiteInt8 || out->bytes != 64 * 128) {
		snprintf(err, n, "expected an int8 input and a 64x128 int8 output");
		return nullptr;
	}
	in_use = true;
	return b;
}

extern "C" void md_backend_close(md_backend *b) {
	if (b) {
		b->interpreter->~MicroInterpreter();
		in_use = false;
	}
}

extern "C" int md_backend_latent_size(const md_backend *b) { return (int)b->interpreter->input(0)->bytes; }

extern "C" int md_backend_decode(md_backend *b, const int8_t *latent, int8_t *logits) {
	// TFLM reuses the input tensor's arena memory, so the input is written before every Invoke().
	TfLiteTensor *in = b->interpreter->input(0);
	memcpy(in->data.int8, latent, in->bytes);
	if (b->interpreter->Invoke() != kTfLiteOk) return -1;
	memcpy(logits, b->interpreter->output(0)->data.int8, 64 * 128);
	return 0;
}

extern "C" int32_t md_backend_output_zero(const md_backend *b) { return b->interpreter->output(0)->params.zero_point; }
extern "C" float md_backend_output_scale(const md_backend *b) { return b->interpreter->output(0)->params.scale; }
