// The TFLM decoder path on the emulated ESP32-S3: the project's native/decoder/backend_tflm.cc,
// compiled unchanged in this translation unit, so that the guest can read what the board's
// interpreter knows and the backend does not export:
//   - the arena TFLM really uses (MicroInterpreter::arena_used_bytes(): tensors, persistent data
//     and the scratch buffers ESP-NN's kernels ask for in Prepare), printed once after open;
//   - instructions per operator: each registered kernel's invoke is wrapped so that the shared
//     guest (tools/s3/decoder/main.c) gets md_profile_op(i) before operator i and
//     md_profile_op(op_count) after the last (what follows is TFLM's epilogue and the logits copy),
//     the same hook the reference backend calls.
// The backend's two entry points are renamed while the file is included and wrapped below; what
// they do is untouched.
//
// Why minima: QEMU's second CPU is not idle under -kernel (it spins on an exception vector: the
// insn plugin counts tens of millions of "cpu 1" instructions per run), and under -icount its
// time slices advance the shared virtual clock, so now and then a CCOUNT delta read on CPU 0
// includes a slice of CPU 1 (repeated runs of one image differ by ~1M ticks in one operator or
// another). The decode's instruction count does not depend on the latent, so the smallest delta
// over all latents is CPU 0's own count; the guest prints those ("S3 tflm min ...") besides
// main.c's sums.
#define md_backend_open md_tflm_open_unwrapped
#define md_backend_decode md_tflm_decode_unwrapped
#define md_backend_close md_tflm_close_unwrapped
#include "backend_tflm.cc"
#undef md_backend_open
#undef md_backend_decode
#undef md_backend_close

// runtime.h has no extern "C" of its own.
extern "C" {
#include "runtime.h"
}

extern "C" void md_profile_op(int i);  // tools/s3/decoder/main.c

namespace {
// The kernels' own invoke functions, by builtin code (all of the decoder's are below 128).
TfLiteStatus (*kernel_invoke[128])(TfLiteContext *, TfLiteNode *);
int next_op;
// Smallest CCOUNT delta seen per operator's invoke and per decode (see the top of the file).
uint32_t op_min[MD_MAX_OPS];
uint32_t decode_min;
int decodes;

TfLiteStatus profiled_invoke(TfLiteContext *context, TfLiteNode *node) {
	const md_graph &g = the_backend.graph;
	int i = next_op++;
	md_profile_op(i);
	uint32_t t0 = s3_ccount();
	TfLiteStatus status = kernel_invoke[g.ops[i].code](context, node);
	uint32_t t = s3_ccount() - t0;
	if (i < MD_MAX_OPS && (decodes == 0 || t < op_min[i])) op_min[i] = t;
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
			md_tflm_close_unwrapped(b);
			return nullptr;
		}
		if (r->invoke != profiled_invoke) {
			kernel_invoke[code] = r->invoke;
			r->invoke = profiled_invoke;
		}
	}
	s3_printf("S3 tflm arena_used=%u arena_size=%u\n", (unsigned)b->interpreter->arena_used_bytes(), (unsigned)sizeof(arena));
	return b;
}

extern "C" int md_backend_decode(md_backend *b, const int8_t *latent, int8_t *logits) {
	next_op = 0;
	uint32_t t0 = s3_ccount();
	int rc = md_tflm_decode_unwrapped(b, latent, logits);
	uint32_t t = s3_ccount() - t0;
	if (decodes == 0 || t < decode_min) decode_min = t;
	decodes++;
	return rc;
}

// The minima, printed when the guest closes the decoder (after main.c's own report).
extern "C" void md_backend_close(md_backend *b) {
	if (decodes) {
		s3_printf("S3 tflm min decode ticks=%u\n", (unsigned)decode_min);
		for (int i = 0; i < b->graph.op_count && i < MD_MAX_OPS; i++) s3_printf("S3 tflm min op %d %s ticks=%u\n", i, md_op_name(b->graph.ops[i].code), (unsigned)op_min[i]);
	}
	md_tflm_close_unwrapped(b);
}
