// The TFLM decoder path on the emulated ESP32-S3: the project's native/decoder/backend_tflm.cc,
// compiled unchanged in this translation unit, so that the guest can see the board's interpreter
// and count instructions per operator: each registered kernel's invoke is wrapped so that the
// shared guest (tools/s3/decoder/main.c) gets md_profile_op(i) before operator i and
// md_profile_op(op_count) after the last (what follows is TFLM's epilogue and the logits copy),
// the hook the reference backend calls. The arena figure is the backend's own
// md_backend_arena_used() (MicroInterpreter::arena_used_bytes(): tensors, persistent data and the
// scratch buffers ESP-NN's kernels ask for in Prepare).
// The backend's two entry points are renamed while the file is included and wrapped below; what
// they do is untouched.
#define md_backend_open md_tflm_open_unwrapped
#define md_backend_decode md_tflm_decode_unwrapped
#include "backend_tflm.cc"
#undef md_backend_open
#undef md_backend_decode

// runtime.h has no extern "C" of its own.
extern "C" {
#include "runtime.h"
}

extern "C" void md_profile_op(int i);  // tools/s3/decoder/main.c

namespace {
// The kernels' own invoke functions, by builtin code (all of the decoder's are below 128).
TfLiteStatus (*kernel_invoke[128])(TfLiteContext *, TfLiteNode *);
int next_op;

TfLiteStatus profiled_invoke(TfLiteContext *context, TfLiteNode *node) {
	const md_graph &g = the_backend.graph;
	int i = next_op++;
	md_profile_op(i);
	TfLiteStatus status = kernel_invoke[g.ops[i].code](context, node);
	if (i == g.op_count - 1) md_profile_op(g.op_count);
	return status;
}
}  // namespace

extern "C" md_backend *md_backend_open(const uint8_t *model, size_t length, int latent, char *err, size_t n) {
	md_backend *b = md_tflm_open_unwrapped(model, length, latent, err, n);
	if (!b) return b;
	// The interpreter holds pointers to the resolver's registrations (MicroAllocator looks each
	// operator up with FindOp), so wrapping them here wraps what Invoke() calls.
	for (int i = 0; i < b->graph.op_count; i++) {
		int code = b->graph.ops[i].code;
		TFLMRegistration *r = const_cast<TFLMRegistration *>(b->resolver.FindOp(static_cast<tflite::BuiltinOperator>(code)));
		if (code < 0 || code >= 128 || !r) {
			snprintf(err, n, "operator %d (%s): no registration to profile", i, md_op_name(code));
			md_backend_close(b);
			return nullptr;
		}
		if (r->invoke != profiled_invoke) {
			kernel_invoke[code] = r->invoke;
			r->invoke = profiled_invoke;
		}
	}
	return b;
}

extern "C" int md_backend_decode(md_backend *b, const int8_t *latent, int8_t *logits) {
	next_op = 0;
	return md_tflm_decode_unwrapped(b, latent, logits);
}
