// The TFLM backend behind backend.h, for the ESP32 (espressif/esp-tflite-micro with ESP-NN kernels):
// a MicroInterpreter with a MicroMutableOpResolver holding exactly model.h's MD_OPERATORS (the list
// the reference backend runs) and a static arena.
//
// Opening a model, in this order, each step with its own verdict:
//   1. model.c's structural check (md_graph_check), shared with the reference backend: a model it
//      refuses gets the same one-line verdict on both backends;
//   2. flatbuffers' Verifier (tflite::VerifyModelBuffer) on exactly `length` bytes, before TFLM reads
//      anything;
//   3. every Add*() of the resolver checked, and every operator of the model looked up in it;
//   4. AllocateTensors with TFLM's own messages (MicroPrintf, which ends in DebugLog's vfprintf to
//      stderr) captured into the verdict: an arena that is too small and any other failure read
//      differently.
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
alignas(16) uint8_t arena[MD_ARENA_BYTES];

// TFLM's messages while it prepares a model: DebugLog writes them to stderr, which is pointed at a
// memory stream for the duration (stderr is per task on ESP-IDF's newlib, a plain variable in glibc).
struct Capture {
	char text[MD_ERR_BYTES];
	FILE *saved;
	FILE *stream;
	void begin() {
		memset(text, 0, sizeof(text));
		saved = stderr;
		stream = fmemopen(text, sizeof(text) - 1, "w");
		if (stream) {
			setvbuf(stream, nullptr, _IONBF, 0);
			stderr = stream;
		}
	}
	// The captured text on one line.
	const char *end() {
		if (stream) {
			fflush(stream);
			stderr = saved;
			fclose(stream);
			stream = nullptr;
		}
		for (char *p = text; *p; p++)
			if (*p == '\n' || *p == '\r') *p = (p[1] ? ' ' : 0);
		return text[0] ? text : "no message from TFLM";
	}
};
}  // namespace

struct md_backend {
	md_graph graph;
	tflite::MicroMutableOpResolver<MD_OP_COUNT> resolver;  // exactly MD_OPERATORS (model.h)
	tflite::MicroInterpreter *interpreter;
	alignas(tflite::MicroInterpreter) uint8_t storage[sizeof(tflite::MicroInterpreter)];
};

static md_backend the_backend;  // one decoder at a time: the arena is static
static bool in_use = false;

// Registers MD_OPERATORS; the name of the first that fails, or nullptr.
static const char *register_ops(tflite::MicroMutableOpResolver<MD_OP_COUNT> &r) {
#define MD_TFLM_ADD(name, code, add) \
	if (r.add() != kTfLiteOk) return #name;
	MD_OPERATORS(MD_TFLM_ADD)
#undef MD_TFLM_ADD
	return nullptr;
}

extern "C" md_backend *md_backend_open(const uint8_t *model, size_t length, int latent, char *err, size_t n) {
	if (in_use) {
		snprintf(err, n, "the decoder is already open");
		return nullptr;
	}
	md_backend *b = new (&the_backend) md_backend();
	if (md_graph_check(&b->graph, model, length, latent, err, n)) return nullptr;
	flatbuffers::Verifier verifier(model, length);
	if (!tflite::VerifyModelBuffer(verifier)) {
		snprintf(err, n, "the FlatBuffer verifier refused the model's %lu bytes", (unsigned long)length);
		return nullptr;
	}
	if (const char *failed = register_ops(b->resolver)) {
		snprintf(err, n, "TFLM could not register its %s kernel", failed);
		return nullptr;
	}
	for (int i = 0; i < b->graph.op_count; i++) {
		int code = b->graph.ops[i].code;
		if (!b->resolver.FindOp(static_cast<tflite::BuiltinOperator>(code))) {
			snprintf(err, n, "operator %d (%s): TFLM has no kernel registered for it", i, md_op_name(code));
			return nullptr;
		}
	}
	const tflite::Model *m = tflite::GetModel(model);
	b->interpreter = new (b->storage) tflite::MicroInterpreter(m, b->resolver, arena, sizeof(arena));
	Capture capture;
	capture.begin();
	TfLiteStatus status = b->interpreter->AllocateTensors();
	const char *said = capture.end();
	if (status != kTfLiteOk) {
		if (strstr(said, "arena") || strstr(said, "Failed to resize buffer") || strstr(said, "Failed to allocate"))
			snprintf(err, n, "TFLM's %d-byte arena is too small for the model: %s", MD_ARENA_BYTES, said);
		else
			snprintf(err, n, "TFLM could not prepare the model: %s", said);
		b->interpreter->~MicroInterpreter();
		return nullptr;
	}
	TfLiteTensor *in = b->interpreter->input(0);
	TfLiteTensor *out = b->interpreter->output(0);
	const md_tensor *gin = &b->graph.tensors[b->graph.input];
	if (!in || !out || in->type != kTfLiteInt8 || out->type != kTfLiteInt8 || in->bytes != (size_t)gin->size || out->bytes != MF_PIXELS) {
		snprintf(err, n, "TFLM sees input tensor %d or output tensor %d differently from the check (%d int8 in, %d out expected)", b->graph.input, b->graph.output, (int)gin->size, MF_PIXELS);
		b->interpreter->~MicroInterpreter();
		return nullptr;
	}
	in_use = true;
	return b;
}

extern "C" void md_backend_close(md_backend *b) {
	if (b && in_use) {
		b->interpreter->~MicroInterpreter();
		in_use = false;
	}
}

extern "C" int md_backend_latent_size(const md_backend *b) { return (int)b->graph.tensors[b->graph.input].size; }

extern "C" int md_backend_decode(md_backend *b, const int8_t *latent, int8_t *logits) {
	// TFLM reuses the input tensor's arena memory, so the input is written before every Invoke().
	TfLiteTensor *in = b->interpreter->input(0);
	memcpy(in->data.int8, latent, in->bytes);
	if (b->interpreter->Invoke() != kTfLiteOk) return -1;
	memcpy(logits, b->interpreter->output(0)->data.int8, MF_PIXELS);
	return 0;
}

extern "C" int32_t md_backend_output_zero(const md_backend *b) { return b->interpreter->output(0)->params.zero_point; }
extern "C" float md_backend_output_scale(const md_backend *b) { return b->interpreter->output(0)->params.scale; }
extern "C" int md_backend_output_tiles(const md_backend *b) { return b->graph.output_tiles; }
extern "C" size_t md_backend_arena_used(const md_backend *b) { return b->interpreter->arena_used_bytes(); }
